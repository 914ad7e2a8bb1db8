/**
 * Measures computed over the analytics copy: the SQL is generated from a measure's definition,
 * every identifier taken from the source's whitelist (sources.ts) and every value bound as a
 * parameter: a series per period (week or month, periods with no data kept, valued null) and a
 * breakdown by one stratum with the equity gaps across IMD quintiles. The cached refresh of every
 * measure is measure-cache.ts'.
 */
import { inequality, type InequalityResult } from '../equity/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { MEASURE_LIBRARY } from './measure-library.ts';
import type { Condition, MeasureDefinition, Period, StratumId } from './measure-definition.ts';
import { CARER_TABLE, ORGANISATION_TABLE, PERSON_TABLE, referenceOf, sourceByName } from './sources.ts';
import { NOT_RECORDED, STRATA, personJoinSql, stratumById, stratumKeysSql, type StratumGroup } from './strata.ts';

/** What the measures need of the analytics copy. */
export type MeasureWarehouse = Pick<Warehouse, 'query' | 'loadTable'>;

export interface MeasureScope {
  /** "Organization/id"; absent for the whole area */
  organisation?: string;
  /** first day, YYYY-MM-DD (inclusive) */
  from?: string;
  /** last day, YYYY-MM-DD (inclusive) */
  to?: string;
}

export interface MeasurePeriod {
  /** YYYY-MM-DD: the Monday of the week, or the first of the month */
  start: string;
  numerator: number;
  denominator?: number;
  value: number | null;
}

export interface MeasureSeries {
  measure: MeasureDefinition;
  periods: MeasurePeriod[];
}

export interface BreakdownGroup {
  key: string;
  label: string;
  order?: number;
  numerator: number;
  denominator?: number;
  value: number | null;
  /** the people-events the value is taken over: the denominator of a proportion, else the rows counted */
  population: number;
}

export interface MeasureBreakdown {
  stratum: StratumId;
  groups: BreakdownGroup[];
  inequality: InequalityResult | null;
}

export class MeasureError extends Error {
  override readonly name = 'MeasureError';
}

export const IMD_TABLE = 'ref_imd';
export const MEASURE_CACHE_TABLE = 'measure_results';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ORGANISATION = /^Organization\/[A-Za-z0-9\-.]{1,64}$/;

export const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Collects bound parameters, giving each its $n. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function conditionSql(condition: Condition, params: Params): string {
  const column = quote(condition.column);
  const value = condition.value;
  switch (condition.op) {
    case 'isNull':
      return `${column} IS NULL`;
    case 'notNull':
      return `${column} IS NOT NULL`;
    case 'isTrue':
      return `${column} IS TRUE`;
    case 'isFalse':
      return `${column} IS FALSE`;
    case 'in':
      return `${column} IN (${(value as readonly unknown[]).map((v) => params.add(v)).join(', ')})`;
    case 'notIn':
      return `(${column} IS NULL OR ${column} NOT IN (${(value as readonly unknown[]).map((v) => params.add(v)).join(', ')}))`;
    case 'eq':
      return `${column} = ${params.add(value)}`;
    case 'ne':
      return `${column} IS DISTINCT FROM ${params.add(value)}`;
    case 'lt':
      return `${column} < ${params.add(value)}`;
    case 'le':
      return `${column} <= ${params.add(value)}`;
    case 'gt':
      return `${column} > ${params.add(value)}`;
    case 'ge':
      return `${column} >= ${params.add(value)}`;
  }
}

export const allOf = (conditions: readonly Condition[], params: Params): string =>
  conditions.length === 0 ? 'TRUE' : conditions.map((c) => `(${conditionSql(c, params)})`).join(' AND ');

export function checkScope(scope: MeasureScope): void {
  for (const field of ['from', 'to'] as const) {
    const day = scope[field];
    if (day !== undefined && (!DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))) {
      throw new MeasureError(`"${field}" must be a date such as 2026-03-02; it was "${day}".`);
    }
  }
  if (scope.from !== undefined && scope.to !== undefined && scope.from > scope.to) throw new MeasureError(`"from" (${scope.from}) is after "to" (${scope.to}).`);
  if (scope.organisation !== undefined && !ORGANISATION.test(scope.organisation)) {
    throw new MeasureError(`The organisation must be a reference such as Organization/abc; it was "${scope.organisation}".`);
  }
}

/** `WITH src AS (…), base AS (…)`: the measure's rows in scope, with their event time and period. */
export function baseSql(measure: MeasureDefinition, scope: MeasureScope, params: Params, options: { shared?: boolean } = {}): string {
  const source = sourceByName(measure.view);
  if (source === undefined) throw new MeasureError(`The measure "${measure.id}" reads "${measure.view}", which is not a source.`);
  const date = quote(measure.dateColumn);
  // shared by several measures: each applies its own filter and denominator in its aggregates
  const where = options.shared === true ? [`${date} IS NOT NULL`] : [`${date} IS NOT NULL`, allOf(measure.filter, params), allOf(measure.denominator, params)];
  if (scope.organisation !== undefined) where.push(`${quote(measure.organisationColumn)} = ${params.add(scope.organisation)}`);
  if (scope.from !== undefined) where.push(`${date} >= CAST(${params.add(scope.from)} AS TIMESTAMP)`);
  if (scope.to !== undefined) where.push(`${date} < CAST(${params.add(scope.to)} AS TIMESTAMP) + INTERVAL 1 DAY`);
  const period: Period = measure.period === 'month' ? 'month' : 'week';
  return `WITH src AS (${source.sql}),
base AS (SELECT src.*, ${date} AS event_at, CAST(date_trunc('${period}', ${date}) AS DATE) AS period_start FROM src WHERE ${where.join(' AND ')})`;
}

