// Sources serve runs (file tails, 3CX sockets, Asterisk Manager Interface links) and push
// sources: create, change, enable, delete, rotate the webhook secret.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Source } from '../../api/types';
import { DataTable, Drawer, Field, Notice, fieldProps } from '../../components/ui';
import { SourceState } from '../DataQuality';
import { ConfirmButton, DrawerForm, FormCard, ListView, SaveStatus, fieldError, useList, useSave, type Save } from './common';
import {
  AMI_CHANNEL_TEMPLATE,
  AMI_PORT,
  FILE_FORMATS,
  KIND_LABELS,
  NEW_SOURCE,
  SOURCE_KINDS,
  fixedFormat,
  formOf,
  kindFields,
  sourceBody,
  sourceWhere,
  type SourceForm,
  type SourceKind,
} from './sourceForm';

// The fields of one source form: name and kind (fixed once created), then the kind's own.
function SourceFields(props: { f: SourceForm; setF: (f: SourceForm) => void; save: Save; source?: Source }) {
  const { f, setF, source } = props;
  const editing = source !== undefined;
  const err = (field: string) => fieldError(props.save.error, field);
  const fields = kindFields(f.kind);
  const ami = f.kind === 'asterisk-ami';
  const text = (field: 'path' | 'host' | 'username' | 'channel_template', label: string, hint?: string, placeholder?: string) => (
    <Field label={label} id={`src-${field}`} error={err(field)} hint={hint}>
      <input
        id={`src-${field}`}
        value={f[field]}
        placeholder={placeholder}
        autocomplete="off"
        spellcheck={false}
        onInput={(e) => setF({ ...f, [field]: e.currentTarget.value })}
        {...fieldProps(`src-${field}`, err(field), hint !== undefined)}
      />
    </Field>
  );
  return (
    <>
      {!editing && (
        <>
          <Field label="Name" id="src-name" error={err('name')}>
            <input id="src-name" required value={f.name} onInput={(e) => setF({ ...f, name: e.currentTarget.value })} {...fieldProps('src-name', err('name'))} />
          </Field>
          <Field label="Kind" id="src-kind" error={err('kind')}>
            <select id="src-kind" value={f.kind} onChange={(e) => setF({ ...f, kind: e.currentTarget.value as SourceKind })}>
              {SOURCE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </Field>
        </>
      )}
      {fields.includes('format') && !editing ? (
        <Field label="Format" id="src-format" error={err('format')}>
          <select id="src-format" value={f.format} onChange={(e) => setF({ ...f, format: e.currentTarget.value })}>
            {FILE_FORMATS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </Field>
      ) : (
        <p class="field-static">
          <span class="field-static-label">Format</span> <code>{editing ? source.format : fixedFormat(f.kind)}</code>
        </p>
      )}
      {fields.includes('path') && text('path', 'File path', 'Absolute path under a directory the server allows.')}
      {fields.includes('host') &&
        text('host', ami ? 'Asterisk host' : f.kind === '3cx-tcp-listen' ? 'Listen address' : '3CX host', f.kind === '3cx-tcp-listen' ? 'Empty: every address.' : undefined)}
      {fields.includes('port') && (
        <Field label={ami ? 'Manager port' : 'Port'} id="src-port" error={err('port')} hint={ami ? `Empty: ${AMI_PORT}.` : undefined}>
          <input
            id="src-port"
            type="number"
            inputMode="numeric"
            min={1}
            max={65535}
            placeholder={ami ? String(AMI_PORT) : undefined}
            value={f.port}
            onInput={(e) => setF({ ...f, port: e.currentTarget.value })}
            {...fieldProps('src-port', err('port'), ami)}
          />
        </Field>
      )}
      {fields.includes('username') && text('username', 'Manager user', 'The user in manager.conf.')}
      {fields.includes('secret') && (
        <Field
          label="Manager secret"
          id="src-secret"
          error={err('secret')}
          hint={editing && source.secret_set ? 'A secret is stored and never shown. Leave empty to keep it.' : 'The secret in manager.conf; never shown again.'}
        >
          <input
            id="src-secret"
            type="password"
            autocomplete="new-password"
            value={f.secret}
            onInput={(e) => setF({ ...f, secret: e.currentTarget.value })}
            {...fieldProps('src-secret', err('secret'), true)}
          />
        </Field>
      )}
      {fields.includes('channel_template') &&
        text('channel_template', 'Supervisor phone channel', `For listening in: the phone to ring, with {ext} for the extension. Empty: ${AMI_CHANNEL_TEMPLATE}.`, AMI_CHANNEL_TEMPLATE)}
      <Field label="PBX time zone" id="src-tz" error={err('time_zone')} hint={editing ? 'IANA name.' : 'IANA name; empty for UTC.'}>
        <input id="src-tz" value={f.time_zone} onInput={(e) => setF({ ...f, time_zone: e.currentTarget.value })} {...fieldProps('src-tz', err('time_zone'), true)} />
      </Field>
    </>
  );
}

function EditSource(props: { source: Source; onSaved: (message: string) => void }) {
  const [f, setF] = useState(() => formOf(props.source));
  const save = useSave();
  return (
    <DrawerForm
      label={`Change ${props.source.name}`}
      submit="Save and restart"
      save={save}
      failed="The source was not changed."
      onSubmit={() =>
        void save.run(async () => {
          const s = await api.patch<Source>(`/api/v1/sources/${props.source.id}`, sourceBody(f, 'edit'));
          props.onSaved(`${s.name} was changed and restarts with it.`);
        })
      }
    >
      <p class="muted">{KIND_LABELS[f.kind]}</p>
      <SourceFields f={f} setF={setF} save={save} source={props.source} />
    </DrawerForm>
  );
}

export default function Sources() {
  const sources = useList<Source>('/api/v1/sources', {});
  const [f, setF] = useState(NEW_SOURCE);
  const create = useSave();
  const row = useSave();
  const [editing, setEditing] = useState<Source | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  return (
    <>
      <FormCard
        title="New source"
        onSubmit={() =>
          void create.run(async () => {
            const s = await api.post<Source>('/api/v1/sources', sourceBody(f, 'create'));
            setF(NEW_SOURCE);
            sources.reload();
            return `Source ${s.name} was added.`;
          })
        }
      >
        <SourceFields f={f} setF={setF} save={create} />
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
      <ListView list={sources} empty="No sources yet.">
        {(rows) => (
          <DataTable
            stack
            caption="Sources"
            rows={rows}
            rowKey={(s) => s.id}
            columns={[
              { key: 'name', label: 'Name', sort: (s) => s.name, render: (s) => s.name },
              { key: 'kind', label: 'Kind', render: (s) => s.kind },
              { key: 'format', label: 'Format', render: (s) => s.format },
              { key: 'where', label: 'Where', render: (s) => <span class="wrap-anywhere">{sourceWhere(s)}</span> },
              { key: 'state', label: 'Status', render: (s) => <SourceState source={s} /> },
              {
                key: 'act',
                label: 'Actions',
                render: (s) => (
                  <div class="row-actions">
                    {s.kind !== 'push' && (
                      <button type="button" class="btn btn-small" onClick={() => setEditing(s)}>
                        Change<span class="visually-hidden"> {s.name}</span>
                      </button>
                    )}
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
                        <span class="visually-hidden"> {s.name}</span>
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
                      New webhook secret<span class="visually-hidden"> for {s.name}</span>
                    </button>
                    {s.kind !== 'push' && (
                      <ConfirmButton
                        question={`Remove the source ${s.name}? Its calls stay.`}
                        onConfirm={() =>
                          void row.run(async () => {
                            await api.del(`/api/v1/sources/${s.id}`);
                            sources.reload();
                            return `${s.name} was removed.`;
                          })
                        }
                      >
                        Remove<span class="visually-hidden"> {s.name}</span>
                      </ConfirmButton>
                    )}
                  </div>
                ),
              },
            ]}
          />
        )}
      </ListView>
      <Drawer title={editing ? `Source ${editing.name}` : 'Source'} open={editing !== null} onClose={() => setEditing(null)}>
        {editing && (
          <EditSource
            source={editing}
            onSaved={(message) => {
              setEditing(null);
              sources.reload();
              row.announce(message);
            }}
          />
        )}
      </Drawer>
    </>
  );
}
