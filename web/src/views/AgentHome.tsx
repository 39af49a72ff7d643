// An agent's start page: my live status (with the control to change it), my figures today and
// this week with a chart of the week by day, my latest calls.
import { useMemo } from 'preact/hooks';
import { api, queryString } from '../api/client';
import type { Call, Page } from '../api/types';
import { useAsync } from '../components/async';
import { lazyView } from '../components/lazy';
import { DataTable, Empty, ErrorBox, Loading, PageHeader, useFocusTitle } from '../components/ui';
import { formatDate, formatDuration, formatShortDateTime, formatNumber, formatPercent, humanize, mondayOf, zonedDate, zonedToUtc } from '../lib/format';
import { session } from '../state/session';
import { timeZone } from '../state/prefs';
import { useStore } from '../state/store';
import { MyStatus } from '../live/MyStatus';
import { myKpis, weekTrend, type DayTrend, type MyKpis } from './home/kpis';

// uPlot stays out of this chunk: the chart loads after the figures (the reports share it).
const TrendChart = lazyView<{ days: DayTrend[]; labels: string[] }>(() => import('./home/TrendChart'));

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
        {k.fcr_rate !== null && (
          <div data-testid="fcr">
            <dt>First-contact resolution</dt>
            <dd>
              {formatPercent(k.fcr_rate)}
              <span class="kpi-sub">
                {formatNumber(k.fcr_yes)} of {formatNumber(k.fcr_known)} {k.fcr_known === 1 ? 'call' : 'calls'}
              </span>
            </dd>
          </div>
        )}
        {k.csat_avg !== null && (
          <div data-testid="csat">
            <dt>Satisfaction (CSAT)</dt>
            <dd>
              {formatNumber(k.csat_avg, undefined, 1)}
              <span class="kpi-unit"> / 5</span>
              <span class="kpi-sub">
                {formatNumber(k.csat_n)} {k.csat_n === 1 ? 'rating' : 'ratings'}
              </span>
            </dd>
          </div>
        )}
      </dl>
      {(k.fcr_rate === null || k.csat_avg === null) && (
        <p class="muted small kpi-note">
          {k.fcr_rate === null && k.csat_avg === null
            ? 'No first-contact resolution or satisfaction data yet.'
            : k.fcr_rate === null
              ? 'No first-contact resolution data yet.'
              : 'No satisfaction ratings yet.'}
        </p>
      )}
    </section>
  );
}

const dayLabel = (date: string, weekday: 'short' | 'long') =>
  new Intl.DateTimeFormat(undefined, weekday === 'short' ? { weekday, timeZone: 'UTC' } : { weekday, day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    new Date(date + 'T12:00:00Z'),
  );

// The week by day: a chart, and the same figures as a table for screen readers.
function WeekTrend(props: { days: DayTrend[]; today: string }) {
  // The chart is drawn again when its inputs change: keep the labels the same array.
  const labels = useMemo(() => props.days.map((d) => dayLabel(d.date, 'short')), [props.days]);
  return (
    <section class="card trend" aria-labelledby="trend-title">
      <h2 id="trend-title">My week by day</h2>
      <ul class="chart-legend" aria-hidden="true">
        <li>
          <span class="key key-bar" />
          Calls handled (left scale)
        </li>
        <li>
          <span class="key key-line" />
          Average handling time (right scale)
        </li>
      </ul>
      <TrendChart days={props.days} labels={labels} />
      {/* A table is at least as wide as its content: the hidden box around it clips it. */}
      <div class="visually-hidden">
        <table data-testid="trend-table">
          <caption>My week by day: calls handled and average handling time</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Calls handled</th>
              <th scope="col">Average handling time</th>
            </tr>
          </thead>
          <tbody>
            {props.days.map((d) => (
              <tr key={d.date}>
                <th scope="row">
                  {dayLabel(d.date, 'long')}
                  {d.date === props.today ? ' (today)' : ''}
                </th>
                <td>{d.handled === null ? 'not yet' : formatNumber(d.handled)}</td>
                <td>{d.handled === null ? 'not yet' : formatDuration(d.aht_s)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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
      return { calls, today: myKpis(todays), week: myKpis(calls), trend: weekTrend(calls, week, today, tz) };
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
          <WeekTrend days={data.data.trend} today={today} />
          <section aria-labelledby="recent-title">
            <h2 id="recent-title">My latest calls</h2>
            {data.data.calls.length === 0 ? (
              <Empty>No calls this week yet.</Empty>
            ) : (
              <DataTable
                caption="My latest calls"
                stack
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
