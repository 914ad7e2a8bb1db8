/**
 * Wall-clock time in Europe/London for the request workflow: practices open, close and count "today"
 * by the clock on their wall, through the changes between GMT and BST. Also the plain-English
 * dates and times people read ("Monday 2 March", "10:30am").
 *
 * Pure: instants in, instants or words out. Bank holidays are not known here (a limit: a request
 * made before one is promised a reply on it).
 */

export const LONDON = 'Europe/London';

/** A day as the wall calendar shows it; weekday 1 = Monday … 7 = Sunday (ISO 8601). */
export interface LocalDay {
  year: number;
  month: number;
  day: number;
  weekday: number;
}

export interface LocalTime extends LocalDay {
  /** minutes since local midnight */
  minutes: number;
}

const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
  weekday: 'short',
});
const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function londonTime(instant: Date): LocalTime {
  const parts = Object.fromEntries(PARTS.formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** The instant the London wall clock shows `minutes` past midnight on `day`. */
export function londonInstant(day: Omit<LocalDay, 'weekday'>, minutes: number): Date {
  const wall = Date.UTC(day.year, day.month - 1, day.day, 0, minutes);
  // London is UTC or UTC+1: find the offset that maps back to the wall time asked for
  for (const offsetMinutes of [0, 60]) {
    const candidate = new Date(wall - offsetMinutes * 60_000);
    const seen = londonTime(candidate);
    if (seen.day === day.day && seen.minutes === ((minutes % 1440) + 1440) % 1440) return candidate;
  }
  // a wall time skipped when the clocks go forward: the instant an hour later on the wall
  return new Date(wall - 60 * 60_000);
}

/** The calendar day `days` after `day` (negative: before). */
export function addDays(day: Omit<LocalDay, 'weekday'>, days: number): LocalDay {
  const date = new Date(Date.UTC(day.year, day.month - 1, day.day + days));
  const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), weekday };
}

export const isWorkingDay = (day: LocalDay): boolean => day.weekday >= 1 && day.weekday <= 5;

/** The `count`th working day (Monday to Friday) after `day`; `count` 0 is `day` itself if it is one, else the next. */
export function workingDaysAfter(day: LocalDay, count: number): LocalDay {
  let current: LocalDay = day;
  while (!isWorkingDay(current)) current = addDays(current, 1);
  for (let left = count; left > 0; ) {
    current = addDays(current, 1);
    if (isWorkingDay(current)) left -= 1;
  }
  return current;
}

/** "Monday 2 March" */
export function dayInWords(instant: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, weekday: 'long', day: 'numeric', month: 'long' }).format(instant);
}

/** "10:30am", "2pm" (the GOV.UK style for times) */
export function timeInWords(instant: Date): string {
  const { minutes } = londonTime(instant);
  const hour = Math.floor(minutes / 60);
  const minute = minutes % 60;
  if (hour === 12 && minute === 0) return 'midday';
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return `${h12}${minute === 0 ? '' : `:${String(minute).padStart(2, '0')}`}${hour < 12 ? 'am' : 'pm'}`;
}

/** "HH:MM" or "HH:MM:SS" → minutes since midnight; undefined when it is not a time. */
export function minutesOf(time: string | undefined): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d(?:\.\d+)?)?$/.exec(time ?? '');
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}
