// Live operations: the snapshot of GET /api/v1/live and the source that keeps it current.
// Today the source polls; the WebSocket (/api/v1/live/ws) can replace `poll` behind the same
// LiveSource interface without touching the views.
import { ApiClient, ApiError } from '../api/client';

export type AgentState = 'logged_out' | 'available' | 'ringing' | 'on_call' | 'on_hold' | 'acw' | 'paused';
export const AGENT_STATES: AgentState[] = ['available', 'ringing', 'on_call', 'on_hold', 'acw', 'paused', 'logged_out'];

export const STATE_LABELS: Record<string, string> = {
  logged_out: 'Logged out',
  available: 'Available',
  ringing: 'Ringing',
  on_call: 'On call',
  on_hold: 'On hold',
  acw: 'After-call work',
  paused: 'Paused',
};

export function stateLabel(state: string): string {
  return STATE_LABELS[state] ?? state.replace(/_/g, ' ');
}

export interface LiveAgent {
  id: number;
  name: string;
  state: AgentState | string;
  reason: string | null;
  since: string;
  call: { queue?: string | null; caller?: string | null; started_at?: string; [k: string]: unknown } | null;
  today: { handled?: number; talk_s?: number; [k: string]: unknown };
}

export interface LiveQueue {
  id: number;
  name: string;
  waiting: Array<{ caller?: string; since?: string; wait_s?: number; [k: string]: unknown }>;
  longest_wait_s: number | null;
  agents_by_state: Partial<Record<string, number>>;
  today: { offered?: number; answered?: number; abandoned?: number; service_level?: number | null; [k: string]: unknown };
}

export interface LiveSnapshot {
  seq: number;
  agents: LiveAgent[];
  queues: LiveQueue[];
  alerts: Array<{ id?: number | string; message?: string; severity?: string; [k: string]: unknown }>;
}

export type LiveStatus =
  | { kind: 'loading' }
  | { kind: 'live'; snapshot: LiveSnapshot; at: number }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'error'; error: unknown; last: LiveSnapshot | null };

// Checks the parts of the snapshot the views rely on; throws naming the first bad field.
export function parseSnapshot(value: unknown): LiveSnapshot {
  const v = value as Partial<LiveSnapshot> | null;
  if (!v || typeof v !== 'object') throw new Error('live snapshot: not an object');
  if (typeof v.seq !== 'number') throw new Error('live snapshot: seq must be a number');
  if (!Array.isArray(v.agents)) throw new Error('live snapshot: agents must be an array');
  if (!Array.isArray(v.queues)) throw new Error('live snapshot: queues must be an array');
  return { seq: v.seq, agents: v.agents, queues: v.queues, alerts: Array.isArray(v.alerts) ? v.alerts : [] };
}

// Agents per state across the snapshot, for the wallboard's summary line.
export function countByState(agents: LiveAgent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of agents) out[a.state] = (out[a.state] ?? 0) + 1;
  return out;
}

export async function fetchSnapshot(client: ApiClient, signal?: AbortSignal): Promise<LiveStatus> {
  try {
    const raw = await client.get<unknown>('/api/v1/live', signal);
    return { kind: 'live', snapshot: parseSnapshot(raw), at: Date.now() };
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 501)) {
      return { kind: 'unavailable', reason: 'This server does not provide live data yet.' };
    }
    throw e;
  }
}

export interface LiveSource {
  stop(): void;
}

// Polls every `intervalMs` (bounded by the client's 30 s timeout) until stopped; stops polling
// once the server says live data does not exist.
export function poll(client: ApiClient, onStatus: (s: LiveStatus) => void, intervalMs = 5000): LiveSource {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: LiveSnapshot | null = null;
  const ctl = new AbortController();
  const tick = async () => {
    let again = true;
    try {
      const s = await fetchSnapshot(client, ctl.signal);
      if (stopped) return;
      if (s.kind === 'live') last = s.snapshot;
      if (s.kind === 'unavailable') again = false;
      onStatus(s);
    } catch (error) {
      if (stopped) return;
      onStatus({ kind: 'error', error, last });
    }
    if (again && !stopped) timer = setTimeout(() => void tick(), intervalMs);
  };
  void tick();
  return {
    stop() {
      stopped = true;
      ctl.abort();
      if (timer) clearTimeout(timer);
    },
  };
}
