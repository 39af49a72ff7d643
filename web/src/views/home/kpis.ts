// An agent's own figures from its calls (the call log is scoped to the signed-in agent; the
// agent report needs a permission agents do not have).
import type { Call } from '../../api/types';

export interface MyKpis {
  calls: number;
  answered: number;
  talk_s: number;
  aht_s: number | null; // (talk + hold + after-call work) / answered
  avg_hold_s: number | null;
  transfers: number;
  avg_wait_s: number | null; // the callers' wait before I answered
}

export function myKpis(calls: Call[]): MyKpis {
  const answered = calls.filter((c) => c.answered_at !== null && c.outcome === 'answered');
  const sum = (f: (c: Call) => number) => answered.reduce((s, c) => s + f(c), 0);
  const n = answered.length;
  return {
    calls: calls.length,
    answered: n,
    talk_s: sum((c) => c.talk_s),
    aht_s: n ? sum((c) => c.talk_s + c.hold_s + c.acw_s) / n : null,
    avg_hold_s: n ? sum((c) => c.hold_s) / n : null,
    transfers: sum((c) => c.transfer_count),
    avg_wait_s: n ? sum((c) => c.wait_s) / n : null,
  };
}