/** The aggregate columns: numerator, denominator (proportions), value (means and medians). */
function aggregatesSql(measure: MeasureDefinition, params: Params): string {
  switch (measure.kind) {
    case 'proportion':
      return `count(*) FILTER (WHERE ${allOf(measure.numerator, params)}) AS numerator, count(*) AS denominator`;
    case 'mean':
      return `count(${quote(measure.valueColumn!)}) AS numerator, avg(${quote(measure.valueColumn!)}) AS value`;
    case 'median':
      return `count(${quote(measure.valueColumn!)}) AS numerator, median(${quote(measure.valueColumn!)}) AS value`;
    case 'count':
      return 'count(*) AS numerator';
  }
}

export const numberOf = (value: unknown): number => (typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : typeof value === 'string' && value !== '' ? Number(value) : 0);

interface Figures {
  numerator: number;
  denominator?: number;
  value: number | null;
}

export function figuresOf(measure: MeasureDefinition, row: Record<string, unknown>): Figures {
  const numerator = numberOf(row.numerator);
  switch (measure.kind) {
    case 'proportion': {
      const denominator = numberOf(row.denominator);
      const scale = measure.unit === '%' ? 100 : 1;
      return { numerator, denominator, value: denominator > 0 ? (scale * numerator) / denominator : null };
    }
    case 'mean':
    case 'median':
      return { numerator, value: numerator > 0 && row.value !== null && row.value !== undefined ? numberOf(row.value) : null };
    case 'count':
      return { numerator, value: numerator };
  }
}

const emptyFigures = (measure: MeasureDefinition): Figures =>
  measure.kind === 'proportion' ? { numerator: 0, denominator: 0, value: null } : { numerator: 0, value: measure.kind === 'count' ? 0 : null };

export const dayOf = (value: unknown): string => (value instanceof Date ? value.toISOString() : String(value)).slice(0, 10);

/** The start of the period holding `day` (weeks start on Monday, ISO 8601; days are UTC days). */
export function periodStart(day: string, period: Period): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (period === 'month') return `${day.slice(0, 7)}-01`;
  const back = (date.getUTCDay() + 6) % 7;
  return new Date(date.getTime() - back * 86_400_000).toISOString().slice(0, 10);
}

function nextPeriod(start: string, period: Period): string {
  const date = new Date(`${start}T00:00:00Z`);
  if (period === 'month') date.setUTCMonth(date.getUTCMonth() + 1);
  else date.setUTCDate(date.getUTCDate() + 7);
  return date.toISOString().slice(0, 10);
}

/** Every period from the first to the last (of the scope, else of the data), the missing ones empty. */
export function fillPeriods(measure: MeasureDefinition, scope: MeasureScope, found: ReadonlyMap<string, Figures>): MeasurePeriod[] {
  const starts = [...found.keys()].sort();
  const first = scope.from !== undefined ? periodStart(scope.from, measure.period) : starts[0];
  const last = scope.to !== undefined ? periodStart(scope.to, measure.period) : starts[starts.length - 1];
  if (first === undefined || last === undefined) return [];
  const periods: MeasurePeriod[] = [];
  for (let start = first; start <= last; start = nextPeriod(start, measure.period)) {
    periods.push({ start, ...(found.get(start) ?? emptyFigures(measure)) });
  }
  return periods;
}

/** The measure per period, for the area or one organisation. */
export async function computeMeasure(warehouse: MeasureWarehouse, measure: MeasureDefinition, scope: MeasureScope = {}): Promise<MeasureSeries> {
  checkScope(scope);
  const params = new Params();
  const sql = `${baseSql(measure, scope, params)}
SELECT period_start, ${aggregatesSql(measure, params)} FROM base GROUP BY period_start ORDER BY period_start`;
  const rows = await warehouse.query(sql, params.values);
  const found = new Map(rows.map((row) => [dayOf(row.period_start), figuresOf(measure, row)]));
  return { measure, periods: fillPeriods(measure, scope, found) };
}

export async function tableExists(warehouse: MeasureWarehouse, name: string): Promise<boolean> {
  const rows = await warehouse.query('SELECT count(*) AS n FROM information_schema.tables WHERE table_name = $1', [name]);
  return numberOf(rows[0]?.n) > 0;
}

