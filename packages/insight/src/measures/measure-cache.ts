/**
 * The measures' cache: refreshAllMeasures computes every measure for the area and each
 * organisation, as a series and broken down by each stratum, and keeps the figures in the table
 * measure_results so the pages read them without computing; measures that read the same rows
 * are computed together in one query. cachedMeasure and cachedBreakdown read them back.
 */
import { MEASURE_LIBRARY } from './measure-library.ts';
import type { MeasureDefinition, StratumId } from './measure-definition.ts';
import { stratumKeysSql } from './strata.ts';
import {
  IMD_TABLE,
  MEASURE_CACHE_TABLE,
  Params,
  baseSql,
  keyedSql,
  figuresOf,
  fillPeriods,
  breakdownGroups,
  equityGaps,
  checkScope,
  checkStratum,
  tableExists,
  numberOf,
  quote,
  allOf,
  type MeasureBreakdown,
  type MeasureScope,
  type MeasureSeries,
  type MeasureWarehouse,
} from './compute.ts';

const AREA = '';
const SERIES = '';

interface CacheRow {
  measure: string;
  organisation: string;
  stratum: string;
  key: string;
  label: string;
  order: number | null;
  numerator: number;
  denominator: number | null;
  value: number | null;
  population: number;
}

const CACHE_COLUMNS = [
  { name: 'measure_id', type: 'VARCHAR' },
  { name: 'organisation', type: 'VARCHAR' },
  { name: 'stratum', type: 'VARCHAR' },
  { name: 'group_key', type: 'VARCHAR' },
  { name: 'group_label', type: 'VARCHAR' },
  { name: 'group_order', type: 'INTEGER' },
  { name: 'numerator', type: 'BIGINT' },
  { name: 'denominator', type: 'BIGINT' },
  { name: 'value', type: 'DOUBLE' },
  { name: 'population', type: 'BIGINT' },
] as const;

/** Rows of a GROUPING SETS query, by organisation ("" for the area's own rows). */
function byOrganisation(rows: readonly Record<string, unknown>[]): Map<string, Record<string, unknown>[]> {
  const grouped = new Map<string, Record<string, unknown>[]>();
  for (const row of rows) {
    const area = numberOf(row.area_row) === 1;
    if (!area && (row.organisation === null || row.organisation === undefined)) continue; // rows no organisation owns count for the area only
    const key = area ? AREA : String(row.organisation);
    grouped.set(key, [...(grouped.get(key) ?? []), row]);
  }
  return grouped;
}

const KEY_SEPARATOR = '|';

/** Each measure's aggregates over shared rows, prefixed m0_, m1_ …; `rows` counts the measure's own rows. */
function sharedAggregatesSql(measures: readonly MeasureDefinition[], params: Params): string {
  return measures
    .map((measure, i) => {
      const own = `${allOf(measure.filter, params)} AND ${allOf(measure.denominator, params)}`;
      const rows = `count(*) FILTER (WHERE ${own}) AS m${i}_rows`;
      switch (measure.kind) {
        case 'proportion':
          return `${rows}, count(*) FILTER (WHERE ${own} AND ${allOf(measure.numerator, params)}) AS m${i}_numerator, count(*) FILTER (WHERE ${own}) AS m${i}_denominator`;
        case 'mean':
        case 'median': {
          const value = quote(measure.valueColumn!);
          return `${rows}, count(${value}) FILTER (WHERE ${own}) AS m${i}_numerator, ${measure.kind === 'mean' ? 'avg' : 'median'}(${value}) FILTER (WHERE ${own}) AS m${i}_value`;
        }
        case 'count':
          return `${rows}, count(*) FILTER (WHERE ${own}) AS m${i}_numerator`;
      }
    })
    .join(', ');
}

/** One measure's part of a shared row, under the names figuresOf reads. */
function partOf(row: Record<string, unknown>, i: number): Record<string, unknown> {
  return { ...row, rows: row[`m${i}_rows`], numerator: row[`m${i}_numerator`], denominator: row[`m${i}_denominator`], value: row[`m${i}_value`] };
}

/** Measures that read the same rows (source, date, period, organisation and patient columns, strata) are computed together. */
function sharedKey(measure: MeasureDefinition): string {
  return JSON.stringify([measure.view, measure.dateColumn, measure.period, measure.organisationColumn, measure.patientColumn, measure.strata]);
}

/**
 * The rows of the measures' series and of each stratum's breakdown, for the area and every
 * organisation, in one query over rows they share (the measures agree on sharedKey).
 */
