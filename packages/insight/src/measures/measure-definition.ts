/**
 * What a measure is, as data: the source it reads, its date column and period, what it counts
 * (a proportion, a mean or median of a value, or a count), the conditions that pick its rows, and
 * how to read it (unit, improvement direction, target, the strata it can be broken down by).
 * Conditions are a small declarative form over the source's columns (column, op, value), checked
 * here against the source's whitelist, so no SQL ever comes from data.
 */
import { sourceByName, type SourceColumnKind } from './sources.ts';

export const STRATUM_IDS = ['imd-quintile', 'age-band', 'sex', 'ethnicity', 'access-need', 'carer-status'] as const;
export type StratumId = (typeof STRATUM_IDS)[number];

export const CONDITION_OPS = ['eq', 'ne', 'in', 'notIn', 'isNull', 'notNull', 'isTrue', 'isFalse', 'lt', 'le', 'gt', 'ge'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export interface Condition {
  column: string;
  op: ConditionOp;
  value?: string | number | boolean | readonly (string | number)[];
}

export type MeasureKind = 'proportion' | 'mean' | 'median' | 'count';
export type Improvement = 'increase' | 'decrease' | 'neutral';
export type Period = 'week' | 'month';

export interface MeasureDefinition {
  id: string;
  title: string;
  /** plain English: what it shows and why it matters */
  description: string;
  /** the analysis source it reads (sources.ts) */
  view: string;
  dateColumn: string;
  period: Period;
  kind: MeasureKind;
  /** rows every figure is taken over */
  filter: readonly Condition[];
  /** proportion: the rows counted below the line (with the filter) */
  denominator: readonly Condition[];
  /** proportion: of the denominator, the rows counted above the line */
  numerator: readonly Condition[];
  /** mean and median: the numeric column */
  valueColumn?: string;
  unit: string;
  improvement: Improvement;
  target?: number;
  organisationColumn: string;
  patientColumn: string;
  strata: readonly StratumId[];
}

export class MeasureDefinitionError extends Error {
  override readonly name = 'MeasureDefinitionError';
}

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const NO_VALUE: ReadonlySet<ConditionOp> = new Set(['isNull', 'notNull', 'isTrue', 'isFalse']);
const LIST: ReadonlySet<ConditionOp> = new Set(['in', 'notIn']);
const ORDERED: ReadonlySet<ConditionOp> = new Set(['lt', 'le', 'gt', 'ge']);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function text(raw: Record<string, unknown>, field: string, where: string): string {
  const value = raw[field];
  if (typeof value !== 'string' || value.trim() === '') throw new MeasureDefinitionError(`${where}: "${field}" must be non-empty text.`);
  return value;
}

function oneOf<T extends string>(raw: Record<string, unknown>, field: string, allowed: readonly T[], where: string): T {
  const value = raw[field];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new MeasureDefinitionError(`${where}: "${field}" must be one of ${allowed.join(', ')}; it was ${JSON.stringify(value)}.`);
  }
  return value as T;
}

function column(columns: Readonly<Record<string, SourceColumnKind>>, name: unknown, where: string, kinds?: readonly SourceColumnKind[]): string {
  if (typeof name !== 'string' || !Object.hasOwn(columns, name)) {
    throw new MeasureDefinitionError(`${where}: ${JSON.stringify(name)} is not a column of the source (its columns are ${Object.keys(columns).join(', ')}).`);
  }
  if (kinds !== undefined && !kinds.includes(columns[name]!)) throw new MeasureDefinitionError(`${where}: the column "${name}" must be ${kinds.join(' or ')}.`);
  return name;
}

