// A small history-API router: the current location as a signal-like store, navigate(),
// and link interception for same-origin <a href> clicks.

export interface Location {
  path: string;
  query: URLSearchParams;
}

type Listener = (loc: Location) => void;
const listeners = new Set<Listener>();

function read(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

let current: Location | null = null;

export function location(): Location {
  if (!current) current = read();
  return current;
}

function emit(): void {
  current = read();
  for (const l of listeners) l(current);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const target = new URL(to, window.location.origin);
  const same = target.pathname + target.search === window.location.pathname + window.location.search;
  if (options.replace || same) window.history.replaceState(null, '', target.pathname + target.search);
  else window.history.pushState(null, '', target.pathname + target.search);
  emit();
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

let started = false;
export function startRouter(): void {
  if (started) return;
  started = true;
  window.addEventListener('popstate', emit);
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const href = a.getAttribute('href');
    if (!href || !href.startsWith('/') || href.startsWith('//') || href.startsWith('/api/')) return;
    e.preventDefault();
    navigate(href);
  });
}

// Matches "/calls/:id" style patterns; returns the parameters or null.
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(s[i]!);
    else if (seg !== s[i]) return null;
  }
  return params;
}
