/**
 * `kindred views refresh|export|status`: the views' analytics copy (decision 0017), a DuckDB file
 * beside the record. `refresh` brings it up to date from the record as Kindred's insight service
 * (installing the built-in views first), `export` writes one view's table as CSV, ndjson or
 * Parquet, and `status` lists the views in the copy.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAuditWriter, defaultAccessPolicy, loadAccessPolicy, type AccessPolicy } from '@kindred/access';
import { BUILT_IN_VIEWS, EXPORT_FORMATS, WarehouseError, ensureViewDefinitions, openWarehouse, refreshAllMeasures, refreshImdTable, type ExportFormat, type Warehouse } from '@kindred/insight';
import { insightRecord } from '@kindred/server';
import { createProgress, formatCount, type Progress } from '../progress.ts';
import { STORE_OPTIONS, UsageError, openStoreFromFlags, storeConfig, type StoreFlags } from '../store-options.ts';

export const viewsWarehouseUsage = `kindred views refresh [--full] [--data DIR | --database-url URL] [--analytics FILE]
kindred views export NAME --format csv|ndjson|parquet --out FILE [--data DIR | --analytics FILE]
kindred views status [--data DIR | --analytics FILE]

  The analytics copy is --analytics FILE (or KINDRED_ANALYTICS_PATH), by default analytics.duckdb
  in the data directory. With PostgreSQL each process keeps its own copy: give --analytics FILE.`;

const ANALYTICS_FILE = 'analytics.duckdb';

/** Where the analytics copy is: KINDRED_ANALYTICS_PATH, else beside the SQLite record, else (PostgreSQL) in memory. */
export function analyticsPathOf(flags: StoreFlags & { analytics?: string }, env: NodeJS.ProcessEnv = process.env): string {
  const given = flags.analytics ?? env.KINDRED_ANALYTICS_PATH;
  if (given !== undefined && given !== '') return given;
  const config = storeConfig(flags, env);
  return config.kind === 'sqlite' ? join(config.dataDir, ANALYTICS_FILE) : ':memory:';
}

const OPTIONS = { ...STORE_OPTIONS, analytics: { type: 'string' }, full: { type: 'boolean' }, format: { type: 'string' }, out: { type: 'string' } } as const;

