import { describe, expect, it } from 'vitest';
import { queryString } from '../../api/client';
import type { Report, ReportRow } from '../../api/types';
import { activeFormula, chartData, formFromQuery, formToParams, validateForm } from './model';

function row(p: Partial<ReportRow>): ReportRow {
  return {
    interval_start: '2026-07-01T00:00:00Z',
    offered: 0,
    answered: 0,
    abandoned: 0,
    short_abandoned: 0,
    answered_in_sl: 0,
    abandoned_in_sl: 0,
    handled: 0,
    transfers: 0,
    service_level: null,
    asa_s: null,
    abandon_rate: null,
    aht_s: null,
    max_wait_s: null,
    fcr_rate: null,
    service_level_variants: { abandons_count: null, abandons_ignored: null, late_abandons_count: null, abandons_in_sl_success: null },
    ...p,
  };
}

const report: Report = {
  definition: {
    from: '2026-07-01T00:00:00Z',
    to: '2026-07-03T00:00:00Z',
    tz: 'UTC',
    interval: 'day',
    formulas: {},
    queues: [
      { queue: 'Sales', queue_id: 1, sl_threshold_s: 20, short_abandon_s: 5, sl_formula: 'abandons_ignored' },
      { queue: 'Support', queue_id: 2, sl_threshold_s: 30, short_abandon_s: 5, sl_formula: 'abandons_count' },
    ],
    agent_settings: { sl_threshold_s: 20, short_abandon_s: 5, sl_formula: 'late_abandons_count' },
  },
  rows: [
    row({ queue: 'Sales', queue_id: 1, offered: 10, service_level: 0.8 }),
    row({ queue: 'Support', queue_id: 2, offered: 50, service_level: 0.9123 }),
    row({ queue: 'Support', queue_id: 2, offered: 40, service_level: null, interval_start: '2026-07-02T00:00:00Z' }),
    row({ queue: 'Sales', queue_id: 1, offered: 12, service_level: 0.5, interval_start: '2026-07-02T00:00:00Z' }),
  ],
};

describe('report model', () => {
  it('marks the queue formula, or the agent settings formula', () => {
    expect(activeFormula(report, report.rows[0]!)).toBe('abandons_ignored');
    expect(activeFormula(report, report.rows[1]!)).toBe('abandons_count');
    expect(activeFormula(report, row({ agent: 'Ann', agent_id: 4 }))).toBe('late_abandons_count');
    expect(activeFormula(report, row({ queue: 'Gone', queue_id: 99 }))).toBeNull();
  });

  it('charts service level per queue in percent, busiest first', () => {
    const c = chartData(report, 'queues');
    expect(c.x).toEqual([Date.UTC(2026, 6, 1) / 1000, Date.UTC(2026, 6, 2) / 1000]);
    expect(c.series.map((s) => s.label)).toEqual(['Support', 'Sales']);
    expect(c.series[0]!.values).toEqual([91.2, null]);
    expect(c.series[1]!.values).toEqual([80, 50]);
    expect(chartData(report, 'queues', 1).series).toHaveLength(1);
  });

  it('round-trips the form through the address bar', () => {
    const defaults = { from: '2026-07-01', to: '2026-07-08', tz: 'UTC', interval: 'day', queue_ids: [] };
    const form = { from: '2026-06-01', to: '2026-07-01', tz: 'Europe/Berlin', interval: '1h', queue_ids: [2, 5] };
    const q = new URLSearchParams(queryString(formToParams(form)));
    expect(q.get('queue_id')).toBe('2,5');
    expect(formFromQuery(q, defaults)).toEqual(form);
    expect(formFromQuery(new URLSearchParams('interval=year&from=junk&queue_id=x,3'), defaults)).toEqual({ ...defaults, queue_ids: [3] });
  });

  it('checks the date range', () => {
    expect(validateForm({ from: '2026-07-02', to: '2026-07-01', tz: 'UTC', interval: 'day', queue_ids: [] })).toEqual(['The end date must be after the start date.']);
    expect(validateForm({ from: '', to: '2026-07-01', tz: 'UTC', interval: 'day', queue_ids: [] })).toEqual(['Choose a start date.']);
  });
});
