/**
 * `kindred import PATH… [--data DIR | --database-url URL]`: loads Bulk Data ndjson (and JSON
 * Bundles) into the record, keeping the resources' ids, in batches, with a progress bar. Every bad
 * line is reported with file:line and the reason and the good ones are still imported; importing
 * the same files again changes nothing. Safe while a server runs on the same data (each batch is
 * one short transaction).
 */
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import { AuditAction, AuditEventType, AuditOutcome, DEFAULT_AUDIT_SOURCE, auditEvent, localAdministratorAccess, scopedRepository } from '@kindred/access';
import type { AuditEventInput, ImportLineResult, PreparedImport, Repository, SearchParamIds } from '@kindred/store';
import { createProgress, formatCount } from '../progress.ts';
import { planFiles, readSource, type SourceItem } from '../import-source.ts';
import { createPreparePool, defaultWorkerCount, type PrepareInput } from '../prepare-pool.ts';
import { STORE_OPTIONS, UsageError, openStoreFromFlags } from '../store-options.ts';

export const importUsage = `kindred import PATH… [--data DIR | --database-url URL] [--batch N] [--workers N]

  Loads FHIR resources from Bulk Data ndjson files (one resource per line) or JSON files holding
  one resource or one Bundle; PATH may be a folder of such files (named after their type, e.g.
  Patient.000.ndjson). Resources keep their ids. Importing the same files twice changes nothing.
  --batch: resources per transaction (default 1000). --workers: threads that prepare resources
  while the main thread writes (default: one per core beyond the first; 0 prepares on the main thread).`;

export interface ImportSummary {
  byType: Record<string, { created: number; updated: number; unchanged: number }>;
  /** in file order, then line (or entry) order */
  rejected: { where: string; reason: string }[];
  total: number;
}

const DEFAULT_BATCH = 1000;

function where(item: SourceItem): string {
  return `${item.file}:${item.positionKind === 'line' ? '' : 'entry '}${item.position}`;
}

export interface ImportOptions {
  /** the store's search parameter ids, to prepare index rows with */
  searchParamIds: SearchParamIds;
  batchSize?: number;
  quiet?: boolean;
  /** preparation worker threads; 0 prepares on the main thread */
  workers?: number;
}

/**
 * Imports the files into `repository`; reports progress; returns what happened to every line.
 * Reading, preparing (worker threads) and writing (this thread) overlap: while one batch is being
 * written the next ones are being prepared, a bounded number ahead so memory stays flat.
 */
export async function importFiles(repository: Repository, paths: readonly string[], options: ImportOptions): Promise<ImportSummary> {
  const { files, skipped } = planFiles(paths);
  for (const s of skipped) process.stderr.write(`skipped ${s.path}: ${s.reason}\n`);
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  const progress = options.quiet ? undefined : createProgress('Importing', totalBytes);
  const summary: ImportSummary = { byType: {}, rejected: [], total: 0 };
  // Parse failures are known when read, validation failures when their batch is written: both
  // are kept with their place and reported in file order.
  const rejected: { file: number; position: number; where: string; reason: string }[] = [];
  const fileIndex = new Map(files.map((f, i) => [f.path, i]));
  const reject = (item: SourceItem, reason: string): void => {
    summary.total++;
    rejected.push({ file: fileIndex.get(item.file) ?? 0, position: item.position, where: where(item), reason });
  };
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const workers = options.workers ?? defaultWorkerCount();
  const pool = createPreparePool(workers, options.searchParamIds);
  const maxAhead = Math.max(2, workers * 2);
  const inFlight: { items: SourceItem[]; prepared: Promise<PreparedImport[]>; bytesDone: number }[] = [];
  let written = 0;
  const started = Date.now();

  const record = (item: SourceItem, result: ImportLineResult): void => {
    if (result.outcome === 'rejected') {
      reject(item, result.reason ?? 'rejected');
      return;
    }
    summary.total++;
    const type = result.resourceType ?? 'unknown';
    const counts = (summary.byType[type] ??= { created: 0, updated: 0, unchanged: 0 });
    counts[result.outcome]++;
    written++;
  };

  // Writes the oldest batch in flight (batches are written in the order they were read).
  const writeOldest = async (): Promise<void> => {
    const oldest = inFlight.shift();
    if (!oldest) return;
    const results = await repository.importPrepared(await oldest.prepared);
    oldest.items.forEach((item, i) => record(item, results[i]!));
    const rate = written / Math.max(0.001, (Date.now() - started) / 1000);
    progress?.update(oldest.bytesDone, `${formatCount(written)} resources, ${formatCount(Math.round(rate))}/s`);
  };

  const send = async (batch: SourceItem[], bytesDone: number): Promise<void> => {
    if (batch.length === 0) return;
    const inputs: PrepareInput[] = batch.map((item) => (item.text !== undefined ? { text: item.text } : { value: item.value }));
    inFlight.push({ items: batch, prepared: pool.prepare(inputs), bytesDone });
    if (inFlight.length >= maxAhead) await writeOldest();
  };

  try {
    let doneBefore = 0;
    for (const file of files) {
      let batch: SourceItem[] = [];
      for await (const item of readSource(file)) {
        if (item.error !== undefined) {
          reject(item, item.error);
          continue;
        }
        batch.push(item);
        if (batch.length >= batchSize) {
          await send(batch, doneBefore + item.bytesRead);
          batch = [];
        }
      }
      doneBefore += file.size;
      await send(batch, doneBefore);
    }
    while (inFlight.length > 0) await writeOldest();
  } finally {
    await pool.close();
  }
  progress?.finish(`${formatCount(written)} resources from ${files.length} file${files.length === 1 ? '' : 's'}`);
  rejected.sort((a, b) => a.file - b.file || a.position - b.position);
  summary.rejected = rejected.map(({ where: w, reason }) => ({ where: w, reason }));
  return summary;
}

