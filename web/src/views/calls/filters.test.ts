import { describe, expect, it } from 'vitest';
import { queryString } from '../../api/client';
import { EMPTY_FILTERS, apiParamsFromQuery, filtersToParams, paramsToFilters, validateFilters } from './filters';

describe('call filters', () => {
  const form = {
    ...EMPTY_FILTERS,
    from: '2026-07-01T08:00',
    to: '2026-07-01T18:30',
    direction: 'inbound',
    queue_id: '3',
    outcome: 'abandoned',
    caller: ' 030 ',
    min_wait_s: '20',
    has_recording: true,
  };

  it('turns the form into API parameters with UTC times', () => {
    expect(queryString(filtersToParams(form, 'Europe/Berlin'))).toBe(
      '?from=2026-07-01T06%3A00%3A00Z&to=2026-07-01T16%3A30%3A00Z&direction=inbound&queue_id=3&outcome=abandoned&caller=030&min_wait_s=20&has_recording=true',
    );
    expect(queryString(filtersToParams(EMPTY_FILTERS, 'UTC'))).toBe('');
  });

  it('reads the address bar back into the same form', () => {
    const q = new URLSearchParams(queryString(filtersToParams(form, 'Europe/Berlin')));
    expect(paramsToFilters(q, 'Europe/Berlin')).toEqual({ ...form, caller: '030' });
    // The same instants shown in another zone.
    expect(paramsToFilters(q, 'UTC').from).toBe('2026-07-01T06:00');
  });

  it('keeps only the filter parameters for the API', () => {
    const q = new URLSearchParams('outcome=answered&call=17&cursor=abc&caller=');
    expect(apiParamsFromQuery(q)).toEqual({ outcome: 'answered' });
  });

  it('names the fields that are wrong', () => {
    expect(validateFilters(form, 'UTC')).toEqual([]);
    const bad = { ...form, to: '2026-07-01T07:00', min_wait_s: '-3', caller: 'x'.repeat(65) };
    expect(validateFilters(bad, 'UTC').map((p) => p.field)).toEqual(['to', 'min_wait_s', 'caller']);
  });
});
