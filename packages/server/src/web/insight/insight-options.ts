/**
 * The measure page's options, read from its GET form: the organisation (or the whole area), dates
 * after which the limits are worked out again (rebase), the number of points after which the limits
 * are fixed, whether large moving ranges are screened out, and the breakdown. Anything that cannot
 * be read comes back as an error beside its field, with what was typed, so the page can say what to
 * fix. Pure: the query in, options or errors out.
 */
import type { FieldError } from '../components.ts';

/** "area": the whole area; otherwise an organisation's reference. */
export const WHOLE_AREA = 'area';

export interface MeasureOptions {
  /** "Organization/…", or undefined for the whole area */
  organisation?: string;
  rebase: string[];
  fixAfter?: number;
  screen: boolean;
  /** a stratum's id, or undefined for no breakdown */
  stratum?: string;
}

/** What the form shows: what was typed, or the options used. */
export interface MeasureFields {
  org: string;
  rebase: string;
  changes: readonly string[];
  fixAfter: string;
  noScreen: boolean;
  stratum: string;
}

export type ParsedOptions = { ok: true; options: MeasureOptions; fields: MeasureFields } | { ok: false; errors: FieldError[]; fields: MeasureFields };

const ORGANISATION = /^Organization\/[A-Za-z0-9\-.]{1,64}$/;
const ISO_DAY = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const UK_DAY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

const listOf = (value: unknown): string[] => (typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const textOf = (value: unknown): string => listOf(value)[0]?.trim() ?? '';

/** "2026-03-01" or "1/3/2026" → "2026-03-01"; undefined when it is not a real calendar date. */
export function dayOf(text: string): string | undefined {
  const iso = ISO_DAY.exec(text);
  const uk = UK_DAY.exec(text);
  const [y, m, d] = iso !== null ? [iso[1], iso[2], iso[3]] : uk !== null ? [uk[3], uk[2], uk[1]] : [];
  if (y === undefined || m === undefined || d === undefined) return undefined;
  const day = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const time = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== day ? undefined : day;
}

/**
 * The options in `query`. `defaultOrg` is the organisation shown when none is chosen (the viewer's
 * own, or the whole area); `organisations` are those that may be chosen; `strata` the measure's breakdowns.
 */
export function parseMeasureOptions(query: Readonly<Record<string, unknown>>, context: { defaultOrg: string; organisations: readonly string[]; strata: readonly string[] }): ParsedOptions {
  const fields: MeasureFields = {
    org: textOf(query.org) || context.defaultOrg,
    rebase: textOf(query.rebase),
    changes: listOf(query.change),
    fixAfter: textOf(query.fixAfter),
    noScreen: textOf(query.noScreen) !== '',
    stratum: textOf(query.stratum),
  };
  const errors: FieldError[] = [];
  if (fields.org !== WHOLE_AREA && (!ORGANISATION.test(fields.org) || !context.organisations.includes(fields.org))) {
    errors.push({ field: 'org', message: 'Choose an organisation from the list, or the whole area' });
  }
  const typed = fields.rebase.split(/[,;\s]+/).filter((t) => t !== '');
  const bad = typed.filter((t) => dayOf(t) === undefined);
  if (bad.length > 0) {
    errors.push({ field: 'rebase', message: `Enter each rebase date as a real date, for example 1/3/2026 or 2026-03-01 (${bad.map((b) => `"${b}"`).join(', ')} ${bad.length === 1 ? 'is not a date' : 'are not dates'})` });
  }
  const badChanges = fields.changes.filter((t) => dayOf(t) === undefined);
  if (badChanges.length > 0) errors.push({ field: 'change', message: 'Choose change dates from the list' });
  let fixAfter: number | undefined;
  if (fields.fixAfter !== '') {
    fixAfter = /^\d{1,4}$/.test(fields.fixAfter) ? Number(fields.fixAfter) : Number.NaN;
    if (!Number.isInteger(fixAfter) || fixAfter < 2) errors.push({ field: 'fixAfter', message: 'Enter the number of points after which the limits are fixed as a whole number, 2 or more, or leave it empty' });
  }
  if (fields.stratum !== '' && !context.strata.includes(fields.stratum)) errors.push({ field: 'stratum', message: 'Choose a breakdown from the list' });
  if (errors.length > 0) return { ok: false, errors, fields };
  const rebase = [...new Set([...typed, ...fields.changes].map((t) => dayOf(t)!))].sort();
  return {
    ok: true,
    fields,
    options: {
      ...(fields.org !== WHOLE_AREA ? { organisation: fields.org } : {}),
      rebase,
      ...(fixAfter !== undefined ? { fixAfter } : {}),
      screen: !fields.noScreen,
      ...(fields.stratum !== '' ? { stratum: fields.stratum } : {}),
    },
  };
}

/** The query string that shows the same options (for links such as the CSV download). */
export function optionsQuery(fields: MeasureFields): string {
  const query = new URLSearchParams();
  query.set('org', fields.org);
  if (fields.rebase !== '') query.set('rebase', fields.rebase);
  for (const c of fields.changes) query.append('change', c);
  if (fields.fixAfter !== '') query.set('fixAfter', fields.fixAfter);
  if (fields.noScreen) query.set('noScreen', '1');
  if (fields.stratum !== '') query.set('stratum', fields.stratum);
  return query.toString();
}
