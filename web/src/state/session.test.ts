import { describe, expect, it } from 'vitest';
import { ApiClient } from '../api/client';
import { EXPIRED_MESSAGE, Session, loginErrorMessage } from './session';
import { ApiError } from '../api/client';

const me = { role: 'agent', tenant: { id: 1, name: 'demo', created_at: '' }, permissions: ['view_own_performance'], scope: { kind: 'own', team_ids: [], lob_ids: [] }, agent_id: 3 };

function client(routes: Record<string, Array<[number, unknown]>>) {
  const calls: string[] = [];
  const impl = async (url: string, init: RequestInit) => {
    calls.push(`${init.method} ${url}`);
    const queue = routes[`${init.method} ${url}`];
    const next = queue?.shift();
    if (!next) return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no' } }), { status: 404 });
    return next[0] === 204 ? new Response(null, { status: 204 }) : new Response(JSON.stringify(next[1]), { status: next[0] });
  };
  const store = new Map<string, string>();
  const c = new ApiClient(impl, { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) });
  return { c, calls, store };
}

const unauth = [401, { error: { code: 'unauthenticated', message: 'expired' } }] as [number, unknown];

describe('Session', () => {
  it('signs in, keeps the CSRF token, and signs out', async () => {
    const { c, store } = client({
      'POST /api/v1/auth/login': [[200, { token: 'cbs_1', csrf_token: 'csrf-1', expires_at: '', user: {}, permissions: [], scope: {} }]],
      'GET /api/v1/auth/me': [[200, me]],
      'POST /api/v1/auth/logout': [[204, null]],
    });
    const s = new Session(c);
    await s.login('a@b.c', 'pw');
    expect(s.state.get().status).toBe('signed_in');
    expect(s.me()?.agent_id).toBe(3);
    expect(store.get('callboard.csrf')).toBe('csrf-1');
    await s.logout();
    expect(s.state.get()).toMatchObject({ status: 'signed_out', message: 'You have signed out.' });
    expect(store.size).toBe(0);
  });

  it('falls back to the bearer token when the cookie was refused', async () => {
    const { c, calls } = client({
      'POST /api/v1/auth/login': [[200, { token: 'cbs_1', csrf_token: 'csrf-1' }]],
      'GET /api/v1/auth/me': [unauth, [200, me]],
    });
    const s = new Session(c);
    // The first /me 401 must not count as an expiry: the session is not signed in yet.
    await s.login('a@b.c', 'pw');
    expect(s.state.get().status).toBe('signed_in');
    expect(calls).toEqual(['POST /api/v1/auth/login', 'GET /api/v1/auth/me', 'GET /api/v1/auth/me']);
  });

  it('goes back to sign-in with a message when a request answers 401', async () => {
    const { c } = client({ 'GET /api/v1/auth/me': [[200, me]], 'GET /api/v1/calls': [unauth] });
    const s = new Session(c);
    await s.restore();
    expect(s.state.get().status).toBe('signed_in');
    await expect(c.get('/api/v1/calls')).rejects.toBeInstanceOf(ApiError);
    expect(s.state.get()).toMatchObject({ status: 'signed_out', message: EXPIRED_MESSAGE });
  });

  it('restores to signed out without a message when there is no session', async () => {
    const { c } = client({ 'GET /api/v1/auth/me': [unauth] });
    const s = new Session(c);
    await s.restore();
    expect(s.state.get()).toMatchObject({ status: 'signed_out', message: null });
  });
});

describe('loginErrorMessage', () => {
  it('tells wrong password, lockout and rate limit apart', () => {
    expect(loginErrorMessage(new ApiError(401, 'unauthenticated', 'x'))).toBe('Wrong e-mail or password.');
    expect(loginErrorMessage(new ApiError(423, 'account_locked', 'x'))).toMatch(/locked/);
    expect(loginErrorMessage(new ApiError(429, 'rate_limited', 'x', '', [], 42))).toMatch(/Wait 42 seconds/);
    expect(loginErrorMessage(new ApiError(400, 'validation_failed', 'x', '', [{ field: 'email', code: 'required', message: 'is required' }]))).toBe('email: is required');
  });
});
