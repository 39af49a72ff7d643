// Parts every admin page shares: loading a list, its loading / empty / error states, selects of
// named objects, the people filters, confirmed actions and the save state of a form.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, queryString, type QueryValue } from '../../api/client';
import type { Page, Team } from '../../api/types';
import { useAsync, type AsyncState } from '../../components/async';
import { Empty, ErrorBox, Field, Loading, Notice } from '../../components/ui';

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
  // Shows a success message for work done elsewhere (a drawer that closed).
  const announce = (message: string) => (setError(null), setDone(message));
  return { busy, error, done, run, announce, clear: () => (setError(null), setDone(null)) };
}
export type Save = ReturnType<typeof useSave>;

export function SaveStatus(props: { save: Save; title?: string }) {
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

// The form of a drawer: its fields, one submit button and the save status below.
export function DrawerForm(props: { label: string; submit: string; save: Save; onSubmit: () => void; children: ComponentChildren; failed?: string }) {
  return (
    <form
      aria-label={props.label}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      {props.children}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={props.save.busy}>
          {props.submit}
        </button>
      </div>
      <SaveStatus save={props.save} title={props.failed} />
    </form>
  );
}

// What a drawer that creates and edits shows: nothing (closed), a new object, or a row.
export type Editing<T> = T | 'new' | null;

// Every object of one list route (up to `limit`, the server's page maximum), reloaded when
// the query changes.
export function useList<T>(path: string, query: Record<string, QueryValue> = { limit: 500 }): AsyncState<T[]> {
  const qs = queryString(query);
  return useAsync((signal) => api.get<Page<T>>(path + qs, signal).then((p) => p.items), [path, qs]);
}

// A list's states: the error with a retry, loading before the first answer, the empty text,
// or the rows (kept on screen while a reload runs).
export function ListView<T>(props: { list: AsyncState<T[]>; empty: ComponentChildren; children: (rows: T[]) => ComponentChildren }) {
  const { list } = props;
  if (list.error) return <ErrorBox error={list.error} onRetry={list.reload} />;
  if (!list.data) return <Loading />;
  if (list.data.length === 0) return <Empty>{props.empty}</Empty>;
  return <>{props.children(list.data)}</>;
}

export interface Named {
  id: number;
  name: string;
}

// The name of `id` in `items`: "—" for none, "#id" while the list loads or when it is hidden.
export function nameOf(items: readonly Named[] | undefined, id: number | null): string {
  if (id === null) return '—';
  return items?.find((x) => x.id === id)?.name ?? `#${id}`;
}

// A select of named objects with a first option for none.
export function RefSelect<T extends Named>(props: {
  id?: string;
  label?: string;
  items: readonly T[] | undefined;
  value: number | null;
  none: string;
  onChange: (id: number | null) => void;
  optionLabel?: (item: T) => string;
  aria?: Record<string, unknown>;
}) {
  return (
    <select
      id={props.id}
      aria-label={props.label}
      value={props.value === null ? '' : String(props.value)}
      onChange={(e) => props.onChange(e.currentTarget.value ? Number(e.currentTarget.value) : null)}
      {...props.aria}
    >
      <option value="">{props.none}</option>
      {(props.items ?? []).map((x) => (
        <option key={x.id} value={String(x.id)}>
          {props.optionLabel ? props.optionLabel(x) : x.name}
        </option>
      ))}
    </select>
  );
}

// A button that asks first (the browser's own dialog: keyboard and screen readers know it).
export function ConfirmButton(props: { question: string; onConfirm: () => void; disabled?: boolean; children: ComponentChildren }) {
  return (
    <button type="button" class="btn btn-small btn-danger" disabled={props.disabled} onClick={() => confirm(props.question) && props.onConfirm()}>
      {props.children}
    </button>
  );
}

// `value`, once it has stopped changing for `ms` milliseconds (typing in a search field).
export function useDebounced<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

// Search, team and status filters of the users and agents lists; the query for the list route.
export interface PeopleFilter {
  search: string;
  team_id: number | null;
  active_only: boolean;
}
export const ALL_PEOPLE: PeopleFilter = { search: '', team_id: null, active_only: false };

export function isFiltered(f: PeopleFilter): boolean {
  return f.search.trim() !== '' || f.team_id !== null || f.active_only;
}

export function peopleQuery(f: PeopleFilter): Record<string, QueryValue> {
  return { limit: 500, search: f.search.trim(), team_id: f.team_id, active: f.active_only ? 'true' : undefined };
}

export function PeopleFilters(props: { label: string; searchLabel: string; idPrefix: string; value: PeopleFilter; teams: Team[] | undefined; onChange: (f: PeopleFilter) => void }) {
  const { value: f, idPrefix: p } = props;
  return (
    <form class="filters" role="search" aria-label={props.label} onSubmit={(e) => e.preventDefault()}>
      <Field label={props.searchLabel} id={`${p}-search`}>
        <input id={`${p}-search`} type="search" maxLength={100} value={f.search} onInput={(e) => props.onChange({ ...f, search: e.currentTarget.value })} />
      </Field>
      <Field label="Team" id={`${p}-team`}>
        <RefSelect id={`${p}-team`} items={props.teams} value={f.team_id} none="All teams" onChange={(team_id) => props.onChange({ ...f, team_id })} />
      </Field>
      <div class="field field-check">
        <input id={`${p}-active`} type="checkbox" checked={f.active_only} onChange={(e) => props.onChange({ ...f, active_only: e.currentTarget.checked })} />
        <label for={`${p}-active`}>Active only</label>
      </div>
    </form>
  );
}
