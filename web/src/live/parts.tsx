// Pieces shared by the agent home and the wallboard: the connection indicator, pause reasons,
// the state chip with its time in state, and setting an agent's status.
import { api } from '../api/client';
import type { PauseReason } from '../api/types';
import { Swatch } from '../components/ui';
import { formatDuration, formatTime } from '../lib/format';
import type { Connection, LiveView } from './source';
import { secondsSince, stateLabel, type LiveAgent } from './snapshot';

export type { PauseReason };
export { Swatch };

export async function fetchPauseReasons(signal: AbortSignal): Promise<PauseReason[]> {
  const answer = await api.get<{ items: PauseReason[] }>('/api/v1/pause-reasons', signal);
  return answer.items.filter((r) => r.active);
}

export type StatusChange = { state: 'available' | 'logged_out' } | { state: 'paused'; reason: string };

// PUT /api/v1/agents/{id}/status; `overrideReason` when changing another agent's status.
export function setAgentStatus(agentId: number, change: StatusChange, overrideReason?: string): Promise<void> {
  return api.put<void>(`/api/v1/agents/${agentId}/status`, overrideReason ? { ...change, override_reason: overrideReason } : change);
}

// True when a paused agent has been in the pause longer than its reason allows.
export function pauseOverrun(agent: LiveAgent, reasons: PauseReason[], now: number): boolean {
  if (agent.state !== 'paused' || !agent.reason) return false;
  const max = reasons.find((r) => r.name === agent.reason)?.max_minutes;
  return max !== null && max !== undefined && secondsSince(agent.since, now) > max * 60;
}

const CONNECTION_TEXT: Record<Connection, string> = {
  connecting: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  polling: 'Polling',
};

// Live / reconnecting / polling, with the time of the last change; a button to reconnect at
// once when not live.
export function ConnectionIndicator(props: { view: LiveView; tz: string; onReconnect: () => void }) {
  const { view } = props;
  const title =
    view.connection === 'polling'
      ? 'The live connection failed; the page asks the server every 5 seconds and retries the connection every minute.'
      : view.connection === 'reconnecting'
        ? 'The live connection dropped; reconnecting.'
        : undefined;
  return (
    <p class={'conn conn-' + view.connection} role="status" aria-live="polite" data-testid="connection" title={title}>
      <span class="conn-dot" aria-hidden="true" />
      <span class="conn-label">{CONNECTION_TEXT[view.connection]}</span>
      {view.updatedAt !== null && <span class="muted small"> · updated {formatTime(view.updatedAt, props.tz)}</span>}
      {(view.connection === 'polling' || view.connection === 'reconnecting') && (
        <button type="button" class="btn btn-small" onClick={props.onReconnect}>
          Reconnect now
        </button>
      )}
    </p>
  );
}

// The agent's state (and pause reason) with the time in state, marked when over the limit.
export function StateChip(props: { agent: LiveAgent; reasons: PauseReason[]; now: number; big?: boolean }) {
  const { agent, reasons, now } = props;
  const reason = agent.reason ? reasons.find((r) => r.name === agent.reason) : undefined;
  const over = pauseOverrun(agent, reasons, now);
  return (
    <span class={`chip chip-${agent.state}${props.big ? ' chip-big' : ''}${over ? ' chip-over' : ''}`}>
      {agent.state === 'paused' && <Swatch colour={reason?.colour} />}
      <span class="chip-state">{stateLabel(String(agent.state))}</span>
      {agent.reason && <span class="chip-reason">· {agent.reason}</span>}
      <span class="chip-time" title={over ? `Over the ${reason?.max_minutes} minutes allowed for ${agent.reason}` : undefined}>
        {formatDuration(secondsSince(agent.since, now))}
        {over && <span class="visually-hidden"> (over the {reason?.max_minutes} minutes allowed)</span>}
      </span>
    </span>
  );
}
