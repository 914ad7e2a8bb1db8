/**
 * Dates and times for the demo area: days relative to "now", working hours in Europe/London, and
 * FHIR dateTime/instant text with the right UTC offset (http://hl7.org/fhir/R4/datatypes.html#instant).
 *
 * Pure arithmetic: British Summer Time runs from 01:00 UTC on the last Sunday of March to 01:00 UTC
 * on the last Sunday of October; working hours never fall near the change, so a day's offset is
 * decided by its date.
 */

const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" of the UTC day of `ms` */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The UTC day number (days since 1970-01-01) of "YYYY-MM-DD" or of an instant in ms. */
export function dayNumber(value: string | number): number {
  const ms = typeof value === 'number' ? value : Date.parse(`${value}T00:00:00Z`);
  return Math.floor(ms / DAY_MS);
}

export function dateOfDay(day: number): string {
  return isoDate(day * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday */
export function weekday(day: number): number {
  return (day + 4) % 7;
}

export function isWorkingDay(day: number): boolean {
  const w = weekday(day);
  return w >= 1 && w <= 5;
}

function lastSunday(year: number, month: number): number {
  const lastDay = dayNumber(Date.UTC(year, month + 1, 0));
  return lastDay - weekday(lastDay);
}

/** Europe/London's offset from UTC in hours on that day (1 in British Summer Time, else 0). */
export function londonOffsetHours(day: number): number {
  const year = new Date(day * DAY_MS).getUTCFullYear();
  return day >= lastSunday(year, 2) && day < lastSunday(year, 9) ? 1 : 0;
}

/** The instant `minutes` after local midnight in London on `day`, in epoch ms. */
export function londonMs(day: number, minutes: number): number {
  return day * DAY_MS + (minutes - londonOffsetHours(day) * 60) * 60_000;
}

/** FHIR instant text for `minutes` after local midnight in London on `day`, with its offset. */
export function londonInstant(day: number, minutes: number): string {
  const offset = londonOffsetHours(day);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${dateOfDay(day)}T${hh}:${mm}:00${offset === 0 ? 'Z' : '+01:00'}`;
}

/** FHIR instant text of an epoch ms time, in UTC. */
export function instant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