export function formatSummary(summary: ImportSummary): string {
  const rows = Object.entries(summary.byType).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(12, ...rows.map(([t]) => t.length));
  const head = `${'type'.padEnd(width)}  ${'created'.padStart(9)}  ${'updated'.padStart(9)}  ${'unchanged'.padStart(9)}`;
  const lines = rows.map(
    ([type, c]) => `${type.padEnd(width)}  ${formatCount(c.created).padStart(9)}  ${formatCount(c.updated).padStart(9)}  ${formatCount(c.unchanged).padStart(9)}`,
  );
  const totals = rows.reduce((t, [, c]) => ({ created: t.created + c.created, updated: t.updated + c.updated, unchanged: t.unchanged + c.unchanged }), {
    created: 0,
    updated: 0,
    unchanged: 0,
  });
  lines.push(`${'total'.padEnd(width)}  ${formatCount(totals.created).padStart(9)}  ${formatCount(totals.updated).padStart(9)}  ${formatCount(totals.unchanged).padStart(9)}`);
  lines.push(`rejected: ${formatCount(summary.rejected.length)}`);
  return [head, ...lines].join('\n');
}

function importAuditEvent(paths: readonly string[], summary: ImportSummary): AuditEventInput {
  const counts = Object.entries(summary.byType)
    .map(([type, c]) => `${type} ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`)
    .join('; ');
  return auditEvent({ access: localAdministratorAccess() }, DEFAULT_AUDIT_SOURCE, {
    type: AuditEventType.import,
    action: AuditAction.create,
    outcome: summary.rejected.length > 0 ? AuditOutcome.minorFailure : AuditOutcome.success,
    ...(summary.rejected.length > 0 ? { outcomeDesc: `${summary.rejected.length} line(s) rejected` } : {}),
    description: `kindred import of ${paths.map((p) => basename(p)).join(', ')}: ${counts || 'nothing'}`,
  });
}

export async function runImport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...STORE_OPTIONS, batch: { type: 'string' }, workers: { type: 'string' }, quiet: { type: 'boolean' } },
  });
  if (positionals.length === 0) throw new UsageError('Name at least one ndjson file, JSON file or folder to import.');
  const batchSize = values.batch === undefined ? DEFAULT_BATCH : Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new UsageError('--batch must be a whole number from 1 to 100000.');
  const workers = values.workers === undefined ? defaultWorkerCount() : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 0 || workers > 64) throw new UsageError('--workers must be a whole number from 0 to 64.');
  const store = await openStoreFromFlags(values);
  try {
    process.stderr.write(`Importing into ${store.description}\n`);
    // The operator holds the database itself; the access layer still sees (and, later, audits) the import.
    const repository = scopedRepository(store.repository, localAdministratorAccess());
    const summary = await importFiles(repository, positionals, { searchParamIds: store.searchParamIds, batchSize, workers, quiet: values.quiet === true });
    // One audit entry per import run: who loaded which files, and how much of each type. (One entry
    // per resource would add more to the trail than the import adds to the record.)
    await store.audit.append([importAuditEvent(positionals, summary)]);
    // New data changes which index finds what fastest: refresh the planner's statistics.
    await store.analyze();
    for (const r of summary.rejected) process.stderr.write(`${r.where}: ${r.reason}\n`);
    process.stdout.write(`${formatSummary(summary)}\n`);
    return summary.rejected.length > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}
