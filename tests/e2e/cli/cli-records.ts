/**
 * Records for CLI tests, on each backend: a fresh SQLite data folder, or a fresh PostgreSQL
 * database (the CLI takes only --database-url, so a schema of a shared database will not do):
 * `CREATE DATABASE kindred_cli_<random>` on the test server, dropped afterwards. Skips, and their
 * reasons, come from the store's own test support, so these tests skip exactly when the storage
 * tests do. A test may also open the record in its own process to look underneath the CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, SQLITE_FILE, type Store, type StoreConfig } from '@kindred/store';
import { testBackends, testDatabaseUrl } from '@kindred/store/testing';

export interface CliRecord {
  backend: 'SQLite' | 'PostgreSQL';
  /** the flags that point a command at this record: --data DIR or --database-url URL */
  flags: readonly string[];
  config: StoreConfig;
  /** SQLite: the database file */
  sqliteFile?: string;
  /** PostgreSQL: the database's name */
  databaseName?: string;
  /** what the CLI says it opened, e.g. "SQLite at …/kindred.db" */
  description: string;
  /** opens the record in the test's process (runs the migrations, as any command does) */
  open(): Promise<Store>;
  /** deletes the record */
  destroy(): Promise<void>;
}

export interface CliBackend {
  name: 'SQLite' | 'PostgreSQL';
  /** why this backend's tests are skipped, or undefined when they run */
  skip: string | undefined;
  create(): Promise<CliRecord>;
}

/** A scratch folder for a test's input and output files. */
export function scratchDir(label: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `kindred-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

function createSqliteRecord(): Promise<CliRecord> {
  const dir = scratchDir('cli-data');
  const config: StoreConfig = { kind: 'sqlite', dataDir: dir.path };
  return Promise.resolve({
    backend: 'SQLite',
    flags: ['--data', dir.path],
    config,
    sqliteFile: join(dir.path, SQLITE_FILE),
    description: `SQLite at ${join(dir.path, SQLITE_FILE)}`,
    open: () => openStore(config),
    destroy: async () => dir.remove(),
  });
}

/** A connection to the PostgreSQL server's test database (KINDRED_TEST_DATABASE_URL), for administration and watching. */
export async function connectToServer(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  return client;
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectToServer();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createPostgresRecord(): Promise<CliRecord> {
  const name = `kindred_cli_${randomBytes(6).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const config: StoreConfig = { kind: 'postgres', databaseUrl, maxConnections: 4 };
  return {
    backend: 'PostgreSQL',
    flags: ['--database-url', databaseUrl],
    config,
    databaseName: name,
    description: `PostgreSQL at ${url.hostname}:${url.port || '5432'}/${name}`,
    open: () => openStore(config),
    // FORCE: a child killed with SIGKILL may leave a session the server has not yet noticed is gone.
    destroy: async () => {
      await onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** The backends to run CLI tests on. Call once per test file, at module level (top-level await). */
export async function cliBackends(): Promise<CliBackend[]> {
  const backends = await testBackends();
  return backends.map((b) => ({
    name: b.name,
    skip: b.skip,
    create: b.name === 'SQLite' ? createSqliteRecord : createPostgresRecord,
  }));
}

/**
 * Opens the record after a crash and checks the database itself is sound: SQLite's
 * `PRAGMA integrity_check` says "ok" (opening first lets SQLite recover from the WAL, as the next
 * Kindred process would); PostgreSQL recovers on its own, so the store opening and answering is
 * the check there.
 */
export async function openAfterCrash(record: CliRecord): Promise<{ store: Store; integrity: string }> {
  const store = await record.open();
  if (record.backend === 'SQLite') {
    const rows = await store.driver.query<{ integrity_check: string }>('PRAGMA integrity_check');
    return { store, integrity: rows.map((r) => r.integrity_check).join('\n') };
  }
  const rows = await store.driver.query<{ ok: number }>('SELECT 1 AS ok');
  return { store, integrity: Number(rows[0]?.ok) === 1 ? 'ok' : 'no answer' };
}
