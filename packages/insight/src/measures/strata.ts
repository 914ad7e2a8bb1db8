/**
 * The groups a measure can be broken down by, each worked out in SQL from the person a row is
 * about (the person view, joined on the row's patient) at the row's date: deprivation quintile
 * from the LSOA and the IMD table, age band, sex, the five broad ethnic groups, access needs and
 * carer status. A value that is not recorded falls in the group "Not recorded".
 */
import type { StratumId } from './measure-definition.ts';

export interface StratumGroup {
  key: string;
  label: string;
  order: number;
}

export interface Stratum {
  id: StratumId;
  label: string;
  groups: readonly StratumGroup[];
  /** whether one row can fall in several groups (access needs) */
  overlapping: boolean;
}

export const NOT_RECORDED: StratumGroup = { key: 'not-recorded', label: 'Not recorded', order: 99 };

const group = (key: string, label: string, order: number): StratumGroup => ({ key, label, order });

export const STRATA: readonly Stratum[] = [
  {
    id: 'imd-quintile',
    label: 'Deprivation (IMD quintile)',
    overlapping: false,
    groups: [group('1', '1 (most deprived)', 1), group('2', '2', 2), group('3', '3', 3), group('4', '4', 4), group('5', '5 (least deprived)', 5), NOT_RECORDED],
  },
  {
    id: 'age-band',
    label: 'Age band',
    overlapping: false,
    groups: [group('0-17', '0 to 17', 1), group('18-39', '18 to 39', 2), group('40-64', '40 to 64', 3), group('65-79', '65 to 79', 4), group('80+', '80 and over', 5), NOT_RECORDED],
  },
  { id: 'sex', label: 'Sex', overlapping: false, groups: [group('female', 'Female', 1), group('male', 'Male', 2), group('other', 'Other', 3), NOT_RECORDED] },
  {
    id: 'ethnicity',
    label: 'Ethnic group',
    overlapping: false,
    // the five broad groups of the 2021 Census (ONS), with "not stated" (code Z) kept apart from "not recorded"
    groups: [
      group('asian', 'Asian or Asian British', 1),
      group('black', 'Black, Black British, Caribbean or African', 2),
      group('mixed', 'Mixed or multiple ethnic groups', 3),
      group('white', 'White', 4),
      group('other', 'Other ethnic group', 5),
      group('not-stated', 'Not stated', 6),
      NOT_RECORDED,
    ],
  },
  {
    id: 'access-need',
    label: 'Access needs',
    overlapping: true,
    groups: [
      group('any', 'Any access need', 1),
      group('none', 'No access need recorded', 2),
      group('no-internet', 'No internet', 3),
      group('interpreter', 'Needs an interpreter', 4),
      group('bsl', 'British Sign Language', 5),
      group('easy-read-or-large-print', 'Easy read or large print', 6),
      group('hearing-or-sight-loss', 'Hearing or sight loss', 7),
      NOT_RECORDED,
    ],
  },
  { id: 'carer-status', label: 'Carer', overlapping: false, groups: [group('has-carer', 'Has a carer', 1), group('no-carer', 'No carer recorded', 2), NOT_RECORDED] },
];

export function stratumById(id: string): Stratum | undefined {
  return STRATA.find((s) => s.id === id);
}

/** A FHIR date (YYYY, YYYY-MM or YYYY-MM-DD) as a DATE, a partial one from its first day. */
const birthDate = (p: string): string => {
  const text = `left(CAST(${p}.birth_date AS VARCHAR), 10)`;
  return `TRY_CAST(CASE length(${text}) WHEN 4 THEN ${text} || '-01-01' WHEN 7 THEN ${text} || '-01' ELSE ${text} END AS DATE)`;
};

/** whole years from birth to the day of the event */
const ageAt = (p: string, at: string): string => {
  const born = birthDate(p);
  return `(year(${at}) - year(${born}) - CASE WHEN month(${at}) < month(${born}) OR (month(${at}) = month(${born}) AND day(${at}) < day(${born})) THEN 1 ELSE 0 END)`;
};

/** NHS Data Dictionary ETHNIC CATEGORY codes to the ONS broad groups */
const ETHNIC_GROUPS: readonly [string, readonly string[]][] = [
  ['white', ['A', 'B', 'C']],
  ['mixed', ['D', 'E', 'F', 'G']],
  ['asian', ['H', 'J', 'K', 'L']],
  ['black', ['M', 'N', 'P']],
  ['other', ['R', 'S']],
  ['not-stated', ['Z']],
];

const list = (codes: readonly string[]): string => codes.map((c) => `'${c}'`).join(', ');
const when = (condition: string, key: string): string => `CASE WHEN ${condition} THEN ['${key}'] ELSE [] END`;

/**
 * The SQL list of group keys of the row: `p` the person (null when not found), `i` the IMD row,
 * `c` the carer row, `at` the event's timestamp. Keys come only from the fixed lists above.
 */
export function stratumKeysSql(id: StratumId, aliases: { p: string; i: string; c: string; at: string }): string {
  const { p, i, c, at } = aliases;
  const single = (expression: string): string => `[coalesce(${expression}, '${NOT_RECORDED.key}')]`;
  switch (id) {
    case 'imd-quintile':
      return single(`CASE WHEN ${i}.decile BETWEEN 1 AND 10 THEN CAST(CAST(ceil(${i}.decile / 2.0) AS INTEGER) AS VARCHAR) END`);
    case 'age-band': {
      const age = ageAt(p, at);
      return single(
        `CASE WHEN ${birthDate(p)} IS NULL OR ${age} < 0 THEN NULL WHEN ${age} < 18 THEN '0-17' WHEN ${age} < 40 THEN '18-39' WHEN ${age} < 65 THEN '40-64' WHEN ${age} < 80 THEN '65-79' ELSE '80+' END`,
      );
    }
    case 'sex':
      return single(`CASE WHEN ${p}.sex IN ('female', 'male', 'other') THEN ${p}.sex END`);
    case 'ethnicity':
      return single(`CASE ${ETHNIC_GROUPS.map(([key, codes]) => `WHEN upper(${p}.ethnicity_code) IN (${list(codes)}) THEN '${key}'`).join(' ')} END`);
    case 'access-need': {
      const yes = (column: string): string => `coalesce(${p}.${column}, false)`;
      const needs: readonly [string, string][] = [
        ['no-internet', yes('no_internet')],
        ['interpreter', yes('interpreter')],
        ['bsl', yes('bsl')],
        ['easy-read-or-large-print', `(${yes('easy_read')} OR ${yes('large_print')})`],
        ['hearing-or-sight-loss', `(${yes('hearing_loss')} OR ${yes('sight_loss')})`],
      ];
      const any = needs.map(([, condition]) => condition).join(' OR ');
      const lists = [`CASE WHEN ${any} THEN ['any'] ELSE ['none'] END`, ...needs.map(([key, condition]) => when(condition, key))];
      const joined = lists.reduce((all, next) => `list_concat(${all}, ${next})`);
      return `CASE WHEN ${p}.id IS NULL THEN ['${NOT_RECORDED.key}'] ELSE ${joined} END`;
    }
    case 'carer-status':
      return single(`CASE WHEN ${p}.id IS NULL THEN NULL WHEN ${p}.carer_helps IS NOT NULL OR ${c}.patient IS NOT NULL THEN 'has-carer' ELSE 'no-carer' END`);
  }
}
