// API tokens: create (the token is shown once), list, revoke.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { ApiToken } from '../../api/types';
import { DataTable, Field, Notice } from '../../components/ui';
import { formatDateTime } from '../../lib/format';
import { timeZone } from '../../state/prefs';
import { useStore } from '../../state/store';
import { ConfirmButton, FormCard, ListView, SaveStatus, fieldError, useList, useSave } from './common';

export default function Tokens() {
  const tz = useStore(timeZone);
  const tokens = useList<ApiToken>('/api/v1/tokens');
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['ingest']);
  const [created, setCreated] = useState<string | null>(null);
  const save = useSave();
  const toggle = (s: string, on: boolean) => setScopes((p) => (on ? [...p, s] : p.filter((x) => x !== s)));
  return (
    <>
      <FormCard
        title="New API token"
        onSubmit={() =>
          void save.run(async () => {
            const t = await api.post<ApiToken & { token: string }>('/api/v1/tokens', { name: name.trim(), scopes });
            setCreated(t.token);
            setName('');
            tokens.reload();
          })
        }
      >
        <Field label="Name" id="tok-name" error={fieldError(save.error, 'name')}>
          <input id="tok-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <fieldset class="queue-picks">
          <legend>Scopes</legend>
          {['ingest', 'read'].map((s) => (
            <label class="check" key={s}>
              <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => toggle(s, e.currentTarget.checked)} /> {s}
            </label>
          ))}
        </fieldset>
        <div class="form-actions">
          <button class="btn btn-primary" type="submit" disabled={save.busy}>
            Create token
          </button>
        </div>
        <SaveStatus save={save} title="The token was not created." />
      </FormCard>
      {created && (
        <Notice kind="warning">
          The new token — shown only now, copy it: <code class="secret">{created}</code>
        </Notice>
      )}
      <ListView list={tokens} empty="No API tokens.">
        {(rows) => (
          <DataTable
            stack
            caption="API tokens"
            rows={rows}
            rowKey={(t) => t.id}
            columns={[
              { key: 'name', label: 'Name', sort: (t) => t.name, render: (t) => t.name },
              { key: 'scopes', label: 'Scopes', render: (t) => t.scopes.join(', ') },
              { key: 'created', label: 'Created', sort: (t) => t.created_at, render: (t) => formatDateTime(t.created_at, tz) },
              { key: 'used', label: 'Last used', render: (t) => formatDateTime(t.last_used_at, tz) },
              {
                key: 'state',
                label: 'Status',
                render: (t) =>
                  t.revoked_at ? (
                    <span class="badge badge-failed">Revoked</span>
                  ) : (
                    <ConfirmButton
                      question={`Revoke the token ${t.name}? Systems using it stop working.`}
                      onConfirm={() =>
                        void save.run(async () => {
                          await api.del(`/api/v1/tokens/${t.id}`);
                          tokens.reload();
                          return `${t.name} was revoked.`;
                        })
                      }
                    >
                      Revoke<span class="visually-hidden"> {t.name}</span>
                    </ConfirmButton>
                  ),
              },
            ]}
          />
        )}
      </ListView>
    </>
  );
}