/** `joined`, `person_rows` and `keyed`: the base rows with the person, and each with the group key(s) of the strata. */
export function keyedSql(measure: MeasureDefinition, strata: readonly StratumId[], keyLists: readonly string[]): string {
  const person = personJoinSql(measure.patientColumn, {
    imd: strata.includes('imd-quintile'),
    carer: strata.includes('carer-status'),
    personTable: PERSON_TABLE,
    carerTable: CARER_TABLE,
    imdTable: quote(IMD_TABLE),
  });
  return `${person},
keyed AS (SELECT person_rows.*, unnest(${keyLists.reduce((all, next) => `list_concat(${all}, ${next})`)}) AS tagged FROM person_rows)`;
}

export function breakdownGroups(measure: MeasureDefinition, stratum: StratumId, rows: readonly Record<string, unknown>[]): BreakdownGroup[] {
  const definition = stratumById(stratum)!;
  const found = new Map(rows.map((row) => [String(row.stratum_key), figuresOf(measure, row)]));
  return definition.groups.map((group: StratumGroup) => {
    const figures = found.get(group.key) ?? emptyFigures(measure);
    return { key: group.key, label: group.label, order: group.order, ...figures, population: figures.denominator ?? figures.numerator };
  });
}

export function equityGaps(stratum: StratumId, groups: readonly BreakdownGroup[]): InequalityResult | null {
  if (stratum !== 'imd-quintile') return null;
  const quintiles = groups.filter((g) => g.key !== NOT_RECORDED.key && g.value !== null);
  return inequality(quintiles.map((g) => ({ label: g.label, order: g.order ?? 0, population: g.population, value: g.value! })));
}

export function checkStratum(measure: MeasureDefinition, stratum: string): StratumId {
  const definition = stratumById(stratum);
  if (definition === undefined) throw new MeasureError(`"${stratum}" is not a way to break a measure down; use one of ${STRATA.map((s) => s.id).join(', ')}.`);
  if (!measure.strata.includes(definition.id)) throw new MeasureError(`The measure "${measure.id}" cannot be broken down by ${definition.label.toLowerCase()}.`);
  return definition.id;
}

const noImdTable = (): MeasureError =>
  new MeasureError('No deprivation table is loaded, so there are no IMD quintiles: load one with "kindred reference load imd FILE".');

/** The measure over the scope's whole time, per group of the stratum; IMD quintiles with the equity gaps. */
export async function measureBreakdown(warehouse: MeasureWarehouse, measure: MeasureDefinition, stratum: string, scope: MeasureScope = {}): Promise<MeasureBreakdown> {
  checkScope(scope);
  const id = checkStratum(measure, stratum);
  if (id === 'imd-quintile' && !(await tableExists(warehouse, IMD_TABLE))) throw noImdTable();
  const params = new Params();
  const sql = `${baseSql(measure, scope, params)},
${keyedSql(measure, [id], [stratumKeysSql(id)])}
SELECT tagged AS stratum_key, ${aggregatesSql(measure, params)} FROM keyed GROUP BY tagged`;
  const groups = breakdownGroups(measure, id, await warehouse.query(sql, params.values));
  return { stratum: id, groups, inequality: equityGaps(id, groups) };
}

/** Loads the IMD deciles by LSOA (2021) as the table the IMD breakdown joins. */
export async function loadImdIntoWarehouse(warehouse: MeasureWarehouse, rows: Iterable<{ lsoaCode: string; decile: number }>): Promise<{ rows: number }> {
  const checked: [string, number][] = [];
  for (const row of rows) {
    if (typeof row.lsoaCode !== 'string' || row.lsoaCode.trim() === '') throw new MeasureError(`Row ${checked.length + 1} of the deprivation table has no LSOA code.`);
    if (!Number.isInteger(row.decile) || row.decile < 1 || row.decile > 10) {
      throw new MeasureError(`Row ${checked.length + 1} of the deprivation table (${row.lsoaCode}) has decile ${String(row.decile)}; it must be a whole number from 1 to 10.`);
    }
    checked.push([row.lsoaCode.trim(), row.decile]);
  }
  await warehouse.loadTable(IMD_TABLE, [{ name: 'lsoa_code', type: 'VARCHAR' }, { name: 'decile', type: 'INTEGER' }], checked);
  return { rows: checked.length };
}

/** The organisations the measures' rows belong to, with their names, by name. */
export async function measureOrganisations(warehouse: MeasureWarehouse): Promise<{ reference: string; name: string }[]> {
  const sources = [...new Set(MEASURE_LIBRARY.map((m) => `${m.view}\u0000${m.organisationColumn}`))].map((key) => {
    const [view, column] = key.split('\u0000') as [string, string];
    return `SELECT ${quote(column)} AS reference FROM (${sourceByName(view)!.sql})`;
  });
  const rows = await warehouse.query(
    `WITH refs AS (SELECT DISTINCT reference FROM (${sources.join(' UNION ALL ')}) WHERE reference IS NOT NULL)
SELECT refs.reference AS reference, coalesce(o.name, refs.reference) AS name FROM refs LEFT JOIN ${ORGANISATION_TABLE} o ON ${referenceOf('Organization', 'o.id')} = refs.reference ORDER BY name, reference`,
  );
  return rows.map((row) => ({ reference: String(row.reference), name: String(row.name) }));
}

