import { describe, expect, it } from 'vitest';
import { ApiClient } from '../api/client';
import { countByState, fetchSnapshot, parseSnapshot, stateLabel } from './snapshot';

const store = { getItem: () => null, setItem: () => undefined, removeItem: () => undefined };
const answer = (status: number, body: unknown) => new ApiClient(async () => new Response(JSON.stringify(body), { status }), store);

const snapshot = {
  seq: 41,
  agents: [
    { id: 1, name: 'Ann', state: 'on_call', reason: null, since: '2026-07-01T10:00:00Z', call: { queue: 'Sales' }, today: { handled: 12 } },
    { id: 2, name: 'Bob', state: 'paused', reason: 'Lunch', since: '2026-07-01T10:05:00Z', call: null, today: {} },
    { id: 3, name: 'Cem', state: 'on_call', reason: null, since: '2026-07-01T10:06:00Z', call: null, today: {} },
  ],
  queues: [{ id: 1, name: 'Sales', waiting: [], longest_wait_s: null, agents_by_state: { on_call: 2 }, today: { offered: 30 } }],
};

describe('live snapshot', () => {
  it('parses the snapshot and defaults the alerts', () => {
    const s = parseSnapshot(snapshot);
    expect(s.seq).toBe(41);
    expect(s.alerts).toEqual([]);
    expect(() => parseSnapshot({ seq: 'x' })).toThrow('seq must be a number');
    expect(() => parseSnapshot({ seq: 1, agents: {}, queues: [] })).toThrow('agents must be an array');
  });
  it('names the states in words', () => {
    expect(stateLabel('acw')).toBe('After-call work');
    expect(stateLabel('on_call')).toBe('On call');
    expect(stateLabel('wrap_up')).toBe('wrap up');
  });
  it('counts agents by state', () => {
    expect(countByState(snapshot.agents)).toEqual({ on_call: 2, paused: 1 });
  });
  it('reports a missing live API as unavailable, not as an error', async () => {
    await expect(fetchSnapshot(answer(404, { error: { code: 'not_found', message: 'no route' } }))).resolves.toMatchObject({ kind: 'unavailable' });
    await expect(fetchSnapshot(answer(200, snapshot))).resolves.toMatchObject({ kind: 'live', snapshot: { seq: 41 } });
    await expect(fetchSnapshot(answer(503, { error: { code: 'unavailable', message: 'db down' } }))).rejects.toMatchObject({ status: 503 });
  });
});
