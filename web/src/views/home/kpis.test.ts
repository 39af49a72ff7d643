import { describe, expect, it } from 'vitest';
import type { Call } from '../../api/types';
import { myKpis } from './kpis';

const base: Call = {
  id: 1, source_id: 1, pbx_call_id: 'x', direction: 'inbound', queue_id: 1, queue: 'Sales', agent_id: 3, agent: 'Ann',
  caller: '1', callee: '2', started_at: '2026-07-01T10:00:00Z', answered_at: '2026-07-01T10:00:10Z', ended_at: '2026-07-01T10:05:00Z',
  wait_s: 10, talk_s: 200, hold_s: 20, acw_s: 30, outcome: 'answered', transfer_count: 0, transferred_to: null, disposition: null, call_type: null, fcr: null, csat: null,
};

describe('myKpis', () => {
  it('averages over answered calls only', () => {
    const k = myKpis([
      base,
      { ...base, id: 2, wait_s: 30, talk_s: 100, hold_s: 0, acw_s: 50, transfer_count: 1 },
      { ...base, id: 3, answered_at: null, outcome: 'abandoned', wait_s: 90, talk_s: 0, hold_s: 0, acw_s: 0 },
    ]);
    expect(k).toEqual({ calls: 3, answered: 2, talk_s: 300, aht_s: 200, avg_hold_s: 10, transfers: 1, avg_wait_s: 20 });
  });
  it('has no averages without calls', () => {
    expect(myKpis([])).toEqual({ calls: 0, answered: 0, talk_s: 0, aht_s: null, avg_hold_s: null, transfers: 0, avg_wait_s: null });
  });
});
