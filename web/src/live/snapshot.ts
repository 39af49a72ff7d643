// Live operations: the snapshot of GET /api/v1/live (and the WebSocket /api/v1/live/ws), the
// rules that apply the WebSocket's deltas to it, and the poll that stands in when the
// WebSocket cannot be used. The WebSocket source itself is in source.ts.
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

export interface LiveCall {
  call_id?: string;
  caller?: string | null;
  queue_id?: number | null;
  queue?: string | null;
  since?: string;
  [k: string]: unknown;
}

export interface LiveAgent {
  id: number;
  name: string;
  team_id?: number | null;
  state: AgentState | string;
  reason: string | null;
  since: string;
  call: LiveCall | null;
  queue_ids?: number[];
  today: { handled?: number; talk_s?: number; aht_s?: number | null; [k: string]: unknown };
}

export interface QueueFigures {
  offered?: number;
  answered?: number;
  abandoned?: number;
  handled?: number;
  service_level?: number | null;
  asa_s?: number | null;
  aht_s?: number | null;
  abandon_rate?: number | null;
  max_wait_s?: number | null;
  [k: string]: unknown;
}

export interface LiveQueue {
  id: number;
  name: string;
  waiting_count?: number;
  waiting: Array<{ call_id?: string; caller?: string; since?: string; wait_s?: number; position?: number; [k: string]: unknown }>;
  longest_wait_s: number | null;
  agents_by_state: Partial<Record<string, number>>;
  today: QueueFigures;
  interval?: QueueFigures & { start?: string };
  target_sl?: number | null;
  sl_threshold_s?: number | null;
}

export interface LiveAlert {
  id: number | string;
  kind?: string;
  severity?: string;
  subject?: { type?: string; id?: number | string; name?: string };
  detail?: string;
  message?: string;
  started_at?: string;
  ended_at?: string | null;
  acked_at?: string | null;
  acked_by?: number | string | null;
  [k: string]: unknown;
}

export interface LiveSnapshot {
  seq: number;
  at?: string;
  agents: LiveAgent[];
  queues: LiveQueue[];
  alerts: LiveAlert[];
}

export type DeltaItem =
  | { type: 'agent'; seq: number; agent: LiveAgent }
  | { type: 'queue'; seq: number; queue: LiveQueue }
  | { type: 'alert'; seq: number; alert: LiveAlert };

export type LiveMessage =
  | ({ type: 'snapshot' } & LiveSnapshot)
  | { type: 'deltas'; seq: number; items: DeltaItem[] }
  | { type: 'ping' }
  | { type: 'pong' };

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
  return { seq: v.seq, at: v.at, agents: v.agents, queues: v.queues, alerts: Array.isArray(v.alerts) ? v.alerts.filter(isOpen) : [] };
}

// One WebSocket message, checked; throws naming what is wrong.
export function parseMessage(text: string): LiveMessage {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error('live message: not JSON');
  }
  const m = v as { type?: unknown; seq?: unknown; items?: unknown } | null;
  if (!m || typeof m !== 'object') throw new Error('live message: not an object');
  switch (m.type) {
    case 'snapshot':
      return { type: 'snapshot', ...parseSnapshot(m) };
    case 'deltas':
      if (typeof m.seq !== 'number') throw new Error('live deltas: seq must be a number');
      if (!Array.isArray(m.items)) throw new Error('live deltas: items must be an array');
      return { type: 'deltas', seq: m.seq, items: m.items as DeltaItem[] };
    case 'ping':
    case 'pong':
      return { type: m.type };
    default:
      throw new Error(`live message: unknown type ${JSON.stringify(m.type)}`);
  }
}

function isOpen(a: LiveAlert): boolean {
  return !a.ended_at;
}

function upsert<T extends { id: number | string }>(list: T[], item: T): T[] {
  const i = list.findIndex((x) => x.id === item.id);
  if (i < 0) return [...list, item];
  const out = list.slice();
  out[i] = item;
  return out;
}

// Applies one message to the current snapshot (null before the first). A message or delta
// item whose seq is not greater than the last one applied is stale and ignored: the server
// may send a fresh snapshot to a slow client before deltas it had already queued. Returns
// the same object when nothing changed.
export function applyMessage(current: LiveSnapshot | null, msg: LiveMessage): LiveSnapshot | null {
  if (msg.type === 'snapshot') {
    if (current && msg.seq <= current.seq) return current;
    const { type: _type, ...snap } = msg;
    return snap;
  }
  if (msg.type !== 'deltas' || !current || msg.seq <= current.seq) return current;
  let { agents, queues, alerts } = current;
  for (const item of msg.items) {
    if (typeof item.seq === 'number' && item.seq <= current.seq) continue;
    if (item.type === 'agent' && item.agent) agents = upsert(agents, item.agent);
    else if (item.type === 'queue' && item.queue) queues = upsert(queues, item.queue);
    else if (item.type === 'alert' && item.alert) {
      alerts = isOpen(item.alert) ? upsert(alerts, item.alert) : alerts.filter((a) => a.id !== item.alert.id);
    }
  }
  return { ...current, seq: msg.seq, agents, queues, alerts };
}

// Agents per state across the snapshot, for the wallboard's summary line.
export function countByState(agents: LiveAgent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of agents) out[a.state] = (out[a.state] ?? 0) + 1;
  return out;
}

// Seconds since an ISO time at `now` (0 for a missing or future time).
export function secondsSince(iso: string | null | undefined, now: number): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? Math.max(0, (now - t) / 1000) : 0;
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
