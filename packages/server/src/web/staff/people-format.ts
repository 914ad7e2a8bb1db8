/**
 * How the staff pages write dates, times, ages and NHS numbers: in UK time (Europe/London) and
 * in the NHS style ("3 February 1950", "943 476 5919"). Pure: values in, text out; nothing here
 * reads the record or a request.
 */
import { NHS_NUMBER_SYSTEM, type Resource } from '@kindred/fhir';

const DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });
const DATE_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
/** a FHIR date is a calendar date, not an instant: it is written as it is, never moved by a time zone */
const CALENDAR = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });

/** "2026-11-21T09:30:00Z" → "21 Nov 2026, 09:30" (UK time); '' when it is not a date. */
export function formatDateTime(value: string | number | undefined): string {
  if (value === undefined) return '';
  const time = typeof value === 'number' ? value : Date.parse(value);
  return Number.isNaN(time) ? '' : DATE_TIME.format(time);
}

/** An instant as the UK calendar day it falls on: "21 November 2026". */
export function formatDay(value: string | number | undefined): string {
  if (value === undefined) return '';
  const time = typeof value === 'number' ? value : Date.parse(value);
  return Number.isNaN(time) ? '' : DATE.format(time);
}

/** A FHIR date ("1950-02-03", "1950-02", "1950") as written: "3 February 1950". */
export function formatCalendarDate(value: string | undefined): string {
  if (value === undefined) return '';
  if (/^\d{4}$/.test(value)) return value;
  if (/^\d{4}-\d{2}$/.test(value)) return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(Date.parse(`${value}-01`));
  const time = Date.parse(value.slice(0, 10));
  return Number.isNaN(time) ? value : CALENDAR.format(time);
}

/** Age in whole years on `now` from a FHIR birth date; undefined when it cannot be told. */
export function ageOn(birthDate: string | undefined, now: number): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(birthDate ?? '');
  if (match === null) return undefined;
  const today = new Date(now);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const hadBirthday = today.getUTCMonth() + 1 > month || (today.getUTCMonth() + 1 === month && today.getUTCDate() >= day);
  const age = today.getUTCFullYear() - year - (hadBirthday ? 0 : 1);
  return age >= 0 ? age : undefined;
}

/** "9434765919" → "943 476 5919" (the NHS style, easier to read out on the phone). */
export function formatNhsNumber(value: string): string {
  const digits = value.replace(/\s/g, '');
  return /^\d{10}$/.test(digits) ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : value;
}

/** The Patient's NHS number (Patient.identifier with the NHS number system), formatted. */
export function nhsNumberOf(patient: Resource): string | undefined {
  const identifiers = Array.isArray(patient.identifier) ? (patient.identifier as { system?: string; value?: string }[]) : [];
  const value = identifiers.find((i) => i.system === NHS_NUMBER_SYSTEM && typeof i.value === 'string')?.value;
  return value === undefined ? undefined : formatNhsNumber(value);
}
