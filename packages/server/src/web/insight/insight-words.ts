/**
 * What the measure pages say about statistical process control, in plain English: each point type,
 * variation icon and assurance icon of NHS England's "Making Data Count" as words, the breakdowns'
 * names, and how numbers are written. Pure: values in, text out.
 */

/** The point types of the NHS-R reference implementation (NHSRplotthedots), as the SPC engine names them. */
export const POINT_TYPES = ['common_cause', 'special_cause_improvement', 'special_cause_concern', 'special_cause_neutral_high', 'special_cause_neutral_low'] as const;
export type PointType = (typeof POINT_TYPES)[number];

export const ASSURANCE_TYPES = ['consistent_pass', 'consistent_fail', 'inconsistent'] as const;
export type AssuranceType = (typeof ASSURANCE_TYPES)[number];

export type Improvement = 'increase' | 'decrease' | 'neutral';

/** One point in the data table: what kind of point it is. */
export const POINT_WORDS: Readonly<Record<PointType, string>> = {
  common_cause: 'Common cause',
  special_cause_improvement: 'Special cause: improvement',
  special_cause_concern: 'Special cause: concern',
  special_cause_neutral_high: 'Special cause: unusually high',
  special_cause_neutral_low: 'Special cause: unusually low',
};

const VARIATION_WORDS: Readonly<Record<string, string>> = {
  common_cause: 'Common cause variation: no significant change',
  special_cause_improvement: 'Special cause improvement',
  special_cause_concern: 'Special cause concern',
  special_cause_neutral_high: 'Special cause variation: unusually high, neither better nor worse',
  special_cause_neutral_low: 'Special cause variation: unusually low, neither better nor worse',
};

const ASSURANCE_WORDS: Readonly<Record<string, string>> = {
  consistent_pass: 'Consistently hits the target',
  consistent_fail: 'Consistently misses the target',
  inconsistent: 'Hits and misses the target by chance',
};

/** The variation icon, from the latest point ("Making Data Count": the icon's meaning in words). */
export function variationWords(type: string | null | undefined): string {
  return (type !== null && type !== undefined ? VARIATION_WORDS[type] : undefined) ?? 'No variation icon: fewer than 13 points';
}

/** The assurance icon: whether the process will meet the target. */
export function assuranceWords(type: string | null | undefined, hasTarget: boolean): string {
  const words = type !== null && type !== undefined ? ASSURANCE_WORDS[type] : undefined;
  return words ?? (hasTarget ? 'No assurance icon: fewer than 13 points' : 'No target set, so no assurance icon');
}

/** What better looks like for the measure, as a sentence. */
export function improvementWords(improvement: Improvement): string {
  if (improvement === 'increase') return 'Higher is better.';
  if (improvement === 'decrease') return 'Lower is better.';
  return 'Neither higher nor lower is better in itself.';
}

/** A measure's value: a share as a percentage, anything else with up to 1 decimal place and its unit. */
export function valueText(value: number | null | undefined, unit?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'No data';
  if (unit === '%') return `${round(value, 1)}%`;
  const text = round(value, Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return unit === undefined || unit === '' ? text : `${text} ${unit}`;
}

/** A number for a data table: up to `places` decimal places, thousands separated. */
export function round(value: number, places = 2): string {
  return value.toLocaleString('en-GB', { maximumFractionDigits: places, minimumFractionDigits: 0 });
}

export const count = (n: number | null | undefined): string => (n === null || n === undefined ? '' : n.toLocaleString('en-GB'));

const CALENDAR = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });

/** "2026-03-02" → "2 March 2026" (a period's start is a calendar date, not a moment: no time zone shift). */
export function dayWords(day: string): string {
  const time = Date.parse(`${day.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(time) ? day : CALENDAR.format(time);
}

/** The breakdowns a measure may have, in the order the chooser offers them, and their names. */
export const STRATUM_WORDS: Readonly<Record<string, string>> = {
  'imd-quintile': 'Deprivation of where people live (IMD fifth)',
  'age-band': 'Age band',
  sex: 'Sex',
  ethnicity: 'Ethnicity',
  'access-need': 'Access need',
  'carer-status': 'Whether they have a carer',
};

export function stratumWords(id: string, label?: string): string {
  return STRATUM_WORDS[id] ?? label ?? id;
}

/** "Deprivation of …" → "deprivation of …", for the middle of a sentence (abbreviations kept). */
export const lowerFirst = (text: string): string => (text === '' ? text : `${text[0]!.toLowerCase()}${text.slice(1)}`);
