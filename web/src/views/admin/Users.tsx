import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Page, Team, User } from '../../api/types';
import { ROLES } from '../../api/types';
import { useAsync } from '../../components/async';
import { DataTable, Empty, ErrorBox, Field, Loading } from '../../components/ui';
import { humanize } from '../../lib/format';
import { FormCard, SaveStatus, fieldError, useSave } from './common';

const EMPTY = { email: '', name: '', role: 'agent', team_id: '', password: '' };

export default function Users() {
  const users = useAsync((s) => api.get<Page<User>>('/api/v1/users?limit=500', s), []);
  const teams = useAsync((s) => api.get<Page<Team>>('/api/v1/teams?limit=500', s).then((p) => p.items), []);
  const [form, setForm] = useState(EMPTY);
  const create = useSave();
  const row = useSave();
  const teamName = (id: number | null) => (id === null ? '—' : (teams.data?.find((t) => t.id === id)?.name ?? `#${id}`));

  const submit = () =>
    void create
      .run(async () => {
        const u = await api.post<User>('/api/v1/users', {
          email: form.email.trim(),
          name: form.name.trim(),
          role: form.role,
          team_id: form.team_id ? Number(form.team_id) : null,
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
        <Field label="E-mail" id="u-email" error={fieldError(create.error, 'email')}>
          <input id="u-email" type="email" required autocomplete="off" value={form.email} onInput={(e) => setForm({ ...form, email: e.currentTarget.value })} />
        </Field>
        <Field label="Name" id="u-name" error={fieldError(create.error, 'name')}>
          <input id="u-name" required value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        </Field>
        <Field label="Role" id="u-role" error={fieldError(create.error, 'role')}>
          <select id="u-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.currentTarget.value })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {humanize(r)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Team" id="u-team" error={fieldError(create.error, 'team_id')}>
          <select id="u-team" value={form.team_id} onChange={(e) => setForm({ ...form, team_id: e.currentTarget.value })}>
            <option value="">No team</option>
            {(teams.data ?? []).map((t) => (
              <option key={t.id} value={String(t.id)}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Initial password" id="u-password" error={fieldError(create.error, 'password')} hint="12+ characters with an upper-case letter, a digit and a special character.">
          <input id="u-password" type="password" autocomplete="new-password" value={form.password} onInput={(e) => setForm({ ...form, password: e.currentTarget.value })} aria-describedby="u-password-hint" />
        </Field>
        <div class="form-actions">
          <button class="btn btn-primary" type="submit" disabled={create.busy}>
            Create user
          </button>
        </div>
        <SaveStatus save={create} title="The user was not created." />
      </FormCard>
      <SaveStatus save={row} />
      {users.error ? (
        <ErrorBox error={users.error} onRetry={users.reload} />
      ) : !users.data ? (
        <Loading />
      ) : users.data.items.length === 0 ? (
        <Empty>No users.</Empty>
      ) : (
        <DataTable
          caption="Users"
          rows={users.data.items}
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
              sort: (u) => teamName(u.team_id),
              render: (u) => (
                <select
                  aria-label={`Team of ${u.name}`}
                  value={u.team_id === null ? '' : String(u.team_id)}
                  onChange={(e) => update(u, { team_id: e.currentTarget.value ? Number(e.currentTarget.value) : null }, `${u.name}'s team was changed.`)}
                >
                  <option value="">No team</option>
                  {(teams.data ?? []).map((t) => (
                    <option key={t.id} value={String(t.id)}>
                      {t.name}
                    </option>
                  ))}
                </select>
              ),
            },
            { key: 'active', label: 'Status', sort: (u) => (u.active ? 0 : 1), render: (u) => (u.active ? 'Active' : <span class="badge badge-failed">Deactivated</span>) },
            {
              key: 'action',
              label: 'Actions',
              render: (u) =>
                u.active ? (
                  <button type="button" class="btn btn-small" onClick={() => update(u, { active: false }, `${u.name} was deactivated; their sessions ended.`)}>
                    Deactivate
                  </button>
                ) : (
                  <button type="button" class="btn btn-small" onClick={() => update(u, { active: true }, `${u.name} was reactivated.`)}>
                    Reactivate
                  </button>
                ),
            },
          ]}
        />
      )}
    </>
  );
}
