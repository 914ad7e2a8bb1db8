/**
 * `kindred views run NAME` and `kindred views list`: the ViewDefinitions kept in the record. The
 * operator on the machine (the local administrator access, as for `kindred export`) runs the active
 * view named NAME over the whole record and gets its rows on stdout, as a JSON array or CSV; the
 * reads go on the audit trail like any other. Rows are written as they come, never all held at once.
 */
import { parseArgs } from 'node:util';
import { auditedRepository, createAuditWriter, localAdministratorAccess, scopedRepository } from '@kindred/access';
import { activeViewDefinitions, checkViewDefinition, runViewOverRecord, type StoredViewDefinition } from '@kindred/insight';
import type { Repository } from '@kindred/store';
import { STORE_OPTIONS, UsageError, openStoreFromFlags } from '../store-options.ts';
import { isRowFormat, RowPrinter, type RowFormat } from './view-output.ts';

export const viewsRecordUsage = `kindred views run NAME [--format json|csv] [--data DIR | --database-url URL]
kindred views list [--data DIR | --database-url URL]

  run NAME runs the record's active ViewDefinition named NAME over the whole record and prints its
  rows: a JSON array (the default) or CSV with a header line. list shows the active views: name,
  resource type and title, one a line.`;

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

async function run(repository: Repository, name: string, format: RowFormat): Promise<number> {
  const view = viewNamed(await activeViewDefinitions(repository), name).view;
  const out = new RowPrinter(format, checkViewDefinition(view).columns);
  await out.begin();
  for await (const row of runViewOverRecord(repository, view)) await out.row(row);
  await out.end();
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
    if (!isRowFormat(format)) throw new UsageError(`--format must be json or csv, not "${format}".`);
  } else if (positionals.length > 0) {
    throw new UsageError(`kindred views list takes no names (got "${positionals.join(' ')}").`);
  }
  const store = await openStoreFromFlags(values);
  const access = localAdministratorAccess();
  const audit = createAuditWriter(store.audit);
  try {
    // reading the record from the command line is on the audit trail too (docs/decisions/0009-audit-trail.md)
    const repository = auditedRepository(scopedRepository(store.repository, access), access, audit);
    return sub === 'run' ? await run(repository, positionals[0]!, format as RowFormat) : await list(repository);
  } finally {
    await audit.flush();
    await store.close();
  }
}
