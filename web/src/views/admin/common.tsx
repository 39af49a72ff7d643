import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { ErrorBox, Notice } from '../../components/ui';

// The message for one field of a failed save, if the server named it.
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fieldMessage(field) : undefined;
}

// Runs a save, keeping busy / error / success message state for a form.
export function useSave() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  async function run(action: () => Promise<string | void>): Promise<boolean> {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const msg = await action();
      if (msg) setDone(msg);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, done, run, clear: () => (setError(null), setDone(null)) };
}

export function SaveStatus(props: { save: ReturnType<typeof useSave>; title?: string }) {
  const { error, done } = props.save;
  if (error) {
    const unnamed = error instanceof ApiError && error.fieldErrors.length > 0;
    return <ErrorBox error={error} title={unnamed ? 'Please correct the marked fields.' : (props.title ?? 'Not saved.')} />;
  }
  if (done) return <Notice kind="success">{done}</Notice>;
  return null;
}

export function FormCard(props: { title: string; children: ComponentChildren; onSubmit: () => void }) {
  return (
    <form
      class="card form-card"
      aria-label={props.title}
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      <h2>{props.title}</h2>
      <div class="form-grid">{props.children}</div>
    </form>
  );
}
