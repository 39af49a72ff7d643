// Pause reasons: what agents pause with — colour, productive or not, and the maximum minutes
// after which the pause raises an alert. Add, edit, retire.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { PauseReason } from '../../api/types';
import { DataTable, Drawer, Field, Swatch, fieldProps } from '../../components/ui';
import { ConfirmButton, DrawerForm, ListView, SaveStatus, fieldError, useList, useSave, type Editing } from './common';

const DEFAULT_COLOUR = '#2563eb';
const COLOUR = /^#[0-9a-fA-F]{6}$/;

function ReasonForm(props: { reason: PauseReason | null; onSaved: (message: string) => void }) {
  const r = props.reason;
  const [f, setF] = useState({
    name: r?.name ?? '',
    colour: r?.colour ?? DEFAULT_COLOUR,
    productive: r?.productive ?? false,
    max: r?.max_minutes == null ? '' : String(r.max_minutes),
  });
  const save = useSave();
  const err = (field: string) => fieldError(save.error, field);
  const submit = () =>
    void save.run(async () => {
      const body = { name: f.name.trim(), colour: f.colour.trim(), productive: f.productive, max_minutes: f.max.trim() === '' ? null : Number(f.max) };
      const saved = r ? await api.patch<PauseReason>(`/api/v1/pause-reasons/${r.id}`, body) : await api.post<PauseReason>('/api/v1/pause-reasons', body);
      props.onSaved(r ? `Pause reason ${saved.name} was saved.` : `Pause reason ${saved.name} was added; agents can pause with it now.`);
    });
  return (
    <DrawerForm label={r ? `Edit ${r.name}` : 'New pause reason'} submit={r ? 'Save pause reason' : 'Add pause reason'} save={save} onSubmit={submit} failed="The pause reason was not saved.">
      <Field label="Name" id="pr-name" error={err('name')}>
        <input id="pr-name" maxLength={64} value={f.name} onInput={(e) => setF({ ...f, name: e.currentTarget.value })} {...fieldProps('pr-name', err('name'))} />
      </Field>
      <Field label="Colour" id="pr-colour" error={err('colour')} hint="#rrggbb, shown beside the reason on the wallboard.">
        <div class="colour-input">
          <input id="pr-colour" maxLength={7} value={f.colour} onInput={(e) => setF({ ...f, colour: e.currentTarget.value })} {...fieldProps('pr-colour', err('colour'), true)} />
          <input
            type="color"
            aria-label="Pick the colour"
            value={COLOUR.test(f.colour) ? f.colour.toLowerCase() : DEFAULT_COLOUR}
            onInput={(e) => setF({ ...f, colour: e.currentTarget.value })}
          />
        </div>
      </Field>
      <Field label="Maximum minutes" id="pr-max" error={err('max_minutes')} hint="1 to 1440; a longer pause raises an alert. Empty for no limit.">
        <input id="pr-max" type="number" inputMode="numeric" step={1} value={f.max} onInput={(e) => setF({ ...f, max: e.currentTarget.value })} {...fieldProps('pr-max', err('max_minutes'), true)} />
      </Field>
      <div class="field field-check">
        <input id="pr-productive" type="checkbox" checked={f.productive} onChange={(e) => setF({ ...f, productive: e.currentTarget.checked })} />
        <label for="pr-productive">Productive time (counts as work, e.g. case work or training)</label>
      </div>
    </DrawerForm>
  );
}

export default function PauseReasons() {
  const reasons = useList<PauseReason>('/api/v1/pause-reasons', {});
  const [editing, setEditing] = useState<Editing<PauseReason>>(null);
  const row = useSave();
  return (
    <>
      <div class="toolbar">
        <button type="button" class="btn btn-primary" onClick={() => setEditing('new')}>
          New pause reason
        </button>
      </div>
      <SaveStatus save={row} />
      <ListView list={reasons} empty="No pause reasons: agents can only be available or logged out.">
        {(rows) => (
          <DataTable
            stack
            caption="Pause reasons"
            rows={rows}
            rowKey={(r) => r.id}
            initialSort={{ key: 'name', dir: 1 }}
            columns={[
              {
                key: 'name',
                label: 'Name',
                sort: (r) => r.name.toLowerCase(),
                render: (r) => (
                  <span class="named-swatch">
                    <Swatch colour={r.colour} />
                    {r.name}
                  </span>
                ),
              },
              { key: 'colour', label: 'Colour', render: (r) => <code>{r.colour}</code> },
              { key: 'productive', label: 'Productive', sort: (r) => (r.productive ? 0 : 1), render: (r) => (r.productive ? 'Yes' : 'No') },
              { key: 'max', label: 'Maximum', align: 'end', sort: (r) => r.max_minutes, render: (r) => (r.max_minutes === null ? 'No limit' : `${r.max_minutes} min`) },
              {
                key: 'act',
                label: 'Actions',
                render: (r) => (
                  <div class="row-actions">
                    <button type="button" class="btn btn-small" onClick={() => setEditing(r)}>
                      Edit<span class="visually-hidden"> {r.name}</span>
                    </button>
                    <ConfirmButton
                      question={`Delete the pause reason ${r.name}? Agents can no longer pause with it; past pauses keep it.`}
                      disabled={row.busy}
                      onConfirm={() =>
                        void row.run(async () => {
                          await api.del(`/api/v1/pause-reasons/${r.id}`);
                          reasons.reload();
                          return `Pause reason ${r.name} was deleted.`;
                        })
                      }
                    >
                      Delete<span class="visually-hidden"> {r.name}</span>
                    </ConfirmButton>
                  </div>
                ),
              },
            ]}
          />
        )}
      </ListView>
      <Drawer title={editing === 'new' ? 'New pause reason' : editing ? `Pause reason ${editing.name}` : 'Pause reason'} open={editing !== null} onClose={() => setEditing(null)}>
        {editing !== null && (
          <ReasonForm
            reason={editing === 'new' ? null : editing}
            onSaved={(message) => {
              setEditing(null);
              reasons.reload();
              row.announce(message);
            }}
          />
        )}
      </Drawer>
    </>
  );
}
