/**
 * `kindred reference load imd FILE [--edition NAME]` and `kindred reference list`: the operator
 * loads a published reference table (the English Indices of Deprivation by LSOA, in its official
 * CSV form) into the store, beside the record, and sees which editions are loaded. Loading an
 * edition again replaces it. It never touches the FHIR record and never fetches data itself.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { parseImdCsv } from '@kindred/store';
import { createProgress, formatCount } from '../progress.ts';
import { STORE_OPTIONS, UsageError, openStoreFromFlags } from '../store-options.ts';

export const referenceUsage = `kindred reference load imd FILE [--edition NAME] [--data DIR | --database-url URL]
kindred reference list [--data DIR | --database-url URL]

  load imd: loads the English Indices of Deprivation by LSOA from the published CSV file (a
  header line with the columns lsoa_code, imd_rank, imd_decile, then one line per LSOA; rank 1 and
  decile 1 are the most deprived). --edition names it (default: the file's name without .csv, e.g.
  imd2025_england_lsoa21_rank_decile). Loading an edition again replaces its rows; the edition
  loaded last is the one Kindred uses. A bad line stops the load, names the line and loads nothing.
  list: the loaded editions, the one in use first.`;

function editionFrom(file: string): string {
  return basename(file, extname(file));
}

async function loadImd(file: string, edition: string | undefined, flags: { data?: string; 'database-url'?: string }): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read "${file}": ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message}.`);
  }
  const rows = parseImdCsv(text, basename(file));
  const name = edition ?? editionFrom(file);
  const store = await openStoreFromFlags(flags);
  try {
    const progress = createProgress(`Loading IMD edition ${name}`, rows.length);
    const loaded = await store.reference.loadImd(rows, name, { onProgress: (done) => progress.update(done, `${formatCount(done)} LSOAs`) });
    progress.finish(`${formatCount(loaded)} LSOAs`);
    process.stdout.write(`Loaded IMD edition "${name}": ${formatCount(loaded)} LSOAs into ${store.description}; it is now the edition in use.\n`);
    return 0;
  } finally {
    await store.close();
  }
}

async function list(flags: { data?: string; 'database-url'?: string }): Promise<number> {
  const store = await openStoreFromFlags(flags);
  try {
    const editions = await store.reference.imdEditions();
    if (editions.length === 0) {
      process.stdout.write('No IMD edition is loaded. Load the published file with "kindred reference load imd FILE".\n');
      return 0;
    }
    for (const e of editions) {
      process.stdout.write(`imd  ${e.edition}  ${formatCount(e.rows)} LSOAs  loaded ${e.loadedAt}${e.current ? '  (in use)' : ''}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

export async function runReference(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...STORE_OPTIONS, edition: { type: 'string' } } });
  const [action, table, file, ...extra] = positionals;
  const flags = { ...(values.data !== undefined ? { data: values.data } : {}), ...(values['database-url'] !== undefined ? { 'database-url': values['database-url'] } : {}) };
  if (action === 'list' && positionals.length === 1) {
    if (values.edition !== undefined) throw new UsageError('--edition goes with "load imd FILE", not with "list".');
    return list(flags);
  }
  if (action !== 'load') throw new UsageError(action === undefined ? 'Name what to do: load or list.' : `Unknown reference command "${positionals.join(' ')}"; the ones there are: load, list.`);
  if (table !== 'imd') throw new UsageError(table === undefined ? 'Name the table to load: imd.' : `Unknown reference table "${table}"; the one there is: imd.`);
  if (file === undefined) throw new UsageError('Give the IMD CSV file to load, e.g. kindred reference load imd imd2025_england_lsoa21_rank_decile.csv.');
  if (extra.length > 0) throw new UsageError(`Load one file at a time (also given: ${extra.join(' ')}).`);
  return loadImd(file, values.edition, flags);
}
