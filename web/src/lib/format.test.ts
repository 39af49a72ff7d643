import { describe, expect, it } from 'vitest';
import {
  formatFcr,
  formatDateTime,
  formatDuration,
  formatPercent,
  formatShortDateTime,
  humanize,
  mondayOf,
  utcToZonedInput,
  zonedDate,
  zonedToUtc,
  zoneOffsetMs,
} from './format';

describe('formatDuration', () => {
  it('uses m:ss below an hour and h:mm:ss from an hour', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(5)).toBe('0:05');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3599)).toBe('59:59');
    expect(formatDuration(3600)).toBe('1:00:00');
    expect(formatDuration(3723.4)).toBe('1:02:03');
    expect(formatDuration(-90)).toBe('-1:30');
  });
  it('shows a dash for no value', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('formatPercent', () => {
  it('has one decimal in the given locale', () => {
    expect(formatPercent(0.8, 'en-US')).toBe('80.0%');
    expect(formatPercent(0.12345, 'en-US')).toBe('12.3%');
    expect(formatPercent(0.5, 'de-DE')).toBe('50,0\u00a0%');
    expect(formatPercent(null, 'en-US')).toBe('—');
  });
});

describe('formatDateTime', () => {
  it('renders the instant in the chosen zone', () => {
    const t = '2026-07-01T12:00:00Z';
    expect(formatDateTime(t, 'UTC', 'en-GB')).toBe('1 Jul 2026, 12:00:00');
    expect(formatDateTime(t, 'Europe/Berlin', 'en-GB')).toBe('1 Jul 2026, 14:00:00');
    expect(formatDateTime(t, 'America/New_York', 'en-GB')).toBe('1 Jul 2026, 08:00:00');
    expect(formatDateTime(null, 'UTC')).toBe('—');
    expect(formatShortDateTime(t, 'Europe/Berlin', 'en-GB')).toBe('01/07/2026, 14:00');
    expect(formatShortDateTime('not a date', 'UTC', 'en-GB')).toBe('not a date');
  });
});

describe('time zones', () => {
  it('knows the offset on both sides of a DST change', () => {
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15), 'Europe/Berlin')).toBe(3600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15), 'Europe/Berlin')).toBe(7200_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15), 'America/New_York')).toBe(-4 * 3600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15), 'UTC')).toBe(0);
  });
  it('turns a wall-clock time into an instant', () => {
    expect(zonedToUtc('2026-01-15T09:30', 'Europe/Berlin')?.toISOString()).toBe('2026-01-15T08:30:00.000Z');
    expect(zonedToUtc('2026-07-15T09:30', 'Europe/Berlin')?.toISOString()).toBe('2026-07-15T07:30:00.000Z');
    expect(zonedToUtc('2026-07-15', 'America/New_York')?.toISOString()).toBe('2026-07-15T04:00:00.000Z');
    // 2026-03-29 02:30 does not exist in Berlin (clocks jump 02:00 -> 03:00).
    expect(zonedToUtc('2026-03-29T02:30', 'Europe/Berlin')?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // 2026-10-25 02:30 happens twice; the first (summer time) is taken.
    expect(zonedToUtc('2026-10-25T02:30', 'Europe/Berlin')?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(zonedToUtc('2026-13-01', 'UTC')).toBeNull();
    expect(zonedToUtc('yesterday', 'UTC')).toBeNull();
  });
  it('turns an instant into a datetime-local value and back', () => {
    expect(utcToZonedInput('2026-01-15T08:30:00Z', 'Europe/Berlin')).toBe('2026-01-15T09:30');
    expect(zonedToUtc(utcToZonedInput('2026-07-15T07:30:00Z', 'Asia/Kolkata'), 'Asia/Kolkata')?.toISOString()).toBe(
      '2026-07-15T07:30:00.000Z',
    );
  });
  it('gives the local date and its Monday', () => {
    const now = new Date('2026-11-22T23:30:00Z');
    expect(zonedDate('UTC', 0, now)).toBe('2026-11-22');
    expect(zonedDate('Europe/Berlin', 0, now)).toBe('2026-11-23');
    expect(zonedDate('Europe/Berlin', 1, now)).toBe('2026-11-24');
    expect(mondayOf('2026-11-22')).toBe('2026-11-16'); // a Sunday
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
  });
});

describe('humanize', () => {
  it('turns API names into words', () => {
    expect(humanize('exit_empty')).toBe('Exit empty');
    expect(humanize('client_viewer')).toBe('Client viewer');
  });
});

describe('formatFcr', () => {
  it('says where a known resolution comes from', () => {
    expect(formatFcr(true, 'automatic')).toBe('Yes (automatic)');
    expect(formatFcr(false, 'given')).toBe('No (given)');
    expect(formatFcr(true, undefined)).toBe('Yes');
  });
  it('tells pending apart from unknown', () => {
    expect(formatFcr(null, 'pending')).toBe('Pending');
    expect(formatFcr(null, null)).toBe('—');
  });
});
