// Sources serve runs (file tails, 3CX sockets) and push sources: create, enable, delete,
// rotate the webhook secret.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Page, Source } from '../../api/types';
import { useAsync } from '../../components/async';
import { DataTable, Empty, ErrorBox, Field, Loading, Notice } from '../../components/ui';
import { SourceState } from '../DataQuality';
import { FormCard, SaveStatus, fieldError, useSave } from './common';

const KINDS = ['file-tail', '3cx-tcp-listen', '3cx-tcp-connect'];
const FORMATS = ['asterisk-queue-log', 'asterisk-cdr', '3cx-cdr', 'freeswitch-cc', 'calls-json', 'calls-csv'];
const EMPTY = { name: '', kind: 'file-tail', format: 'asterisk-queue-log', path: '', host: '', port: '', time_zone: '' };

export default function Sources() {
  const sources = useAsync((s) => api.get<Page<Source>>('/api/v1/sources', s), []);
  const [f, setF] = useState(EMPTY);
  const create = useSave();
  const row = useSave();
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const tail = f.kind === 'file-tail';
  return (
    <>
      <FormCard
        title="New source"
        onSubmit={() =>
          void create.run(async () => {
            const body: Record<string, unknown> = { name: f.name.trim(), kind: f.kind, format: f.format };
            if (tail) body.path = f.path.trim();
            else {
              if (f.host.trim()) body.host = f.host.trim();
              if (f.port) body.port = Number(f.port);
            }
            if (f.time_zone.trim()) body.time_zone = f.time_zone.trim();
            const s = await api.post<Source>('/api/v1/sources', body);
            setF(EMPTY);
            sources.reload();
            return `Source ${s.name} was added.`;
          })
        }
      >
        <Field label="Name" id="src-name" error={fieldError(create.error, 'name')}>
          <input id="src-name" required value={f.name} onInput={(e) => setF({ ...f, name: e.currentTarget.value })} />
        </Field>
        <Field label="Kind" id="src-kind" error={fieldError(create.error, 'kind')}>
          <select id="src-kind" value={f.kind} onChange={(e) => setF({ ...f, kind: e.currentTarget.value })}>
            {KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </Field>
        <Field label="Format" id="src-format" error={fieldError(create.error, 'format')}>
          <select id="src-format" value={f.format} onChange={(e) => setF({ ...f, format: e.currentTarget.value })}>
            {FORMATS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </Field>
        {tail ? (
          <Field label="File path" id="src-path" error={fieldError(create.error, 'path')}>
            <input id="src-path" value={f.path} onInput={(e) => setF({ ...f, path: e.currentTarget.value })} />
          </Field>
        ) : (
          <>
            <Field label="Host" id="src-host" error={fieldError(create.error, 'host')}>
              <input id="src-host" value={f.host} onInput={(e) => setF({ ...f, host: e.currentTarget.value })} />
            </Field>
            <Field label="Port" id="src-port" error={fieldError(create.error, 'port')}>
              <input id="src-port" type="number" min={1} max={65535} value={f.port} onInput={(e) => setF({ ...f, port: e.currentTarget.value })} />
            </Field>
          </>
        )}
        <Field label="PBX time zone" id="src-tz" error={fieldError(create.error, 'time_zone')} hint="IANA name; empty for UTC">
          <input id="src-tz" value={f.time_zone} onInput={(e) => setF({ ...f, time_zone: e.currentTarget.value })} aria-describedby="src-tz-hint" />
        </Field>
        <div class="form-actions">
          <button class="btn btn-primary" type="submit" disabled={create.busy}>
            Add source
          </button>
        </div>
        <SaveStatus save={create} title="The source was not added." />
      </FormCard>
      {secret && (
        <Notice kind="warning">
          Webhook secret of {secret.name} — shown only now, copy it: <code class="secret">{secret.secret}</code>
        </Notice>
      )}
      <SaveStatus save={row} />
      {sources.error ? (
        <ErrorBox error={sources.error} onRetry={sources.reload} />
      ) : !sources.data ? (
        <Loading />
      ) : sources.data.items.length === 0 ? (
        <Empty>No sources yet.</Empty>
      ) : (
        <DataTable
          caption="Sources"
          rows={sources.data.items}
          rowKey={(s) => s.id}
          columns={[
            { key: 'name', label: 'Name', sort: (s) => s.name, render: (s) => s.name },
            { key: 'kind', label: 'Kind', render: (s) => s.kind },
            { key: 'format', label: 'Format', render: (s) => s.format },
            { key: 'where', label: 'Where', render: (s) => s.path ?? (s.host ? `${s.host}:${s.port ?? ''}` : s.port ? `port ${s.port}` : '—') },
            { key: 'state', label: 'Status', render: (s) => <SourceState source={s} /> },
            {
              key: 'act',
              label: 'Actions',
              render: (s) => (
                <div class="row-actions">
                  {s.kind !== 'push' && (
                    <button
                      type="button"
                      class="btn btn-small"
                      onClick={() =>
                        void row.run(async () => {
                          await api.patch(`/api/v1/sources/${s.id}`, { enabled: s.enabled === false });
                          sources.reload();
                          return `${s.name} ${s.enabled === false ? 'enabled' : 'disabled'}.`;
                        })
                      }
                    >
                      {s.enabled === false ? 'Enable' : 'Disable'}
                    </button>
                  )}
                  <button
                    type="button"
                    class="btn btn-small"
                    onClick={() =>
                      void row.run(async () => {
                        const r = await api.post<{ secret: string }>(`/api/v1/sources/${s.id}/webhook-secret`);
                        setSecret({ name: s.name, secret: r.secret });
                      })
                    }
                  >
                    New webhook secret
                  </button>
                  {s.kind !== 'push' && (
                    <button
                      type="button"
                      class="btn btn-small btn-danger"
                      onClick={() => {
                        if (!confirm(`Remove the source ${s.name}? Its calls stay.`)) return;
                        void row.run(async () => {
                          await api.del(`/api/v1/sources/${s.id}`);
                          sources.reload();
                          return `${s.name} was removed.`;
                        });
                      }}
                    >
                      Remove
                    </button>
                  )}
                </div>
              ),
            },
          ]}
        />
      )}
    </>
  );
}
