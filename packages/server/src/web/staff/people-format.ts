/**
 * How the people pages write a FHIR date (a birth date, the end of a consent: a calendar day, not
 * an instant, so never moved by a time zone) and a typed NHS number. Times and ages come from
 * staff-format.ts, as on every staff page. Pure: values in, text out.
 */

const CALENDAR = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
const MONTH = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' });

/** A FHIR date ("1950-02-03", "1950-02", "1950") as written: "3 February 1950". */
export function formatCalendarDate(value: string | undefined): string {
  if (value === undefined) return '';
  if (/^\d{4}$/.test(value)) return value;
  if (/^\d{4}-\d{2}$/.test(value)) return MONTH.format(Date.parse(`${value}-01`));
  const time = Date.parse(value.slice(0, 10));
  return Number.isNaN(time) ? value : CALENDAR.format(time);
}

/** "9434765919" → "943 476 5919" (the NHS style, easier to read out on the phone). */
export function formatNhsNumber(value: string): string {
  const digits = value.replace(/\s/g, '');
  return /^\d{10}$/.test(digits) ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : value;
}
