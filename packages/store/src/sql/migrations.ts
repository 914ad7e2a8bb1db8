/**
 * Versioned schema migrations, run on every start (and by every command that opens a store).
 * Each dialect lists its migrations in `<dialect>-schema.ts` with the same versions and names;
 * applied versions are recorded in `kindred_migration`, so a migration runs exactly once.
 * On PostgreSQL an advisory lock keeps two nodes starting together from migrating twice.
 */
import type { SqlDriver } from './driver.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATION_LOCK = 4_242_001;

export async function migrate(driver: SqlDriver, migrations: readonly Migration[]): Promise<number[]> {
  return driver.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
    await tx.executeScript(
      'CREATE TABLE IF NOT EXISTS kindred_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const applied = new Set((await tx.query<{ version: number }>('SELECT version FROM kindred_migration')).map((r) => Number(r.version)));
    const ran: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      await tx.executeScript(m.sql);
      await tx.execute('INSERT INTO kindred_migration (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, new Date().toISOString()]);
      ran.push(m.version);
    }
    return ran;
  });
}
