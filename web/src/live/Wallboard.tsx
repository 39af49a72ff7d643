// The wallboard: queues (waiting, longest wait, agents by state, today's figures) and agents
// with their state, from the live snapshot.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { Empty, ErrorBox, Loading, PageHeader, useFocusTitle } from '../components/ui';
import { formatDuration, formatNumber, formatPercent, formatTime } from '../lib/format';
import { timeZone } from '../state/prefs';
import { useStore } from '../state/store';
import { AGENT_STATES, countByState, poll, stateLabel, type LiveSnapshot, type LiveStatus } from './snapshot';

function Board(props: { snapshot: LiveSnapshot; tz: string }) {
  const { snapshot, tz } = props;
  const counts = countByState(snapshot.agents);
  return (
    <>
      {snapshot.alerts.length > 0 && (
        <ul class="alerts" aria-label="Alerts">
          {snapshot.alerts.map((a, i) => (
            <li key={a.id ?? i} class="notice notice-warning">
              {a.message ?? JSON.stringify(a)}
            </li>
          ))}
        </ul>
      )}
      <p class="state-summary" aria-label="Agents by state">
        {AGENT_STATES.filter((s) => counts[s]).map((s) => (
          <span key={s} class={'chip chip-' + s}>
            {stateLabel(s)} <strong>{counts[s]}</strong>
          </span>
        ))}
      </p>
      <h2>Queues</h2>
      {snapshot.queues.length === 0 ? (
        <Empty>No queues.</Empty>
      ) : (
        <div class="tiles">
          {snapshot.queues.map((q) => (
            <article class="tile" key={q.id} aria-labelledby={`q-${q.id}`}>
              <h3 id={`q-${q.id}`}>{q.name}</h3>
              <dl class="tile-figures">
                <div>
                  <dt>Waiting</dt>
                  <dd class="big">{q.waiting.length}</dd>
                </div>
                <div>
                  <dt>Longest wait</dt>
                  <dd class="big">{formatDuration(q.longest_wait_s)}</dd>
                </div>
                <div>
                  <dt>Service level today</dt>
                  <dd>{formatPercent(q.today.service_level ?? null)}</dd>
                </div>
                <div>
                  <dt>Offered today</dt>
                  <dd>{formatNumber(q.today.offered ?? null)}</dd>
                </div>
              </dl>
            </article>
          ))}
        </div>
      )}
      <h2>Agents</h2>
      {snapshot.agents.length === 0 ? (
        <Empty>No agents signed in.</Empty>
      ) : (
        <ul class="agent-list">
          {snapshot.agents.map((a) => (
            <li key={a.id} class={'agent-row state-' + a.state}>
              <span class="agent-name">{a.name}</span>
              <span class={'chip chip-' + a.state}>
                {stateLabel(String(a.state))}
                {a.reason ? ` · ${a.reason}` : ''}
              </span>
              <span class="muted small">since {formatTime(a.since, tz)}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export default function Wallboard() {
  useFocusTitle();
  const tz = useStore(timeZone);
  const [status, setStatus] = useState<LiveStatus>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const source = poll(api, setStatus);
    return () => source.stop();
  }, [attempt]);
  return (
    <>
      <PageHeader title="Wallboard" description={status.kind === 'live' ? `Updated ${formatTime(status.at, tz)} (${tz}).` : undefined} />
      {status.kind === 'loading' && <Loading label="Connecting to live data…" />}
      {status.kind === 'unavailable' && (
        <div class="state state-empty" role="status">
          <strong>Live data unavailable.</strong> {status.reason} Queue and agent reports show today's figures meanwhile.{' '}
          <a href="/reports/queues">Open the queue report</a>.
        </div>
      )}
      {status.kind === 'error' && (
        <>
          <ErrorBox error={status.error} title="Live data could not be loaded." onRetry={() => setAttempt((a) => a + 1)} />
          {status.last && <Board snapshot={status.last} tz={tz} />}
        </>
      )}
      {status.kind === 'live' && <Board snapshot={status.snapshot} tz={tz} />}
    </>
  );
}
