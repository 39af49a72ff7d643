// Colour levels of the wallboard's queue figures against their targets.
//   service level: the queue's target_sl (good at or above it, near within 5 points below);
//                  no colour when the queue has no target
//   ASA, longest wait: the queue's service-level threshold (good within it, near up to twice)
//   abandon rate: good below 5 %, near below 10 %
import { secondsSince, type LiveQueue } from './snapshot';

export type Level = 'good' | 'warn' | 'bad' | 'none';

export const ABANDON_GOOD = 0.05;
export const ABANDON_WARN = 0.1;
const SL_NEAR = 0.05;

export function slLevel(sl: number | null | undefined, target: number | null | undefined): Level {
  if (sl == null || target == null) return 'none';
  if (sl >= target) return 'good';
  return sl >= target - SL_NEAR ? 'warn' : 'bad';
}

export function asaLevel(seconds: number | null | undefined, threshold: number | null | undefined): Level {
  if (seconds == null || threshold == null || threshold <= 0) return 'none';
  if (seconds <= threshold) return 'good';
  return seconds <= 2 * threshold ? 'warn' : 'bad';
}

export function abandonLevel(rate: number | null | undefined): Level {
  if (rate == null) return 'none';
  if (rate < ABANDON_GOOD) return 'good';
  return rate < ABANDON_WARN ? 'warn' : 'bad';
}

// The longest wait now: from the waiting callers' arrival times, so it ticks between updates;
// the server's figure when the callers carry no time.
export function longestWaitS(q: LiveQueue, now: number): number | null {
  const waits = q.waiting.map((w) => (w.since ? secondsSince(w.since, now) : (w.wait_s ?? 0)));
  if (waits.length) return Math.max(...waits);
  return (q.waiting_count ?? 0) > 0 ? q.longest_wait_s : 0;
}
