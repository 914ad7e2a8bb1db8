/**
 * Fresh, throwaway stores for the benchmark: SQLite in a new data folder under the work folder,
 * PostgreSQL in a new database `kindred_bench_<…>` created on the administrative connection and
 * dropped afterwards. Also decides which backends run when the command line does not say.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import Database from 'better-sqlite3';
import type { StoreConfig } from '@kindred/store';
import type { BackendKind, BenchOptions } from './options.ts';

export interface BenchStore {
  backend: BackendKind;
  /** how `kindred import|serve|token` name this store */
  cliArgs: string[];
  /** how the harness opens it in-process (search) */
  config: StoreConfig;
  /** for people: the data folder or the database name, never a password */
  where: string;
  /** ends every server-side session on this store (PostgreSQL), e.g. a query whose client was killed */
  endSessions(): Promise<void>;
  destroy(): Promise<void>;
}

export interface BackendPlan {
  kinds: BackendKind[];
  /** why PostgreSQL is left out, when it is */
  note?: string;
  sqliteVersion: string;
  postgresVersion?: string;
}

/** The server's version, or the reason it does not answer. */
async function postgresVersion(url: string): Promise<{ version?: string; problem?: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    return { version: result.rows[0]?.server_version ?? 'unknown' };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function sqliteLibraryVersion(): string {
  const db = new Database(':memory:');
  try {
    return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}

/** A url for the database `name` on the same server as `adminUrl`, for display without credentials. */
export function databaseUrl(adminUrl: string, name: string): { url: string; shown: string } {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), shown: `${u.hostname}:${u.port || '5432'}/${name}` };
}

export async function planBackends(options: Pick<BenchOptions, 'backends' | 'databaseUrl'>): Promise<BackendPlan> {
  const sqliteVersion = sqliteLibraryVersion();
  const { version, problem } = await postgresVersion(options.databaseUrl);
  const where = databaseUrl(options.databaseUrl, new URL(options.databaseUrl).pathname.slice(1)).shown;
  if (options.backends !== undefined) {
    if (options.backends.includes('postgres') && problem !== undefined) throw new Error(`PostgreSQL does not answer at ${where}: ${problem}`);
    return { kinds: [...options.backends], sqliteVersion, ...(version !== undefined ? { postgresVersion: version } : {}) };
  }
  if (problem !== undefined) {
    return { kinds: ['sqlite'], sqliteVersion, note: `PostgreSQL does not answer at ${where} (${problem}): measuring SQLite only. Set --database-url or KINDRED_BENCH_DATABASE_URL.` };
  }
  return { kinds: ['sqlite', 'postgres'], sqliteVersion, ...(version !== undefined ? { postgresVersion: version } : {}) };
}

function uniqueName(purpose: string, label: string): string {
  return `kindred_bench_${purpose}_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A new, empty PostgreSQL database and a way to drop it (FORCE ends connections left open). */
export async function createDatabase(adminUrl: string, purpose: string, label: string): Promise<{ url: string; shown: string; endSessions(): Promise<void>; drop(): Promise<void> }> {
  const name = uniqueName(purpose, label);
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  return {
    ...databaseUrl(adminUrl, name),
    endSessions: () =>
      withAdmin(adminUrl, async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      }),
    drop: () => withAdmin(adminUrl, async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

/** A new folder under the work folder, and a way to delete it. */
export async function createScratchDir(workDir: string, purpose: string, label: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = join(workDir, 'stores', uniqueName(purpose, label));
  await mkdir(dir, { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A fresh, empty store of `kind` (the import's migrations create its tables). */
export async function createBenchStore(kind: BackendKind, options: Pick<BenchOptions, 'databaseUrl' | 'workDir' | 'keep'>, label: string): Promise<BenchStore> {
  if (kind === 'sqlite') {
    const scratch = await createScratchDir(options.workDir, 'sqlite', label);
    return {
      backend: kind,
      cliArgs: ['--data', scratch.dir],
      config: { kind: 'sqlite', dataDir: scratch.dir },
      where: scratch.dir,
      endSessions: () => Promise.resolve(),
      destroy: () => (options.keep ? Promise.resolve() : scratch.remove()),
    };
  }
  const database = await createDatabase(options.databaseUrl, 'store', label);
  return {
    backend: kind,
    cliArgs: ['--database-url', database.url],
    config: { kind: 'postgres', databaseUrl: database.url, maxConnections: 4 },
    where: database.shown,
    endSessions: () => database.endSessions(),
    destroy: () => (options.keep ? Promise.resolve() : database.drop()),
  };
}
