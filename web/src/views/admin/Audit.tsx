// The audit log, newest first, with filters, keyset pages and the chain check.
import { useEffect, useState } from 'preact/hooks';
import { api, queryString } from '../../api/client';
import type { AuditEntry, Page, User } from '../../api/types';
import { useAsync } from '../../components/async';
import { DataTable, Empty, ErrorBox, Field, Loading, Notice } from '../../components/ui';
import { formatDateTime, zonedToUtc } from '../../lib/format';
import { timeZone } from '../../state/prefs';
import { useStore } from '../../state/store';
import { useSave } from './common';

function Change(props: { entry: AuditEntry }) {
  const { before, after } = props.entry;
  if (before === null && after === null) return <span class="muted">—</span>;
  return (
    <details>
      <summary>Show</summary>
      {before !== null && (
        <>
          <strong>Before</strong>
          <pre>{JSON.stringify(before, null, 2)}</pre>
        </>
      )}
      {after !== null && (
        <>
          <strong>After</strong>
          <pre>{JSON.stringify(after, null, 2)}</pre>
        </>
      )}
    </details>
  );
}

export default function Audit() {
  const tz = useStore(timeZone);
  const users = useAsync((sig) => api.get<Page<User>>('/api/v1/users?limit=500', sig).then((p) => p.items), []);
  const [filters, setFilters] = useState({ action: '', object_type: '', object_id: '', actor_user_id: '', from: '', to: '' });
  const [applied, setApplied] = useState(filters);
  const [rows, setRows] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [verify, setVerify] = useState<string | null>(null);
  const check = useSave();

  const load = async (after: string | null) => {
    setLoading(true);
    setError(null);
    try {
      const instant = (v: string) => (v ? zonedToUtc(v, tz)?.toISOString() : undefined);
      const params = { ...applied, from: instant(applied.from), to: instant(applied.to), limit: 100, cursor: after };
      const page = await api.get<Page<AuditEntry>>('/api/v1/audit' + queryString(params));
      setRows((r) => (after ? [...r, ...page.items] : page.items));
      setCursor(page.next_cursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void load(null), [applied, tz]);

  return (
    <>
      <form
        class="filters"
        aria-label="Audit filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ ...filters });
        }}
      >
        <Field label="Action (exact, or prefix ending in .)" id="a-action">
          <input id="a-action" value={filters.action} placeholder="user." onInput={(e) => setFilters({ ...filters, action: e.currentTarget.value })} />
        </Field>
        <Field label="Object type" id="a-type">
          <input id="a-type" value={filters.object_type} placeholder="user" onInput={(e) => setFilters({ ...filters, object_type: e.currentTarget.value })} />
        </Field>
        <Field label="Object id" id="a-object">
          <input id="a-object" type="number" min={1} value={filters.object_id} onInput={(e) => setFilters({ ...filters, object_id: e.currentTarget.value })} />
        </Field>
        <Field label="Who" id="a-actor">
          <select id="a-actor" value={filters.actor_user_id} onChange={(e) => setFilters({ ...filters, actor_user_id: e.currentTarget.value })}>
            <option value="">Anyone</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={String(u.id)}>
                {u.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={`From (${tz})`} id="a-from">
          <input id="a-from" type="datetime-local" value={filters.from} onInput={(e) => setFilters({ ...filters, from: e.currentTarget.value })} />
        </Field>
        <Field label={`To (${tz})`} id="a-to">
          <input id="a-to" type="datetime-local" value={filters.to} onInput={(e) => setFilters({ ...filters, to: e.currentTarget.value })} />
        </Field>
        <div class="filter-actions">
          <button class="btn btn-primary" type="submit">
            Apply
          </button>
          <button
            class="btn"
            type="button"
            disabled={check.busy}
            onClick={() =>
              void check.run(async () => {
                const v = await api.get<{ intact: boolean; entries_checked: number; broken_seq: number | null; reason: string }>('/api/v1/audit/verify');
                setVerify(v.intact ? `The chain is intact (${v.entries_checked} entries checked).` : `The chain is broken at entry ${v.broken_seq}: ${v.reason}`);
              })
            }
          >
            Verify chain
          </button>
        </div>
      </form>
      {verify && <Notice kind={verify.startsWith('The chain is intact') ? 'success' : 'warning'}>{verify}</Notice>}
      {check.error ? <ErrorBox error={check.error} /> : null}
      {error ? (
        <ErrorBox error={error} onRetry={() => void load(null)} />
      ) : loading && rows.length === 0 ? (
        <Loading />
      ) : rows.length === 0 ? (
        <Empty>No audit entries match.</Empty>
      ) : (
        <>
          <DataTable
            stack
            caption="Audit log"
            rows={rows}
            rowKey={(a) => a.seq}
            columns={[
              { key: 'seq', label: '#', align: 'end', sort: (a) => a.seq, render: (a) => a.seq },
              { key: 'at', label: 'When', sort: (a) => a.at, render: (a) => formatDateTime(a.at, tz) },
              { key: 'actor', label: 'Who', sort: (a) => a.actor, render: (a) => a.actor },
              { key: 'action', label: 'Action', sort: (a) => a.action, render: (a) => <code>{a.action}</code> },
              { key: 'object', label: 'Object', render: (a) => (a.object_type ? `${a.object_type}${a.object_id !== null ? ' #' + a.object_id : ''}` : '—') },
              { key: 'ip', label: 'Address', render: (a) => a.ip || '—' },
              { key: 'change', label: 'Change', render: (a) => <Change entry={a} /> },
            ]}
          />
          {cursor && (
            <div class="more">
              <button type="button" class="btn" disabled={loading} onClick={() => void load(cursor)}>
                {loading ? 'Loading…' : 'Load older entries'}
              </button>
            </div>
          )}
        </>
      )}
    </>
  );
}
