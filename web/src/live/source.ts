// The live source: a WebSocket to /api/v1/live/ws that keeps one snapshot current, reconnects
// with backoff (resuming with ?after=<last seq>), and falls back to polling GET /api/v1/live
// when the WebSocket fails repeatedly, trying the WebSocket again now and then.
import type { ApiClient } from '../api/client';
import { messageText } from './inflate';
import { applyMessage, fetchSnapshot, parseMessage, type LiveSnapshot, type LiveSource } from './snapshot';

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'polling';

export interface LiveView {
  snapshot: LiveSnapshot | null;
  connection: Connection;
  // Set when the server has no live API (404/501): nothing is retried then.
  unavailable: string | null;
  // The last failure of a poll while polling, for the indicator's title.
  error: unknown;
  // Date.now() of the last applied change.
  updatedAt: number | null;
}

// What the source needs of a WebSocket (the browser's, or a test double).
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface LiveOptions {
  client: ApiClient;
  openSocket: (url: string) => SocketLike;
  // The WebSocket address; `after` is the last applied seq when resuming.
  socketUrl: (after: number | null) => string;
  // A session token to send as the first message when there is no cookie (Bearer fallback).
  authToken?: () => string | null;
  random?: () => number;
}

export const FAILURES_BEFORE_POLLING = 3;
export const POLL_MS = 5_000;
export const SOCKET_RETRY_WHILE_POLLING_MS = 60_000;
export const PING_MS = 20_000;
// No message at all for this long (pings are answered): the connection is dead.
export const SILENCE_MS = 45_000;
export const CONNECT_TIMEOUT_MS = 10_000;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

// The wait before reconnect attempt `attempt` (1, 2, …): 1 s doubling up to 30 s, with ±20 %
// jitter so a room full of wallboards does not reconnect in step.
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

// The WebSocket address on the page's own origin (cookie authentication needs the same origin);
// `compress` asks for large messages as raw DEFLATE (see inflate.ts).
export function liveSocketUrl(loc: { protocol: string; host: string }, after: number | null, compress = false): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = new URLSearchParams();
  if (after !== null) query.set('after', String(after));
  if (compress) query.set('compress', 'deflate-raw');
  const q = query.toString();
  return `${scheme}//${loc.host}/api/v1/live/ws${q ? `?${q}` : ''}`;
}

export interface LiveConnection extends LiveSource {
  // Drops the current wait and connects now (the indicator's "Reconnect").
  reconnectNow(): void;
}

