import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, errorFromResponse, queryString } from './client';

interface Seen {
  url: string;
  init: RequestInit;
}

function fakeFetch(responses: Array<() => Response>) {
  const seen: Seen[] = [];
  const impl = async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    const next = responses.shift();
    if (!next) throw new Error('no more responses');
    return next();
  };
  return { impl, seen };
}

function memoryStorage() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    map: m,
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

describe('queryString', () => {
  it('leaves out empty values and joins lists', () => {
    expect(queryString({ a: 1, b: '', c: null, d: undefined, e: false, f: true, g: [3, 4], h: [] })).toBe('?a=1&f=true&g=3%2C4');
    expect(queryString({})).toBe('');
    expect(queryString({ caller: '+49 30' })).toBe('?caller=%2B49+30');
  });
});

describe('errorFromResponse', () => {
  it('reads the server error shape', () => {
    const e = errorFromResponse(
      400,
      JSON.stringify({ error: { code: 'validation_failed', message: 'validation failed', trace_id: 'abc', field_errors: [{ field: 'email', code: 'invalid', message: 'must be a valid e-mail address' }] } }),
      null,
    );
    expect(e.status).toBe(400);
    expect(e.code).toBe('validation_failed');
    expect(e.traceId).toBe('abc');
    expect(e.fieldMessage('email')).toBe('must be a valid e-mail address');
    expect(e.fieldMessage('name')).toBeUndefined();
  });
  it('reads the field a conflict names in its message', () => {
    const e = errorFromResponse(409, JSON.stringify({ error: { code: 'already_exists', message: 'pbx_ids already in use', trace_id: 't' } }), null);
    expect(e.status).toBe(409);
    expect(e.fieldErrors).toEqual([{ field: 'pbx_ids', code: 'already_exists', message: 'already in use' }]);
    expect(e.fieldMessage('pbx_ids')).toBe('already in use');
    const other = errorFromResponse(409, JSON.stringify({ error: { code: 'failed_precondition', message: 'name already in use' } }), null);
    expect(other.fieldErrors).toEqual([]);
    const prose = errorFromResponse(409, JSON.stringify({ error: { code: 'already_exists', message: 'the team Blue already exists' } }), null);
    expect(prose.fieldErrors).toEqual([]);
  });
  it('falls back for bodies that are not the error shape', () => {
    const e = errorFromResponse(502, '<html>bad gateway</html>', '7');
    expect(e.code).toBe('http_502');
    expect(e.message).toBe('Request failed (HTTP 502).');
    expect(e.retryAfterS).toBe(7);
  });
});

describe('ApiClient', () => {
  it('sends the CSRF token on unsafe methods only, and keeps it across instances', async () => {
    const storage = memoryStorage();
    const { impl, seen } = fakeFetch([json(200, { ok: 1 }), json(201, { id: 5 }), () => new Response(null, { status: 204 })]);
    const client = new ApiClient(impl, storage);
    client.setCsrfToken('tok-1');
    await client.get('/api/v1/users');
    await client.post('/api/v1/users', { name: 'A' });
    await client.del('/api/v1/users/5');
    const headers = seen.map((s) => s.init.headers as Record<string, string>);
    expect(headers[0]!['X-CSRF-Token']).toBeUndefined();
    expect(headers[1]!['X-CSRF-Token']).toBe('tok-1');
    expect(headers[1]!['Content-Type']).toBe('application/json');
    expect(seen[1]!.init.body).toBe('{"name":"A"}');
    expect(headers[2]!['X-CSRF-Token']).toBe('tok-1');
    expect(seen[2]!.init.method).toBe('DELETE');
    expect(new ApiClient(impl, storage).hasCsrfToken()).toBe(true);
    client.setCsrfToken(null);
    expect(storage.map.size).toBe(0);
  });

  it('uses a bearer token instead of the cookie when told to', async () => {
    const { impl, seen } = fakeFetch([json(200, {})]);
    const client = new ApiClient(impl, memoryStorage());
    client.setCsrfToken('c');
    client.setBearerFallback('cbs_x');
    await client.post('/api/v1/tokens', {});
    const h = seen[0]!.init.headers as Record<string, string>;
    expect(h['Authorization']).toBe('Bearer cbs_x');
    expect(h['X-CSRF-Token']).toBeUndefined();
  });

  it('reports a 401 to the handler, except for sign-in itself', async () => {
    const body = { error: { code: 'unauthenticated', message: 'session expired', trace_id: 't' } };
    const { impl } = fakeFetch([json(401, body), json(401, body)]);
    const client = new ApiClient(impl, memoryStorage());
    const seen: ApiError[] = [];
    client.setUnauthenticatedHandler((e) => seen.push(e));
    await expect(client.get('/api/v1/calls')).rejects.toMatchObject({ status: 401, code: 'unauthenticated', message: 'session expired' });
    await expect(client.post('/api/v1/auth/login', {})).rejects.toBeInstanceOf(ApiError);
    expect(seen).toHaveLength(1);
  });

  it('turns a network failure into an ApiError with status 0', async () => {
    const client = new ApiClient(async () => {
      throw new TypeError('fetch failed');
    }, memoryStorage());
    await expect(client.get('/api/v1/calls')).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});
