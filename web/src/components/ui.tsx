// Shared building blocks: page header, loading / empty / error states, tables, drawers, fields.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';

export function PageHeader(props: { title: string; children?: ComponentChildren; description?: string }) {
  return (
    <header class="page-header">
      <div>
        <h1 tabIndex={-1} id="page-title">
          {props.title}
        </h1>
        {props.description && <p class="muted">{props.description}</p>}
      </div>
      {props.children && <div class="page-actions">{props.children}</div>}
    </header>
  );
}

export function Loading(props: { label?: string }) {
  return (
    <div class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {props.label ?? 'Loading…'}
    </div>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return <div class="state state-empty">{props.children}</div>;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return 'You do not have permission for this. ' + error.message;
    if (error.fieldErrors.length) return error.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ');
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ErrorBox(props: { error: unknown; onRetry?: () => void; title?: string }) {
  const trace = props.error instanceof ApiError && props.error.traceId ? props.error.traceId : null;
  return (
    <div class="state state-error" role="alert">
      <strong>{props.title ?? 'Something went wrong.'}</strong> {errorText(props.error)}
      {trace && <span class="muted small"> (trace {trace})</span>}
      {props.onRetry && (
        <button type="button" class="btn btn-small" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Notice(props: { kind: 'success' | 'info' | 'warning'; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${props.kind}`} role="status">
      {props.children}
    </div>
  );
}

export interface Column<T> {
  key: string;
  label: string;
  render: (row: T) => ComponentChildren;
  sort?: (row: T) => string | number | null;
  align?: 'end';
}

type SortState = { key: string; dir: 1 | -1 } | null;

export function sortRows<T>(rows: T[], columns: Column<T>[], sort: SortState): T[] {
  if (!sort) return rows;
  const col = columns.find((c) => c.key === sort.key);
  if (!col?.sort) return rows;
  const value = col.sort;
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * sort.dir;
  });
}

export function DataTable<T>(props: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string | number;
  caption: string;
  initialSort?: SortState;
  onRowOpen?: (row: T) => void;
  // On narrow screens, each row becomes a card of "label: value" lines instead of scrolling.
  stack?: boolean;
}) {
  const [sort, setSort] = useState<SortState>(props.initialSort ?? null);
  const rows = sortRows(props.rows, props.columns, sort);
  return (
    <div class={'table-wrap' + (props.stack ? ' table-stack' : '')} tabIndex={0} role="region" aria-label={props.caption}>
      <table>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => {
              const active = sort?.key === c.key;
              const ariaSort = active ? (sort!.dir === 1 ? 'ascending' : 'descending') : c.sort ? 'none' : undefined;
              return (
                <th scope="col" key={c.key} aria-sort={ariaSort} class={c.align === 'end' ? 'num' : undefined}>
                  {c.sort ? (
                    <button
                      type="button"
                      class="sort"
                      onClick={() => setSort(active && sort!.dir === 1 ? { key: c.key, dir: -1 } : active ? null : { key: c.key, dir: 1 })}
                    >
                      {c.label}
                      <span aria-hidden="true" class="sort-mark">
                        {active ? (sort!.dir === 1 ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={props.rowKey(r)} class={props.onRowOpen ? 'clickable' : undefined} onClick={props.onRowOpen ? () => props.onRowOpen!(r) : undefined}>
              {props.columns.map((c) => (
                <td key={c.key} class={c.align === 'end' ? 'num' : undefined} data-label={c.label}>
                  {props.stack ? <div class="cell">{c.render(r)}</div> : c.render(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// A modal side panel on the native <dialog>: focus moves in, Escape closes, focus returns.
export function Drawer(props: { title: string; open: boolean; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      const opener = document.activeElement as HTMLElement | null;
      d.showModal();
      return () => opener?.focus?.();
    }
    if (!props.open && d.open) d.close();
    return undefined;
  }, [props.open]);
  return (
    <dialog ref={ref} class="drawer" aria-labelledby="drawer-title" onClose={props.onClose} onCancel={props.onClose}>
      <div class="drawer-head">
        <h2 id="drawer-title">{props.title}</h2>
        <button type="button" class="btn btn-ghost" onClick={props.onClose} aria-label="Close">
          ✕
        </button>
      </div>
      <div class="drawer-body">{props.open && props.children}</div>
    </dialog>
  );
}

export function Field(props: { label: string; id: string; error?: string | undefined; hint?: string; children: ComponentChildren }) {
  return (
    <div class={'field' + (props.error ? ' field-invalid' : '')}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && !props.error && (
        <span class="hint" id={props.id + '-hint'}>
          {props.hint}
        </span>
      )}
      {props.error && (
        <span class="field-error" id={props.id + '-error'}>
          {props.error}
        </span>
      )}
    </div>
  );
}

// The attributes that tie an input to its Field's hint or error message.
export function fieldProps(id: string, error: string | undefined, hasHint = false): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  if (error) return { 'aria-invalid': true, 'aria-describedby': id + '-error' };
  return hasHint ? { 'aria-describedby': id + '-hint' } : {};
}

// A small colour square beside a name (pause reasons); decorative, the name carries the meaning.
export function Swatch(props: { colour: string | undefined }) {
  if (!props.colour) return null;
  return <span class="swatch" aria-hidden="true" style={{ background: props.colour }} />;
}

// Moves focus to the page title when a view mounts, so keyboard and screen-reader users
// start at the top of the new page.
export function useFocusTitle(): void {
  useEffect(() => {
    document.getElementById('page-title')?.focus({ preventScroll: true });
  }, []);
}
