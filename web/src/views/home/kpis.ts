// An agent's own figures from its calls (the call log is scoped to the signed-in agent; the
// agent report needs a permission agents do not have).
//
// The definitions are those of docs/kpi-definitions.md, computed from the same counters the
// server sums for its reports (src/core/interval_counters.cpp, CountCall):
//   aht_s    = (talk_s + hold_s + acw_s) / handled
//   fcr_rate = fcr_yes / fcr_known — over handled calls whose first-contact resolution is known
//   csat     = csat_sum / csat_n   — over every call with a satisfaction rating 1..5
// A ratio with a zero denominator is null, never 0.
import type { Call } from '../../api/types';
import { zonedDate } from '../../lib/format';

export interface MyKpis {
  calls: number;
  answered: number;
  talk_s: number;
  aht_s: number | null; // (talk + hold + after-call work) / answered
  avg_hold_s: number | null;
  transfers: number;
  avg_wait_s: number | null; // the callers' wait before I answered
  fcr_yes: number;
  fcr_known: number;
  fcr_rate: number | null; // fcr_yes / fcr_known
  csat_sum: number;
  csat_n: number;
  csat_avg: number | null; // csat_sum / csat_n, on the 1..5 scale
}

const isRating = (v: number | null): v is number => v !== null && Number.isInteger(v) && v >= 1 && v <= 5;

export function myKpis(calls: Call[]): MyKpis {
  const answered = calls.filter((c) => c.answered_at !== null && c.outcome === 'answered');
  const sum = (f: (c: Call) => number) => answered.reduce((s, c) => s + f(c), 0);
  const n = answered.length;
  const fcrKnown = answered.filter((c) => c.fcr !== null);
  const fcrYes = fcrKnown.filter((c) => c.fcr === true).length;
  const ratings = calls.map((c) => c.csat).filter(isRating);
  const csatSum = ratings.reduce((s, v) => s + v, 0);
  return {
    calls: calls.length,
    answered: n,
    talk_s: sum((c) => c.talk_s),
    aht_s: n ? sum((c) => c.talk_s + c.hold_s + c.acw_s) / n : null,
    avg_hold_s: n ? sum((c) => c.hold_s) / n : null,
    transfers: sum((c) => c.transfer_count),
    avg_wait_s: n ? sum((c) => c.wait_s) / n : null,
    fcr_yes: fcrYes,
    fcr_known: fcrKnown.length,
    fcr_rate: fcrKnown.length ? fcrYes / fcrKnown.length : null,
    csat_sum: csatSum,
    csat_n: ratings.length,
    csat_avg: ratings.length ? csatSum / ratings.length : null,
  };
}

// One day of the week's trend. Days after today have no figures (null), days up to today
// without calls have 0 handled and no AHT.
export interface DayTrend {
  date: string; // YYYY-MM-DD in the chosen zone
  handled: number | null;
  aht_s: number | null;
}

// "YYYY-MM-DD" plus `days`, on the calendar (no time zone involved).
export function addDays(date: string, days: number): string {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// Handled calls and AHT per day of the week that begins on `monday`, in `tz`. A call counts
// on the day it started in `tz` (as the reports count a call in the interval it entered the
// queue), so a day with a DST change has 23 or 25 hours.
export function weekTrend(calls: Call[], monday: string, today: string, tz: string): DayTrend[] {
  const byDay = new Map<string, Call[]>();
  for (const c of calls) {
    const t = Date.parse(c.started_at);
    if (Number.isNaN(t)) continue;
    const day = zonedDate(tz, 0, new Date(t));
    const list = byDay.get(day);
    if (list) list.push(c);
    else byDay.set(day, [c]);
  }
  const out: DayTrend[] = [];
  for (let i = 0; i < 7; i++) {
    const date = addDays(monday, i);
    if (date > today) {
      out.push({ date, handled: null, aht_s: null });
      continue;
    }
    const k = myKpis(byDay.get(date) ?? []);
    out.push({ date, handled: k.answered, aht_s: k.aht_s });
  }
  return out;
}
