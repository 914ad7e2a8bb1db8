/**
 * PostgreSQL backend (node-postgres pool). Neutral `?` placeholders become `$n`; bulk inserts
 * send one `INSERT … SELECT * FROM unnest(…)` per table and batch instead of a round trip per row.
 * An optional schema isolates one store from another in the same database (tests, tenants).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { FhirError } from '@kindred/fhir';
import type { QueryOptions, SqlDriver, SqlValue } from '../../sql/driver.ts';

// int8 (row ids, counts, epoch ms) and numeric as JS numbers: our values stay within 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

const placeholderCache = new Map<string, string>();

/** `?` → `$1, $2 …`. The store never writes `?` inside a literal, so a plain scan is exact. */
export function toPostgresPlaceholders(sql: string): string {
  const cached = placeholderCache.get(sql);
  if (cached !== undefined) return cached;
  let n = 0;
  const converted = sql.replace(/\?/g, () => `$${++n}`);
  if (placeholderCache.size > 2000) placeholderCache.clear();
  placeholderCache.set(sql, converted);
  return converted;
}

/** Column types for unnest(): index tables and the resource tables only hold these. */
const COLUMN_TYPES: Record<string, string> = {
  rid: 'bigint',
  seq: 'integer',
  pid: 'integer',
  version: 'integer',
  last_updated: 'bigint',
  deleted: 'smallint',
  method: 'text',
  low: 'bigint',
  high: 'bigint',
};

function columnType(table: string, column: string): string {
  if ((table === 'idx_number' || table === 'idx_quantity') && column === 'value') return 'double precision';
  if ((table === 'idx_token' || table === 'idx_quantity') && column === 'system') return 'bigint';
  return COLUMN_TYPES[column] ?? 'text';
}

const TRANSIENT = new Set(['40001', '40P01', '55P03', '57014', '53300']);

function translate(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === '22021' || code === '22P05') {
    // Text PostgreSQL cannot hold (a NUL character): the request's fault, never a server error.
    return new FhirError('INVALID_REQUEST', 'The request contains a character that cannot be stored or searched (such as NUL, \\u0000).', { cause: error });
  }
  if (typeof code === 'string' && TRANSIENT.has(code)) {
    return new FhirError('UNAVAILABLE', 'The database could not complete this now (contention); try again.', { cause: error });
  }
  if ((error as { errno?: unknown }).errno !== undefined && (error as { code?: unknown }).code === 'ECONNREFUSED') {
    return new FhirError('UNAVAILABLE', 'The database is not reachable.', { cause: error });
  }
  return error;
}

interface Queryable {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  query(config: pg.QueryConfig): Promise<pg.QueryResult>;
}

