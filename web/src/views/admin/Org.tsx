// Teams and sites: list, create, delete.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Page, Site, Team } from '../../api/types';
import { useAsync } from '../../components/async';
import { DataTable, Empty, ErrorBox, Field, Loading } from '../../components/ui';
import { isValidTimeZone } from '../../lib/format';
import { zoneChoices } from '../../state/prefs';
import { FormCard, SaveStatus, fieldError, useSave } from './common';

export function Teams() {
  const teams = useAsync((s) => api.get<Page<Team>>('/api/v1/teams?limit=500', s), []);
  const sites = useAsync((s) => api.get<Page<Site>>('/api/v1/sites?limit=500', s).then((p) => p.items), []);
  const [name, setName] = useState('');
  const [siteId, setSiteId] = useState('');
  const save = useSave();
  const siteName = (id: number | null) => (id === null ? '—' : (sites.data?.find((s) => s.id === id)?.name ?? `#${id}`));
  return (
    <>
      <FormCard
        title="New team"
        onSubmit={() =>
          void save.run(async () => {
            const t = await api.post<Team>('/api/v1/teams', { name: name.trim(), site_id: siteId ? Number(siteId) : null });
            setName('');
            teams.reload();
            return `Team ${t.name} was created.`;
          })
        }
      >
        <Field label="Name" id="t-name" error={fieldError(save.error, 'name')}>
          <input id="t-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label="Site" id="t-site" error={fieldError(save.error, 'site_id')}>
          <select id="t-site" value={siteId} onChange={(e) => setSiteId(e.currentTarget.value)}>
            <option value="">No site</option>
            {(sites.data ?? []).map((s) => (
              <option key={s.id} value={String(s.id)}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
        <div class="form-actions">
          <button class="btn btn-primary" type="submit" disabled={save.busy}>
            Create team
          </button>
        </div>
        <SaveStatus save={save} />
      </FormCard>
      {teams.error ? (
        <ErrorBox error={teams.error} onRetry={teams.reload} />
      ) : !teams.data ? (
        <Loading />
      ) : teams.data.items.length === 0 ? (
        <Empty>No teams yet.</Empty>
      ) : (
        <DataTable
          caption="Teams"
          rows={teams.data.items}
          rowKey={(t) => t.id}
          columns={[
            { key: 'name', label: 'Name', sort: (t) => t.name, render: (t) => t.name },
            { key: 'site', label: 'Site', sort: (t) => siteName(t.site_id), render: (t) => siteName(t.site_id) },
            { key: 'sup', label: 'Supervisors', align: 'end', render: (t) => t.supervisor_ids.length },
            {
              key: 'del',
              label: 'Actions',
              render: (t) => (
                <button
                  type="button"
                  class="btn btn-small btn-danger"
                  onClick={() => {
                    if (!confirm(`Delete the team ${t.name}?`)) return;
                    void save.run(async () => {
                      await api.del(`/api/v1/teams/${t.id}`);
                      teams.reload();
                      return `Team ${t.name} was deleted.`;
                    });
                  }}
                >
                  Delete
                </button>
              ),
            },
          ]}
        />
      )}
    </>
  );
}

export function Sites() {
  const sites = useAsync((s) => api.get<Page<Site>>('/api/v1/sites?limit=500', s), []);
  const [name, setName] = useState('');
  const [tz, setTz] = useState('');
  const save = useSave();
  const [tzProblem, setTzProblem] = useState<string | undefined>();
  return (
    <>
      <FormCard
        title="New site"
        onSubmit={() => {
          if (!isValidTimeZone(tz.trim())) {
            setTzProblem('Enter an IANA time zone such as Europe/Berlin.');
            return;
          }
          setTzProblem(undefined);
          void save.run(async () => {
            const s = await api.post<Site>('/api/v1/sites', { name: name.trim(), time_zone: tz.trim() });
            setName('');
            setTz('');
            sites.reload();
            return `Site ${s.name} (${s.time_zone}) was created.`;
          });
        }}
      >
        <Field label="Name" id="s-name" error={fieldError(save.error, 'name')}>
          <input id="s-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label="Time zone" id="s-tz" error={tzProblem ?? fieldError(save.error, 'time_zone')} hint="IANA name, e.g. Europe/Berlin">
          <input id="s-tz" list="s-tz-list" required value={tz} onInput={(e) => setTz(e.currentTarget.value)} aria-describedby="s-tz-hint" />
          <datalist id="s-tz-list">
            {zoneChoices().map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </Field>
        <div class="form-actions">
          <button class="btn btn-primary" type="submit" disabled={save.busy}>
            Create site
          </button>
        </div>
        <SaveStatus save={save} />
      </FormCard>
      {sites.error ? (
        <ErrorBox error={sites.error} onRetry={sites.reload} />
      ) : !sites.data ? (
        <Loading />
      ) : sites.data.items.length === 0 ? (
        <Empty>No sites yet.</Empty>
      ) : (
        <DataTable
          caption="Sites"
          rows={sites.data.items}
          rowKey={(s) => s.id}
          columns={[
            { key: 'name', label: 'Name', sort: (s) => s.name, render: (s) => s.name },
            { key: 'tz', label: 'Time zone', sort: (s) => s.time_zone, render: (s) => s.time_zone },
          ]}
        />
      )}
    </>
  );
}
