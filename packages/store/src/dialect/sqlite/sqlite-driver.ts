/**
 * SQLite backend (better-sqlite3, WAL). One writer connection guarded by an async mutex, and a
 * separate reader connection so reads see only committed data and never wait for a writer
 * (https://www.sqlite.org/wal.html). Other processes (an import while the server runs) share the
 * file: BEGIN IMMEDIATE takes the write lock up front and busy_timeout waits for it.
 *
 * Durability: synchronous=NORMAL in WAL mode keeps every committed transaction across a process
 * crash (kill -9); only a power loss may lose the last ones, never corrupting the file.
 */
import Database from 'better-sqlite3';
import { FhirError } from '@kindred/fhir';
import { Mutex } from '../../sql/mutex.ts';
import type { SqlDriver, SqlValue } from '../../sql/driver.ts';

type Connection = Database.Database;
type Statement = Database.Statement<unknown[], unknown>;

const STATEMENT_CACHE_LIMIT = 400;
/** Rows per multi-row INSERT; well under SQLite's limit of 32,766 parameters for our widest table. */
const ROWS_PER_INSERT = 100;
const BUSY_TIMEOUT_MS = 15_000;

/** KiB of page cache: the writer holds the index pages a bulk import keeps touching. */
const WRITER_CACHE_KIB = 262_144;
const READER_CACHE_KIB = 65_536;
/**
 * Pages of WAL before it is copied back into the database. Larger than SQLite's default (1,000)
 * so that index pages changed by many transactions are copied once, not once per transaction:
 * bulk import runs markedly faster, for at most ~160 MiB of WAL on disk.
 */
const WAL_AUTOCHECKPOINT_PAGES = 40_000;

function openConnection(file: string, readonly: boolean): Connection {
  const db = new Database(file, readonly ? { readonly: true, fileMustExist: true } : {});
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  }
  db.pragma(`cache_size = -${readonly ? READER_CACHE_KIB : WRITER_CACHE_KIB}`);
  db.pragma('temp_store = MEMORY');
  db.pragma('mmap_size = 268435456');
  return db;
}

class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Connection) {}

  get(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_LIMIT) {
        const oldest = this.statements.keys().next().value;
        if (oldest !== undefined) this.statements.delete(oldest);
      }
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}

/** SQLite reports contention as SQLITE_BUSY; to a client that is "try again", not a server fault. */
function translate(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) {
    return new FhirError('UNAVAILABLE', 'The database is busy with another write; try again.', { cause: error });
  }
  return error;
}

function run<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw translate(error);
  }
}

function queryOn<T>(cache: StatementCache, sql: string, params: readonly SqlValue[]): T[] {
  return run(() => {
    const stmt = cache.get(sql);
    if (stmt.reader) return stmt.all(...params) as T[];
    stmt.run(...params);
    return [];
  });
}

function executeOn(cache: StatementCache, sql: string, params: readonly SqlValue[]): number {
  return run(() => cache.get(sql).run(...params).changes);
}

