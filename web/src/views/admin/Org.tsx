// Teams, sites and lines of business: list, create, change a team's site and line of business,
// edit a line of business in a drawer, delete.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Lob, Site, Team } from '../../api/types';
import { DataTable, Drawer, Field, fieldProps } from '../../components/ui';
import { isValidTimeZone } from '../../lib/format';
import { zoneChoices } from '../../state/prefs';
import { ConfirmButton, DrawerForm, FormCard, ListView, RefSelect, SaveStatus, fieldError, nameOf, useList, useSave, type Editing } from './common';

export function Teams() {
  const teams = useList<Team>('/api/v1/teams');
  const sites = useList<Site>('/api/v1/sites');
  const lobs = useList<Lob>('/api/v1/lobs');
  const [form, setForm] = useState<{ name: string; site_id: number | null; lob_id: number | null }>({ name: '', site_id: null, lob_id: null });
  const save = useSave();
  const row = useSave();
  const err = (field: string) => fieldError(save.error, field);
  const update = (t: Team, patch: Partial<Team>, message: string) =>
    void row.run(async () => {
      await api.patch(`/api/v1/teams/${t.id}`, patch);
      teams.reload();
      return message;
    });
  return (
    <>
      <FormCard
        title="New team"
        onSubmit={() =>
          void save.run(async () => {
            const t = await api.post<Team>('/api/v1/teams', { name: form.name.trim(), site_id: form.site_id, lob_id: form.lob_id });
            setForm({ ...form, name: '' });
            teams.reload();
            return `Team ${t.name} was created.`;
          })
        }
      >
        <Field label="Name" id="t-name" error={err('name')}>
          <input id="t-name" required value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} {...fieldProps('t-name', err('name'))} />
        </Field>
        <Field label="Site" id="t-site" error={err('site_id')}>
          <RefSelect id="t-site" items={sites.data} value={form.site_id} none="No site" onChange={(site_id) => setForm({ ...form, site_id })} />
        </Field>
        <Field label="Line of business" id="t-lob" error={err('lob_id')}>
          <RefSelect id="t-lob" items={lobs.data} value={form.lob_id} none="No line of business" onChange={(lob_id) => setForm({ ...form, lob_id })} />
        </Field>
        <div class="form-actions">
          <button class="btn btn-primary" type="submit" disabled={save.busy}>
            Create team
          </button>
        </div>
        <SaveStatus save={save} />
      </FormCard>
      <SaveStatus save={row} />
      <ListView list={teams} empty="No teams yet.">
        {(rows) => (
          <DataTable
            stack
            caption="Teams"
            rows={rows}
            rowKey={(t) => t.id}
            columns={[
              { key: 'name', label: 'Name', sort: (t) => t.name, render: (t) => t.name },
              {
                key: 'site',
                label: 'Site',
                sort: (t) => nameOf(sites.data, t.site_id),
                render: (t) => (
                  <RefSelect label={`Site of ${t.name}`} items={sites.data} value={t.site_id} none="No site" onChange={(site_id) => update(t, { site_id }, `Team ${t.name}'s site was changed.`)} />
                ),
              },
              {
                key: 'lob',
                label: 'Line of business',
                sort: (t) => nameOf(lobs.data, t.lob_id),
                render: (t) => (
                  <RefSelect
                    label={`Line of business of ${t.name}`}
                    items={lobs.data}
                    value={t.lob_id}
                    none="None"
                    onChange={(lob_id) => update(t, { lob_id }, `Team ${t.name}'s line of business was changed.`)}
                  />
                ),
              },
              { key: 'sup', label: 'Supervisors', align: 'end', render: (t) => t.supervisor_ids.length },
              {
                key: 'del',
                label: 'Actions',
                render: (t) => (
                  <ConfirmButton
                    question={`Delete the team ${t.name}?`}
                    onConfirm={() =>
                      void row.run(async () => {
                        await api.del(`/api/v1/teams/${t.id}`);
                        teams.reload();
                        return `Team ${t.name} was deleted.`;
                      })
                    }
                  >
                    Delete<span class="visually-hidden"> {t.name}</span>
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

export function Sites() {
  const sites = useList<Site>('/api/v1/sites');
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
          <input id="s-tz" list="s-tz-list" required value={tz} onInput={(e) => setTz(e.currentTarget.value)} {...fieldProps('s-tz', tzProblem ?? fieldError(save.error, 'time_zone'), true)} />
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
      <ListView list={sites} empty="No sites yet.">
        {(rows) => (
          <DataTable
            stack
            caption="Sites"
            rows={rows}
            rowKey={(s) => s.id}
            columns={[
              { key: 'name', label: 'Name', sort: (s) => s.name, render: (s) => s.name },
              { key: 'tz', label: 'Time zone', sort: (s) => s.time_zone, render: (s) => s.time_zone },
            ]}
          />
        )}
      </ListView>
    </>
  );
}

function LobForm(props: { lob: Lob | null; onSaved: (message: string) => void }) {
  const l = props.lob;
  const [f, setF] = useState({ name: l?.name ?? '', description: l?.description ?? '' });
  const save = useSave();
  const err = (field: string) => fieldError(save.error, field);
  const submit = () =>
    void save.run(async () => {
      const body = { name: f.name.trim(), description: f.description.trim() };
      const saved = l ? await api.patch<Lob>(`/api/v1/lobs/${l.id}`, body) : await api.post<Lob>('/api/v1/lobs', body);
      props.onSaved(l ? `Line of business ${saved.name} was saved.` : `Line of business ${saved.name} was created.`);
    });
  return (
    <DrawerForm
      label={l ? `Edit ${l.name}` : 'New line of business'}
      submit={l ? 'Save line of business' : 'Create line of business'}
      save={save}
      onSubmit={submit}
      failed="The line of business was not saved."
    >
      <Field label="Name" id="l-name" error={err('name')}>
        <input id="l-name" maxLength={200} value={f.name} onInput={(e) => setF({ ...f, name: e.currentTarget.value })} {...fieldProps('l-name', err('name'))} />
      </Field>
      <Field label="Description" id="l-desc" error={err('description')} hint="Optional, up to 2,000 characters.">
        <textarea
          id="l-desc"
          rows={3}
          maxLength={2000}
          value={f.description}
          onInput={(e) => setF({ ...f, description: e.currentTarget.value })}
          {...fieldProps('l-desc', err('description'), true)}
        />
      </Field>
    </DrawerForm>
  );
}

export function Lobs() {
  const lobs = useList<Lob>('/api/v1/lobs');
  const [editing, setEditing] = useState<Editing<Lob>>(null);
  const row = useSave();
  return (
    <>
      <div class="toolbar">
        <button type="button" class="btn btn-primary" onClick={() => setEditing('new')}>
          New line of business
        </button>
      </div>
      <SaveStatus save={row} />
      <ListView list={lobs} empty="No lines of business yet.">
        {(rows) => (
          <DataTable
            stack
            caption="Lines of business"
            rows={rows}
            rowKey={(l) => l.id}
            initialSort={{ key: 'name', dir: 1 }}
            columns={[
              { key: 'name', label: 'Name', sort: (l) => l.name.toLowerCase(), render: (l) => l.name },
              { key: 'desc', label: 'Description', render: (l) => l.description || <span class="muted">—</span> },
              {
                key: 'act',
                label: 'Actions',
                render: (l) => (
                  <div class="row-actions">
                    <button type="button" class="btn btn-small" onClick={() => setEditing(l)}>
                      Edit<span class="visually-hidden"> {l.name}</span>
                    </button>
                    <ConfirmButton
                      question={`Delete the line of business ${l.name}?`}
                      disabled={row.busy}
                      onConfirm={() =>
                        void row.run(async () => {
                          await api.del(`/api/v1/lobs/${l.id}`);
                          lobs.reload();
                          return `Line of business ${l.name} was deleted.`;
                        })
                      }
                    >
                      Delete<span class="visually-hidden"> {l.name}</span>
                    </ConfirmButton>
                  </div>
                ),
              },
            ]}
          />
        )}
      </ListView>
      <Drawer title={editing === 'new' ? 'New line of business' : editing ? `Line of business ${editing.name}` : 'Line of business'} open={editing !== null} onClose={() => setEditing(null)}>
        {editing !== null && (
          <LobForm
            lob={editing === 'new' ? null : editing}
            onSaved={(message) => {
              setEditing(null);
              lobs.reload();
              row.announce(message);
            }}
          />
        )}
      </Drawer>
    </>
  );
}
