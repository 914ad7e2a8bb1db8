/**
 * Clock arithmetic for the synthetic area: UK civil time (GMT in winter, BST in summer), so that
 * timestamps carry the offsets real English systems write and date-range searches meet both
 * +00:00 and +01:00. Pure functions of epoch milliseconds; it must never read the system clock.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const YEAR_MS = 365.25 * DAY_MS;

/** 01:00 UTC on the last Sunday of `month` (0-based): when UK clocks change (Summer Time Order 2002). */
function lastSundayAtOneUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const back = lastDay.getUTCDay();
  return Date.UTC(year, month, lastDay.getUTCDate() - back, 1);
}

const TABLE_FIRST_YEAR = 1900;
const TABLE_LAST_YEAR = 2200;
/** Summer time [start, end) per year, computed once: formatting dates is the generator's hottest path. */
const SUMMER_TIME: readonly (readonly [number, number])[] = Object.freeze(
  Array.from({ length: TABLE_LAST_YEAR - TABLE_FIRST_YEAR + 1 }, (_, i) => Object.freeze([lastSundayAtOneUtc(TABLE_FIRST_YEAR + i, 2), lastSundayAtOneUtc(TABLE_FIRST_YEAR + i, 9)] as const)),
);
const AVERAGE_YEAR_MS = 365.2425 * 86_400_000;
const EPOCH_YEAR = 1970;

/** Minutes ahead of UTC in the UK at instant `ms`: 60 during British Summer Time, else 0. */
export function ukOffsetMinutes(ms: number): number {
  // The average-year estimate is never off by more than a day or two, and summer time starts in
  // March and ends in October, so it finds the right year's boundaries without building a Date.
  const year = Math.floor(EPOCH_YEAR + ms / AVERAGE_YEAR_MS);
  const bounds = SUMMER_TIME[year - TABLE_FIRST_YEAR];
  if (!bounds) {
    const exact = new Date(ms).getUTCFullYear();
    return ms >= lastSundayAtOneUtc(exact, 2) && ms < lastSundayAtOneUtc(exact, 9) ? 60 : 0;
  }
  return ms >= bounds[0] && ms < bounds[1] ? 60 : 0;
}

const TWO_DIGITS: readonly string[] = Object.freeze(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')));

/**
 * "YYYY-MM-DD" of the UTC day containing `ms` (years 0–9999), without building a Date: Howard
 * Hinnant's days-to-civil algorithm. Every resource carries several timestamps, so this is hot.
 */
function civilDate(ms: number): string {
  const z = Math.floor(ms / DAY_MS) + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${TWO_DIGITS[month] ?? ''}-${TWO_DIGITS[day] ?? ''}`;
}

function clockTime(ms: number): string {
  const seconds = Math.floor((ms - Math.floor(ms / DAY_MS) * DAY_MS) / 1000);
  return `${TWO_DIGITS[Math.floor(seconds / 3600)] ?? ''}:${TWO_DIGITS[Math.floor(seconds / 60) % 60] ?? ''}:${TWO_DIGITS[seconds % 60] ?? ''}`;
}

/** FHIR dateTime/instant in UK local time with its offset, to the second: "2023-07-01T09:30:00+01:00". */
export function formatUkDateTime(ms: number): string {
  const offset = ukOffsetMinutes(ms);
  const local = ms + offset * MINUTE_MS;
  return `${civilDate(local)}T${clockTime(local)}${offset === 0 ? '+00:00' : '+01:00'}`;
}

/** FHIR date (no time, no zone) of the UK calendar day containing `ms`. */
export function formatUkDate(ms: number): string {
  return civilDate(ms + ukOffsetMinutes(ms) * MINUTE_MS);
}

/** An instant in UTC ("Z"), for search bounds that must not depend on a server's time zone. */
export function formatUtcInstant(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** UTC midnight of the calendar day containing `ms`. */
export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** The instant at UK local clock time `minutesAfterMidnight` on the UK day starting near `dayStartUtc`. */
export function atUkLocalTime(dayStartUtc: number, minutesAfterMidnight: number): number {
  const naive = dayStartUtc + minutesAfterMidnight * MINUTE_MS;
  return naive - ukOffsetMinutes(naive) * MINUTE_MS;
}

/** 0 = Sunday … 6 = Saturday, for the UTC day of `ms`. */
export function weekday(ms: number): number {
  return new Date(ms).getUTCDay();
}

/** Moves a Saturday or Sunday forward to the next Monday (GP surgeries keep weekday hours). */
export function nextWorkingDay(dayStartUtc: number): number {
  const day = weekday(dayStartUtc);
  if (day === 6) return dayStartUtc + 2 * DAY_MS;
  if (day === 0) return dayStartUtc + DAY_MS;
  return dayStartUtc;
}

/** Whole years between a birth instant and `at` (calendar-aware, as an age is spoken). */
export function ageInYears(birthMs: number, at: number): number {
  const birth = new Date(birthMs);
  const now = new Date(at);
  let years = now.getUTCFullYear() - birth.getUTCFullYear();
  const beforeBirthday = now.getUTCMonth() < birth.getUTCMonth() || (now.getUTCMonth() === birth.getUTCMonth() && now.getUTCDate() < birth.getUTCDate());
  if (beforeBirthday) years--;
  return years;
}

/** Adds calendar years in UTC, used to derive the end of the history window from its start. */
export function addYears(ms: number, years: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear() + years, date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds());
}
