// The wallboard: live alerts (acknowledge), queue tiles (waiting callers, longest wait, service
// level, ASA and abandoned today against their targets) and agent tiles (state colour, pause
// reason, time in state marked past the reason's limit, current call), kept current over the
// WebSocket. Supervisors with override_agent_status change an agent's status with a reason.
// TV mode: full screen with large type, readable across a room.
import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import { useAsync } from '../components/async';
import { Empty, ErrorBox, Field, Loading, PageHeader, useFocusTitle } from '../components/ui';
import { formatDuration, formatNumber, formatPercent, formatTime } from '../lib/format';
import { session } from '../state/session';
import { timeZone } from '../state/prefs';
import { useStore } from '../state/store';
import { ConnectionIndicator, fetchPauseReasons, pauseOverrun, setAgentStatus, StateChip, type PauseReason, type StatusChange } from './parts';
import { AGENT_STATES, countByState, secondsSince, stateLabel, type LiveAgent, type LiveAlert, type LiveQueue, type LiveSnapshot } from './snapshot';
import { abandonLevel, asaLevel, longestWaitS, slLevel, type Level } from './targets';
import { useLive, useNow } from './useLive';

const LEVEL_TEXT: Record<Level, string> = { good: 'on target', warn: 'near target', bad: 'off target', none: '' };

function Figure(props: { label: string; value: string; level?: Level; big?: boolean; hint?: string }) {
  const level = props.level ?? 'none';
  return (
    <div class={'fig fig-' + level}>
      <dt>{props.label}</dt>
      <dd class={props.big ? 'big' : undefined} title={props.hint}>
        {props.value}
        {level !== 'none' && <span class="visually-hidden"> ({LEVEL_TEXT[level]})</span>}
      </dd>
    </div>
  );
}

