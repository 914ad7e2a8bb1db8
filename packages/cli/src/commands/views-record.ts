/**
 * `kindred views run NAME` and `kindred views list`: the ViewDefinitions kept in the record. The
 * operator on the machine (the local administrator access, as for `kindred export`) runs the active
 * view named NAME over the whole record and gets its rows on stdout, as a JSON array or CSV; the
 * reads go on the audit trail like any other. Rows are written as they come, never all held at once.
 */
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { auditedRepository, createAuditWriter, localAdministratorAccess, scopedRepository } from '@kindred/access';
import { activeViewDefinitions, checkViewDefinition, rowsToCsv, runViewOverRecord, type StoredViewDefinition } from '@kindred/insight';
import type { Repository } from '@kindred/store';
import { STORE_OPTIONS, UsageError, openStoreFromFlags } from '../store-options.ts';

export const viewsRecordUsage = `kindred views run NAME [--format json|csv] [--data DIR | --database-url URL]
kindred views list [--data DIR | --database-url URL]

  run NAME runs the record's active ViewDefinition named NAME over the whole record and prints its
  rows: a JSON array (the default) or CSV with a header line. list shows the active views: name,
  resource type and title, one a line.`;

const FORMATS = new Set(['json', 'csv']);
/** CSV rows are turned into text this many at a time. */
const CSV_BATCH = 500;

async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

function nameOf(view: StoredViewDefinition): string {
  return typeof view.view.name === 'string' ? view.view.name : '';
}

/** The one active view named `name`; an unknown or ambiguous name is an error listing what there is. */
function viewNamed(views: readonly StoredViewDefinition[], name: string): StoredViewDefinition {
  const found = views.filter((v) => nameOf(v) === name);
  if (found.length === 1) return found[0]!;
  if (found.length > 1) {
    throw new Error(`${found.length} active ViewDefinitions are named "${name}" (${found.map((v) => `ViewDefinition/${v.id}`).join(', ')}); retire all but one.`);
  }
  const names = [...new Set(views.map(nameOf).filter((n) => n !== ''))];
  throw new Error(
    names.length === 0
      ? `No active ViewDefinition named "${name}": the record has no active views.`
      : `No active ViewDefinition named "${name}". The active views are: ${names.join(', ')}.`,
  );
}

async function printJson(rows: AsyncIterable<Record<string, unknown>>): Promise<number> {
  let count = 0;
  for await (const row of rows) {
    await write(`${count === 0 ? '[\n' : ',\n'}${JSON.stringify(row)}`);
    count += 1;
  }
  await write(count === 0 ? '[]\n' : '\n]\n');
  return count;
}

async function printCsv(view: Record<string, unknown>, rows: AsyncIterable<Record<string, unknown>>): Promise<number> {
  const { columns } = checkViewDefinition(view);
  let batch: Record<string, unknown>[] = [];
  let count = 0;
  const flush = async (): Promise<void> => {
    const csv = rowsToCsv(columns, batch);
    // the header line goes out once, before the first batch
    await write(count === batch.length ? csv : csv.slice(csv.indexOf('\r\n') + 2));
    batch = [];
  };
  for await (const row of rows) {
    batch.push(row);
    count += 1;
    if (batch.length === CSV_BATCH) await flush();
  }
  if (batch.length > 0 || count === 0) await flush();
  return count;
}

async function run(repository: Repository, name: string, format: string): Promise<number> {
  const view = viewNamed(await activeViewDefinitions(repository), name).view;
  const rows = runViewOverRecord(repository, view);
  if (format === 'csv') await printCsv(view, rows);
  else await printJson(rows);
  return 0;
}

async function list(repository: Repository): Promise<number> {
  const views = await activeViewDefinitions(repository);
  if (views.length === 0) {
    process.stdout.write('No active ViewDefinition is in the record.\n');
    return 0;
  }
  for (const { view } of views) {
    const text = (value: unknown): string => (typeof value === 'string' ? value : '');
    process.stdout.write(`${text(view.name)}\t${text(view.resource)}\t${text(view.title)}\n`);
  }
  return 0;
}

export async function runViewsRecord(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { ...STORE_OPTIONS, ...(sub === 'run' ? { format: { type: 'string' } } : {}) } });
  const format = (values as { format?: string }).format ?? 'json';
  if (sub === 'run') {
    if (positionals.length !== 1) throw new UsageError('Name one view to run, e.g. kindred views run appointment (kindred views list shows them).');
    if (!FORMATS.has(format)) throw new UsageError(`--format must be json or csv, not "${format}".`);
  } else if (positionals.length > 0) {
    throw new UsageError(`kindred views list takes no names (got "${positionals.join(' ')}").`);
  }
  const store = await openStoreFromFlags(values);
  const access = localAdministratorAccess();
  const audit = createAuditWriter(store.audit);
  try {
    // reading the record from the command line is on the audit trail too (docs/decisions/0009-audit-trail.md)
    const repository = auditedRepository(scopedRepository(store.repository, access), access, audit);
    return sub === 'run' ? await run(repository, positionals[0]!, format) : await list(repository);
  } finally {
    await audit.flush();
    await store.close();
  }
}
