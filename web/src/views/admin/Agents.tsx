// Agents: who takes calls — the user each signs in as, their team and their PBX identities
// (the names the PBX logs them under). Search and filter, add, edit, deactivate.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Agent, Team, User } from '../../api/types';
import { DataTable, Drawer, Field, fieldProps } from '../../components/ui';
import { formatPbxIds, parsePbxIds, MAX_PBX_IDS } from '../../lib/pbxIds';
import {
  ALL_PEOPLE,
  DrawerForm,
  ListView,
  PeopleFilters,
  RefSelect,
  SaveStatus,
  fieldError,
  isFiltered,
  nameOf,
  peopleQuery,
  useDebounced,
  useList,
  useSave,
  type Editing,
} from './common';

const userLabel = (u: User) => `${u.name} (${u.email})${u.active ? '' : ' — deactivated'}`;

function AgentForm(props: { agent: Agent | null; users: User[] | undefined; teams: Team[] | undefined; onSaved: (message: string) => void }) {
  const a = props.agent;
  const [f, setF] = useState({ name: a?.name ?? '', user_id: a?.user_id ?? null, team_id: a?.team_id ?? null, pbx: formatPbxIds(a?.pbx_ids ?? []), active: a?.active ?? true });
  const [pbxProblem, setPbxProblem] = useState<string | undefined>();
  const save = useSave();
  const err = (field: string) => fieldError(save.error, field);
  const parsed = parsePbxIds(f.pbx);
  const submit = () => {
    if (parsed.problems.length) {
      setPbxProblem(parsed.problems.join(' '));
      return;
    }
    setPbxProblem(undefined);
    void save.run(async () => {
      const body = { name: f.name.trim(), user_id: f.user_id, team_id: f.team_id, pbx_ids: parsed.ids, active: f.active };
      const saved = a ? await api.patch<Agent>(`/api/v1/agents/${a.id}`, body) : await api.post<Agent>('/api/v1/agents', body);
      props.onSaved(a ? `Agent ${saved.name} was saved.` : `Agent ${saved.name} was added.`);
    });
  };
  const pbxError = pbxProblem ?? err('pbx_ids');
  return (
    <DrawerForm label={a ? `Edit ${a.name}` : 'New agent'} submit={a ? 'Save agent' : 'Add agent'} save={save} onSubmit={submit} failed="The agent was not saved.">
      <Field label="Name" id="ag-name" error={err('name')}>
        <input id="ag-name" maxLength={200} value={f.name} onInput={(e) => setF({ ...f, name: e.currentTarget.value })} {...fieldProps('ag-name', err('name'))} />
      </Field>
      <Field label="Signs in as" id="ag-user" error={err('user_id')} hint="The user who sees this agent's day and sets its status.">
        <RefSelect
          id="ag-user"
          items={props.users}
          value={f.user_id}
          none="No user"
          optionLabel={userLabel}
          onChange={(user_id) => setF({ ...f, user_id })}
          aria={fieldProps('ag-user', err('user_id'), true)}
        />
      </Field>
      <Field label="Team" id="ag-team" error={err('team_id')}>
        <RefSelect id="ag-team" items={props.teams} value={f.team_id} none="No team" onChange={(team_id) => setF({ ...f, team_id })} aria={fieldProps('ag-team', err('team_id'))} />
      </Field>
      <Field label="PBX identities" id="ag-pbx" error={pbxError} hint={`One per line or separated by commas, up to ${MAX_PBX_IDS}: SIP/1001, Local/1001@agents, a 3CX extension.`}>
        <textarea
          id="ag-pbx"
          rows={4}
          spellcheck={false}
          value={f.pbx}
          onInput={(e) => {
            setF({ ...f, pbx: e.currentTarget.value });
            setPbxProblem(undefined);
          }}
          {...fieldProps('ag-pbx', pbxError, true)}
        />
      </Field>
      {parsed.ids.length > 0 && (
        <p class="pbx-preview" aria-live="polite">
          <span class="muted small">{parsed.ids.length === 1 ? '1 identity:' : `${parsed.ids.length} identities:`}</span>{' '}
          {parsed.ids.map((id) => (
            <code class="pbx-id" key={id}>
              {id}
            </code>
          ))}
        </p>
      )}
      <div class="field field-check">
        <input id="ag-active" type="checkbox" checked={f.active} onChange={(e) => setF({ ...f, active: e.currentTarget.checked })} />
        <label for="ag-active">Active (shown on the wallboard and in reports)</label>
      </div>
    </DrawerForm>
  );
}

