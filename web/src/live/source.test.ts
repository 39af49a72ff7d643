import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { canInflateRaw } from './inflate';
import { ApiClient } from '../api/client';
import { applyMessage, parseMessage, type LiveSnapshot } from './snapshot';
import { backoffDelay, connectLive, FAILURES_BEFORE_POLLING, liveSocketUrl, POLL_MS, SOCKET_RETRY_WHILE_POLLING_MS, type LiveView, type SocketLike } from './source';

const agent = (id: number, state: string, reason = '') => ({ id, name: 'A' + id, state, reason, since: '2026-07-01T10:00:00Z', call: null, today: {} });
const queue = (id: number, waiting_count: number) => ({ id, name: 'q' + id, waiting_count, waiting: [], longest_wait_s: 0, agents_by_state: {}, today: {} });
const snap = (seq: number, agents = [agent(1, 'available'), agent(2, 'on_call')]) =>
  ({ type: 'snapshot' as const, seq, at: '2026-07-01T10:00:00Z', agents, queues: [queue(1, 0)], alerts: [] });
const deltas = (seq: number, items: unknown[]) => ({ type: 'deltas', seq, items }) as never;

describe('applying live messages', () => {
  it('takes a snapshot, then deltas in seq order', () => {
    let s = applyMessage(null, snap(10));
    expect(s?.seq).toBe(10);
    s = applyMessage(s, deltas(12, [{ type: 'agent', seq: 11, agent: agent(1, 'paused', 'Lunch') }, { type: 'queue', seq: 12, queue: queue(1, 3) }]));
    expect(s?.seq).toBe(12);
    expect(s?.agents.map((a) => [a.id, a.state, a.reason])).toEqual([
      [1, 'paused', 'Lunch'],
      [2, 'on_call', ''],
    ]);
    expect(s?.queues[0]!.waiting_count).toBe(3);
    // a new agent is added at the end
    s = applyMessage(s, deltas(13, [{ type: 'agent', seq: 13, agent: agent(9, 'available') }]));
    expect(s?.agents.map((a) => a.id)).toEqual([1, 2, 9]);
  });
  it('ignores messages and items at or below the last applied seq', () => {
    const s = applyMessage(null, snap(20))!;
    expect(applyMessage(s, deltas(20, [{ type: 'agent', seq: 20, agent: agent(1, 'paused') }]))).toBe(s);
    expect(applyMessage(s, deltas(18, [{ type: 'agent', seq: 18, agent: agent(1, 'paused') }]))).toBe(s);
    // a resync snapshot with a higher seq replaces; an older one does not
    const resync = applyMessage(s, snap(30, [agent(1, 'acw')]))!;
    expect(resync.agents).toHaveLength(1);
    expect(applyMessage(resync, snap(25))).toBe(resync);
    // a batch straddling the last seq applies only the newer items
    const mixed = applyMessage(resync, deltas(32, [{ type: 'agent', seq: 29, agent: agent(1, 'logged_out') }, { type: 'agent', seq: 31, agent: agent(5, 'available') }]))!;
    expect(mixed.agents.map((a) => [a.id, a.state])).toEqual([
      [1, 'acw'],
      [5, 'available'],
    ]);
    // deltas before any snapshot have nothing to apply to
    expect(applyMessage(null, deltas(5, []))).toBeNull();
  });
  it('opens, updates and closes alerts', () => {
    let s = applyMessage(null, snap(1)) as LiveSnapshot;
    const alert = { id: 7, kind: 'long_wait', severity: 'critical', started_at: '2026-07-01T10:00:00Z', ended_at: null, acked_at: null };
    s = applyMessage(s, deltas(2, [{ type: 'alert', seq: 2, alert }]))!;
    expect(s.alerts.map((a) => a.id)).toEqual([7]);
    s = applyMessage(s, deltas(3, [{ type: 'alert', seq: 3, alert: { ...alert, acked_at: '2026-07-01T10:01:00Z' } }]))!;
    expect(s.alerts[0]!.acked_at).toBe('2026-07-01T10:01:00Z');
    s = applyMessage(s, deltas(4, [{ type: 'alert', seq: 4, alert: { ...alert, ended_at: '2026-07-01T10:02:00Z' } }]))!;
    expect(s.alerts).toEqual([]);
  });
  it('parses messages and names what is wrong', () => {
    expect(parseMessage('{"type":"pong"}')).toEqual({ type: 'pong' });
    expect(parseMessage(JSON.stringify(snap(3))).type).toBe('snapshot');
    expect(() => parseMessage('nope')).toThrow('live message: not JSON');
    expect(() => parseMessage('{"type":"deltas","seq":"x","items":[]}')).toThrow('seq must be a number');
    expect(() => parseMessage('{"type":"deltas","seq":1}')).toThrow('items must be an array');
    expect(() => parseMessage('{"type":"hello"}')).toThrow('unknown type "hello"');
  });
});

