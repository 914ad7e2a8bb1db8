/**
 * How the staff pages say dates, times, ages and NHS numbers: always in Europe/London time, in
 * the NHS content style ("Tuesday 24 November 2026 at 9:30am"). Pure: values in, text out.
 */
import { NHS_NUMBER_SYSTEM, type Resource } from '@kindred/fhir';

const LONDON = 'Europe/London';

const dateParts = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const shortDateParts = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, weekday: 'short', day: 'numeric', month: 'short' });
const timeParts = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, hour: 'numeric', minute: '2-digit', hourCycle: 'h12' });
const dayKey = new Intl.DateTimeFormat('en-CA', { timeZone: LONDON, year: 'numeric', month: '2-digit', day: '2-digit' });

const toMs = (when: string | number | Date): number => (typeof when === 'number' ? when : typeof when === 'string' ? Date.parse(when) : when.getTime());

/** "9:30am", "12pm" (NHS style: no ":00", lower-case am/pm, no space). */
export function timeText(when: string | number | Date): string {
  const ms = toMs(when);
  if (!Number.isFinite(ms)) return '';
  const parts = timeParts.formatToParts(ms);
  const hour = parts.find((p) => p.type === 'hour')?.value ?? '';
  const minute = parts.find((p) => p.type === 'minute')?.value ?? '00';
  const period = (parts.find((p) => p.type === 'dayPeriod')?.value ?? '').toLowerCase().replace(/\./g, '').replace(/\s/g, '');
  return `${hour}${minute === '00' ? '' : `:${minute}`}${period}`;
}

/** "Tuesday 24 November 2026" */
export function dayText(when: string | number | Date): string {
  const ms = toMs(when);
  return Number.isFinite(ms) ? dateParts.format(ms).replace(',', '') : '';
}

/** "Tue 24 Nov, 9:30am": for tables */
export function shortDateTimeText(when: string | number | Date): string {
  const ms = toMs(when);
  return Number.isFinite(ms) ? `${shortDateParts.format(ms).replace(',', '')}, ${timeText(ms)}` : '';
}

/** "Tuesday 24 November 2026 at 9:30am" */
export function dateTimeText(when: string | number | Date): string {
  const ms = toMs(when);
  return Number.isFinite(ms) ? `${dayText(ms)} at ${timeText(ms)}` : '';
}

/** The calendar day in London: "2026-11-24" (to group slots by day and for ?date=). */
export function londonDate(when: string | number | Date): string {
  const ms = toMs(when);
  return Number.isFinite(ms) ? dayKey.format(ms) : '';
}

/** Age in whole years on `now`, from a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD). */
export function ageOn(birthDate: string | undefined, now: number): number | undefined {
  const match = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(birthDate ?? '');
  if (match === null) return undefined;
  const today = londonDate(now);
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const by = Number(match[1]);
  const bm = match[2] !== undefined ? Number(match[2]) : 1;
  const bd = match[3] !== undefined ? Number(match[3]) : 1;
  const age = y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
  return age >= 0 && age < 150 ? age : undefined;
}

/** "943 476 5919": an NHS number the way it is printed on NHS letters. */
export function nhsNumberText(value: string): string {
  const digits = value.replace(/\s/g, '');
  return /^\d{10}$/.test(digits) ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : value;
}

/** The Patient's NHS number as printed, or undefined when it has none. */
export function nhsNumberOf(patient: Resource): string | undefined {
  const identifiers = Array.isArray(patient.identifier) ? (patient.identifier as { system?: string; value?: string }[]) : [];
  const value = identifiers.find((i) => i.system === NHS_NUMBER_SYSTEM && typeof i.value === 'string')?.value;
  return value === undefined ? undefined : nhsNumberText(value);
}

/** The first name, for "Before you contact Ann": the usual name's first given name, else the whole name. */
export function firstNameOf(patient: Resource, fallback: string): string {
  const names = Array.isArray(patient.name) ? (patient.name as { use?: string; given?: string[] }[]) : [];
  const name = names.find((n) => n.use === 'usual') ?? names.find((n) => n.use === 'official') ?? names[0];
  const given = name?.given?.[0];
  return given !== undefined && given.trim() !== '' ? given.trim() : fallback;
}

/** A FHIR Reference's literal reference, or undefined. */
export function referenceOf(value: unknown): string | undefined {
  const reference = (value as { reference?: unknown } | undefined)?.reference;
  return typeof reference === 'string' ? reference : undefined;
}

/** "Task/123" → "123" when it refers to that type. */
export function idOf(reference: string | undefined, type: string): string | undefined {
  return reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : undefined;
}

/** A page number from ?page= (1 when absent or not a small whole number). */
export function pageNumber(raw: unknown): number {
  const n = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : 1;
  return n >= 1 ? n : 1;
}

/** A staff page's link: the path, `org` when the person chose one, then other parameters (encoded; empty ones left out). */
export function linkTo(path: string, org: string | undefined, params: Readonly<Record<string, string | number | undefined>> = {}): string {
  const query = new URLSearchParams();
  if (org !== undefined && org !== '') query.set('org', org);
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, String(value));
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}
