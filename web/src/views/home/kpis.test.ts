import { describe, expect, it } from 'vitest';
import type { Call } from '../../api/types';
import { addDays, myKpis, weekTrend } from './kpis';

const base: Call = {
  id: 1, source_id: 1, pbx_call_id: 'x', direction: 'inbound', queue_id: 1, queue: 'Sales', agent_id: 3, agent: 'Ann',
  caller: '1', callee: '2', started_at: '2026-07-01T10:00:00Z', answered_at: '2026-07-01T10:00:10Z', ended_at: '2026-07-01T10:05:00Z',
  wait_s: 10, talk_s: 200, hold_s: 20, acw_s: 30, outcome: 'answered', transfer_count: 0, transferred_to: null, disposition: null, call_type: null, fcr: null, csat: null,
};
const abandoned: Partial<Call> = { answered_at: null, outcome: 'abandoned', wait_s: 90, talk_s: 0, hold_s: 0, acw_s: 0 };

describe('myKpis', () => {
  it('averages over answered calls only', () => {
    const k = myKpis([
      base,
      { ...base, id: 2, wait_s: 30, talk_s: 100, hold_s: 0, acw_s: 50, transfer_count: 1 },
      { ...base, id: 3, ...abandoned },
    ]);
    expect(k).toEqual({
      calls: 3, answered: 2, talk_s: 300, aht_s: 200, avg_hold_s: 10, transfers: 1, avg_wait_s: 20,
      fcr_yes: 0, fcr_known: 0, fcr_rate: null, csat_sum: 0, csat_n: 0, csat_avg: null,
    });
  });
  it('has no averages without calls', () => {
    expect(myKpis([])).toEqual({
      calls: 0, answered: 0, talk_s: 0, aht_s: null, avg_hold_s: null, transfers: 0, avg_wait_s: null,
      fcr_yes: 0, fcr_known: 0, fcr_rate: null, csat_sum: 0, csat_n: 0, csat_avg: null,
    });
  });
  it('rates first-contact resolution over answered calls whose FCR is known', () => {
    const k = myKpis([
      { ...base, id: 1, fcr: true, csat: 5 },
      { ...base, id: 2, fcr: false, csat: 4 },
      { ...base, id: 3, fcr: true, csat: null },
      { ...base, id: 4, fcr: null, csat: 2 },
      // Not answered: its FCR does not count (the server counts FCR for handled calls only),
      // its rating does (the server counts ratings on every queue visit).
      { ...base, id: 5, ...abandoned, fcr: true, csat: 1 },
      // Outside the 1..5 scale: not a rating.
      { ...base, id: 6, fcr: null, csat: 0 },
    ]);
    // FCR: calls 1 and 3 of the known 1, 2, 3 → 2 / 3.
    expect([k.fcr_yes, k.fcr_known]).toEqual([2, 3]);
    expect(k.fcr_rate).toBeCloseTo(0.666667, 6);
    // CSAT: 5 + 4 + 2 + 1 = 12 over 4 ratings → 3.
    expect([k.csat_sum, k.csat_n, k.csat_avg]).toEqual([12, 4, 3]);
    expect(k.answered).toBe(5);
  });
  it('says 0 % only when every known call was not resolved at first contact', () => {
    const k = myKpis([{ ...base, fcr: false }, { ...base, id: 2, fcr: null, csat: 3 }]);
    expect([k.fcr_yes, k.fcr_known, k.fcr_rate]).toEqual([0, 1, 0]);
    expect([k.csat_n, k.csat_avg]).toEqual([1, 3]);
  });
});

describe('weekTrend', () => {
  const at = (id: number, started: string, extra: Partial<Call> = {}): Call => ({ ...base, id, started_at: started, ...extra });
  it('adds days on the calendar', () => {
    expect(addDays('2026-10-19', 6)).toBe('2026-10-25');
    expect(addDays('2026-12-28', 4)).toBe('2027-01-01');
  });
  it('buckets by the day in the zone across the autumn DST change in Europe/Berlin', () => {
    // Week of Monday 2026-10-19; on Sunday 25 October Berlin goes from CEST (+2) to CET (+1).
    const calls = [
      at(1, '2026-10-18T21:59:00Z'), // Sun 18 Oct 23:59 CEST: the week before
      at(2, '2026-10-18T22:30:00Z', { talk_s: 100, hold_s: 0, acw_s: 20 }), // Mon 19 Oct 00:30 CEST
      at(3, '2026-10-21T12:00:00Z', abandoned), // Wed: a call, none handled
      at(4, '2026-10-24T22:30:00Z', { talk_s: 300, hold_s: 0, acw_s: 0 }), // Sun 25 Oct 00:30 CEST
      at(5, '2026-10-25T22:30:00Z', { talk_s: 100, hold_s: 0, acw_s: 0 }), // Sun 25 Oct 23:30 CET (a +2 offset would say Monday)
      at(6, '2026-10-25T23:00:00Z'), // Mon 26 Oct 00:00 CET: the next week
    ];
    expect(weekTrend(calls, '2026-10-19', '2026-10-25', 'Europe/Berlin')).toEqual([
      { date: '2026-10-19', handled: 1, aht_s: 120 },
      { date: '2026-10-20', handled: 0, aht_s: null },
      { date: '2026-10-21', handled: 0, aht_s: null },
      { date: '2026-10-22', handled: 0, aht_s: null },
      { date: '2026-10-23', handled: 0, aht_s: null },
      { date: '2026-10-24', handled: 0, aht_s: null },
      { date: '2026-10-25', handled: 2, aht_s: 200 },
    ]);
  });
  it('ends the spring DST week at local midnight and leaves days after today empty', () => {
    // Week of Monday 2026-03-23; on Sunday 29 March Berlin goes from CET (+1) to CEST (+2).
    const calls = [
      at(1, '2026-03-22T23:10:00Z'), // Mon 23 Mar 00:10 CET
      at(2, '2026-03-25T08:00:00Z', { talk_s: 50, hold_s: 10, acw_s: 0 }), // Wed
      at(3, '2026-03-25T09:00:00Z', { talk_s: 150, hold_s: 0, acw_s: 30 }), // Wed
    ];
    const wednesday = weekTrend(calls, '2026-03-23', '2026-03-25', 'Europe/Berlin');
    expect(wednesday.map((d) => [d.date, d.handled, d.aht_s])).toEqual([
      ['2026-03-23', 1, 250],
      ['2026-03-24', 0, null],
      ['2026-03-25', 2, 120],
      ['2026-03-26', null, null],
      ['2026-03-27', null, null],
      ['2026-03-28', null, null],
      ['2026-03-29', null, null],
    ]);
    // Sun 29 Mar 23:30 CEST is 21:30 UTC; 22:30 UTC is already Monday 30 March (a +1 offset
    // would keep it on Sunday).
    const sunday = weekTrend([at(4, '2026-03-29T21:30:00Z'), at(5, '2026-03-29T22:30:00Z')], '2026-03-23', '2026-03-29', 'Europe/Berlin');
    expect(sunday[6]).toEqual({ date: '2026-03-29', handled: 1, aht_s: 250 });
    expect(sunday.reduce((s, d) => s + (d.handled ?? 0), 0)).toBe(1);
  });
});