/** The driver inside a transaction: every statement goes to the writer connection. */
class SqliteTransaction implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  readonly reordersFilters = false;

  constructor(
    private readonly writer: Connection,
    private readonly cache: StatementCache,
  ) {}

  async query<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return queryOn<T>(this.cache, sql, params);
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return executeOn(this.cache, sql, params);
  }

  transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T> {
    return work(this);
  }

  async insertMany(table: string, columns: readonly string[], values: readonly SqlValue[]): Promise<void> {
    if (values.length === 0) return;
    // Many rows per statement: one call into SQLite per ROWS_PER_INSERT rows instead of one per row.
    const width = columns.length;
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    const statementFor = (n: number): Statement =>
      this.cache.get(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: n }, () => tuple).join(', ')}`);
    const rows = values.length / width;
    run(() => {
      const full = statementFor(ROWS_PER_INSERT);
      const step = ROWS_PER_INSERT * width;
      let i = 0;
      for (; i + step <= values.length; i += step) full.run(...values.slice(i, i + step));
      if (i < values.length) statementFor(rows - i / width).run(...values.slice(i));
    });
  }

  async updateMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    if (rows.length === 0) return;
    const [key, ...rest] = columns;
    const stmt = this.cache.get(`UPDATE ${table} SET ${rest.map((c) => `${c} = ?`).join(', ')} WHERE ${key} = ?`);
    run(() => {
      for (const row of rows) stmt.run(...row.slice(1), row[0] ?? null);
    });
  }

  async lockUntilCommit(_key: string): Promise<void> {
    // BEGIN IMMEDIATE already holds the database's only write lock for this whole transaction.
  }

  async allocateResourceIds(count: number): Promise<number[]> {
    // Inside BEGIN IMMEDIATE this connection holds the database's only write lock, so MAX(rid)
    // cannot move under us, even with another process writing the same file.
    const row = this.cache.get('SELECT COALESCE(MAX(rid), 0) AS m FROM resource').get() as { m: number };
    return Array.from({ length: count }, (_, i) => row.m + 1 + i);
  }

  async executeScript(sql: string): Promise<void> {
    run(() => this.writer.exec(sql));
  }

  async analyze(): Promise<void> {
    run(() => this.writer.exec('PRAGMA analysis_limit = 1000; ANALYZE;'));
  }

  async maintain(): Promise<void> {
    run(() => this.writer.exec('PRAGMA optimize;'));
  }

  async relaxCommitForBulkImport(): Promise<void> {
    // synchronous=NORMAL in WAL mode already commits without waiting for the disk
  }

  async close(): Promise<void> {
    throw new Error('a transaction cannot close the database');
  }
}

export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  readonly reordersFilters = false;
  private readonly writer: Connection;
  private readonly writerCache: StatementCache;
  private reader: Connection | undefined;
  private readerCache: StatementCache | undefined;
  private readonly lock = new Mutex();
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
    this.writer = openConnection(file, false);
    this.writerCache = new StatementCache(this.writer);
    // Statistics for the query planner, refreshed only where they are missing or stale
    // (https://www.sqlite.org/pragma.html#pragma_optimize: the recommended call for a long-lived connection).
    this.writer.pragma('optimize = 0x10002');
  }

  /** The reader opens lazily: the file must exist (the writer creates it) and be in WAL mode. */
  private readerStatements(): StatementCache {
    if (!this.readerCache) {
      this.reader = openConnection(this.file, true);
      this.readerCache = new StatementCache(this.reader);
    }
    return this.readerCache;
  }

  async query<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return queryOn<T>(this.readerStatements(), sql, params);
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.transaction((tx) => tx.execute(sql, params));
  }

  transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      run(() => this.writer.exec('BEGIN IMMEDIATE'));
      try {
        const result = await work(new SqliteTransaction(this.writer, this.writerCache));
        run(() => this.writer.exec('COMMIT'));
        return result;
      } catch (error) {
        if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
        throw error;
      }
    });
  }

  insertMany(table: string, columns: readonly string[], values: readonly SqlValue[]): Promise<void> {
    return this.transaction((tx) => tx.insertMany(table, columns, values));
  }

  updateMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    return this.transaction((tx) => tx.updateMany(table, columns, rows));
  }

  allocateResourceIds(): Promise<number[]> {
    return Promise.reject(new Error('allocateResourceIds needs a transaction'));
  }

  lockUntilCommit(_key: string): Promise<void> {
    return Promise.reject(new Error('lockUntilCommit needs a transaction'));
  }

  executeScript(sql: string): Promise<void> {
    return this.transaction((tx) => tx.executeScript(sql));
  }

  async analyze(): Promise<void> {
    await this.lock.run(async () => {
      run(() => this.writer.exec('PRAGMA analysis_limit = 1000; ANALYZE;'));
    });
  }

  async maintain(): Promise<void> {
    await this.lock.run(async () => {
      run(() => this.writer.exec('PRAGMA optimize;'));
    });
  }

  async relaxCommitForBulkImport(): Promise<void> {
    // see SqliteTransaction
  }

  async close(): Promise<void> {
    await this.lock.run(async () => {
      this.reader?.close();
      this.writer.close();
    });
  }
}
