// The signed-in session: sign-in, sign-out, and the end of a session the server reports (401).
import { ApiClient, ApiError, api as defaultApi } from '../api/client';
import type { LoginAnswer, Me } from '../api/types';
import { createStore } from './store';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed_out'; message: string | null; returnTo: string | null }
  | { status: 'signed_in'; me: Me };

export const EXPIRED_MESSAGE = 'Your session has ended. Please sign in again.';
export const SIGNED_OUT_MESSAGE = 'You have signed out.';

// The sign-in error to show, by the server's error code.
export function loginErrorMessage(e: unknown): string {
  if (!(e instanceof ApiError)) return 'Sign-in failed. Please try again.';
  switch (e.code) {
    case 'unauthenticated':
      return 'Wrong e-mail or password.';
    case 'account_locked':
      return 'This account is locked after too many failed sign-ins. Try again in 15 minutes or ask an administrator.';
    case 'rate_limited':
      return `Too many sign-in attempts from this address. Wait ${e.retryAfterS ?? 60} seconds and try again.`;
    case 'validation_failed':
      return e.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ') || e.message;
    case 'network':
      return e.message;
    default:
      return e.message || 'Sign-in failed. Please try again.';
  }
}

export class Session {
  readonly state = createStore<SessionState>({ status: 'loading' });

  constructor(private readonly client: ApiClient = defaultApi) {
    client.setUnauthenticatedHandler(() => this.expire());
  }

  me(): Me | null {
    const s = this.state.get();
    return s.status === 'signed_in' ? s.me : null;
  }

  // Asks the server who is signed in (the cookie survives reloads).
  async restore(): Promise<void> {
    try {
      const me = await this.client.get<Me>('/api/v1/auth/me');
      this.state.set({ status: 'signed_in', me });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        if (this.state.get().status !== 'signed_out') this.state.set({ status: 'signed_out', message: null, returnTo: currentPath() });
        return;
      }
      this.state.set({ status: 'signed_out', message: e instanceof ApiError ? e.message : 'The server cannot be reached.', returnTo: currentPath() });
    }
  }

  async login(email: string, password: string): Promise<Me> {
    const answer = await this.client.post<LoginAnswer>('/api/v1/auth/login', { email, password });
    this.client.setCsrfToken(answer.csrf_token);
    this.client.setBearerFallback(null);
    let me: Me;
    try {
      me = await this.client.get<Me>('/api/v1/auth/me');
    } catch (e) {
      // The browser refused the Secure cookie (plain HTTP off localhost): use the token for
      // this page's lifetime only.
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
      this.client.setBearerFallback(answer.token);
      me = await this.client.get<Me>('/api/v1/auth/me');
    }
    this.state.set({ status: 'signed_in', me });
    return me;
  }

  async logout(): Promise<void> {
    try {
      await this.client.post('/api/v1/auth/logout');
    } catch {
      // signed out locally either way
    }
    this.client.setCsrfToken(null);
    this.client.setBearerFallback(null);
    this.state.set({ status: 'signed_out', message: SIGNED_OUT_MESSAGE, returnTo: null });
  }

  // The server answered 401 to a request: the session expired or was revoked.
  expire(): void {
    if (this.state.get().status !== 'signed_in') return;
    this.client.setCsrfToken(null);
    this.client.setBearerFallback(null);
    this.state.set({ status: 'signed_out', message: EXPIRED_MESSAGE, returnTo: currentPath() });
  }
}

function currentPath(): string | null {
  if (typeof window === 'undefined') return null;
  const p = window.location.pathname + window.location.search;
  return p === '/' || p.startsWith('/login') ? null : p;
}

export const session = new Session();
