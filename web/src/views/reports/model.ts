// Report view logic: the form's parameters, which service-level formula is active for a row,
// and the chart series.
import type { QueryValue } from '../../api/client';
import type { Report, ReportRow, SlFormula } from '../../api/types';

export const INTERVALS = ['15m', '30m', '1h', 'day', 'week', 'month', 'total'] as const;

export interface ReportForm {
  from: string; // YYYY-MM-DD
  to: string; // YYYY-MM-DD, exclusive
  tz: string;
  interval: string;
  queue_ids: number[];
}

export function formToParams(f: ReportForm): Record<string, QueryValue> {
  return { from: f.from, to: f.to, tz: f.tz, interval: f.interval, queue_id: f.queue_ids };
}

export function formFromQuery(q: URLSearchParams, defaults: ReportForm): ReportForm {
  const ids = (q.get('queue_id') ?? '')
    .split(',')
    .map((s) => Number(s))
    .filter((n) => Number.isInteger(n) && n > 0);
  const date = (k: string, d: string) => {
    const v = q.get(k);
    return v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : d;
  };
  const interval = q.get('interval');
  return {
    from: date('from', defaults.from),
    to: date('to', defaults.to),
    tz: q.get('tz') || defaults.tz,
    interval: interval && (INTERVALS as readonly string[]).includes(interval) ? interval : defaults.interval,
    queue_ids: ids,
  };
}

export function validateForm(f: ReportForm): string[] {
  const problems: string[] = [];
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.from)) problems.push('Choose a start date.');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.to)) problems.push('Choose an end date.');
  if (!problems.length && f.to <= f.from) problems.push('The end date must be after the start date.');
  return problems;
}

// The formula a row's headline service level uses: its queue's, or the agent settings'.
export function activeFormula(report: Report, row: ReportRow): SlFormula | null {
  if (row.queue_id !== undefined) {
    return report.definition.queues.find((q) => q.queue_id === row.queue_id)?.sl_formula ?? null;
  }
  return report.definition.agent_settings?.sl_formula ?? null;
}

export interface ChartData {
  x: number[]; // unix seconds
  series: { label: string; values: Array<number | null> }[];
}

// Service level (percent) per queue or agent over the interval starts; at most `max` series
// (the ones with the most offered calls).
export function chartData(report: Report, kind: 'queues' | 'agents', max = 8): ChartData {
  const name = (r: ReportRow) => String((kind === 'queues' ? r.queue : r.agent) ?? '?');
  const starts = [...new Set(report.rows.map((r) => r.interval_start))].sort();
  const volume = new Map<string, number>();
  for (const r of report.rows) volume.set(name(r), (volume.get(name(r)) ?? 0) + (kind === 'queues' ? r.offered : r.handled));
  const names = [...volume.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, max).map(([n]) => n);
  const index = new Map(starts.map((s, i) => [s, i]));
  const series = names.map((n) => ({ label: n, values: starts.map(() => null as number | null) }));
  const byName = new Map(series.map((s) => [s.label, s]));
  for (const r of report.rows) {
    const s = byName.get(name(r));
    if (!s || r.service_level === null) continue;
    s.values[index.get(r.interval_start)!] = Math.round(r.service_level * 1000) / 10;
  }
  return { x: starts.map((s) => Date.parse(s) / 1000), series };
}