async function send(client: Queryable, sql: string, params: readonly SqlValue[], options: QueryOptions = {}): Promise<pg.QueryResult> {
  try {
    const text = toPostgresPlaceholders(sql);
    if (options.planOnce === true) {
      // A named statement: prepared once per connection, so later runs skip planning.
      const name = `kindred_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
      return await client.query({ name, text, values: params as unknown[] });
    }
    return await client.query(text, params as unknown[]);
  } catch (error) {
    throw translate(error);
  }
}

/** PostgreSQL accepts at most 65,535 parameters in one statement. */
const MAX_PARAMETERS = 65_535;

/** Tables whose rows carry whole documents (resource JSON, export files). */
const DOCUMENT_TABLES: ReadonlySet<string> = new Set(['resource_version', 'job_file']);

/**
 * Many rows in few round trips. Small rows (index rows) go as one array per column through
 * `unnest`; rows that carry documents go as a multi-row `VALUES` list with one parameter per
 * value, because in an array literal every quote of a JSON document is escaped on the way in and
 * parsed again on the server (several times slower).
 */
async function insertManyWith(client: Queryable, table: string, columns: readonly string[], values: readonly SqlValue[]): Promise<void> {
  if (values.length === 0) return;
  if (!DOCUMENT_TABLES.has(table)) {
    await insertColumnsWith(client, table, columns, values);
    return;
  }
  const width = columns.length;
  const rowsPerStatement = Math.floor(MAX_PARAMETERS / width);
  const casts = columns.map((col) => `::${columnType(table, col)}`);
  const statementFor = (rows: number): string => {
    const tuples: string[] = [];
    for (let r = 0; r < rows; r++) tuples.push(`(${casts.map((cast, c) => `$${r * width + c + 1}${cast}`).join(', ')})`);
    return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`;
  };
  try {
    for (let i = 0; i < values.length; i += rowsPerStatement * width) {
      const part = values.slice(i, i + rowsPerStatement * width);
      await client.query(statementFor(part.length / width), part);
    }
  } catch (error) {
    throw translate(error);
  }
}

async function updateManyWith(client: Queryable, table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
  if (rows.length === 0) return;
  const [key, ...rest] = columns;
  const arrays = columns.map((_, c) => rows.map((row) => row[c] ?? null));
  const casts = columns.map((col, c) => `$${c + 1}::${columnType(table, col)}[]`);
  const text = `UPDATE ${table} AS t SET ${rest.map((c) => `${c} = u.${c}`).join(', ')} FROM unnest(${casts.join(', ')}) AS u(${columns.join(', ')}) WHERE t.${key} = u.${key}`;
  try {
    await client.query(text, arrays);
  } catch (error) {
    throw translate(error);
  }
}

async function insertColumnsWith(client: Queryable, table: string, columns: readonly string[], values: readonly SqlValue[]): Promise<void> {
  const width = columns.length;
  const arrays = columns.map((_, c) => {
    const column: SqlValue[] = [];
    for (let i = c; i < values.length; i += width) column.push(values[i] ?? null);
    return column;
  });
  const casts = columns.map((col, c) => `$${c + 1}::${columnType(table, col)}[]`);
  try {
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${casts.join(', ')})`, arrays);
  } catch (error) {
    throw translate(error);
  }
}

class PostgresTransaction implements SqlDriver {
  readonly dialect = 'postgres' as const;
  readonly reordersFilters = true;

  constructor(private readonly client: pg.PoolClient) {}

  async query<T>(sql: string, params: readonly SqlValue[] = [], options?: QueryOptions): Promise<T[]> {
    return (await send(this.client, sql, params, options)).rows as T[];
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await send(this.client, sql, params)).rowCount ?? 0;
  }

  transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T> {
    return work(this);
  }

  insertMany(table: string, columns: readonly string[], values: readonly SqlValue[]): Promise<void> {
    return insertManyWith(this.client, table, columns, values);
  }

  updateMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    return updateManyWith(this.client, table, columns, rows);
  }

  async lockUntilCommit(key: string): Promise<void> {
    // Advisory locks are keyed by one bigint: the first 8 bytes of the key's SHA-256. A collision
    // only makes two unrelated writers take turns, never lets two of the same key through.
    // https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
    const lockId = createHash('sha256').update(key).digest().readBigInt64BE(0).toString();
    await send(this.client, 'SELECT pg_advisory_xact_lock(?::bigint)', [lockId]);
  }

  async allocateResourceIds(count: number): Promise<number[]> {
    const result = await send(this.client, "SELECT nextval('resource_rid_seq') AS rid FROM generate_series(1, ?::integer)", [count]);
    return (result.rows as { rid: number }[]).map((r) => r.rid);
  }

  async executeScript(sql: string): Promise<void> {
    try {
      await this.client.query(sql);
    } catch (error) {
      throw translate(error);
    }
  }

  async analyze(): Promise<void> {
    await this.executeScript('ANALYZE');
  }

  async relaxCommitForBulkImport(): Promise<void> {
    await this.client.query('SET LOCAL synchronous_commit = off');
  }

  async maintain(): Promise<void> {
    // autovacuum keeps PostgreSQL's statistics
  }

  async close(): Promise<void> {
    throw new Error('a transaction cannot close the database');
  }
}

export interface PostgresOptions {
  connectionString: string;
  /** a schema to create and use instead of `public` */
  schema?: string;
  maxConnections?: number;
}

export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  readonly reordersFilters = true;
  private readonly pool: pg.Pool;
  /**
   * Connections for statements that keep their plan (QueryOptions.planOnce): there, plans are
   * generic, made once per statement and connection. Only here: for every other statement a plan
   * made for its actual values is better (a bulk import's generic plans are several times slower).
   */
  private readonly planOncePool: pg.Pool;

  constructor(options: PostgresOptions) {
    const schema = options.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
    const searchPath = schema ? [`-c search_path=${schema}`] : [];
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      ...(schema ? { options: searchPath.join(' ') } : {}),
    });
    this.planOncePool = new pg.Pool({
      connectionString: options.connectionString,
      max: Math.max(1, Math.ceil((options.maxConnections ?? 10) / 2)),
      options: [...searchPath, '-c plan_cache_mode=force_generic_plan'].join(' '),
    });
    // An idle client that loses its connection must not take the process down.
    this.pool.on('error', () => undefined);
    this.planOncePool.on('error', () => undefined);
  }

  async query<T>(sql: string, params: readonly SqlValue[] = [], options?: QueryOptions): Promise<T[]> {
    const pool = options?.planOnce === true ? this.planOncePool : this.pool;
    return (await send(pool, sql, params, options)).rows as T[];
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await send(this.pool, sql, params)).rowCount ?? 0;
  }

  async transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw translate(error);
    }
    try {
      await client.query('BEGIN');
      const result = await work(new PostgresTransaction(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw translate(error);
    } finally {
      client.release();
    }
  }

  insertMany(table: string, columns: readonly string[], values: readonly SqlValue[]): Promise<void> {
    return insertManyWith(this.pool, table, columns, values);
  }

  updateMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    return this.transaction((tx) => tx.updateMany(table, columns, rows));
  }

  allocateResourceIds(count: number): Promise<number[]> {
    return this.transaction((tx) => tx.allocateResourceIds(count));
  }

  lockUntilCommit(_key: string): Promise<void> {
    // A transaction-scoped lock taken outside a transaction would be released at once.
    return Promise.reject(new Error('lockUntilCommit needs a transaction'));
  }

  executeScript(sql: string): Promise<void> {
    return this.transaction((tx) => tx.executeScript(sql));
  }

  async analyze(): Promise<void> {
    await this.pool.query('ANALYZE');
  }

  async relaxCommitForBulkImport(): Promise<void> {
    // only meaningful inside a transaction (PostgresTransaction)
  }

  async maintain(): Promise<void> {
    // autovacuum keeps PostgreSQL's statistics
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.end(), this.planOncePool.end()]);
  }
}
