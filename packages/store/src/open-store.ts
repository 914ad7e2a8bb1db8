/**
 * The one place that knows both backends: opens SQLite (the embedded default, a file in the data
 * directory) or PostgreSQL (a database url), runs the migrations, and hands back the store.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Repository } from './repository.ts';
import type { SqlDriver } from './sql/driver.ts';
import { migrate } from './sql/migrations.ts';
import { SqliteDriver } from './dialect/sqlite/sqlite-driver.ts';
import { sqliteMigrations } from './dialect/sqlite/sqlite-schema.ts';
import { PostgresDriver } from './dialect/postgres/postgres-driver.ts';
import { postgresMigrations } from './dialect/postgres/postgres-schema.ts';
import { loadSearchParamIds, type SearchParamIds } from './search-param-ids.ts';
import { SqlRepository } from './sql-repository.ts';
import { sqlSettings, type Settings } from './settings.ts';
import { sqlJobs, type Jobs } from './jobs.ts';
import { sqlIdentityTables, type IdentityTables } from './identity/index.ts';
import { sqlMessageOutbox, type MessageOutbox } from './message-outbox.ts';
import { sqlAuditTrail, type AuditTrail } from './audit/audit-trail.ts';
import { sqlImdTable, type ReferenceTables } from './reference/index.ts';

export type StoreConfig =
  | { kind: 'sqlite'; dataDir: string }
  | { kind: 'postgres'; databaseUrl: string; schema?: string; maxConnections?: number };

export interface Store {
  readonly repository: Repository;
  readonly settings: Settings;
  readonly jobs: Jobs;
  /** accounts, OAuth clients and the sign-in service's records (used by @kindred/access identity) */
  readonly identity: IdentityTables;
  /** messages waiting to be sent (email, SMS, letter) */
  readonly outbox: MessageOutbox;
  /** the tamper-evident audit trail (append, verify, the events about a patient) */
  readonly audit: AuditTrail;
  /** published reference tables an operator loads (deprivation by LSOA), beside the record, not in it */
  readonly reference: ReferenceTables;
  /** the ids of the search parameters in this store's index tables (for preparing imports in worker threads) */
  readonly searchParamIds: SearchParamIds;
  /** the database, for modules of the store package (jobs); nothing above the store uses it */
  readonly driver: SqlDriver;
  /** "SQLite at data/kindred.db" / "PostgreSQL at host:port/db" — for people, never secrets */
  readonly description: string;
  /** refreshes the query planner's statistics; run after a large import */
  analyze(): Promise<void>;
  /** cheap periodic upkeep (statistics where they went stale); a server runs it every hour */
  maintain(): Promise<void>;
  close(): Promise<void>;
}

export const SQLITE_FILE = 'kindred.db';

function describePostgres(url: string, schema: string | undefined): string {
  try {
    const u = new URL(url);
    return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}${schema ? ` (schema ${schema})` : ''}`;
  } catch {
    return 'PostgreSQL';
  }
}

export async function openStore(config: StoreConfig): Promise<Store> {
  let driver: SqlDriver;
  let description: string;
  if (config.kind === 'sqlite') {
    const dir = resolve(config.dataDir);
    mkdirSync(dir, { recursive: true });
    driver = new SqliteDriver(join(dir, SQLITE_FILE));
    description = `SQLite at ${join(config.dataDir, SQLITE_FILE)}`;
  } else {
    const pg = new PostgresDriver({
      connectionString: config.databaseUrl,
      ...(config.schema !== undefined ? { schema: config.schema } : {}),
      ...(config.maxConnections !== undefined ? { maxConnections: config.maxConnections } : {}),
    });
    if (config.schema !== undefined) await pg.execute(`CREATE SCHEMA IF NOT EXISTS ${config.schema}`);
    driver = pg;
    description = describePostgres(config.databaseUrl, config.schema);
  }
  try {
    await migrate(driver, config.kind === 'sqlite' ? sqliteMigrations : postgresMigrations);
    const pids = await loadSearchParamIds(driver);
    return {
      repository: new SqlRepository(driver, pids),
      settings: sqlSettings(driver),
      jobs: sqlJobs(driver),
      identity: sqlIdentityTables(driver),
      outbox: sqlMessageOutbox(driver),
      audit: sqlAuditTrail(driver),
      reference: sqlImdTable(driver),
      searchParamIds: pids,
      driver,
      description,
      analyze: () => driver.analyze(),
      maintain: () => driver.maintain(),
      close: () => driver.close(),
    };
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
}