async function sharedRows(warehouse: MeasureWarehouse, measures: readonly MeasureDefinition[], strata: readonly StratumId[]): Promise<{ rows: CacheRow[]; scopes: number }> {
  const first = measures[0]!;
  const params = new Params();
  const org = quote(first.organisationColumn);
  const lists = [`['${KEY_SEPARATOR}' || CAST(period_start AS VARCHAR)]`, ...strata.map((s) => stratumKeysSql(s, `${s}${KEY_SEPARATOR}`))];
  const sql = `${baseSql(first, {}, params, { shared: true })},
${keyedSql(first, strata, lists)}
SELECT GROUPING(${org}) AS area_row, ${org} AS organisation, split_part(tagged, '${KEY_SEPARATOR}', 1) AS stratum, split_part(tagged, '${KEY_SEPARATOR}', 2) AS stratum_key, ${sharedAggregatesSql(measures, params)}
FROM keyed GROUP BY GROUPING SETS ((tagged), (${org}, tagged))`;
  const grouped = byOrganisation(await warehouse.query(sql, params.values));
  if (!grouped.has(AREA)) grouped.set(AREA, []); // the area's groups are shown even with no rows at all
  const rows: CacheRow[] = [];
  let scopes = 0;
  measures.forEach((measure, i) => {
    const parts = new Map([...grouped].map(([organisation, found]) => [organisation, found.map((row) => partOf(row, i))]));
    // an organisation with none of this measure's rows has no figures for it
    for (const [organisation, found] of parts) if (organisation !== AREA && !found.some((row) => numberOf(row.rows) > 0)) parts.delete(organisation);
    const areaStarts = (parts.get(AREA) ?? []).filter((row) => row.stratum === SERIES && numberOf(row.rows) > 0).map((row) => String(row.stratum_key)).sort();
    const span: MeasureScope | undefined = areaStarts.length > 0 ? { from: areaStarts[0]!, to: areaStarts[areaStarts.length - 1]! } : undefined;
    for (const [organisation, found] of parts) {
      const series = found.filter((row) => row.stratum === SERIES);
      const periods = span === undefined ? [] : fillPeriods(measure, span, new Map(series.map((row) => [String(row.stratum_key), figuresOf(measure, row)])));
      rows.push(...periods.map((p) => ({
        measure: measure.id, organisation, stratum: SERIES, key: p.start, label: p.start, order: null,
        numerator: p.numerator, denominator: p.denominator ?? null, value: p.value, population: p.denominator ?? p.numerator,
      })));
      for (const stratum of strata) {
        const groups = breakdownGroups(measure, stratum, found.filter((row) => row.stratum === stratum && numberOf(row.rows) > 0));
        rows.push(...groups.map((g) => ({
          measure: measure.id, organisation, stratum, key: g.key, label: g.label, order: g.order ?? null,
          numerator: g.numerator, denominator: g.denominator ?? null, value: g.value, population: g.population,
        })));
      }
    }
    scopes += parts.size * (1 + strata.length);
  });
  return { rows, scopes };
}

/**
 * Every measure for the area and each organisation, as a series and broken down by each of its
 * strata (IMD quintiles only when a deprivation table is loaded), kept in the table
 * measure_results for the pages. `series` counts the series and breakdowns computed.
 */
export async function refreshAllMeasures(
  warehouse: MeasureWarehouse,
  options: { measures?: readonly MeasureDefinition[] } = {},
): Promise<{ measures: number; series: number; ms: number }> {
  const started = performance.now();
  const measures = options.measures ?? MEASURE_LIBRARY;
  const imd = await tableExists(warehouse, IMD_TABLE);
  const rows: CacheRow[] = [];
  let series = 0;
  const batches = new Map<string, MeasureDefinition[]>();
  for (const measure of measures) batches.set(sharedKey(measure), [...(batches.get(sharedKey(measure)) ?? []), measure]);
  for (const batch of batches.values()) {
    const found = await sharedRows(warehouse, batch, batch[0]!.strata.filter((s) => s !== 'imd-quintile' || imd));
    series += found.scopes;
    rows.push(...found.rows);
  }
  await warehouse.loadTable(
    MEASURE_CACHE_TABLE,
    CACHE_COLUMNS,
    rows.map((r) => [r.measure, r.organisation, r.stratum, r.key, r.label, r.order, r.numerator, r.denominator, r.value, r.population]),
  );
  return { measures: measures.length, series, ms: Math.round(performance.now() - started) };
}

async function cachedRows(warehouse: MeasureWarehouse, measure: MeasureDefinition, organisation: string | undefined, stratum: string): Promise<Record<string, unknown>[] | undefined> {
  if (organisation !== undefined) checkScope({ organisation });
  if (!(await tableExists(warehouse, MEASURE_CACHE_TABLE))) return undefined;
  return warehouse.query(
    `SELECT * FROM ${quote(MEASURE_CACHE_TABLE)} WHERE measure_id = $1 AND organisation = $2 AND stratum = $3 ORDER BY coalesce(group_order, 0), group_key`,
    [measure.id, organisation ?? AREA, stratum],
  );
}

const nullableNumber = (value: unknown): number | null => (value === null || value === undefined ? null : numberOf(value));

/** The series as the last refreshAllMeasures left it; undefined when it has never run. */
export async function cachedMeasure(warehouse: MeasureWarehouse, measure: MeasureDefinition, scope: { organisation?: string } = {}): Promise<MeasureSeries | undefined> {
  const rows = await cachedRows(warehouse, measure, scope.organisation, SERIES);
  if (rows === undefined) return undefined;
  return {
    measure,
    periods: rows.map((row) => ({
      start: String(row.group_key),
      numerator: numberOf(row.numerator),
      ...(row.denominator !== null && row.denominator !== undefined ? { denominator: numberOf(row.denominator) } : {}),
      value: nullableNumber(row.value),
    })),
  };
}

/** The breakdown as the last refreshAllMeasures left it; undefined when it has never run or did not compute it. */
export async function cachedBreakdown(warehouse: MeasureWarehouse, measure: MeasureDefinition, stratum: string, scope: { organisation?: string } = {}): Promise<MeasureBreakdown | undefined> {
  const id = checkStratum(measure, stratum);
  const rows = await cachedRows(warehouse, measure, scope.organisation, id);
  if (rows === undefined || rows.length === 0) return undefined;
  const groups = rows.map((row) => ({
    key: String(row.group_key),
    label: String(row.group_label),
    ...(row.group_order !== null && row.group_order !== undefined ? { order: numberOf(row.group_order) } : {}),
    numerator: numberOf(row.numerator),
    ...(row.denominator !== null && row.denominator !== undefined ? { denominator: numberOf(row.denominator) } : {}),
    value: nullableNumber(row.value),
    population: numberOf(row.population),
  }));
  return { stratum: id, groups, inequality: equityGaps(id, groups) };
}
