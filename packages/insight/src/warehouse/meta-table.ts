/**
 * The analytics copy's own bookkeeping, one row per view in a small DuckDB table: which table
 * holds it, the hash of the definition it was built from (a changed definition is rebuilt), the
 * watermark its incremental refresh starts from, its row count and when it was last refreshed.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export const META_TABLE = 'kindred_view_meta';

export interface ViewMeta {
  view: string;
  table: string;
  resourceType: string;
  definitionHash: string;
  /** epoch ms: every change committed before (watermark − overlap) is in the table */
  watermark: number;
  rows: number;
  refreshedAt: string;
}

export async function ensureMetaTable(connection: DuckDBConnection): Promise<void> {
  await connection.run(
    `CREATE TABLE IF NOT EXISTS ${META_TABLE} (view VARCHAR PRIMARY KEY, table_name VARCHAR NOT NULL, resource_type VARCHAR NOT NULL, definition_hash VARCHAR NOT NULL, watermark BIGINT NOT NULL, row_count BIGINT NOT NULL, refreshed_at VARCHAR NOT NULL)`,
  );
}

export async function readMeta(connection: DuckDBConnection): Promise<Map<string, ViewMeta>> {
  const reader = await connection.runAndReadAll(`SELECT view, table_name, resource_type, definition_hash, watermark, row_count, refreshed_at FROM ${META_TABLE} ORDER BY view`);
  const meta = new Map<string, ViewMeta>();
  for (const row of reader.getRowsJS()) {
    const [view, table, resourceType, definitionHash, watermark, rows, refreshedAt] = row.map((v) => (typeof v === 'bigint' ? Number(v) : v));
    const text = (v: unknown): string => (typeof v === 'string' ? v : '');
    meta.set(text(view), {
      view: text(view),
      table: text(table),
      resourceType: text(resourceType),
      definitionHash: text(definitionHash),
      watermark: Number(watermark),
      rows: Number(rows),
      refreshedAt: text(refreshedAt),
    });
  }
  return meta;
}

export async function writeMeta(connection: DuckDBConnection, meta: ViewMeta): Promise<void> {
  await connection.run(`DELETE FROM ${META_TABLE} WHERE view = ?`, [meta.view]);
  await connection.run(`INSERT INTO ${META_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)`, [
    meta.view,
    meta.table,
    meta.resourceType,
    meta.definitionHash,
    BigInt(meta.watermark),
    BigInt(meta.rows),
    meta.refreshedAt,
  ]);
}

export async function deleteMeta(connection: DuckDBConnection, view: string): Promise<void> {
  await connection.run(`DELETE FROM ${META_TABLE} WHERE view = ?`, [view]);
}