function accessPolicyOf(env: NodeJS.ProcessEnv): AccessPolicy {
  const file = env.KINDRED_ACCESS_POLICY;
  if (file === undefined || file === '') return defaultAccessPolicy();
  try {
    return loadAccessPolicy(file);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Opens the copy; a file another process holds (a running kindred serve) gets a message that says so. */
async function open(path: string): Promise<Warehouse> {
  try {
    return await openWarehouse({ path });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/lock/i.test(message)) throw new WarehouseError(`The analytics copy ${path} is in use by another process (a running kindred serve keeps it up to date itself).`);
    throw new WarehouseError(`The analytics copy ${path} could not be opened: ${message}`);
  }
}

/** An existing copy, for reading: export and status never make one. */
async function openExisting(path: string): Promise<Warehouse> {
  if (path === ':memory:') throw new UsageError('With PostgreSQL the analytics copy belongs to each process: give --analytics FILE (or KINDRED_ANALYTICS_PATH).');
  if (!existsSync(path)) throw new WarehouseError(`There is no analytics copy at ${path} yet: make it with kindred views refresh.`);
  return open(path);
}

function rate(rows: number, ms: number): string {
  return ms > 0 ? `${formatCount(Math.round((rows * 1000) / ms))} rows/s` : `${formatCount(rows)} rows`;
}

async function refresh(flags: StoreFlags & { analytics?: string; full?: boolean }): Promise<number> {
  const path = analyticsPathOf(flags);
  const warehouse = await open(path);
  try {
    const store = await openStoreFromFlags(flags);
    const audit = createAuditWriter(store.audit);
    try {
      const record = await insightRecord(store, accessPolicyOf(process.env), audit);
      await ensureViewDefinitions(record, BUILT_IN_VIEWS);
      let progress: Progress | undefined;
      const report = await warehouse.refresh(record, {
        full: flags.full === true,
        onProgress: (done, total) => {
          progress ??= createProgress('Refreshing views', total ?? 0);
          progress.update(done, `${formatCount(done)} of ${formatCount(total ?? done)} resources`);
        },
      });
      progress?.finish(`${formatCount(report.rowsWritten)} rows written`);
      for (const view of report.views) {
        process.stdout.write(`${view.view}: ${formatCount(view.rows)} rows (${view.mode}, ${formatCount(view.rowsWritten)} written from ${formatCount(view.resources)} resources in ${view.ms} ms)\n`);
      }
      for (const table of report.dropped) process.stdout.write(`${table}: dropped (its view is no longer active)\n`);
      const kept = path === ':memory:' ? 'memory (nothing is kept: give --analytics FILE to keep it)' : path;
      process.stdout.write(`Refreshed ${report.views.length} views into ${kept} in ${report.ms} ms: ${formatCount(report.rowsWritten)} rows written, ${rate(report.rowsWritten, report.ms)}.\n`);
      const imd = await refreshImdTable(warehouse, store.reference);
      if (imd.lsoas > 0) process.stdout.write(`Deprivation: ${formatCount(imd.loaded)} of the area's ${formatCount(imd.lsoas)} LSOAs found in the loaded IMD edition.\n`);
      const measures = await refreshAllMeasures(warehouse);
      process.stdout.write(`Refreshed ${measures.measures} measures (${formatCount(measures.series)} series and breakdowns) in ${measures.ms} ms.\n`);
      for (const { view, message } of report.errors) process.stderr.write(`The view "${view}" was not refreshed fully: ${message}\n`);
      return report.errors.length > 0 ? 1 : 0;
    } finally {
      await audit.flush();
      await store.close();
    }
  } finally {
    await warehouse.close();
  }
}

function formatOf(value: string | undefined): ExportFormat {
  if (value === undefined) throw new UsageError('Give the format: --format csv, ndjson or parquet.');
  if (!(EXPORT_FORMATS as readonly string[]).includes(value)) throw new UsageError(`--format must be csv, ndjson or parquet (got "${value}").`);
  return value as ExportFormat;
}

async function exportView(name: string | undefined, flags: StoreFlags & { analytics?: string; format?: string; out?: string }): Promise<number> {
  if (name === undefined) throw new UsageError('Give the name of the view to export, e.g. kindred views export appointment --format csv --out appointment.csv');
  const format = formatOf(flags.format);
  if (flags.out === undefined || flags.out === '') throw new UsageError('Give the file to write: --out FILE.');
  const warehouse = await openExisting(analyticsPathOf(flags));
  try {
    const { rows } = await warehouse.export(name, format, flags.out);
    process.stdout.write(`Wrote ${formatCount(rows)} rows of ${name} to ${flags.out} (${format}).\n`);
    return 0;
  } finally {
    await warehouse.close();
  }
}

async function status(flags: StoreFlags & { analytics?: string }): Promise<number> {
  const path = analyticsPathOf(flags);
  const warehouse = await openExisting(path);
  try {
    const views = await warehouse.status();
    if (views.length === 0) {
      process.stdout.write(`The analytics copy ${path} holds no views yet: run kindred views refresh.\n`);
      return 0;
    }
    const width = Math.max(4, ...views.map((v) => v.view.length));
    process.stdout.write(`${'view'.padEnd(width)}  ${'rows'.padStart(10)}  refreshed\n`);
    for (const v of views) process.stdout.write(`${v.view.padEnd(width)}  ${formatCount(v.rows).padStart(10)}  ${v.refreshedAt ?? 'never'}\n`);
    return 0;
  } finally {
    await warehouse.close();
  }
}

/** `args` starts with the subcommand: refresh, export or status. */
export async function runViewsWarehouse(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true });
  switch (sub) {
    case 'refresh':
      if (positionals.length > 0) throw new UsageError(`kindred views refresh takes no names (got "${positionals.join(' ')}"); it refreshes every active view.`);
      return refresh(values);
    case 'export':
      if (positionals.length > 1) throw new UsageError('kindred views export takes one view name.');
      return exportView(positionals[0], values);
    case 'status':
      return status(values);
    case undefined:
    default:
      throw new UsageError(`"${String(sub)}" is not a subcommand of the analytics copy: use refresh, export or status.`);
  }
}