function QueueTile(props: { q: LiveQueue; now: number }) {
  const { q, now } = props;
  const waiting = q.waiting_count ?? q.waiting.length;
  const longest = longestWaitS(q, now);
  const t = q.today;
  const slHint = q.target_sl != null ? `target ${formatPercent(q.target_sl)} within ${q.sl_threshold_s ?? '—'} s` : `answered within ${q.sl_threshold_s ?? '—'} s`;
  return (
    <article class={'tile queue-tile' + (waiting > 0 ? ' has-waiting' : '')} aria-labelledby={`q-${q.id}`} data-testid="queue-tile">
      <h3 id={`q-${q.id}`}>{q.name}</h3>
      <dl class="tile-figures">
        <Figure label="Waiting" value={formatNumber(waiting)} big level={waiting > 0 ? 'warn' : 'none'} />
        <Figure label="Longest wait" value={formatDuration(longest)} big level={waiting > 0 ? asaLevel(longest, q.sl_threshold_s) : 'none'} />
        <Figure label="Service level" value={formatPercent(t.service_level ?? null)} level={slLevel(t.service_level, q.target_sl)} hint={slHint} />
        <Figure label="ASA" value={formatDuration(t.asa_s ?? null)} level={asaLevel(t.asa_s ?? null, q.sl_threshold_s)} hint={`target ${q.sl_threshold_s ?? '—'} s`} />
        <Figure label="Abandoned" value={`${formatNumber(t.abandoned ?? null)} (${formatPercent(t.abandon_rate ?? null)})`} level={abandonLevel(t.abandon_rate)} />
        <Figure label="Offered" value={formatNumber(t.offered ?? null)} />
        <Figure label="Available" value={formatNumber(q.agents_by_state.available ?? 0)} level={(q.agents_by_state.available ?? 0) === 0 && waiting > 0 ? 'bad' : 'none'} />
      </dl>
      {waiting > 0 && (
        <ol class="waiting-list" aria-label={`Callers waiting in ${q.name}`}>
          {q.waiting.slice(0, 5).map((w, i) => (
            <li key={w.call_id ?? i}>
              <span>{w.caller || 'Caller'}</span> <span class="num">{formatDuration(w.since ? secondsSince(w.since, now) : (w.wait_s ?? null))}</span>
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}

function AgentTile(props: { a: LiveAgent; reasons: PauseReason[]; now: number; onOverride?: (a: LiveAgent) => void }) {
  const { a, reasons, now } = props;
  const over = pauseOverrun(a, reasons, now);
  return (
    <li class={`agent-tile state-${a.state}${over ? ' over' : ''}`} data-testid="agent-tile" data-agent-id={a.id}>
      <div class="agent-tile-head">
        <span class="agent-name" title={a.name}>
          {a.name}
        </span>
        {props.onOverride && (
          <button type="button" class="btn btn-small btn-ghost tv-hide" onClick={() => props.onOverride!(a)} aria-label={`Change status of ${a.name}`}>
            Change
          </button>
        )}
      </div>
      <StateChip agent={a} reasons={reasons} now={now} />
      {a.call && (
        <span class="agent-call small">
          {a.call.caller || 'Call'}
          {a.call.queue ? ` · ${a.call.queue}` : ''}
          {a.call.since ? ` · ${formatDuration(secondsSince(a.call.since, now))}` : ''}
        </span>
      )}
      <span class="muted small">
        {formatNumber(a.today.handled ?? 0)} handled · AHT {formatDuration(a.today.aht_s ?? null)}
      </span>
    </li>
  );
}

// Alerts, unacknowledged first and newest first; the first few unless expanded, so a burst of
// alerts does not push the queues off the screen.
const ALERTS_SHOWN = 4;

function AlertList(props: { alerts: LiveAlert[]; tz: string }) {
  const [busy, setBusy] = useState<LiveAlert['id'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [all, setAll] = useState(false);
  const ack = async (id: LiveAlert['id']) => {
    setBusy(id);
    setError(null);
    try {
      await api.post(`/api/v1/alerts/${id}/ack`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  if (props.alerts.length === 0) return null;
  const sorted = [...props.alerts].sort((x, y) => Number(!!x.acked_at) - Number(!!y.acked_at) || String(y.started_at).localeCompare(String(x.started_at)));
  const shown = all ? sorted : sorted.slice(0, ALERTS_SHOWN);
  const unacked = props.alerts.filter((a) => !a.acked_at).length;
  return (
    <section aria-labelledby="alerts-title" class="alerts-section">
      <h2 id="alerts-title">
        Alerts ({props.alerts.length}
        {unacked < props.alerts.length ? `, ${unacked} new` : ''})
      </h2>
      {error != null && <ErrorBox error={error} title="The alert was not acknowledged." />}
      <ul class="alerts">
        {shown.map((a) => (
          <li key={a.id} class={`alert alert-${a.severity ?? 'warning'}${a.acked_at ? ' alert-acked' : ''}`} data-testid="alert" data-alert-id={a.id}>
            <span class="alert-severity">{a.severity === 'critical' ? 'Critical' : 'Warning'}</span>
            <span class="alert-text">
              <strong>{a.subject?.name ?? a.kind}</strong> {a.detail ?? a.message ?? ''}
              <span class="muted small"> since {formatTime(a.started_at, props.tz)}</span>
            </span>
            {a.acked_at ? (
              <span class="muted small">Acknowledged</span>
            ) : (
              <button type="button" class="btn btn-small" disabled={busy === a.id} onClick={() => void ack(a.id)}>
                Acknowledge
              </button>
            )}
          </li>
        ))}
      </ul>
      {sorted.length > ALERTS_SHOWN && (
        <button type="button" class="btn btn-small" aria-expanded={all} onClick={() => setAll(!all)}>
          {all ? 'Show fewer alerts' : `Show all ${sorted.length} alerts`}
        </button>
      )}
    </section>
  );
}

// The status override: new state, pause reason when pausing, and the required reason.
function OverrideDialog(props: { agent: LiveAgent | null; reasons: PauseReason[]; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [state, setState] = useState<'available' | 'paused' | 'logged_out'>('available');
  const [pause, setPause] = useState('');
  const [why, setWhy] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const open = props.agent !== null;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      const opener = document.activeElement as HTMLElement | null;
      setState(props.agent?.state === 'available' ? 'paused' : 'available');
      setPause(props.reasons[0]?.name ?? '');
      setWhy('');
      setError(null);
      setFieldErrors({});
      d.showModal();
      return () => opener?.focus?.();
    }
    if (!open && d.open) d.close();
    return undefined;
  }, [open]);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!props.agent) return;
    const errs: Record<string, string> = {};
    if (!why.trim()) errs.override_reason = 'Say why you change this agent\'s status.';
    if (state === 'paused' && !pause) errs.reason = 'Pick a pause reason.';
    setFieldErrors(errs);
    if (Object.keys(errs).length) return;
    const change: StatusChange = state === 'paused' ? { state, reason: pause } : { state };
    setBusy(true);
    setError(null);
    try {
      await setAgentStatus(props.agent.id, change, why.trim());
      props.onClose();
    } catch (err) {
      const fe = (err as { fieldErrors?: Array<{ field: string; message: string }> }).fieldErrors ?? [];
      if (fe.length) setFieldErrors(Object.fromEntries(fe.map((f) => [f.field, f.message])));
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} class="modal" aria-labelledby="override-title" onClose={props.onClose} onCancel={props.onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <h2 id="override-title">Change status of {props.agent?.name}</h2>
        {props.agent && (
          <p class="muted">
            Now {stateLabel(String(props.agent.state))}
            {props.agent.reason ? ` (${props.agent.reason})` : ''}. The change and its reason are recorded in the audit log.
          </p>
        )}
        <Field label="New status" id="ov-state">
          <select id="ov-state" value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value as typeof state)}>
            <option value="available">Available</option>
            <option value="paused">Paused</option>
            <option value="logged_out">Logged out</option>
          </select>
        </Field>
        {state === 'paused' && (
          <Field label="Pause reason" id="ov-pause" error={fieldErrors.reason}>
            <select id="ov-pause" value={pause} onChange={(e) => setPause((e.target as HTMLSelectElement).value)} aria-invalid={!!fieldErrors.reason}>
              {props.reasons.map((r) => (
                <option key={r.id} value={r.name}>
                  {r.name}
                  {r.max_minutes ? ` (up to ${r.max_minutes} min)` : ''}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label="Reason for the change (required)" id="ov-why" error={fieldErrors.override_reason}>
          <textarea
            id="ov-why"
            rows={3}
            maxLength={500}
            required
            value={why}
            onInput={(e) => setWhy((e.target as HTMLTextAreaElement).value)}
            aria-invalid={!!fieldErrors.override_reason}
            aria-describedby={fieldErrors.override_reason ? 'ov-why-error' : undefined}
          />
        </Field>
        {error != null && Object.keys(fieldErrors).length === 0 && <ErrorBox error={error} title="The status was not changed." />}
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Change status
          </button>
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

// On a TV across the room the queues come first and alerts last; at a desk alerts come first,
// as they ask for action. The DOM follows the order shown, so focus order matches it.
function Board(props: { snapshot: LiveSnapshot; tz: string; reasons: PauseReason[]; canOverride: boolean; tv: boolean }) {
  const { snapshot, tz, reasons } = props;
  const now = useNow();
  const [target, setTarget] = useState<LiveAgent | null>(null);
  const counts = countByState(snapshot.agents);
  const agents = [...snapshot.agents].sort((x, y) => AGENT_STATES.indexOf(x.state as never) - AGENT_STATES.indexOf(y.state as never) || x.name.localeCompare(y.name));
  const overruns = snapshot.agents.filter((a) => pauseOverrun(a, reasons, now)).length;
  const alerts = <AlertList key="alerts" alerts={snapshot.alerts} tz={tz} />;
  const summary = (
    <p key="summary" class="state-summary" aria-label="Agents by state">
      {AGENT_STATES.filter((s) => counts[s]).map((s) => (
        <span key={s} class={'chip chip-' + s}>
          {stateLabel(s)} <strong>{counts[s]}</strong>
        </span>
      ))}
      {overruns > 0 && (
        <span class="chip chip-over">
          Over pause limit <strong>{overruns}</strong>
        </span>
      )}
    </p>
  );
  const queues = (
    <Fragment key="queues">
      <h2>Queues</h2>
      {snapshot.queues.length === 0 ? (
        <Empty>No queues.</Empty>
      ) : (
        <div class="tiles">
          {snapshot.queues.map((q) => (
            <QueueTile key={q.id} q={q} now={now} />
          ))}
        </div>
      )}
    </Fragment>
  );
  const agentList = (
    <Fragment key="agents">
      <h2>Agents</h2>
      {agents.length === 0 ? (
        <Empty>No agents in your scope.</Empty>
      ) : (
        <ul class="agent-tiles" aria-label="Agents">
          {agents.map((a) => (
            <AgentTile key={a.id} a={a} reasons={reasons} now={now} onOverride={props.canOverride ? setTarget : undefined} />
          ))}
        </ul>
      )}
    </Fragment>
  );
  return (
    <>
      {props.tv ? [queues, summary, agentList, alerts] : [alerts, summary, queues, agentList]}
      {props.canOverride && <OverrideDialog agent={target} reasons={reasons} onClose={() => setTarget(null)} />}
    </>
  );
}

export default function Wallboard() {
  useFocusTitle();
  const tz = useStore(timeZone);
  const { view, reconnect } = useLive();
  const reasons = useAsync((signal) => fetchPauseReasons(signal), []);
  const canOverride = session.me()?.permissions.includes('override_agent_status') ?? false;
  const rootRef = useRef<HTMLDivElement>(null);
  const [tv, setTv] = useState(false);
  useEffect(() => {
    const onChange = () => {
      if (!document.fullscreenElement) setTv(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setTv(false);
    };
    document.addEventListener('fullscreenchange', onChange);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('fullscreenchange', onChange);
      document.removeEventListener('keydown', onKey);
    };
  }, []);
  useEffect(() => {
    document.documentElement.classList.toggle('tv', tv);
    return () => document.documentElement.classList.remove('tv');
  }, [tv]);
  const toggleTv = () => {
    const next = !tv;
    setTv(next);
    // Full screen where the browser allows it; the large-type layout works without it too.
    if (next) rootRef.current?.requestFullscreen?.().catch(() => undefined);
    else if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  };
  return (
    <div ref={rootRef} class={'wallboard' + (tv ? ' tv-mode' : '')}>
      <PageHeader title="Wallboard">
        <ConnectionIndicator view={view} tz={tz} onReconnect={reconnect} />
        <button type="button" class="btn" aria-pressed={tv} onClick={toggleTv}>
          {tv ? 'Leave TV mode' : 'TV mode'}
        </button>
      </PageHeader>
      {view.unavailable ? (
        <div class="state state-empty" role="status">
          <strong>Live data unavailable.</strong> {view.unavailable} Queue and agent reports show today's figures meanwhile.{' '}
          <a href="/reports/queues">Open the queue report</a>.
        </div>
      ) : !view.snapshot ? (
        view.error ? (
          <ErrorBox error={view.error} title="Live data could not be loaded." onRetry={reconnect} />
        ) : (
          <Loading label="Connecting to live data…" />
        )
      ) : (
        <Board snapshot={view.snapshot} tz={tz} reasons={reasons.data ?? []} canOverride={canOverride} tv={tv} />
      )}
    </div>
  );
}
