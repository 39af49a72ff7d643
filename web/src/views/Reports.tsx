// Queue and agent reports: range, zone, interval and queue filters; a chart, the table with
// the four service-level variants side by side (the active one marked), the definition, CSV.
import { useState } from 'preact/hooks';
import { api, queryString } from '../api/client';
import type { Page, Queue, Report, ReportRow, SlFormula } from '../api/types';
import { SL_FORMULAS } from '../api/types';
import { useAsync } from '../components/async';
import { Empty, ErrorBox, Field, Loading, Notice, PageHeader, errorText, useFocusTitle } from '../components/ui';
import { downloadText } from '../lib/csv';
import { formatDuration, formatIntervalStart, formatNumber, formatPercent, humanize, zonedDate } from '../lib/format';
import { navigate } from '../lib/router';
import { useLocation } from '../lib/useLocation';
import { timeZone, zoneChoices } from '../state/prefs';
import { useStore } from '../state/store';
import { ServiceLevelChart } from './reports/Chart';
import { INTERVALS, activeFormula, chartData, formFromQuery, formToParams, validateForm, type ReportForm } from './reports/model';

const FORMULA_SHORT: Record<SlFormula, string> = {
  abandons_count: 'Abandons count',
  abandons_ignored: 'Abandons ignored',
  late_abandons_count: 'Late abandons count',
  abandons_in_sl_success: 'Abandons in SL = success',
};
const FIGURE_NAMES: Record<string, string> = {
  ...FORMULA_SHORT,
  abandon_rate: 'Abandon rate',
  asa_s: 'ASA (average speed of answer)',
  aht_s: 'AHT (average handling time)',
};

function Filters(props: { kind: string; initial: ReportForm; queues: Queue[]; onApply: (f: ReportForm) => void }) {
  const [f, setF] = useState(props.initial);
  const [problems, setProblems] = useState<string[]>([]);
  const toggleQueue = (id: number, on: boolean) => setF((p) => ({ ...p, queue_ids: on ? [...p.queue_ids, id] : p.queue_ids.filter((q) => q !== id) }));
  return (
    <form
      class="filters"
      aria-label="Report filters"
      onSubmit={(e) => {
        e.preventDefault();
        const p = validateForm(f);
        setProblems(p);
        if (!p.length) props.onApply(f);
      }}
    >
      <Field label="From (date)" id="r-from">
        <input id="r-from" type="date" value={f.from} onInput={(e) => setF({ ...f, from: e.currentTarget.value })} />
      </Field>
      <Field label="To (date, not included)" id="r-to">
        <input id="r-to" type="date" value={f.to} onInput={(e) => setF({ ...f, to: e.currentTarget.value })} />
      </Field>
      <Field label="Time zone" id="r-tz">
        <select id="r-tz" value={f.tz} onChange={(e) => setF({ ...f, tz: e.currentTarget.value })}>
          {zoneChoices([f.tz]).map((z) => (
            <option key={z}>{z}</option>
          ))}
        </select>
      </Field>
      <Field label="Interval" id="r-interval">
        <select id="r-interval" value={f.interval} onChange={(e) => setF({ ...f, interval: e.currentTarget.value })}>
          {INTERVALS.map((i) => (
            <option key={i} value={i}>
              {i === 'total' ? 'Total' : i === '1h' ? '1 hour' : i === 'day' || i === 'week' || i === 'month' ? humanize(i) : i.replace('m', ' minutes')}
            </option>
          ))}
        </select>
      </Field>
      {props.queues.length > 0 && (
        <fieldset class="queue-picks">
          <legend>Queues {f.queue_ids.length === 0 && <span class="muted">(all)</span>}</legend>
          {props.queues.map((q) => (
            <label key={q.id} class="check">
              <input type="checkbox" checked={f.queue_ids.includes(q.id)} onChange={(e) => toggleQueue(q.id, e.currentTarget.checked)} /> {q.name}
            </label>
          ))}
        </fieldset>
      )}
      <div class="filter-actions">
        <button type="submit" class="btn btn-primary">
          Show report
        </button>
      </div>
      {problems.length > 0 && (
        <p class="field-error" role="alert">
          {problems.join(' ')}
        </p>
      )}
    </form>
  );
}

