/**
 * Tells a crash test, from outside the Kindred process, that a write transaction is open in the
 * record right now, so that a kill lands inside it rather than before it starts or after it
 * commits. Each backend has an exact signal:
 *
 * - SQLite: a writer holds the database's single write lock from BEGIN IMMEDIATE to COMMIT. The
 *   probe asks for that lock with no busy wait (`BEGIN IMMEDIATE` with busy_timeout 0) and gives
 *   it straight back; SQLITE_BUSY means another connection is inside a write transaction.
 * - PostgreSQL: a session gets a transaction id (`backend_xid` in pg_stat_activity) at its first
 *   write, so a client session of the record's database with one is a transaction that has
 *   written and not yet ended (autovacuum's sessions are left out).
 *
 * Short write transactions (a job poll, a health probe) must not be mistaken for the one under
 * test, so `waitForLongWrite` waits until the same transaction has been seen open for a while.
 * The probe opens its own connection and must only look: it never writes.
 */
import Database from 'better-sqlite3';
import { connectToServer, type CliRecord } from './cli-records.ts';
import { waitUntil } from './kindred-process.ts';

export interface WriteProbe {
  /** an identity of the write transaction open now, or undefined when none is */
  openWrite(): Promise<string | undefined>;
  close(): Promise<void>;
}

function sqliteProbe(file: string): WriteProbe {
  const db = new Database(file, { fileMustExist: true, timeout: 0 });
  return {
    async openWrite() {
      try {
        db.exec('BEGIN IMMEDIATE');
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) return 'write lock held';
        throw error;
      }
      db.exec('ROLLBACK');
      return undefined;
    },
    close: async () => {
      db.close();
    },
  };
}

function postgresProbe(databaseName: string): WriteProbe {
  // one connection to the server's maintenance database, not to the record's: the probe is not a session of the record
  const client = connectToServer();
  client.catch(() => undefined); // a failed connection is reported by the first openWrite
  return {
    async openWrite() {
      const result = await (await client).query<{ pid: number; xid: string }>(
        "SELECT pid, backend_xid::text AS xid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND backend_xid IS NOT NULL ORDER BY pid",
        [databaseName],
      );
      return result.rows.length === 0 ? undefined : result.rows.map((r) => `${r.pid}:${r.xid}`).join(',');
    },
    close: async () => {
      await (await client).end();
    },
  };
}

export function writeProbe(record: CliRecord): WriteProbe {
  if (record.sqliteFile !== undefined) return sqliteProbe(record.sqliteFile);
  if (record.databaseName !== undefined) return postgresProbe(record.databaseName);
  throw new Error('a record has either a SQLite file or a PostgreSQL database');
}

/**
 * Resolves once one write transaction has been seen open, without a break, for `heldMs`;
 * rejects when `gaveUp()` turns true first (e.g. the request it was waiting for has finished).
 */
export async function waitForLongWrite(probe: WriteProbe, options: { heldMs: number; gaveUp: () => string | undefined; timeoutMs?: number }): Promise<{ heldFor: number; identity: string }> {
  let current: string | undefined;
  let since = 0;
  let seen: { heldFor: number; identity: string } | undefined;
  await waitUntil(
    async () => {
      const reason = options.gaveUp();
      if (reason !== undefined) throw new Error(`stopped waiting for a write transaction: ${reason}`);
      const identity = await probe.openWrite();
      const now = Date.now();
      if (identity === undefined || identity !== current) {
        current = identity;
        since = now;
        return false;
      }
      if (now - since < options.heldMs) return false;
      seen = { heldFor: now - since, identity };
      return true;
    },
    { what: 'a long write transaction', intervalMs: 10, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) },
  );
  return seen!;
}