function conditions(raw: unknown, columns: Readonly<Record<string, SourceColumnKind>>, where: string): Condition[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new MeasureDefinitionError(`${where} must be a list of conditions.`);
  return raw.map((entry: unknown, i) => {
    const at = `${where}[${i}]`;
    if (!isRecord(entry)) throw new MeasureDefinitionError(`${at} must be an object with column, op and value.`);
    const name = column(columns, entry.column, at);
    const op = oneOf(entry, 'op', CONDITION_OPS, at);
    const value = entry.value;
    if (NO_VALUE.has(op)) {
      if (value !== undefined) throw new MeasureDefinitionError(`${at}: "${op}" takes no value.`);
      if ((op === 'isTrue' || op === 'isFalse') && columns[name] !== 'boolean') throw new MeasureDefinitionError(`${at}: "${op}" needs a true/false column; "${name}" is not one.`);
      return { column: name, op };
    }
    if (LIST.has(op)) {
      if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' || typeof v === 'number')) {
        throw new MeasureDefinitionError(`${at}: "${op}" needs a non-empty list of text or numbers.`);
      }
      return { column: name, op, value: [...(value)] };
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new MeasureDefinitionError(`${at}: "${op}" needs a value (text, a number, true or false).`);
    if (ORDERED.has(op) && columns[name] === 'boolean') throw new MeasureDefinitionError(`${at}: "${op}" cannot compare the true/false column "${name}".`);
    return { column: name, op, value };
  });
}

/** Checks one measure read from data; throws MeasureDefinitionError naming the problem. */
export function parseMeasureDefinition(raw: unknown): MeasureDefinition {
  if (!isRecord(raw)) throw new MeasureDefinitionError('A measure must be a JSON object.');
  const id = raw.id;
  if (typeof id !== 'string' || !ID.test(id)) throw new MeasureDefinitionError(`A measure's "id" must be lower-case letters, digits and hyphens; it was ${JSON.stringify(id)}.`);
  const where = `Measure "${id}"`;
  const view = text(raw, 'view', where);
  const source = sourceByName(view);
  if (source === undefined) throw new MeasureDefinitionError(`${where}: there is no source called "${view}".`);
  const columns = source.columns;
  const kind = oneOf(raw, 'kind', ['proportion', 'mean', 'median', 'count'] as const, where);
  const valueColumn = kind === 'mean' || kind === 'median' ? column(columns, raw.valueColumn, `${where} valueColumn`, ['number']) : undefined;
  if (kind !== 'mean' && kind !== 'median' && raw.valueColumn !== undefined) throw new MeasureDefinitionError(`${where}: only a mean or median has a valueColumn.`);
  const numerator = conditions(raw.numerator, columns, `${where} numerator`);
  const denominator = conditions(raw.denominator, columns, `${where} denominator`);
  if (kind === 'proportion' && numerator.length === 0) throw new MeasureDefinitionError(`${where}: a proportion needs numerator conditions.`);
  if (kind !== 'proportion' && (numerator.length > 0 || denominator.length > 0)) throw new MeasureDefinitionError(`${where}: only a proportion has numerator and denominator; use "filter".`);
  const target = raw.target;
  if (target !== undefined && (typeof target !== 'number' || !Number.isFinite(target))) throw new MeasureDefinitionError(`${where}: "target" must be a number.`);
  const strata = raw.strata ?? STRATUM_IDS;
  if (!Array.isArray(strata) || !strata.every((s) => (STRATUM_IDS as readonly unknown[]).includes(s))) {
    throw new MeasureDefinitionError(`${where}: "strata" must list some of ${STRATUM_IDS.join(', ')}.`);
  }
  return {
    id,
    title: text(raw, 'title', where),
    description: text(raw, 'description', where),
    view,
    dateColumn: column(columns, raw.dateColumn, `${where} dateColumn`, ['timestamp']),
    period: oneOf(raw, 'period', ['week', 'month'] as const, where),
    kind,
    filter: conditions(raw.filter, columns, `${where} filter`),
    denominator,
    numerator,
    ...(valueColumn !== undefined ? { valueColumn } : {}),
    unit: text(raw, 'unit', where),
    improvement: oneOf(raw, 'improvement', ['increase', 'decrease', 'neutral'] as const, where),
    ...(target !== undefined ? { target } : {}),
    organisationColumn: column(columns, raw.organisationColumn ?? 'organisation', `${where} organisationColumn`, ['text']),
    patientColumn: column(columns, raw.patientColumn ?? 'patient', `${where} patientColumn`, ['text']),
    strata: [...(strata as StratumId[])],
  };
}
