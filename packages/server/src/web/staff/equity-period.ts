/**
 * The period of the load and equity page from its query (?from=&to=): days as people write them
 * (2026-09-01 from a date field, or 1/9/2026), the last 90 days by default, in UK days
 * (Europe/London). Errors say what to fix, for the page's error summary. Pure.
 */
import type { FieldErrors } from '../components.ts';
import { birthDateOf as calendarDayOf } from './people-search.ts';

export const DEFAULT_PERIOD_DAYS = 90;
/** longer periods are slow to sum on a large practice and rarely what is meant */
export const MAX_PERIOD_DAYS = 3 * 366;

const LONDON_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The UK calendar day of an instant: "2026-11-21". */
export function londonDay(time: number): string {
  return LONDON_DAY.format(time);
}

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string): number => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

export type EquityPeriod = { from: string; to: string } | { errors: FieldErrors; typed: { from: string; to: string } };

export function equityPeriodOf(query: { from?: unknown; to?: unknown }, now: number): EquityPeriod {
  const today = londonDay(now);
  const typedFrom = typeof query.from === 'string' ? query.from.trim() : '';
  const typedTo = typeof query.to === 'string' ? query.to.trim() : '';
  const errors: { field: string; message: string }[] = [];
  const read = (field: 'from' | 'to', text: string, fallback: string): string => {
    if (text === '') return fallback;
    const day = calendarDayOf(text);
    if (day === undefined || 'invalid' in day) {
      errors.push({ field, message: `Enter a real date for the ${field === 'from' ? 'start' : 'end'} of the period, for example 1/9/2026` });
      return fallback;
    }
    return day.date;
  };
  const to = read('to', typedTo, today);
  const from = read('from', typedFrom, londonDay(Date.parse(`${to}T12:00:00Z`) - DEFAULT_PERIOD_DAYS * DAY_MS));
  if (errors.length === 0) {
    if (from > today) errors.push({ field: 'from', message: 'The start of the period must be today or in the past' });
    else if (from > to) errors.push({ field: 'to', message: 'The end of the period must be the same as or after the start' });
    else if (daysBetween(from, to) > MAX_PERIOD_DAYS) errors.push({ field: 'from', message: 'The period must be 3 years or shorter' });
  }
  return errors.length > 0 ? { errors, typed: { from: typedFrom, to: typedTo } } : { from, to };
}
