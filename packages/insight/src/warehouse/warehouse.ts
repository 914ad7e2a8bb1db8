/**
 * The views' analytics copy: an embedded DuckDB database (a file, or ':memory:') holding one
 * table per active view, refreshed from the record (refresh.ts), read with plain SQL by the
 * measures and the pages, and exported as CSV, ndjson or Parquet with DuckDB's COPY.
 *
 * Reads and writes use two connections of one instance, so a page reading a table while the
 * background job refreshes it sees the table as it was before or after, never half of it
 * (DuckDB's snapshot isolation). Writes are queued one at a time.
 */
import { DuckDBInstance, StatementType, type DuckDBConnection, type DuckDBResultReader, type DuckDBValue, DuckDBTypeId } from '@duckdb/node-api';
import type { Repository } from '@kindred/store';
import { compileView } from '../views/index.ts';
import { activeViewDefinitions } from '../views-record/index.ts';
import { appendCell, plainValue, quoteIdentifier, quoteLiteral, viewTableName, type DuckType, type TableColumn } from './column-types.ts';
import { ensureMetaTable, readMeta } from './meta-table.ts';
import { refreshViews, type RefreshOptions, type RefreshReport, type ViewSource } from './refresh.ts';

export type ExportFormat = 'csv' | 'ndjson' | 'parquet';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'ndjson', 'parquet'];

export interface WarehouseStatus {
  view: string;
  table: string;
  rows: number;
  refreshedAt?: string;
}

export interface Warehouse {
  /** read-only SQL (one SELECT or WITH … SELECT) over the view and reference tables; $1, $2 … or ? parameters */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** creates or replaces a reference table (such as ref_imd) with these rows */
  loadTable(name: string, columns: readonly TableColumn[], rows: Iterable<readonly unknown[]>): Promise<void>;
  refresh(record: Repository, options?: RefreshOptions): Promise<RefreshReport>;
  export(viewName: string, format: ExportFormat, path: string): Promise<{ rows: number }>;
  status(): Promise<WarehouseStatus[]>;
  close(): Promise<void>;
}

/** A mistake in what the warehouse was asked (not a read-only query, an unknown view or table name). */
export class WarehouseError extends Error {
  override readonly name = 'WarehouseError';
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function rowsOf(reader: DuckDBResultReader): Record<string, unknown>[] {
  const names = reader.columnNames();
  const dateOnly = names.map((_, i) => reader.columnTypeId(i) === DuckDBTypeId.DATE);
  return reader.getRowsJS().map((row) => Object.fromEntries(names.map((name, i) => [name, plainValue(row[i], dateOnly[i])])));
}

function toDuckValue(value: unknown, position: number): DuckDBValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) && Number.isSafeInteger(value) ? BigInt(value) : value;
  if (value instanceof Date) return value.toISOString();
  throw new WarehouseError(`Query parameter ${position + 1} must be text, a number, true or false, or null.`);
}

const COPY_OPTIONS: Readonly<Record<ExportFormat, string>> = {
  csv: 'FORMAT csv, HEADER true',
  ndjson: 'FORMAT json',
  parquet: 'FORMAT parquet',
};

async function runWrites(db: DuckDBInstance): Promise<DuckDBConnection> {
  const connection = await db.connect();
  await ensureMetaTable(connection);
  return connection;
}