export default function Agents() {
  const [filter, setFilter] = useState(ALL_PEOPLE);
  const search = useDebounced(filter.search);
  const agents = useList<Agent>('/api/v1/agents', peopleQuery({ ...filter, search }));
  const users = useList<User>('/api/v1/users');
  const teams = useList<Team>('/api/v1/teams');
  const [editing, setEditing] = useState<Editing<Agent>>(null);
  const row = useSave();
  const userOf = (id: number | null) => (id === null ? undefined : users.data?.find((u) => u.id === id));
  const setActive = (a: Agent, active: boolean) =>
    void row.run(async () => {
      await api.patch(`/api/v1/agents/${a.id}`, { active });
      agents.reload();
      return active ? `${a.name} was reactivated.` : `${a.name} was deactivated; the wallboard no longer shows them.`;
    });
  return (
    <>
      <div class="toolbar">
        <button type="button" class="btn btn-primary" onClick={() => setEditing('new')}>
          New agent
        </button>
      </div>
      <PeopleFilters label="Filter agents" searchLabel="Search by name" idPrefix="agf" value={filter} teams={teams.data} onChange={setFilter} />
      <SaveStatus save={row} />
      <ListView list={agents} empty={isFiltered(filter) ? 'No agents match the filters.' : 'No agents yet: add one, or import calls and they appear by their PBX names.'}>
        {(rows) => (
          <DataTable
            stack
            caption="Agents"
            rows={rows}
            rowKey={(a) => a.id}
            initialSort={{ key: 'name', dir: 1 }}
            columns={[
              { key: 'name', label: 'Name', sort: (a) => a.name.toLowerCase(), render: (a) => a.name },
              {
                key: 'user',
                label: 'Signs in as',
                sort: (a) => userOf(a.user_id)?.name.toLowerCase() ?? null,
                render: (a) => {
                  const u = userOf(a.user_id);
                  return u ? (
                    <>
                      {u.name}
                      <br />
                      <span class="muted small">{u.email}</span>
                    </>
                  ) : (
                    nameOf(users.data, a.user_id)
                  );
                },
              },
              { key: 'team', label: 'Team', sort: (a) => nameOf(teams.data, a.team_id), render: (a) => nameOf(teams.data, a.team_id) },
              {
                key: 'pbx',
                label: 'PBX identities',
                render: (a) =>
                  a.pbx_ids.length === 0 ? (
                    <span class="muted">None</span>
                  ) : (
                    a.pbx_ids.map((id) => (
                      <code class="pbx-id" key={id}>
                        {id}
                      </code>
                    ))
                  ),
              },
              { key: 'active', label: 'Status', sort: (a) => (a.active ? 0 : 1), render: (a) => (a.active ? 'Active' : <span class="badge badge-failed">Deactivated</span>) },
              {
                key: 'act',
                label: 'Actions',
                render: (a) => (
                  <div class="row-actions">
                    <button type="button" class="btn btn-small" onClick={() => setEditing(a)}>
                      Edit<span class="visually-hidden"> {a.name}</span>
                    </button>
                    <button type="button" class="btn btn-small" disabled={row.busy} onClick={() => setActive(a, !a.active)}>
                      {a.active ? 'Deactivate' : 'Reactivate'}
                      <span class="visually-hidden"> {a.name}</span>
                    </button>
                  </div>
                ),
              },
            ]}
          />
        )}
      </ListView>
      <Drawer title={editing === 'new' ? 'New agent' : editing ? `Agent ${editing.name}` : 'Agent'} open={editing !== null} onClose={() => setEditing(null)}>
        {editing !== null && (
          <AgentForm
            agent={editing === 'new' ? null : editing}
            users={users.data}
            teams={teams.data}
            onSaved={(message) => {
              setEditing(null);
              agents.reload();
              row.announce(message);
            }}
          />
        )}
      </Drawer>
    </>
  );
}
