import { useEffect, useRef, useState } from 'preact/hooks';
import { loginErrorMessage, session } from '../state/session';

export function Login(props: { message: string | null; onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  useEffect(() => emailRef.current?.focus(), []);

  async function submit(e: Event) {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError('Enter your e-mail and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await session.login(email.trim(), password);
      props.onSignedIn();
    } catch (err) {
      setError(loginErrorMessage(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="login" id="main">
      <form class="login-card" onSubmit={submit} noValidate aria-labelledby="login-title">
        <div class="brand brand-large" aria-hidden="true">
          <span class="brand-mark">C</span> Callboard
        </div>
        <h1 id="login-title">Sign in</h1>
        {props.message && !error && (
          <p class="notice notice-info" role="status">
            {props.message}
          </p>
        )}
        {error && (
          <p class="notice notice-error" role="alert" id="login-error">
            {error}
          </p>
        )}
        <div class="field">
          <label for="login-email">E-mail</label>
          <input
            ref={emailRef}
            id="login-email"
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            aria-describedby={error ? 'login-error' : undefined}
          />
        </div>
        <div class="field">
          <label for="login-password">Password</label>
          <input
            id="login-password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <button class="btn btn-primary btn-block" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