/** The active views of the record, compiled; a definition that does not compile is reported, not fatal. */
async function activeSources(record: Repository): Promise<{ sources: ViewSource[]; errors: { view: string; message: string }[] }> {
  const sources: ViewSource[] = [];
  const errors: { view: string; message: string }[] = [];
  const names = new Set<string>();
  for (const { id, view } of await activeViewDefinitions(record)) {
    try {
      const compiled = compileView(view);
      if (names.has(compiled.name)) throw new Error(`another active ViewDefinition is also named "${compiled.name}"`);
      names.add(compiled.name);
      sources.push({ compiled, definition: view });
    } catch (error) {
      errors.push({ view: typeof view.name === 'string' ? view.name : `ViewDefinition/${id}`, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { sources, errors };
}

export interface WarehouseOptions {
  /** a DuckDB file, or ':memory:' */
  path: string;
  /** where the views come from; default the active ViewDefinitions in the record being refreshed */
  views?: (record: Repository) => Promise<{ sources: ViewSource[]; errors: { view: string; message: string }[] }>;
}

export async function openWarehouse(options: WarehouseOptions): Promise<Warehouse> {
  const viewsOf = options.views ?? activeSources;
  const db = await DuckDBInstance.create(options.path);
  const writer = await runWrites(db);
  const reader = await db.connect();
  let writing: Promise<unknown> = Promise.resolve();
  let closed = false;

  /** Runs write work after the writes before it, whether they failed or not. */
  const queued = <T>(work: () => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new WarehouseError('The analytics copy is closed.'));
    const next = writing.then(work, work);
    writing = next.catch(() => undefined);
    return next;
  };

  const refreshSources = (record: Repository, sources: readonly ViewSource[], refreshOptions: RefreshOptions = {}): Promise<RefreshReport> =>
    queued(() => refreshViews(writer, record, sources, refreshOptions));

  return {
    async query(sql, params = []) {
      const extracted = await reader.extractStatements(sql);
      if (extracted.count !== 1) throw new WarehouseError('Give exactly one SELECT statement.');
      const statement = await extracted.prepare(0);
      try {
        if (statement.statementType !== StatementType.SELECT) throw new WarehouseError('Only SELECT (and WITH … SELECT) reads the analytics copy; it cannot be changed through a query.');
        if (params.length > 0) statement.bind(params.map(toDuckValue));
        return rowsOf(await statement.runAndReadAll());
      } finally {
        statement.destroySync();
      }
    },

    async loadTable(name, columns, rows) {
      if (!TABLE_NAME.test(name) || name.startsWith('view_') || name.startsWith('kindred_')) {
        throw new WarehouseError(`"${name}" cannot name a reference table: use letters, digits and _, not starting with view_ or kindred_.`);
      }
      if (columns.length === 0) throw new WarehouseError(`The reference table "${name}" needs at least one column.`);
      return queued(async () => {
        // Dates and times are appended as text and cast once the rows are in.
        const staging = `${name}__loading`;
        const stagingType = (type: DuckType): DuckType => (type === 'DATE' || type === 'TIMESTAMP' ? 'VARCHAR' : type);
        await writer.run(`CREATE OR REPLACE TABLE ${quoteIdentifier(staging)} (${columns.map((c) => `${quoteIdentifier(c.name)} ${stagingType(c.type)}`).join(', ')})`);
        const appender = await writer.createAppender(staging);
        try {
          for (const row of rows) {
            columns.forEach((column, i) => appendCell(appender, stagingType(column.type), row[i]));
            appender.endRow();
          }
          appender.flushSync();
        } finally {
          appender.closeSync();
        }
        const select = columns.map((c) => `CAST(${quoteIdentifier(c.name)} AS ${c.type}) AS ${quoteIdentifier(c.name)}`).join(', ');
        await writer.run('BEGIN TRANSACTION');
        try {
          await writer.run(`CREATE OR REPLACE TABLE ${quoteIdentifier(name)} AS SELECT ${select} FROM ${quoteIdentifier(staging)}`);
          await writer.run(`DROP TABLE ${quoteIdentifier(staging)}`);
          await writer.run('COMMIT');
        } catch (error) {
          await writer.run('ROLLBACK');
          throw error;
        }
      });
    },

    async refresh(record, refreshOptions = {}) {
      const { sources, errors } = await viewsOf(record);
      const report = await refreshSources(record, sources, refreshOptions);
      return { ...report, errors: [...errors, ...report.errors] };
    },

    async export(viewName, format, path) {
      if (!EXPORT_FORMATS.includes(format)) throw new WarehouseError(`"${String(format)}" is not an export format: use csv, ndjson or parquet.`);
      const meta = await readMeta(reader);
      const known = meta.get(viewName) ?? [...meta.values()].find((m) => m.table === viewTableName(viewName));
      if (known === undefined) throw new WarehouseError(`There is no view "${viewName}" in the analytics copy; refresh it first (kindred views refresh) or check the name (kindred views status).`);
      const result = await reader.run(`COPY (SELECT * FROM ${quoteIdentifier(known.table)}) TO ${quoteLiteral(path)} (${COPY_OPTIONS[format]})`);
      return { rows: result.rowsChanged };
    },

    async status() {
      const meta = await readMeta(reader);
      return [...meta.values()].map((m) => ({ view: m.view, table: m.table, rows: m.rows, refreshedAt: m.refreshedAt }));
    },

    async close() {
      if (closed) return;
      await writing;
      closed = true;
      reader.closeSync();
      writer.closeSync();
      db.closeSync();
    },
  };
}