export function connectLive(opts: LiveOptions, onView: (v: LiveView) => void): LiveConnection {
  const random = opts.random ?? Math.random;
  let view: LiveView = { snapshot: null, connection: 'connecting', unavailable: null, error: null, updatedAt: null };
  let stopped = false;
  let socket: SocketLike | null = null;
  let failures = 0; // consecutive connections that closed before any live message
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let silenceTimer: ReturnType<typeof setTimeout> | undefined;
  const pollAbort = new AbortController();

  const emit = (patch: Partial<LiveView>) => {
    view = { ...view, ...patch };
    if (!stopped) onView(view);
  };

  const clearSocketTimers = () => {
    clearInterval(pingTimer);
    clearTimeout(silenceTimer);
    pingTimer = silenceTimer = undefined;
  };

  const open = () => {
    if (stopped) return;
    clearTimeout(retryTimer);
    retryTimer = undefined;
    const polling = view.connection === 'polling';
    if (!polling) emit({ connection: view.snapshot ? 'reconnecting' : 'connecting' });
    let s: SocketLike;
    try {
      s = opts.openSocket(opts.socketUrl(view.snapshot && !polling ? view.snapshot.seq : null));
    } catch {
      onSocketEnd(false);
      return;
    }
    socket = s;
    let gotLive = false;
    let first = true;
    const ended = () => {
      if (socket !== s) return;
      socket = null;
      clearSocketTimers();
      onSocketEnd(gotLive);
    };
    const armSilence = (ms: number) => {
      clearTimeout(silenceTimer);
      silenceTimer = setTimeout(() => {
        s.close(4000, 'no message');
        ended();
      }, ms);
    };
    armSilence(CONNECT_TIMEOUT_MS);
    s.onopen = () => {
      if (socket !== s) return;
      const token = opts.authToken?.() ?? null;
      if (token) s.send(JSON.stringify({ type: 'auth', token, ...(view.snapshot ? { after: view.snapshot.seq } : {}) }));
      pingTimer = setInterval(() => s.send('{"type":"ping"}'), PING_MS);
    };
    // Binary (compressed) messages inflate asynchronously; messages behind one wait for it, so
    // they apply in the order they came.
    let inflating: Promise<void> | null = null;
    s.onmessage = (ev) => {
      if (socket !== s) return;
      armSilence(SILENCE_MS);
      if (typeof ev.data === 'string' && !inflating) {
        handle(ev.data);
        return;
      }
      const data = ev.data;
      const done: Promise<void> = (inflating ?? Promise.resolve())
        .then(() => messageText(data))
        .then(
          (text) => {
            if (socket === s) handle(text);
          },
          () => undefined, // one unreadable message does not end the connection
        )
        .then(() => {
          if (inflating === done) inflating = null;
        });
      inflating = done;
    };
    const handle = (text: string) => {
      let msg;
      try {
        msg = parseMessage(text);
      } catch {
        return; // one unreadable message does not end the connection
      }
      if (msg.type === 'ping') {
        s.send('{"type":"pong"}');
        return;
      }
      if (msg.type === 'pong') return;
      // The first snapshot of a connection is the server's whole truth, even with a lower seq
      // (the server restarted); after it only newer messages apply.
      const next = first && msg.type === 'snapshot' ? applyMessage(null, msg) : applyMessage(view.snapshot, msg);
      first = false;
      if (!gotLive) {
        gotLive = true;
        failures = 0;
        stopPolling();
      }
      emit({ snapshot: next, connection: 'live', error: null, updatedAt: next !== view.snapshot ? Date.now() : view.updatedAt });
    };
    s.onerror = () => undefined; // onclose follows
    s.onclose = () => ended();
  };

  const onSocketEnd = (wasLive: boolean) => {
    if (stopped) return;
    if (view.connection === 'polling') {
      // A retry from polling that did not work: keep polling, try again later.
      retryTimer = setTimeout(open, SOCKET_RETRY_WHILE_POLLING_MS);
      return;
    }
    failures = wasLive ? 1 : failures + 1;
    if (failures >= FAILURES_BEFORE_POLLING) {
      startPolling();
      retryTimer = setTimeout(open, SOCKET_RETRY_WHILE_POLLING_MS);
      return;
    }
    emit({ connection: view.snapshot ? 'reconnecting' : 'connecting' });
    retryTimer = setTimeout(open, backoffDelay(failures, random));
  };

  const startPolling = () => {
    emit({ connection: 'polling' });
    const tick = async () => {
      pollTimer = undefined;
      try {
        const s = await fetchSnapshot(opts.client, pollAbort.signal);
        if (stopped || view.connection !== 'polling') return;
        if (s.kind === 'unavailable') {
          clearTimeout(retryTimer);
          emit({ unavailable: s.reason });
          return;
        }
        if (s.kind === 'live') emit({ snapshot: s.snapshot, error: null, updatedAt: Date.now() });
      } catch (error) {
        if (stopped || view.connection !== 'polling') return;
        emit({ error });
      }
      pollTimer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
  };

  const stopPolling = () => {
    clearTimeout(pollTimer);
    pollTimer = undefined;
  };

  open();
  return {
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      stopPolling();
      clearSocketTimers();
      pollAbort.abort();
      const s = socket;
      socket = null;
      s?.close(1000, 'done');
    },
    reconnectNow() {
      if (stopped || socket) return;
      open();
    },
  };
}
