// The HTTP client of the app: JSON in and out, the CSRF header on unsafe methods, one error
// type (ApiError) carrying the server's error shape, and a hook for 401 (session over).
//
// Authentication is the HttpOnly session cookie the server sets on sign-in plus the CSRF
// token from the sign-in answer, kept in sessionStorage so a reload keeps working.

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly traceId: string;
  readonly fieldErrors: FieldError[];
  readonly retryAfterS: number | null;

  constructor(
    status: number,
    code: string,
    message: string,
    traceId = '',
    fieldErrors: FieldError[] = [],
    retryAfterS: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.traceId = traceId;
    this.fieldErrors = fieldErrors;
    this.retryAfterS = retryAfterS;
  }

  // The message of one field's error, if the server named that field.
  fieldMessage(field: string): string | undefined {
    return this.fieldErrors.find((f) => f.field === field)?.message;
  }
}

// Builds an ApiError from a response whose body may or may not be the server's error JSON.
export function errorFromResponse(status: number, bodyText: string, retryAfter: string | null): ApiError {
  let code = 'http_' + status;
  let message = status === 0 ? 'The server cannot be reached.' : `Request failed (HTTP ${status}).`;
  let traceId = '';
  let fields: FieldError[] = [];
  try {
    const parsed = JSON.parse(bodyText) as { error?: Partial<{ code: string; message: string; trace_id: string; field_errors: FieldError[] }> };
    const e = parsed.error;
    if (e) {
      if (typeof e.code === 'string') code = e.code;
      if (typeof e.message === 'string' && e.message) message = e.message;
      if (typeof e.trace_id === 'string') traceId = e.trace_id;
      if (Array.isArray(e.field_errors)) fields = e.field_errors;
    }
  } catch {
    // not JSON: keep the generic message
  }
  // A taken unique value (409) names its field only in the message: "<field> already in use".
  const taken = code === 'already_exists' && fields.length === 0 ? /^([a-z_]+) already in use$/.exec(message) : null;
  if (taken) fields = [{ field: taken[1]!, code, message: 'already in use' }];
  const retry = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
  return new ApiError(status, code, message, traceId, fields, retry);
}

export type QueryValue = string | number | boolean | null | undefined | Array<string | number>;

// "?a=1&b=x" from an object; empty, null and undefined values and false are left out.
export function queryString(params: Record<string, QueryValue>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    if (Array.isArray(value)) {
      if (value.length) q.set(key, value.join(','));
      continue;
    }
    q.set(key, String(value));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

const CSRF_KEY = 'callboard.csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const TIMEOUT_MS = 30_000;

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  accept?: string;
}

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export class ApiClient {
  private csrf: string | null;
  private bearer: string | null = null;
  private onUnauthenticated: ((e: ApiError) => void) | null = null;

  constructor(
    private readonly fetchImpl: FetchLike = (i, init) => fetch(i, init),
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null = typeof sessionStorage !== 'undefined'
      ? sessionStorage
      : null,
  ) {
    this.csrf = storage?.getItem(CSRF_KEY) ?? null;
  }

  setCsrfToken(token: string | null): void {
    this.csrf = token;
    if (!this.storage) return;
    if (token) this.storage.setItem(CSRF_KEY, token);
    else this.storage.removeItem(CSRF_KEY);
  }

  // A session token sent as Authorization: Bearer, kept in memory only, for browsers that
  // refuse the Secure session cookie (plain HTTP to a host other than localhost).
  setBearerFallback(token: string | null): void {
    this.bearer = token;
  }

  // The Bearer fallback token, if in use (the live WebSocket sends it as its first message).
  bearerToken(): string | null {
    return this.bearer;
  }

  hasCsrfToken(): boolean {
    return this.csrf !== null;
  }

  // Called once per 401 on any request but sign-in itself.
  setUnauthenticatedHandler(handler: ((e: ApiError) => void) | null): void {
    this.onUnauthenticated = handler;
  }

  async raw(path: string, options: RequestOptions = {}): Promise<Response> {
    const method = (options.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    if (this.bearer) headers['Authorization'] = 'Bearer ' + this.bearer;
    else if (UNSAFE.has(method) && this.csrf) headers['X-CSRF-Token'] = this.csrf;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), TIMEOUT_MS);
    const onAbort = () => timeout.abort();
    options.signal?.addEventListener('abort', onAbort);
    let res: Response;
    try {
      res = await this.fetchImpl(path, { method, headers, body, credentials: 'same-origin', signal: timeout.signal });
    } catch (e) {
      if (options.signal?.aborted) throw e;
      const msg = timeout.signal.aborted ? 'The server did not answer within 30 seconds.' : 'The server cannot be reached.';
      throw new ApiError(0, 'network', msg);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    if (!res.ok) {
      const err = errorFromResponse(res.status, await res.text().catch(() => ''), res.headers.get('Retry-After'));
      if (res.status === 401 && path !== '/api/v1/auth/login') this.onUnauthenticated?.(err);
      throw err;
    }
    return res;
  }

  async json<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.raw(path, options);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.json<T>(path, { signal });
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.json<T>(path, { method: 'POST', body });
  }
  put<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>(path, { method: 'PUT', body });
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>(path, { method: 'PATCH', body });
  }
  del(path: string): Promise<void> {
    return this.json<void>(path, { method: 'DELETE' });
  }
}

export const api = new ApiClient();
