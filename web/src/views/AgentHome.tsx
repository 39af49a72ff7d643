// An agent's start page: my live status (with the control to change it), my figures today and
// this week, my latest calls.
import { api, queryString } from '../api/client';
import type { Call, Page } from '../api/types';
import { useAsync } from '../components/async';
import { DataTable, Empty, ErrorBox, Loading, PageHeader, useFocusTitle } from '../components/ui';
import { formatDate, formatDuration, formatShortDateTime, formatNumber, humanize, mondayOf, zonedDate, zonedToUtc } from '../lib/format';
import { session } from '../state/session';
import { timeZone } from '../state/prefs';
import { useStore } from '../state/store';
import { MyStatus } from '../live/MyStatus';
import { myKpis, type MyKpis } from './home/kpis';

const MAX_PAGES = 10; // 5,000 calls: more than any agent handles in a week

async function callsSince(from: Date, signal: AbortSignal): Promise<Call[]> {
  const out: Call[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page: Page<Call> = await api.get<Page<Call>>('/api/v1/calls' + queryString({ from: from.toISOString(), limit: 500, cursor }), signal);
    out.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return out;
}

function KpiCard(props: { title: string; k: MyKpis }) {
  const { k } = props;
  return (
    <section class="card kpi-card" aria-label={props.title}>
      <h2>{props.title}</h2>
      <dl class="kpis">
        <div>
          <dt>Calls answered</dt>
          <dd>{formatNumber(k.answered)}</dd>
        </div>
        <div>
          <dt>Average handling time</dt>
          <dd>{formatDuration(k.aht_s)}</dd>
        </div>
        <div>
          <dt>Talk time</dt>
          <dd>{formatDuration(k.talk_s)}</dd>
        </div>
        <div>
          <dt>Average hold</dt>
          <dd>{formatDuration(k.avg_hold_s)}</dd>
        </div>
        <div>
          <dt>Transfers</dt>
          <dd>{formatNumber(k.transfers)}</dd>
        </div>
        <div>
          <dt>Callers' average wait</dt>
          <dd>{formatDuration(k.avg_wait_s)}</dd>
        </div>
      </dl>
    </section>
  );
}

export default function AgentHome() {
  useFocusTitle();
  const tz = useStore(timeZone);
  const me = session.me();
  const today = zonedDate(tz);
  const week = mondayOf(today);
  const data = useAsync(
    async (signal) => {
      const weekStart = zonedToUtc(week, tz)!;
      const dayStart = zonedToUtc(today, tz)!;
      const calls = await callsSince(weekStart, signal);
      const todays = calls.filter((c) => Date.parse(c.started_at) >= dayStart.getTime());
      return { calls, today: myKpis(todays), week: myKpis(calls) };
    },
    [tz, today],
  );
  return (
    <>
      <PageHeader title={`Hello, ${me?.user?.name ?? ''}`.trim()} description={`Your figures in ${tz}; the week began on ${formatDate(zonedToUtc(week, tz), tz)}.`} />
      {me?.agent_id != null && <MyStatus agentId={me.agent_id} tz={tz} />}
      {data.error ? (
        <ErrorBox error={data.error} onRetry={data.reload} title="Your figures could not be loaded." />
      ) : !data.data ? (
        <Loading label="Loading your figures…" />
      ) : (
        <>
          <div class="cards">
            <KpiCard title="Today" k={data.data.today} />
            <KpiCard title="This week" k={data.data.week} />
          </div>
          <section aria-labelledby="recent-title">
            <h2 id="recent-title">My latest calls</h2>
            {data.data.calls.length === 0 ? (
              <Empty>No calls this week yet.</Empty>
            ) : (
              <DataTable
                caption="My latest calls"
                rows={[...data.data.calls].sort((a, b) => b.started_at.localeCompare(a.started_at)).slice(0, 10)}
                rowKey={(c) => c.id}
                columns={[
                  { key: 'at', label: 'Started', render: (c) => <a class="row-link" href={`/calls?call=${c.id}`}>{formatShortDateTime(c.started_at, tz)}</a> },
                  { key: 'queue', label: 'Queue', render: (c) => c.queue ?? '—' },
                  { key: 'caller', label: 'Caller', render: (c) => c.caller || '—' },
                  { key: 'talk', label: 'Talk', align: 'end', render: (c) => formatDuration(c.talk_s) },
                  { key: 'outcome', label: 'Outcome', render: (c) => <span class={'badge badge-' + c.outcome}>{humanize(c.outcome)}</span> },
                ]}
              />
            )}
            <p>
              <a href="/calls">All my calls</a>
            </p>
          </section>
        </>
      )}
    </>
  );
}
