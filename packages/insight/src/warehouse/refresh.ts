/**
 * Refreshing the analytics copy from the record (decision 0017). A view whose table is missing or
 * whose definition changed, or every view when asked for a full refresh, is rebuilt from all
 * current resources of its type into a new table that replaces the old one in one transaction.
 * Otherwise a view is brought up to date from the record's system history since its watermark,
 * less an overlap window: each changed resource's rows are deleted and the rows of its newest
 * version inserted (none when it was deleted). Applying a change only depends on that newest
 * version, so reading a change twice (the overlap) does no harm.
 *
 * This room reads the record only through the Repository it is given (in Kindred, an
 * access-checked and audited one); it writes only DuckDB.
 */
import { createHash } from 'node:crypto';
import { listValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { HistoryEntry, Repository } from '@kindred/store';
import { appendCell, duckTypeOf, quoteIdentifier, viewTableName, type DuckType, type ViewColumnLike } from './column-types.ts';
import { deleteMeta, readMeta, writeMeta, type ViewMeta } from './meta-table.ts';

/** Changes committed up to this long before the watermark are read again: commits can land out of order. */
export const OVERLAP_MS = 2 * 60_000;
const HISTORY_PAGE = 1_000;
/** more changed resources than this since the watermark: rebuilding is cheaper than applying them one by one */
export const MAX_INCREMENTAL_CHANGES = 20_000;
const DELETE_BATCH = 5_000;

/** What the refresh needs of a compiled view (the views engine's CompiledView). */
export interface RefreshableView {
  readonly name: string;
  readonly resource: string;
  readonly columns: readonly ViewColumnLike[];
  rows(resource: unknown): Record<string, unknown>[];
}

export interface ViewSource {
  /** the compiled view */
  readonly compiled: RefreshableView;
  /** the ViewDefinition it was compiled from, whose hash decides whether the table is rebuilt */
  readonly definition: Record<string, unknown>;
}

export interface ViewRefreshReport {
  view: string;
  table: string;
  mode: 'full' | 'incremental';
  /** rows in the table afterwards */
  rows: number;
  /** resources read (full) or changed resources applied (incremental) */
  resources: number;
  /** rows written in this refresh */
  rowsWritten: number;
  ms: number;
}

export interface RefreshReport {
  views: ViewRefreshReport[];
  /** views whose definition would not compile or whose rows failed, with the reason */
  errors: { view: string; message: string }[];
  /** tables dropped because their view is no longer active */
  dropped: string[];
  rowsWritten: number;
  ms: number;
  /** rows written per second over the whole refresh */
  rowsPerSecond: number;
}

export interface RefreshOptions {
  full?: boolean;
  /** more changes than this since the last refresh rebuild the views instead; default MAX_INCREMENTAL_CHANGES */
  maxIncrementalChanges?: number;
  onProgress?: (done: number, total?: number) => void;
  /** the clock, for tests; default Date.now */
  now?: () => number;
}

/** Stable JSON (keys sorted) of a definition without its bookkeeping (id, meta, text), hashed. */
export function definitionHash(definition: Record<string, unknown>): string {
  const stable = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(stable);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, stable((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  const { id: _id, meta: _meta, text: _text, ...content } = definition;
  return createHash('sha256').update(JSON.stringify(stable(content))).digest('hex');
}

interface Target {
  source: ViewSource;
  table: string;
  hash: string;
  types: readonly DuckType[];
  collections: readonly boolean[];
  error?: string;
}

function targetOf(source: ViewSource): Target {
  const { columns } = source.compiled;
  return {
    source,
    table: viewTableName(source.compiled.name),
    hash: definitionHash(source.definition),
    types: columns.map(duckTypeOf),
    collections: columns.map((c) => c.collection === true),
  };
}

function createTableSql(table: string, target: Target): string {
  const columns = target.source.compiled.columns.map((c, i) => `${quoteIdentifier(c.name)} ${target.types[i] ?? 'VARCHAR'}`);
  return `CREATE OR REPLACE TABLE ${quoteIdentifier(table)} (${[...columns, '"_resource" VARCHAR NOT NULL'].join(', ')})`;
}

/** Appends a resource's rows to a view's table; a resource the view fails on is noted and skipped. */
function appendRows(appender: DuckDBAppender, target: Target, resource: { resourceType: string; id: string }): number {
  let rows: Record<string, unknown>[];
  try {
    rows = target.source.compiled.rows(resource);
  } catch (error) {
    target.error ??= `${resource.resourceType}/${resource.id}: ${error instanceof Error ? error.message : String(error)}`;
    return 0;
  }
  const key = `${resource.resourceType}/${resource.id}`;
  const { columns } = target.source.compiled;
  for (const row of rows) {
    columns.forEach((column, i) => appendCell(appender, target.types[i] ?? 'VARCHAR', row[column.name], target.collections[i] ?? false));
    appender.appendVarchar(key);
    appender.endRow();
  }
  return rows.length;
}

async function countRows(connection: DuckDBConnection, table: string): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT count(*) FROM ${quoteIdentifier(table)}`);
  return Number(reader.getRowsJS()[0]?.[0] ?? 0);
}

async function tableExists(connection: DuckDBConnection, table: string): Promise<boolean> {
  const reader = await connection.runAndReadAll('SELECT count(*) FROM information_schema.tables WHERE table_name = ?', [table]);
  return Number(reader.getRowsJS()[0]?.[0] ?? 0) > 0;
}

async function inTransaction<T>(connection: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const result = await work();
    await connection.run('COMMIT');
    return result;
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}

interface Progress {
  done: number;
  total?: number;
  report(step?: number): void;
}

function progressOf(onProgress: RefreshOptions['onProgress'], total?: number): Progress {
  const progress: Progress = {
    done: 0,
    ...(total !== undefined ? { total } : {}),
    report(step = 1) {
      progress.done += step;
      if (onProgress !== undefined && (progress.done % 1_000 === 0 || progress.done === progress.total)) onProgress(progress.done, progress.total);
    },
  };
  return progress;
}

/** Rebuilds the tables of views of one resource type from every current resource of that type. */
async function rebuildType(
  connection: DuckDBConnection,
  record: Repository,
  type: string,
  targets: readonly Target[],
  watermark: number,
  progress: Progress,
): Promise<ViewRefreshReport[]> {
  const started = Date.now();
  const building = targets.map((t) => `${t.table}__building`);
  for (const [i, target] of targets.entries()) await connection.run(createTableSql(building[i]!, target));
  const appenders = await Promise.all(building.map((table) => connection.createAppender(table)));
  const written = targets.map(() => 0);
  let resources = 0;
  try {
    for await (const resource of record.exportResources({ types: [type] })) {
      resources += 1;
      targets.forEach((target, i) => (written[i]! += appendRows(appenders[i]!, target, resource)));
      progress.report();
    }
    for (const appender of appenders) appender.flushSync();
  } finally {
    for (const appender of appenders) appender.closeSync();
  }
  const refreshedAt = new Date().toISOString();
  return inTransaction(connection, async () => {
    const reports: ViewRefreshReport[] = [];
    for (const [i, target] of targets.entries()) {
      await connection.run(`DROP TABLE IF EXISTS ${quoteIdentifier(target.table)}`);
      await connection.run(`ALTER TABLE ${quoteIdentifier(building[i]!)} RENAME TO ${quoteIdentifier(target.table)}`);
      const rows = written[i]!;
      await writeMeta(connection, { view: target.source.compiled.name, table: target.table, resourceType: type, definitionHash: target.hash, watermark, rows, refreshedAt });
      reports.push({ view: target.source.compiled.name, table: target.table, mode: 'full', rows, resources, rowsWritten: rows, ms: Date.now() - started });
    }
    return reports;
  });
}

interface Change {
  version: number;
  entry: HistoryEntry;
}

/**
 * The newest version of each resource of `types` changed at or after `since`, from system history;
 * undefined when there are more than `limit` (a bulk import): the caller rebuilds instead.
 */
async function changesSince(record: Repository, since: number, types: ReadonlySet<string>, limit: number): Promise<Map<string, Change> | undefined> {
  const changes = new Map<string, Change>();
  let cursor: string | undefined;
  do {
    const page = await record.history({ since, count: HISTORY_PAGE, ...(cursor !== undefined ? { cursor } : {}) });
    for (const entry of page.entries) {
      if (!types.has(entry.resourceType)) continue;
      const key = `${entry.resourceType}/${entry.id}`;
      const version = Number(entry.versionId);
      const seen = changes.get(key);
      if (seen === undefined || version > seen.version) changes.set(key, { version, entry });
    }
    if (changes.size > limit) return undefined;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return changes;
}

/** Applies changed resources to one view's table: their old rows out, their newest version's rows in. */
async function applyChanges(connection: DuckDBConnection, target: Target, changes: readonly Change[], watermark: number, progress: Progress): Promise<ViewRefreshReport> {
  const started = Date.now();
  const table = quoteIdentifier(target.table);
  let rowsWritten = 0;
  await inTransaction(connection, async () => {
    for (let i = 0; i < changes.length; i += DELETE_BATCH) {
      const keys = changes.slice(i, i + DELETE_BATCH).map((c) => `${c.entry.resourceType}/${c.entry.id}`);
      await connection.run(`DELETE FROM ${table} WHERE "_resource" IN (SELECT unnest(?::VARCHAR[]))`, [listValue(keys)]);
    }
    const appender = await connection.createAppender(target.table);
    try {
      for (const change of changes) {
        if (change.entry.method !== 'delete' && change.entry.resource !== undefined) rowsWritten += appendRows(appender, target, change.entry.resource);
        progress.report();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  });
  const rows = await countRows(connection, target.table);
  await writeMeta(connection, {
    view: target.source.compiled.name,
    table: target.table,
    resourceType: target.source.compiled.resource,
    definitionHash: target.hash,
    watermark,
    rows,
    refreshedAt: new Date().toISOString(),
  });
  return { view: target.source.compiled.name, table: target.table, mode: 'incremental', rows, resources: changes.length, rowsWritten, ms: Date.now() - started };
}

/**
 * Refreshes the tables of `sources` (the active views) from `record`; tables of views that are
 * no longer active are dropped. The caller serialises refreshes on one connection.
 */
export async function refreshViews(connection: DuckDBConnection, record: Repository, sources: readonly ViewSource[], options: RefreshOptions = {}): Promise<RefreshReport> {
  const now = options.now ?? Date.now;
  const started = now();
  const startedMs = Date.now();
  const meta = await readMeta(connection);
  const targets = sources.map(targetOf);
  const full: Target[] = [];
  let incremental: { target: Target; meta: ViewMeta }[] = [];
  for (const target of targets) {
    const known = meta.get(target.source.compiled.name);
    const current = known !== undefined && known.definitionHash === target.hash && known.table === target.table && (await tableExists(connection, target.table));
    if (options.full === true || !current) full.push(target);
    else incremental.push({ target, meta: known });
  }

  const dropped: string[] = [];
  const active = new Set(targets.map((t) => t.source.compiled.name));
  for (const known of meta.values()) {
    if (active.has(known.view)) continue;
    await connection.run(`DROP TABLE IF EXISTS ${quoteIdentifier(known.table)}`);
    await deleteMeta(connection, known.view);
    dropped.push(known.table);
  }

  const since = Math.min(...incremental.map((i) => i.meta.watermark)) - OVERLAP_MS;
  const limit = options.maxIncrementalChanges ?? MAX_INCREMENTAL_CHANGES;
  const changedTypes = new Set(incremental.map((i) => i.target.source.compiled.resource));
  // A bulk load since the last refresh stops the reading of changes early: the views are rebuilt.
  let changes: Map<string, Change> | undefined = new Map<string, Change>();
  if (incremental.length > 0) changes = await changesSince(record, since, changedTypes, limit);
  if (changes === undefined) {
    full.push(...incremental.map((i) => i.target));
    incremental = [];
    changes = new Map<string, Change>();
  }
  // The work ahead, for progress: every resource of the rebuilt views' types, then the changes.
  const fullTypes = [...new Set(full.map((t) => t.source.compiled.resource))];
  const counts = fullTypes.length > 0 ? await record.countByType() : {};
  const changed = [...changes.values()];
  const perView = incremental.map(({ target }) => changed.filter((c) => c.entry.resourceType === target.source.compiled.resource));
  const total = fullTypes.reduce((sum, type) => sum + (counts[type] ?? 0), 0) + perView.reduce((sum, list) => sum + list.length, 0);
  const progress = progressOf(options.onProgress, total);

  const reports: ViewRefreshReport[] = [];
  for (const type of fullTypes) reports.push(...(await rebuildType(connection, record, type, full.filter((t) => t.source.compiled.resource === type), started, progress)));
  for (const [i, { target }] of incremental.entries()) reports.push(await applyChanges(connection, target, perView[i]!, started, progress));
  options.onProgress?.(progress.done, total);

  const rowsWritten = reports.reduce((sum, r) => sum + r.rowsWritten, 0);
  const ms = Date.now() - startedMs;
  return {
    views: reports,
    errors: targets.filter((t) => t.error !== undefined).map((t) => ({ view: t.source.compiled.name, message: t.error! })),
    dropped,
    rowsWritten,
    ms,
    rowsPerSecond: ms > 0 ? Math.round((rowsWritten * 1000) / ms) : rowsWritten,
  };
}
