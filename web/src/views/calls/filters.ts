// The call-log filters: the form's values, the address bar's query and the API's parameters.
import type { QueryValue } from '../../api/client';
import { utcToZonedInput, zonedToUtc } from '../../lib/format';

export interface CallFilters {
  from: string; // datetime-local value in the report zone, or ''
  to: string;
  direction: string;
  queue_id: string;
  agent_id: string;
  outcome: string;
  caller: string;
  min_wait_s: string;
  has_recording: boolean;
}

export const EMPTY_FILTERS: CallFilters = {
  from: '',
  to: '',
  direction: '',
  queue_id: '',
  agent_id: '',
  outcome: '',
  caller: '',
  min_wait_s: '',
  has_recording: false,
};

export interface FilterProblem {
  field: keyof CallFilters;
  message: string;
}

// Checks the form; the server checks again, this only saves a round trip.
export function validateFilters(f: CallFilters, tz: string): FilterProblem[] {
  const problems: FilterProblem[] = [];
  const from = f.from ? zonedToUtc(f.from, tz) : null;
  const to = f.to ? zonedToUtc(f.to, tz) : null;
  if (f.from && !from) problems.push({ field: 'from', message: 'Enter a valid date and time.' });
  if (f.to && !to) problems.push({ field: 'to', message: 'Enter a valid date and time.' });
  if (from && to && to <= from) problems.push({ field: 'to', message: 'Must be after the start.' });
  if (f.min_wait_s && !/^\d{1,6}$/.test(f.min_wait_s.trim())) problems.push({ field: 'min_wait_s', message: 'Enter whole seconds (0 or more).' });
  if (f.caller.length > 64) problems.push({ field: 'caller', message: 'At most 64 characters.' });
  return problems;
}

// The API's query parameters (also the address bar's): times in UTC RFC 3339.
export function filtersToParams(f: CallFilters, tz: string): Record<string, QueryValue> {
  const from = f.from ? zonedToUtc(f.from, tz) : null;
  const to = f.to ? zonedToUtc(f.to, tz) : null;
  return {
    from: from ? from.toISOString().replace('.000Z', 'Z') : undefined,
    to: to ? to.toISOString().replace('.000Z', 'Z') : undefined,
    direction: f.direction,
    queue_id: f.queue_id,
    agent_id: f.agent_id,
    outcome: f.outcome,
    caller: f.caller.trim(),
    min_wait_s: f.min_wait_s.trim(),
    has_recording: f.has_recording,
  };
}

export function paramsToFilters(q: URLSearchParams, tz: string): CallFilters {
  const get = (k: string) => q.get(k) ?? '';
  const time = (k: string) => {
    const v = q.get(k);
    return v ? utcToZonedInput(v, tz) : '';
  };
  return {
    from: time('from'),
    to: time('to'),
    direction: get('direction'),
    queue_id: get('queue_id'),
    agent_id: get('agent_id'),
    outcome: get('outcome'),
    caller: get('caller'),
    min_wait_s: get('min_wait_s'),
    has_recording: q.get('has_recording') === 'true',
  };
}

// The API parameters carried by the address bar (the ones the list is filtered by).
export const FILTER_KEYS = ['from', 'to', 'direction', 'queue_id', 'agent_id', 'outcome', 'caller', 'min_wait_s', 'has_recording'];

export function apiParamsFromQuery(q: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = q.get(k);
    if (v) out[k] = v;
  }
  return out;
}
