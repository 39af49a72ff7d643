// Dates, durations, numbers and ratios in the browser's locale; dates in a chosen time zone.

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const dtCache = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string | undefined, tz: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${tz}|${JSON.stringify(opts)}`;
  let f = dtCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...opts, timeZone: tz });
    dtCache.set(key, f);
  }
  return f;
}

function toDate(value: string | Date | number): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

// "22 Nov 2026, 14:05:09" style, in the locale's own order.
export function formatDateTime(value: string | Date | number | null | undefined, tz: string, locale?: string): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = toDate(value);
  if (!d) return String(value);
  return dateFormat(locale, tz, { dateStyle: 'medium', timeStyle: 'medium' }).format(d);
}

// Compact form for tables: "22/11/2026, 14:05" style.
export function formatShortDateTime(value: string | Date | number | null | undefined, tz: string, locale?: string): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = toDate(value);
  if (!d) return String(value);
  return dateFormat(locale, tz, { dateStyle: 'short', timeStyle: 'short' }).format(d);
}

export function formatDate(value: string | Date | number | null | undefined, tz: string, locale?: string): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = toDate(value);
  if (!d) return String(value);
  return dateFormat(locale, tz, { dateStyle: 'medium' }).format(d);
}

export function formatTime(value: string | Date | number | null | undefined, tz: string, locale?: string): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = toDate(value);
  if (!d) return String(value);
  return dateFormat(locale, tz, { timeStyle: 'medium' }).format(d);
}

// The label of a report interval start: time of day for sub-day intervals, else the date.
export function formatIntervalStart(value: string, interval: string, tz: string, locale?: string): string {
  const d = toDate(value);
  if (!d) return value;
  if (interval === '15m' || interval === '30m' || interval === '1h') {
    return dateFormat(locale, tz, { dateStyle: 'short', timeStyle: 'short' }).format(d);
  }
  if (interval === 'month') return dateFormat(locale, tz, { year: 'numeric', month: 'long' }).format(d);
  return dateFormat(locale, tz, { dateStyle: 'medium' }).format(d);
}

// Seconds as "m:ss" below an hour, "h:mm:ss" from an hour on; "—" for no value.
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const negative = seconds < 0;
  let s = Math.round(Math.abs(seconds));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  const text = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
  return negative ? '-' + text : text;
}

// A ratio 0..1 as a percentage with one decimal; "—" for no value.
export function formatPercent(ratio: number | null | undefined, locale?: string): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(ratio);
}

export function formatNumber(n: number | null | undefined, locale?: string, maxFraction = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: maxFraction }).format(n);
}

// The offset of `tz` from UTC at instant `ms`, in milliseconds (positive east of Greenwich).
export function zoneOffsetMs(ms: number, tz: string): number {
  const parts = dateFormat('en-US', tz, {
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return asUtc - (ms - (ms % 1000));
}

// A wall-clock time "YYYY-MM-DDTHH:MM[:SS]" in `tz` as an instant. A time skipped by a DST
// change moves forward; a repeated one takes the first occurrence. Null when malformed.
export function zonedToUtc(wall: string, tz: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(wall.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  // The offsets a day before and a day after cover both sides of any transition.
  const day = 86_400_000;
  const before = naive - zoneOffsetMs(naive - day, tz);
  const after = naive - zoneOffsetMs(naive + day, tz);
  const valid = [before, after].filter((c) => c + zoneOffsetMs(c, tz) === naive).sort((a, b) => a - b);
  return new Date(valid.length ? valid[0]! : before);
}

// An instant as the "YYYY-MM-DDTHH:MM" wall-clock value of a datetime-local input in `tz`.
export function utcToZonedInput(value: Date | string | number, tz: string): string {
  const d = toDate(value);
  if (!d) return '';
  const local = new Date(d.getTime() + zoneOffsetMs(d.getTime(), tz));
  return local.toISOString().slice(0, 16);
}

// Today's date "YYYY-MM-DD" in `tz`, shifted by `days`.
export function zonedDate(tz: string, days = 0, now: Date = new Date()): string {
  const local = new Date(now.getTime() + zoneOffsetMs(now.getTime(), tz));
  local.setUTCDate(local.getUTCDate() + days);
  return local.toISOString().slice(0, 10);
}

// The Monday of the week containing `date` ("YYYY-MM-DD").
export function mondayOf(date: string): string {
  const d = new Date(date + 'T00:00:00Z');
  const dow = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - dow);
  return d.toISOString().slice(0, 10);
}

export function humanize(word: string): string {
  const s = word.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// A call's first-contact resolution for people: "Yes (automatic)", "No (given)", "Pending"
// (the caller may still call back within the window), or "—" when not known.
export function formatFcr(fcr: boolean | null, source?: string | null): string {
  if (source === 'pending') return 'Pending';
  if (fcr === null) return '—';
  const word = fcr ? 'Yes' : 'No';
  return source === 'automatic' || source === 'given' ? `${word} (${source})` : word;
}
