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

/**
 * NHS Data Dictionary ETHNIC CATEGORY codes (A to S, Z not stated) to the five broad groups of the
 * ONS 2021 Census classification, which counts Chinese (R) among the Asian groups.
 */
const ETHNIC_GROUPS: readonly [string, readonly string[]][] = [
  ['white', ['A', 'B', 'C']],
  ['mixed', ['D', 'E', 'F', 'G']],
  ['asian', ['H', 'J', 'K', 'L', 'R']],
  ['black', ['M', 'N', 'P']],
  ['other', ['S']],
  ['not-stated', ['Z']],
];

const list = (codes: readonly string[]): string => codes.map((c) => `'${c}'`).join(', ');

/** A FHIR date (YYYY, YYYY-MM or YYYY-MM-DD) as a DATE, a partial one from its first day. */
function birthDateSql(column: string): string {
  const text = `left(CAST(${column} AS VARCHAR), 10)`;
  return `TRY_CAST(CASE length(${text}) WHEN 4 THEN ${text} || '-01-01' WHEN 7 THEN ${text} || '-01' ELSE ${text} END AS DATE)`;
}

/**
 * `joined` and `person_rows`: the rows of `base` with what the strata need of the person they are
 * about (columns person_*, their age at the event, the IMD decile of their LSOA when `imd`, and
 * whether a carer is recorded for them), each worked out once so the group keys stay small.
 */
export function personJoinSql(patientColumn: string, options: { imd: boolean; carer: boolean; personTable: string; carerTable: string; imdTable: string }): string {
  const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
  const joins = [`LEFT JOIN ${options.personTable} p ON p.id = b.${q(patientColumn)}`];
  if (options.imd) joins.push(`LEFT JOIN ${options.imdTable} i ON i.lsoa_code = coalesce(p.lsoa, p.lsoa_any)`);
  if (options.carer) joins.push(`LEFT JOIN (SELECT DISTINCT patient FROM ${options.carerTable} WHERE active IS NOT FALSE) c ON c.patient = p.id`);
  const yes = (column: string): string => `coalesce(p.${column}, false)`;
  return `joined AS (SELECT b.*, p.id AS person_id, ${birthDateSql('p.birth_date')} AS person_born, CAST(b.event_at AS DATE) AS person_day,
  p.sex AS person_sex, upper(p.ethnicity_code) AS person_ethnicity,
  ${yes('no_internet')} AS person_no_internet, ${yes('interpreter')} AS person_interpreter, ${yes('bsl')} AS person_bsl,
  (${yes('easy_read')} OR ${yes('large_print')}) AS person_easy_read, (${yes('hearing_loss')} OR ${yes('sight_loss')}) AS person_hearing_sight,
  ${options.imd ? 'i.decile' : 'CAST(NULL AS INTEGER)'} AS person_imd_decile,
  (p.carer_helps IS NOT NULL${options.carer ? ' OR c.patient IS NOT NULL' : ''}) AS person_has_carer
FROM base b ${joins.join(' ')}),
person_rows AS (SELECT *, (year(person_day) - year(person_born) - CASE WHEN month(person_day) < month(person_born) OR (month(person_day) = month(person_born) AND day(person_day) < day(person_born)) THEN 1 ELSE 0 END) AS person_age FROM joined)`;
}

/**
 * The SQL list of group keys of a row of `person_rows`, each key with `prefix` in front (the
 * refresh computes every stratum in one pass). Keys come only from the fixed lists above.
 */
export function stratumKeysSql(id: StratumId, prefix = ''): string {
  const literal = (key: string): string => `'${prefix}${key}'`;
  const single = (expression: string): string => `['${prefix}' || coalesce(${expression}, '${NOT_RECORDED.key}')]`;
  const when = (condition: string, key: string): string => `CASE WHEN ${condition} THEN [${literal(key)}] ELSE [] END`;
  switch (id) {
    case 'imd-quintile':
      return single(`CASE WHEN person_imd_decile BETWEEN 1 AND 10 THEN CAST(CAST(ceil(person_imd_decile / 2.0) AS INTEGER) AS VARCHAR) END`);
    case 'age-band':
      return single(
        `CASE WHEN person_born IS NULL OR person_age < 0 THEN NULL WHEN person_age < 18 THEN '0-17' WHEN person_age < 40 THEN '18-39' WHEN person_age < 65 THEN '40-64' WHEN person_age < 80 THEN '65-79' ELSE '80+' END`,
      );
    case 'sex':
      return single(`CASE WHEN person_sex IN ('female', 'male', 'other') THEN person_sex END`);
    case 'ethnicity':
      return single(`CASE ${ETHNIC_GROUPS.map(([key, codes]) => `WHEN person_ethnicity IN (${list(codes)}) THEN '${key}'`).join(' ')} END`);
    case 'access-need': {
      const needs: readonly [string, string][] = [
        ['no-internet', 'person_no_internet'],
        ['interpreter', 'person_interpreter'],
        ['bsl', 'person_bsl'],
        ['easy-read-or-large-print', 'person_easy_read'],
        ['hearing-or-sight-loss', 'person_hearing_sight'],
      ];
      const any = needs.map(([, column]) => column).join(' OR ');
      const lists = [`CASE WHEN ${any} THEN [${literal('any')}] ELSE [${literal('none')}] END`, ...needs.map(([key, column]) => when(column, key))];
      const joined = lists.reduce((all, next) => `list_concat(${all}, ${next})`);
      return `CASE WHEN person_id IS NULL THEN [${literal(NOT_RECORDED.key)}] ELSE ${joined} END`;
    }
    case 'carer-status':
      return single(`CASE WHEN person_id IS NULL THEN NULL WHEN person_has_carer THEN 'has-carer' ELSE 'no-carer' END`);
  }
}
