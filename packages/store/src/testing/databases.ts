/**
 * Test support: every storage test runs on each backend. SQLite always (a fresh temporary data
 * directory per store); PostgreSQL when a server answers at KINDRED_TEST_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test), each store in its own schema, dropped afterwards.
 * Without a server the PostgreSQL tests are skipped and say why, unless KINDRED_REQUIRE_POSTGRES=1
 * (CI), which turns the skip into a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store, type StoreConfig } from '../open-store.ts';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestBackend {
  name: 'SQLite' | 'PostgreSQL';
  /** why this backend's tests are skipped, or undefined when they run */
  skip: string | undefined;
  /** a fresh, empty store and the config that opens it again (e.g. from a child process) */
  open(): Promise<TestStore>;
}

export interface TestStore extends Store {
  config: StoreConfig;
  /** closes and deletes the store's data */
  destroy(): Promise<void>;
}

export function testDatabaseUrl(): string {
  return process.env.KINDRED_TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
}

async function postgresAnswers(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function withCleanup(store: Store, config: StoreConfig, cleanup: () => Promise<void>): Promise<TestStore> {
  let closed = false;
  return {
    ...store,
    config,
    close: async () => {
      if (!closed) await store.close();
      closed = true;
    },
    destroy: async () => {
      if (!closed) await store.close();
      closed = true;
      await cleanup();
    },
  };
}

export async function openSqliteTestStore(): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kindred-test-'));
  const config: StoreConfig = { kind: 'sqlite', dataDir };
  return withCleanup(await openStore(config), config, async () => rmSync(dataDir, { recursive: true, force: true }));
}

export async function openPostgresTestStore(url = testDatabaseUrl()): Promise<TestStore> {
  const schema = `kindred_test_${randomBytes(6).toString('hex')}`;
  const config: StoreConfig = { kind: 'postgres', databaseUrl: url, schema, maxConnections: 4 };
  return withCleanup(await openStore(config), config, async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });
}

/** The backends to run storage tests on. Call once per test file, at module level (top-level await). */
export async function testBackends(): Promise<TestBackend[]> {
  const url = testDatabaseUrl();
  const problem = await postgresAnswers(url);
  if (problem !== undefined && process.env.KINDRED_REQUIRE_POSTGRES === '1') {
    throw new Error(`KINDRED_REQUIRE_POSTGRES=1 but PostgreSQL at ${url} does not answer: ${problem}`);
  }
  return [
    { name: 'SQLite', skip: undefined, open: openSqliteTestStore },
    {
      name: 'PostgreSQL',
      skip: problem === undefined ? undefined : `skipped: no PostgreSQL server answers at ${url} (${problem}); set KINDRED_TEST_DATABASE_URL or run .ci/run`,
      open: () => openPostgresTestStore(url),
    },
  ];
}
