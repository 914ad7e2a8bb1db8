/**
 * What staff type in "Find a person" → a FHIR search of Patient
 * (http://hl7.org/fhir/R4/patient.html#search): ten digits are an NHS number (identifier, checked
 * with the modulus 11 rule), a date is a date of birth (birthdate), anything else is a name (each
 * word must start a part of the name). What people type is only ever a search value: characters
 * that FHIR search would read as syntax (",", "|", "$", "\") are dropped from names, and the
 * search parser keeps its own limits. Pure: it builds the search; the page runs it.
 */
import { NHS_NUMBER_SYSTEM, isFhirError, nhsNumberProblem, parseSearchRequest, type SearchRequest } from '@kindred/fhir';
import { formatCalendarDate, formatNhsNumber } from './people-format.ts';

export const PEOPLE_PAGE_SIZE = 25;
/** a longer query is not a name, a number or a date */
export const MAX_QUERY_LENGTH = 100;
const MAX_NAME_WORDS = 4;

export const PersonQueryKind = { nhsNumber: 'nhs-number', birthDate: 'birth-date', name: 'name' } as const;
export type PersonQueryKind = (typeof PersonQueryKind)[keyof typeof PersonQueryKind];

export type PersonSearch = { kind: PersonQueryKind; search: SearchRequest; described: string } | { error: string };

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** "3/2/1950", "03-02-1950", "3 Feb 1950", "1950-02-03" → { date: "1950-02-03" }; undefined when it is not a date; { invalid } when it looks like one but is not a real day. */
export function birthDateOf(text: string): { date: string } | { invalid: true } | undefined {
  let parts: [number, number, number] | undefined;
  const numeric = /^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{4})$/.exec(text);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const worded = /^(\d{1,2})\s+([a-z]+)\s+(\d{4})$/i.exec(text);
  if (numeric !== null) parts = [Number(numeric[3]), Number(numeric[2]), Number(numeric[1])];
  else if (iso !== null) parts = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (worded !== null) {
    const word = (worded[2] ?? '').toLowerCase();
    const month = word.length >= 3 ? MONTHS.findIndex((m) => m.startsWith(word)) + 1 : 0;
    if (month === 0) return undefined;
    parts = [Number(worded[3]), month, Number(worded[1])];
  }
  if (parts === undefined) return undefined;
  const [year, month, day] = parts;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1880 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return { invalid: true };
  return { date: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
}

function build(pairs: [string, string][], cursor: string | undefined): SearchRequest {
  const all: [string, string][] = [...pairs, ['_count', String(PEOPLE_PAGE_SIZE)], ...(cursor !== undefined && cursor !== '' ? [['_cursor', cursor] as [string, string]] : [])];
  return parseSearchRequest('Patient', all, { handling: 'strict' });
}

/** The search for what was typed, or what to fix. `cursor` is the next page's position from the page before. */
export function personSearchOf(query: string, cursor?: string): PersonSearch {
  const text = query.trim().replace(/\s+/g, ' ');
  if (text === '') return { error: 'Enter a name, NHS number or date of birth' };
  if (text.length > MAX_QUERY_LENGTH) return { error: `Enter ${MAX_QUERY_LENGTH} characters or fewer` };
  try {
    const digits = text.replace(/[\s-]/g, '');
    if (/^\d{10}$/.test(digits)) {
      const problem = nhsNumberProblem(digits);
      if (problem !== undefined) return { error: `Check the NHS number: ${problem}` };
      return { kind: 'nhs-number', described: `NHS number ${formatNhsNumber(digits)}`, search: build([['identifier', `${NHS_NUMBER_SYSTEM}|${digits}`]], cursor) };
    }
    if (/^\d+$/.test(digits)) return { error: 'An NHS number is 10 digits. Check the number, or search by name or date of birth' };
    const birthDate = birthDateOf(text);
    if (birthDate !== undefined && 'invalid' in birthDate) return { error: 'Enter a real date of birth, for example 3/2/1950' };
    if (birthDate !== undefined) {
      return { kind: 'birth-date', described: `date of birth ${formatCalendarDate(birthDate.date)}`, search: build([['birthdate', `eq${birthDate.date}`], ['_sort', 'family,given']], cursor) };
    }
    const words = text
      .replace(/[,|$\\]/g, ' ')
      .split(' ')
      .filter((w) => w !== '');
    if (words.length === 0) return { error: 'Enter a name, NHS number or date of birth' };
    if (words.length > MAX_NAME_WORDS) return { error: `Enter at most ${MAX_NAME_WORDS} words of the name` };
    return { kind: 'name', described: `“${words.join(' ')}”`, search: build([...words.map((w): [string, string] => ['name', w]), ['_sort', 'family,given']], cursor) };
  } catch (error) {
    // the search parser refused a value (or the cursor): say so in words, never a stack trace
    if (isFhirError(error) && error.status < 500) return { error: 'Kindred cannot search for that. Enter a name, a 10-digit NHS number or a date of birth such as 3/2/1950' };
    throw error;
  }
}
