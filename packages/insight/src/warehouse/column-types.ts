/**
 * How a view's columns become DuckDB columns, and its values DuckDB values. FHIR's primitive
 * types (http://hl7.org/fhir/R4/datatypes.html#primitive) map to the nearest DuckDB type;
 * dates and times stay text exactly as FHIR wrote them (a FHIR date may be a year or a month
 * alone, which no DuckDB type holds), and a collection column holds its values as a JSON array.
 */
import type { DuckDBAppender } from '@duckdb/node-api';

export type DuckType = 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'DATE' | 'TIMESTAMP';

export interface TableColumn {
  readonly name: string;
  readonly type: DuckType;
}

/** A view column as the views engine describes it (SQL on FHIR v2 §column: name, type, collection). */
export interface ViewColumnLike {
  readonly name: string;
  readonly type?: string;
  readonly collection?: boolean;
}

const FHIR_TO_DUCK: Readonly<Record<string, DuckType>> = {
  integer: 'BIGINT',
  integer64: 'BIGINT',
  positiveInt: 'BIGINT',
  unsignedInt: 'BIGINT',
  decimal: 'DOUBLE',
  boolean: 'BOOLEAN',
};

/** The DuckDB type of a view column: numbers and booleans typed, the rest text (collections as JSON). */
export function duckTypeOf(column: ViewColumnLike): DuckType {
  if (column.collection === true) return 'VARCHAR';
  return (column.type !== undefined ? FHIR_TO_DUCK[column.type] : undefined) ?? 'VARCHAR';
}

/** A SQL identifier in double quotes (a quote inside doubled). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal (a quote inside doubled). */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The bare table name of a view: `view_` and its name in lower case, other characters as `_`. */
export function viewTableName(viewName: string): string {
  return `view_${viewName.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
}

/** The quoted DuckDB table of a view, for SQL: `"view_appointment"`. */
export function viewTable(viewName: string): string {
  return quoteIdentifier(viewTableName(viewName));
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

function asNumber(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'bigint' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/**
 * Appends one value to the appender's current row as `type`. A value that is not of the column's
 * type (a view column declared integer that met text) is stored as NULL rather than failing the load.
 */
export function appendCell(appender: DuckDBAppender, type: DuckType, value: unknown, collection = false): void {
  if (value === null || value === undefined) return appender.appendNull();
  if (collection) return appender.appendVarchar(JSON.stringify(Array.isArray(value) ? value : [value]));
  switch (type) {
    case 'BIGINT': {
      const n = asNumber(value);
      return n === undefined || !Number.isInteger(n) ? appender.appendNull() : appender.appendBigInt(BigInt(n));
    }
    case 'INTEGER': {
      const n = asNumber(value);
      return n === undefined || !Number.isInteger(n) || Math.abs(n) > 2_147_483_647 ? appender.appendNull() : appender.appendInteger(n);
    }
    case 'DOUBLE': {
      const n = asNumber(value);
      return n === undefined ? appender.appendNull() : appender.appendDouble(n);
    }
    case 'BOOLEAN': {
      const b = asBoolean(value);
      return b === undefined ? appender.appendNull() : appender.appendBoolean(b);
    }
    case 'VARCHAR':
    case 'DATE':
    case 'TIMESTAMP':
      return appender.appendVarchar(asText(value));
  }
}

/** A query's value as plain JSON-friendly JavaScript: whole numbers as numbers, times as ISO text, DATE as YYYY-MM-DD. */
export function plainValue(value: unknown, dateOnly = false): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return dateOnly ? value.toISOString().slice(0, 10) : value.toISOString();
  if (Array.isArray(value)) return value.map((v) => plainValue(v));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainValue(v)]));
  return value;
}
