// API tokens: create (the token is shown once), list, revoke.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { ApiToken, Page } from '../../api/types';
import { useAsync } from '../../components/async';
import { DataTable, Empty, ErrorBox, Field, Loading, Notice } from '../../components/ui';
import { formatDateTime } from '../../lib/format';
import { timeZone } from '../../state/prefs';
import { useStore } from '../../state/store';
import { FormCard, SaveStatus, fieldError, useSave } from './common';

export default function Tokens() {
  const tz = useStore(timeZone);
  const tokens = useAsync((s) => api.get<Page<ApiToken>>('/api/v1/tokens?limit=500', s), []);
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
      {tokens.error ? (
        <ErrorBox error={tokens.error} onRetry={tokens.reload} />
      ) : !tokens.data ? (
        <Loading />
      ) : tokens.data.items.length === 0 ? (
        <Empty>No API tokens.</Empty>
      ) : (
        <DataTable
          caption="API tokens"
          rows={tokens.data.items}
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
                  <button
                    type="button"
                    class="btn btn-small btn-danger"
                    onClick={() => {
                      if (!confirm(`Revoke the token ${t.name}? Systems using it stop working.`)) return;
                      void save.run(async () => {
                        await api.del(`/api/v1/tokens/${t.id}`);
                        tokens.reload();
                        return `${t.name} was revoked.`;
                      });
                    }}
                  >
                    Revoke
                  </button>
                ),
            },
          ]}
        />
      )}
    </>
  );
}