function Definition(props: { report: Report; kind: 'queues' | 'agents' }) {
  const d = props.report.definition;
  return (
    <details class="definition">
      <summary>How these figures are defined</summary>
      <p>
        Intervals: {d.interval} in {d.tz}. Service level counts a call as answered in time when it waited no longer than the threshold; abandons
        quicker than the short-abandon time leave the count.
      </p>
      <div class="scroll-x">
      <table class="compact">
        <caption class="visually-hidden">Service-level settings</caption>
        <thead>
          <tr>
            <th scope="col">{props.kind === 'queues' ? 'Queue' : 'Settings'}</th>
            <th scope="col">Threshold</th>
            <th scope="col">Short abandon</th>
            <th scope="col">Formula</th>
          </tr>
        </thead>
        <tbody>
          {props.kind === 'agents' && d.agent_settings ? (
            <tr>
              <td>All agents</td>
              <td>{d.agent_settings.sl_threshold_s} s</td>
              <td>{d.agent_settings.short_abandon_s} s</td>
              <td>
                {FORMULA_SHORT[d.agent_settings.sl_formula]}: <code>{d.formulas[d.agent_settings.sl_formula]}</code>
              </td>
            </tr>
          ) : (
            d.queues.map((q) => (
              <tr key={q.queue_id}>
                <td>{q.queue}</td>
                <td>{q.sl_threshold_s} s</td>
                <td>{q.short_abandon_s} s</td>
                <td>
                  {FORMULA_SHORT[q.sl_formula]}: <code>{d.formulas[q.sl_formula]}</code>
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      </div>
      <dl class="formulas">
        {Object.entries(d.formulas).map(([k, v]) => (
          <div key={k}>
            <dt>{FIGURE_NAMES[k] ?? humanize(k)}</dt>
            <dd>
              <code>{v}</code>
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function ReportTable(props: { report: Report; kind: 'queues' | 'agents' }) {
  const { report, kind } = props;
  const d = report.definition;
  const showInterval = d.interval !== 'total';
  const nameOf = (r: ReportRow) => (kind === 'queues' ? r.queue : r.agent) ?? '—';
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label="Report table">
      <table class="report-table">
        <caption class="visually-hidden">{kind === 'queues' ? 'Queue report' : 'Agent report'}</caption>
        <thead>
          <tr>
            <th scope="col">{kind === 'queues' ? 'Queue' : 'Agent'}</th>
            {showInterval && <th scope="col">Interval</th>}
            <th scope="col" class="num">
              {kind === 'queues' ? 'Offered' : 'Handled'}
            </th>
            <th scope="col" class="num">
              Answered
            </th>
            <th scope="col" class="num">
              Abandoned
            </th>
            <th scope="col" class="num">
              Service level
            </th>
            {SL_FORMULAS.map((f) => (
              <th scope="col" class="num variant" key={f} title={d.formulas[f]}>
                {FORMULA_SHORT[f]}
              </th>
            ))}
            <th scope="col" class="num">
              ASA
            </th>
            <th scope="col" class="num">
              AHT
            </th>
            <th scope="col" class="num">
              Abandon rate
            </th>
            {kind === 'agents' ? (
              <>
                <th scope="col" class="num">
                  Occupancy
                </th>
                <th scope="col" class="num">
                  Calls / h
                </th>
              </>
            ) : (
              <th scope="col" class="num">
                Longest wait
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {report.rows.map((r, i) => {
            const active = activeFormula(report, r);
            return (
              <tr key={i}>
                <th scope="row">{nameOf(r)}</th>
                {showInterval && <td class="nowrap">{formatIntervalStart(r.interval_start, d.interval, d.tz)}</td>}
                <td class="num">{formatNumber(kind === 'queues' ? r.offered : r.handled)}</td>
                <td class="num">{formatNumber(r.answered)}</td>
                <td class="num">{formatNumber(r.abandoned)}</td>
                <td class="num strong">{formatPercent(r.service_level)}</td>
                {SL_FORMULAS.map((f) => (
                  <td key={f} class={'num variant' + (f === active ? ' active' : '')}>
                    {formatPercent(r.service_level_variants[f])}
                    {f === active && (
                      <span class="active-mark">
                        <span aria-hidden="true"> ●</span>
                        <span class="visually-hidden"> (active formula)</span>
                      </span>
                    )}
                  </td>
                ))}
                <td class="num">{formatDuration(r.asa_s)}</td>
                <td class="num">{formatDuration(r.aht_s)}</td>
                <td class="num">{formatPercent(r.abandon_rate)}</td>
                {kind === 'agents' ? (
                  <>
                    <td class="num">{formatPercent(r.occupancy ?? null)}</td>
                    <td class="num">{formatNumber(r.calls_per_hour ?? null, undefined, 1)}</td>
                  </>
                ) : (
                  <td class="num">{formatDuration(r.max_wait_s)}</td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export default function Reports(props: { kind: 'queues' | 'agents' }) {
  useFocusTitle();
  const { kind } = props;
  const tzPref = useStore(timeZone);
  const loc = useLocation();
  const defaults: ReportForm = { from: zonedDate(tzPref, -6), to: zonedDate(tzPref, 1), tz: tzPref, interval: 'day', queue_ids: [] };
  const form = formFromQuery(loc.query, defaults);
  const params = formToParams(form);
  const path = `/api/v1/reports/${kind}`;
  const key = queryString(params);
  const [csvState, setCsvState] = useState<string | null>(null);

  const queues = useAsync((signal) => api.get<Page<Queue>>('/api/v1/queues?limit=500', signal).then((p) => p.items).catch(() => [] as Queue[]), []);
  const report = useAsync((signal) => api.get<Report>(path + key, signal), [path, key]);

  async function downloadCsv() {
    setCsvState('Preparing the CSV…');
    try {
      const res = await api.raw(path + queryString({ ...params, format: 'csv' }), { accept: 'text/csv' });
      downloadText(`${kind}-report-${form.from}-${form.to}.csv`, await res.text());
      setCsvState(null);
    } catch (e) {
      setCsvState('The CSV could not be made: ' + errorText(e));
    }
  }

  const r = report.data;
  return (
    <>
      <PageHeader title={kind === 'queues' ? 'Queue report' : 'Agent report'} description={`Times in ${form.tz}.`}>
        <button type="button" class="btn" onClick={() => void downloadCsv()}>
          Download CSV
        </button>
      </PageHeader>
      {csvState && <Notice kind="info">{csvState}</Notice>}
      <Filters key={kind + key} kind={kind} initial={form} queues={queues.data ?? []} onApply={(f) => navigate(`/reports/${kind}` + queryString(formToParams(f)))} />
      {report.error ? (
        <ErrorBox error={report.error} onRetry={report.reload} title="The report could not be made." />
      ) : report.loading && !r ? (
        <Loading label="Making the report…" />
      ) : !r ? null : r.rows.length === 0 ? (
        <Empty>No calls in this range. Pick another range or queue.</Empty>
      ) : (
        <div aria-busy={report.loading}>
          {r.definition.interval !== 'total' && (
            <ServiceLevelChart
              data={chartData(r, kind)}
              title={`Service level by ${r.definition.interval} (${kind === 'queues' ? 'busiest queues' : 'busiest agents'})`}
              formatX={(s) => formatIntervalStart(new Date(s * 1000).toISOString(), r.definition.interval, r.definition.tz)}
            />
          )}
          <ReportTable report={r} kind={kind} />
          <Definition report={r} kind={kind} />
        </div>
      )}
    </>
  );
}
