// The agent's own live status on the agent home: state and time in state (ticking), the call
// in progress, and one button per status (Available, each of the tenant's pause reasons,
// Log out) to change it with one click or the keyboard.
import { useState } from 'preact/hooks';
import { useAsync } from '../components/async';
import { ErrorBox } from '../components/ui';
import { formatDuration, formatTime } from '../lib/format';
import { ConnectionIndicator, fetchPauseReasons, setAgentStatus, StateChip, Swatch, type StatusChange } from './parts';
import { secondsSince } from './snapshot';
import { useLive, useNow } from './useLive';

export function MyStatus(props: { agentId: number; tz: string }) {
  const { view, reconnect } = useLive();
  const now = useNow();
  const reasons = useAsync((signal) => fetchPauseReasons(signal), []);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const me = view.snapshot?.agents.find((a) => a.id === props.agentId) ?? null;

  const change = async (key: string, c: StatusChange) => {
    setBusy(key);
    setError(null);
    try {
      await setAgentStatus(props.agentId, c);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const current = me ? (me.state === 'paused' ? 'paused:' + (me.reason ?? '') : me.state) : null;
  const option = (key: string, label: string, c: StatusChange, colour?: string, hint?: string) => (
    <button
      type="button"
      key={key}
      class={'status-option' + (current === key ? ' status-current' : '')}
      aria-pressed={current === key}
      disabled={busy !== null}
      onClick={() => void change(key, c)}
      title={hint}
    >
      <Swatch colour={colour} />
      {label}
      {busy === key && <span class="visually-hidden"> (saving)</span>}
    </button>
  );

  return (
    <section class="card my-status" aria-labelledby="my-status-title">
      <div class="my-status-head">
        <h2 id="my-status-title">My status</h2>
        <ConnectionIndicator view={view} tz={props.tz} onReconnect={reconnect} />
      </div>
      {view.unavailable ? (
        <p class="muted">Live status is not available on this server.</p>
      ) : !view.snapshot ? (
        <p class="muted">Connecting to live data…</p>
      ) : !me ? (
        <p class="muted">Your agent is not in the live data.</p>
      ) : (
        <div class="my-state" data-testid="my-state">
          <StateChip agent={me} reasons={reasons.data ?? []} now={now} big />
          <span class="muted">since {formatTime(me.since, props.tz)}</span>
          {me.call && (
            <p class="my-call" data-testid="my-call">
              On a call{me.call.caller ? ` with ${me.call.caller}` : ''}
              {me.call.queue ? ` from ${me.call.queue}` : ''}
              {me.call.since ? `, ${formatDuration(secondsSince(me.call.since, now))}` : ''}
            </p>
          )}
        </div>
      )}
      {me && (
        <div class="status-options" role="group" aria-label="Set my status">
          {option('available', 'Available', { state: 'available' })}
          {(reasons.data ?? []).map((r) =>
            option(
              'paused:' + r.name,
              r.name,
              { state: 'paused', reason: r.name },
              r.colour,
              `Pause: ${r.name}${r.max_minutes ? ` (up to ${r.max_minutes} min)` : ''}${r.productive ? ', productive' : ''}`,
            ),
          )}
          {option('logged_out', 'Log out', { state: 'logged_out' })}
        </div>
      )}
      {reasons.error != null && <ErrorBox error={reasons.error} onRetry={reasons.reload} title="Pause reasons could not be loaded." />}
      {error != null && <ErrorBox error={error} title="Your status was not changed." />}
    </section>
  );
}
