/**
 * The floor: how fast this machine and backend can store the same JSON lines with no work at all —
 * read from the same files, split into lines (never parsed), inserted as they are into one table
 * with no indexes, 1000 lines per transaction. The import is judged against it ("within 4× of the
 * floor"), so the floor must be honest: the same pragmas as the store's SQLite writer, and the
 * same batch-insert style (unnest of a text array) as the store's PostgreSQL driver.
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { BackendKind, BenchOptions } from './options.ts';
import { createDatabase, createScratchDir } from './backends.ts';

export const FLOOR_BATCH = 1000;

export interface FloorResult {
  rows: number;
  seconds: number;
  /** rows per second */
  rate: number;
}

/** Every line of every ndjson file in `dir` (sorted by name, as the import reads a folder), in batches. */
export async function* lineBatches(dir: string, size: number): AsyncGenerator<string[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.ndjson')).sort();
  let batch: string[] = [];
  for (const file of files) {
    let rest = '';
    for await (const chunk of createReadStream(join(dir, file), { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const lines = (rest + (chunk as string)).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') continue;
        batch.push(line);
        if (batch.length === size) {
          yield batch;
          batch = [];
        }
      }
    }
    if (rest !== '') batch.push(rest);
  }
  if (batch.length > 0) yield batch;
}

/** Mirrors the writer connection of the store's SQLite driver (dialect/sqlite/sqlite-driver.ts). */
function openLikeStore(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('busy_timeout = 15000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  db.pragma('mmap_size = 268435456');
  return db;
}

async function sqliteFloor(areaDir: string, workDir: string, label: string): Promise<FloorResult> {
  const scratch = await createScratchDir(workDir, 'floor', label);
  const db = openLikeStore(join(scratch.dir, 'floor.db'));
  try {
    db.exec('CREATE TABLE floor_resource (content TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO floor_resource (content) VALUES (?)');
    const insertBatch = db.transaction((lines: readonly string[]) => {
      for (const line of lines) insert.run(line);
    });
    let rows = 0;
    const started = performance.now();
    for await (const batch of lineBatches(areaDir, FLOOR_BATCH)) {
      // BEGIN IMMEDIATE, as the store's driver begins every write transaction.
      insertBatch.immediate(batch);
      rows += batch.length;
    }
    const seconds = (performance.now() - started) / 1000;
    return { rows, seconds, rate: rows / seconds };
  } finally {
    db.close();
    await scratch.remove();
  }
}

async function postgresFloor(areaDir: string, adminUrl: string, label: string): Promise<FloorResult> {
  const database = await createDatabase(adminUrl, 'floor', label);
  const client = new pg.Client({ connectionString: database.url });
  try {
    await client.connect();
    await client.query('CREATE TABLE floor_resource (content TEXT NOT NULL)');
    let rows = 0;
    const started = performance.now();
    for await (const batch of lineBatches(areaDir, FLOOR_BATCH)) {
      // One statement per batch is one transaction: the store's driver sends the same unnest form.
      await client.query('INSERT INTO floor_resource (content) SELECT * FROM unnest($1::text[])', [batch]);
      rows += batch.length;
    }
    const seconds = (performance.now() - started) / 1000;
    return { rows, seconds, rate: rows / seconds };
  } finally {
    await client.end().catch(() => undefined);
    await database.drop();
  }
}

export function runFloor(kind: BackendKind, areaDir: string, options: Pick<BenchOptions, 'workDir' | 'databaseUrl'>, label: string): Promise<FloorResult> {
  return kind === 'sqlite' ? sqliteFloor(areaDir, options.workDir, label) : postgresFloor(areaDir, options.databaseUrl, label);
}
