// Users: create (with an initial password), search and filter, change role and team,
// deactivate (which ends their sessions) and reactivate.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Team, User } from '../../api/types';
import { ROLES } from '../../api/types';
import { DataTable, Field, fieldProps } from '../../components/ui';
import { humanize } from '../../lib/format';
import { ALL_PEOPLE, FormCard, ListView, PeopleFilters, RefSelect, SaveStatus, fieldError, isFiltered, nameOf, peopleQuery, useDebounced, useList, useSave } from './common';

const EMPTY = { email: '', name: '', role: 'agent', team_id: null as number | null, password: '' };

export default function Users() {
  const [filter, setFilter] = useState(ALL_PEOPLE);
  const search = useDebounced(filter.search);
  const users = useList<User>('/api/v1/users', peopleQuery({ ...filter, search }));
  const teams = useList<Team>('/api/v1/teams');
  const [form, setForm] = useState(EMPTY);
  const create = useSave();
  const row = useSave();
  const err = (field: string) => fieldError(create.error, field);

  const submit = () =>
    void create.run(async () => {
      const u = await api.post<User>('/api/v1/users', {
        email: form.email.trim(),
        name: form.name.trim(),
        role: form.role,
        team_id: form.team_id,
        password: form.password,
      });
      setForm(EMPTY);
      users.reload();
      return `${u.name} (${u.email}) can now sign in.`;
    });

  const update = (u: User, patch: Partial<User>, message: string) =>
    void row.run(async () => {
      await api.patch(`/api/v1/users/${u.id}`, patch);
      users.reload();
      return message;
    });

  return (
    <>
      <FormCard title="New user" onSubmit={submit}>
        <Field label="E-mail" id="u-email" error={err('email')}>
          <input id="u-email" type="email" required autocomplete="off" value={form.email} onInput={(e) => setForm({ ...form, email: e.currentTarget.value })} {...fieldProps('u-email', err('email'))} />
        </Field>
        <Field label="Name" id="u-name" error={err('name')}>
          <input id="u-name" required value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} {...fieldProps('u-name', err('name'))} />
        </Field>
        <Field label="Role" id="u-role" error={err('role')}>
          <select id="u-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {humanize(r)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Team" id="u-team" error={err('team_id')}>
          <RefSelect id="u-team" items={teams.data} value={form.team_id} none="No team" onChange={(team_id) => setForm({ ...form, team_id })} />
        </Field>
        <Field label="Initial password" id="u-password" error={err('password')} hint="12+ characters with an upper-case letter, a digit and a special character.">
          <input
            id="u-password"
            type="password"
            autocomplete="new-password"
            value={form.password}
            onInput={(e) => setForm({ ...form, password: e.currentTarget.value })}
            {...fieldProps('u-password', err('password'), true)}
          />
        </Field>
        <div class="form-actions">
          <button class="btn btn-primary" type="submit" disabled={create.busy}>
            Create user
          </button>
        </div>
        <SaveStatus save={create} title="The user was not created." />
      </FormCard>
      <PeopleFilters label="Filter users" searchLabel="Search by name or e-mail" idPrefix="uf" value={filter} teams={teams.data} onChange={setFilter} />
      <SaveStatus save={row} />
      <ListView list={users} empty={isFiltered(filter) ? 'No users match the filters.' : 'No users.'}>
        {(rows) => (
          <DataTable
            stack
            caption="Users"
            rows={rows}
            rowKey={(u) => u.id}
            initialSort={{ key: 'name', dir: 1 }}
            columns={[
              { key: 'name', label: 'Name', sort: (u) => u.name.toLowerCase(), render: (u) => u.name },
              { key: 'email', label: 'E-mail', sort: (u) => u.email, render: (u) => u.email },
              {
                key: 'role',
                label: 'Role',
                sort: (u) => u.role,
                render: (u) => (
                  <select aria-label={`Role of ${u.name}`} value={u.role} onChange={(e) => update(u, { role: e.currentTarget.value as User['role'] }, `${u.name} is now ${humanize(e.currentTarget.value)}.`)}>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {humanize(r)}
                      </option>
                    ))}
                  </select>
                ),
              },
              {
                key: 'team',
                label: 'Team',
                sort: (u) => nameOf(teams.data, u.team_id),
                render: (u) => (
                  <RefSelect label={`Team of ${u.name}`} items={teams.data} value={u.team_id} none="No team" onChange={(team_id) => update(u, { team_id }, `${u.name}'s team was changed.`)} />
                ),
              },
              { key: 'active', label: 'Status', sort: (u) => (u.active ? 0 : 1), render: (u) => (u.active ? 'Active' : <span class="badge badge-failed">Deactivated</span>) },
              {
                key: 'action',
                label: 'Actions',
                render: (u) =>
                  u.active ? (
                    <button type="button" class="btn btn-small" onClick={() => update(u, { active: false }, `${u.name} was deactivated; their sessions ended.`)}>
                      Deactivate<span class="visually-hidden"> {u.name}</span>
                    </button>
                  ) : (
                    <button type="button" class="btn btn-small" onClick={() => update(u, { active: true }, `${u.name} was reactivated.`)}>
                      Reactivate<span class="visually-hidden"> {u.name}</span>
                    </button>
                  ),
              },
            ]}
          />
        )}
      </ListView>
    </>
  );
}
