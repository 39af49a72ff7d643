import { describe, expect, it } from 'vitest';
import { pauseOverrun } from './parts';
import { abandonLevel, asaLevel, longestWaitS, slLevel } from './targets';

const now = Date.parse('2026-07-01T10:30:00Z');

describe('wallboard targets', () => {
  it('colours service level against the queue target', () => {
    expect(slLevel(0.8, 0.8)).toBe('good');
    expect(slLevel(0.76, 0.8)).toBe('warn');
    expect(slLevel(0.74, 0.8)).toBe('bad');
    expect(slLevel(0.5, null)).toBe('none');
    expect(slLevel(null, 0.8)).toBe('none');
  });
  it('colours ASA and waits against the service-level threshold', () => {
    expect(asaLevel(20, 20)).toBe('good');
    expect(asaLevel(40, 20)).toBe('warn');
    expect(asaLevel(41, 20)).toBe('bad');
    expect(asaLevel(null, 20)).toBe('none');
  });
  it('colours the abandon rate at 5 % and 10 %', () => {
    expect(abandonLevel(0.049)).toBe('good');
    expect(abandonLevel(0.05)).toBe('warn');
    expect(abandonLevel(0.1)).toBe('bad');
    expect(abandonLevel(null)).toBe('none');
  });
  it('ticks the longest wait from the callers arrival times', () => {
    const q = { id: 1, name: 'q', waiting_count: 2, longest_wait_s: 5, agents_by_state: {}, today: {} };
    expect(longestWaitS({ ...q, waiting: [{ since: '2026-07-01T10:29:00Z' }, { since: '2026-07-01T10:29:45Z' }] }, now)).toBe(60);
    expect(longestWaitS({ ...q, waiting: [] }, now)).toBe(5);
    expect(longestWaitS({ ...q, waiting_count: 0, waiting: [] }, now)).toBe(0);
  });
  it('marks a pause past its reason limit', () => {
    const reasons = [
      { id: 1, name: 'Lunch', colour: '#2f7ed8', productive: false, max_minutes: 60, active: true },
      { id: 4, name: 'On Leave', colour: '#492970', productive: false, max_minutes: null, active: true },
    ];
    const agent = (reason: string, since: string, state = 'paused') => ({ id: 1, name: 'A', state, reason, since, call: null, today: {} });
    expect(pauseOverrun(agent('Lunch', '2026-07-01T09:29:59Z'), reasons, now)).toBe(true);
    expect(pauseOverrun(agent('Lunch', '2026-07-01T09:30:00Z'), reasons, now)).toBe(false);
    expect(pauseOverrun(agent('On Leave', '2026-06-01T09:00:00Z'), reasons, now)).toBe(false);
    expect(pauseOverrun(agent('Lunch', '2026-07-01T08:00:00Z', 'available'), reasons, now)).toBe(false);
  });
});