describe('backoff and addresses', () => {
  it('doubles from 1 s to a 30 s cap with ±20 % jitter', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 12].map((n) => backoffDelay(n, mid))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(backoffDelay(1, () => 0)).toBe(800);
    expect(backoffDelay(3, () => 1)).toBe(4800);
  });
  it('builds the socket address on the page origin with the resume seq', () => {
    expect(liveSocketUrl({ protocol: 'https:', host: 'cb.example:8443' }, 42)).toBe('wss://cb.example:8443/api/v1/live/ws?after=42');
    expect(liveSocketUrl({ protocol: 'http:', host: 'h' }, 7, true)).toBe('ws://h/api/v1/live/ws?after=7&compress=deflate-raw');
    expect(liveSocketUrl({ protocol: 'http:', host: 'h' }, null, true)).toBe('ws://h/api/v1/live/ws?compress=deflate-raw');
    expect(liveSocketUrl({ protocol: 'http:', host: '127.0.0.1:8080' }, null)).toBe('ws://127.0.0.1:8080/api/v1/live/ws');
  });
});

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  sent: string[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(d: string) {
    this.sent.push(d);
  }
  close() {
    this.closed = true;
  }
  open() {
    this.onopen?.({});
  }
  message(m: unknown) {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
  binary(data: ArrayBuffer) {
    this.onmessage?.({ data });
  }
  drop(code = 1006) {
    this.onclose?.({ code });
  }
}

describe('the WebSocket live source', () => {
  let sockets: FakeSocket[];
  let views: LiveView[];
  let polls: number;
  let pollAnswer: () => Response;
  const store = { getItem: () => null, setItem: () => undefined, removeItem: () => undefined };
  const start = (token: string | null = null) =>
    connectLive(
      {
        client: new ApiClient(async () => {
          polls++;
          return pollAnswer();
        }, store),
        openSocket: (url) => {
          const s = new FakeSocket(url);
          sockets.push(s);
          return s;
        },
        socketUrl: (after) => liveSocketUrl({ protocol: 'http:', host: 'h' }, after),
        authToken: () => token,
        random: () => 0.5,
      },
      (v) => views.push(v),
    );
  const last = () => views[views.length - 1]!;
  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    views = [];
    polls = 0;
    pollAnswer = () => new Response(JSON.stringify(snap(100, [agent(1, 'paused', 'Lunch')])), { status: 200 });
  });
  afterEach(() => vi.useRealTimers());

  it('goes live on the snapshot, answers pings, and resumes after a drop with ?after', async () => {
    const c = start();
    expect(sockets[0]!.url).toBe('ws://h/api/v1/live/ws');
    expect(last().connection).toBe('connecting');
    sockets[0]!.open();
    sockets[0]!.message(snap(10));
    expect(last()).toMatchObject({ connection: 'live', snapshot: { seq: 10 } });
    sockets[0]!.message({ type: 'ping' });
    expect(sockets[0]!.sent).toContain('{"type":"pong"}');
    sockets[0]!.message(deltas(11, [{ type: 'agent', seq: 11, agent: agent(2, 'acw') }]));
    expect(last().snapshot!.agents[1]!.state).toBe('acw');
    sockets[0]!.drop();
    expect(last().connection).toBe('reconnecting');
    expect(last().snapshot!.seq).toBe(11); // the board stays while reconnecting
    await vi.advanceTimersByTimeAsync(999);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets[1]!.url).toBe('ws://h/api/v1/live/ws?after=11');
    sockets[1]!.open();
    sockets[1]!.message(deltas(12, [{ type: 'queue', seq: 12, queue: queue(1, 4) }]));
    expect(last()).toMatchObject({ connection: 'live', snapshot: { seq: 12 } });
    c.stop();
    expect(sockets[1]!.closed).toBe(true);
  });

  it('inflates binary messages and applies text ones behind them in order', async () => {
    expect(canInflateRaw()).toBe(true);
    // As the server sends a large message to ?compress=deflate-raw: raw DEFLATE, binary.
    const packed = (m: unknown) =>
      new Response(new Blob([JSON.stringify(m)]).stream().pipeThrough(new CompressionStream('deflate-raw' as CompressionFormat))).arrayBuffer();
    const first = await packed(snap(10, [agent(1, 'available'), agent(2, 'available')]));
    const third = await packed(deltas(12, [{ type: 'agent', seq: 12, agent: agent(1, 'paused', 'Lunch') }]));
    start();
    sockets[0]!.open();
    sockets[0]!.binary(first);
    // A text message arriving while the snapshot still inflates waits for it.
    sockets[0]!.message(deltas(11, [{ type: 'agent', seq: 11, agent: agent(2, 'acw') }]));
    sockets[0]!.binary(third);
    expect(last().connection).toBe('connecting');
    await vi.waitFor(() => expect(last().snapshot?.seq).toBe(12));
    expect(last().snapshot!.agents.map((a) => a.state)).toEqual(['paused', 'acw']);
    // Bytes that are not raw DEFLATE are skipped; the connection stays live.
    sockets[0]!.binary(new Uint8Array([1, 2, 3]).buffer);
    sockets[0]!.message(deltas(13, [{ type: 'agent', seq: 13, agent: agent(2, 'available') }]));
    await vi.waitFor(() => expect(last().snapshot?.seq).toBe(13));
    expect(last().connection).toBe('live');
  });

  it('accepts the first snapshot of a new connection even with a lower seq (server restart)', async () => {
    start();
    sockets[0]!.open();
    sockets[0]!.message(snap(500));
    sockets[0]!.drop();
    await vi.advanceTimersByTimeAsync(1000);
    sockets[1]!.message(snap(3, [agent(4, 'available')]));
    expect(last().snapshot).toMatchObject({ seq: 3, agents: [{ id: 4 }] });
    sockets[1]!.message(snap(2)); // but not an older one on the same connection
    expect(last().snapshot!.seq).toBe(3);
  });

  it('backs off 1 s, 2 s, then polls every 5 s and retries the socket every minute', async () => {
    const c = start();
    sockets[0]!.drop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop();
    await vi.advanceTimersByTimeAsync(1999);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(FAILURES_BEFORE_POLLING);
    sockets[2]!.drop();
    expect(last().connection).toBe('polling');
    await vi.advanceTimersByTimeAsync(0);
    expect(polls).toBe(1);
    expect(last()).toMatchObject({ connection: 'polling', snapshot: { seq: 100 } });
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(polls).toBe(2);
    await vi.advanceTimersByTimeAsync(SOCKET_RETRY_WHILE_POLLING_MS - POLL_MS);
    expect(sockets).toHaveLength(4);
    expect(sockets[3]!.url).toBe('ws://h/api/v1/live/ws'); // a fresh snapshot, not a resume
    sockets[3]!.open();
    sockets[3]!.message(snap(120));
    expect(last()).toMatchObject({ connection: 'live', snapshot: { seq: 120 } });
    const pollsThen = polls;
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    expect(polls).toBe(pollsThen); // polling stopped
    c.stop();
  });

  it('reconnects when the socket goes silent, and sends the token when there is no cookie', async () => {
    start('cbs_token');
    sockets[0]!.open();
    expect(JSON.parse(sockets[0]!.sent[0]!)).toEqual({ type: 'auth', token: 'cbs_token' });
    sockets[0]!.message(snap(7));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sockets[0]!.sent).toContain('{"type":"ping"}');
    await vi.advanceTimersByTimeAsync(25_000); // 45 s without any message
    expect(sockets[0]!.closed).toBe(true);
    expect(last().connection).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    sockets[1]!.open();
    expect(JSON.parse(sockets[1]!.sent[0]!)).toEqual({ type: 'auth', token: 'cbs_token', after: 7 });
  });

  it('stops for good when the server has no live API', async () => {
    pollAnswer = () => new Response('{"error":{"code":"not_found","message":"no"}}', { status: 404 });
    start();
    for (let i = 0; i < FAILURES_BEFORE_POLLING; i++) {
      sockets[i]!.drop();
      await vi.advanceTimersByTimeAsync(5000);
    }
    expect(last().unavailable).toMatch(/does not provide live data/);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(polls).toBe(1);
    expect(sockets).toHaveLength(FAILURES_BEFORE_POLLING);
  });
});
