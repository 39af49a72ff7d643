// Queue KPI settings: service-level threshold, short abandon, formula, target.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Queue, SlFormula } from '../../api/types';
import { SL_FORMULAS } from '../../api/types';
import { DataTable, Drawer, Field } from '../../components/ui';
import { formatPercent, humanize } from '../../lib/format';
import { DrawerForm, ListView, fieldError, useList, useSave } from './common';

function QueueForm(props: { queue: Queue; onSaved: () => void }) {
  const q = props.queue;
  const [f, setF] = useState({
    sl_threshold_s: String(q.sl_threshold_s),
    short_abandon_s: String(q.short_abandon_s),
    sl_formula: q.sl_formula,
    target: q.target_sl === null ? '' : String(Math.round(q.target_sl * 1000) / 10),
  });
  const save = useSave();
  return (
    <DrawerForm
      label={`Settings of ${q.name}`}
      submit="Save settings"
      save={save}
      onSubmit={() =>
        void save.run(async () => {
          await api.patch(`/api/v1/queues/${q.id}`, {
            sl_threshold_s: Number(f.sl_threshold_s),
            short_abandon_s: Number(f.short_abandon_s),
            sl_formula: f.sl_formula,
            target_sl: f.target === '' ? null : Number(f.target) / 100,
          });
          props.onSaved();
          return 'Saved as a new settings version.';
        })
      }
    >
      <Field label="Service-level threshold (s)" id="q-threshold" error={fieldError(save.error, 'sl_threshold_s')}>
        <input id="q-threshold" type="number" min={1} step={1} required value={f.sl_threshold_s} onInput={(e) => setF({ ...f, sl_threshold_s: e.currentTarget.value })} />
      </Field>
      <Field label="Short abandon (s)" id="q-short" error={fieldError(save.error, 'short_abandon_s')}>
        <input id="q-short" type="number" min={0} step={1} required value={f.short_abandon_s} onInput={(e) => setF({ ...f, short_abandon_s: e.currentTarget.value })} />
      </Field>
      <Field label="Service-level formula" id="q-formula" error={fieldError(save.error, 'sl_formula')}>
        <select id="q-formula" value={f.sl_formula} onChange={(e) => setF({ ...f, sl_formula: e.currentTarget.value as SlFormula })}>
          {SL_FORMULAS.map((x) => (
            <option key={x} value={x}>
              {humanize(x)}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Target service level (%)" id="q-target" error={fieldError(save.error, 'target_sl')} hint="Empty for no target.">
        <input id="q-target" type="number" min={0} max={100} step={0.1} value={f.target} onInput={(e) => setF({ ...f, target: e.currentTarget.value })} aria-describedby="q-target-hint" />
      </Field>
    </DrawerForm>
  );
}

export default function Queues() {
  const queues = useList<Queue>('/api/v1/queues');
  const [editing, setEditing] = useState<Queue | null>(null);
  return (
    <>
      <ListView list={queues} empty="No queues yet: they appear with the first imported calls.">
        {(rows) => (
          <DataTable
            stack
            caption="Queues"
            rows={rows}
            rowKey={(q) => q.id}
            columns={[
              { key: 'name', label: 'Queue', sort: (q) => q.name, render: (q) => q.name },
              { key: 'th', label: 'Threshold', align: 'end', sort: (q) => q.sl_threshold_s, render: (q) => `${q.sl_threshold_s} s` },
              { key: 'sa', label: 'Short abandon', align: 'end', render: (q) => `${q.short_abandon_s} s` },
              { key: 'f', label: 'Formula', render: (q) => humanize(q.sl_formula) },
              { key: 't', label: 'Target', align: 'end', render: (q) => formatPercent(q.target_sl) },
              {
                key: 'edit',
                label: 'Actions',
                render: (q) => (
                  <button type="button" class="btn btn-small" onClick={() => setEditing(q)}>
                    Edit<span class="visually-hidden"> {q.name}</span>
                  </button>
                ),
              },
            ]}
          />
        )}
      </ListView>
      <Drawer title={editing ? `Queue ${editing.name}` : 'Queue'} open={editing !== null} onClose={() => setEditing(null)}>
        {editing && <QueueForm queue={editing} onSaved={queues.reload} />}
      </Drawer>
    </>
  );
}
