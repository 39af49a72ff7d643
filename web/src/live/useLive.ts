// The live view for a component: one WebSocket connection (or its polling fallback) while the
// component is mounted, and a clock ticking every second for times in state.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { canInflateRaw } from './inflate';
import { connectLive, liveSocketUrl, type LiveConnection, type LiveView, type SocketLike } from './source';

export function useLive(): { view: LiveView; reconnect: () => void } {
  const [view, setView] = useState<LiveView>({ snapshot: null, connection: 'connecting', unavailable: null, error: null, updatedAt: null });
  const [conn, setConn] = useState<LiveConnection | null>(null);
  useEffect(() => {
    const compress = canInflateRaw();
    const c = connectLive(
      {
        client: api,
        openSocket: (url) => {
          const ws = new WebSocket(url);
          ws.binaryType = 'arraybuffer';
          return ws as unknown as SocketLike;
        },
        socketUrl: (after) => liveSocketUrl(window.location, after, compress),
        authToken: () => api.bearerToken(),
      },
      setView,
    );
    setConn(c);
    return () => c.stop();
  }, []);
  return { view, reconnect: () => conn?.reconnectNow() };
}

// Date.now(), re-rendering every `ms`.
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
