// The report time zone: every date in the app is shown in it; kept in localStorage.
import { browserTimeZone, isValidTimeZone } from '../lib/format';
import { createStore } from './store';

const KEY = 'callboard.tz';

function initial(): string {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved && isValidTimeZone(saved)) return saved;
  } catch {
    // storage unavailable
  }
  return browserTimeZone();
}

export const timeZone = createStore<string>(typeof window === 'undefined' ? 'UTC' : initial());

export function setTimeZone(tz: string): void {
  if (!isValidTimeZone(tz)) return;
  timeZone.set(tz);
  try {
    localStorage.setItem(KEY, tz);
  } catch {
    // not persisted
  }
}

// Zones offered in pickers: the browser's, UTC, the tenant's site zones, and a few common ones.
export function zoneChoices(extra: string[] = []): string[] {
  const common = ['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Asia/Kolkata', 'Australia/Sydney'];
  const all = [browserTimeZone(), timeZone.get(), ...extra, ...common];
  return [...new Set(all.filter(isValidTimeZone))];
}
