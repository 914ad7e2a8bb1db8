/**
 * The small interface every database backend implements, and all the rest of the store depends
 * on. SQL passed in is neutral: `?` placeholders (never inside literals), standard types, and the
 * constructs both SQLite (3.45+) and PostgreSQL (13+) accept. Differences that cannot be written
 * neutrally are capability methods on the driver, not `if (dialect === …)` in callers.
 */

export type SqlValue = string | number | bigint | null;

export interface QueryOptions {
  /**
   * The same statement text runs often and costs more to plan than to run (the access policy's
   * searches): keep its plan. PostgreSQL prepares it once per connection; SQLite already keeps
   * every statement prepared.
   */
  planOnce?: boolean;
}

export interface SqlDriver {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Whether the planner reorders a search's filters from its own statistics (PostgreSQL), or runs
   * them in the shape written (SQLite), in which case the store chooses which filter leads.
   */
  readonly reordersFilters: boolean;
  /** rows of a SELECT (or a statement with RETURNING) */
  query<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[], options?: QueryOptions): Promise<T[]>;
  /** a statement without result rows; returns the number of rows changed */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /**
   * Runs `work` in one transaction, on a connection reserved for it; commits when it resolves,
   * rolls back when it throws. A call made with a driver that is already in a transaction joins it.
   */
  transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T>;
  /**
   * inserts many rows into `table` in as few round trips as the backend allows (inside the
   * caller's transaction). `values` holds the rows one after another, `columns.length` values each:
   * flat, so that a bulk import builds no array per row.
   */
  insertMany(table: string, columns: readonly string[], values: readonly SqlValue[]): Promise<void>;
  /**
   * Updates rows of `table` matched on `key` (the first of `columns`) with the other columns'
   * values, one row per entry of `rows`, in as few round trips as the backend allows.
   */
  updateMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void>;
  /**
   * Holds a lock named `key` until the current transaction ends, so that transactions which check
   * and then write the same thing (a conditional create) take turns instead of both writing.
   * PostgreSQL: a transaction-scoped advisory lock; SQLite: nothing to take, BEGIN IMMEDIATE
   * already serialises every writer. Must be called inside a transaction.
   */
  lockUntilCommit(key: string): Promise<void>;
  /** reserves `count` new, increasing resource row ids (must be called inside a transaction) */
  allocateResourceIds(count: number): Promise<number[]>;
  /** a statement list of schema changes, run in the caller's transaction */
  executeScript(sql: string): Promise<void>;
  /**
   * Marks the current transaction as a bulk import: on PostgreSQL its commit does not wait for the
   * WAL to reach disk (synchronous_commit off). A crash of the database server itself may then lose
   * the last moments of an import, which running it again restores (import is idempotent); it never
   * leaves the database inconsistent, and a crash of Kindred loses nothing committed.
   * SQLite's commits are already of that kind (synchronous=NORMAL in WAL mode).
   */
  relaxCommitForBulkImport(): Promise<void>;
  /** refresh the planner's statistics after large changes (ANALYZE) */
  analyze(): Promise<void>;
  /** cheap periodic upkeep: statistics only where they went stale */
  maintain(): Promise<void>;
  close(): Promise<void>;
}

