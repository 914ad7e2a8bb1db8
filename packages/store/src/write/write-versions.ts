/**
 * Writes a batch of new versions (creates, updates, deletes) inside the caller's transaction with a
 * fixed number of statements per batch, whatever its size: the same code serves one PUT and an
 * import of a thousand resources. Existing rows are locked (PostgreSQL: FOR UPDATE) so that
 * concurrent writers to one resource serialise and If-Match sees the true current version.
 */
import { FhirError } from '@kindred/fhir';
import type { SqlDriver, SqlValue } from '../sql/driver.ts';
import { stampJson, type PreparedVersion } from './prepare-version.ts';
import { INDEX_COLUMNS, INDEX_TABLES, ROW_WIDTH, emptyIndexRowValues } from './index-tables.ts';

export interface CurrentRow {
  rid: number;
  version: number;
  deleted: boolean;
  hash: string | null;
  lastUpdated: number;
}

const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const key = (type: string, id: string): string => `${type}/${id}`;

/** The current rows of the given resources, locked for update where the backend can. */
export async function currentRows(tx: SqlDriver, refs: readonly { resourceType: string; id: string }[]): Promise<Map<string, CurrentRow>> {
  const found = new Map<string, CurrentRow>();
  const byType = new Map<string, string[]>();
  for (const r of refs) byType.set(r.resourceType, [...(byType.get(r.resourceType) ?? []), r.id]);
  const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
  for (const [type, ids] of byType) {
    for (const part of chunks([...new Set(ids)])) {
      const rows = await tx.query<{ rid: number; id: string; version: number; deleted: number; hash: string | null; last_updated: number }>(
        `SELECT rid, id, version, deleted, hash, last_updated FROM resource WHERE type = ? AND id IN (${part.map(() => '?').join(', ')})${lock}`,
        [type, ...part],
      );
      for (const row of rows) {
        found.set(key(type, row.id), {
          rid: Number(row.rid),
          version: Number(row.version),
          deleted: Number(row.deleted) === 1,
          hash: row.hash,
          lastUpdated: Number(row.last_updated),
        });
      }
    }
  }
  return found;
}

export type VersionWrite =
  | { kind: 'put'; version: PreparedVersion; current?: CurrentRow; method: 'create' | 'update' }
  | { kind: 'delete'; resourceType: string; id: string; current: CurrentRow };

export interface WrittenVersion {
  rid: number;
  versionId: number;
  lastUpdated: number;
  /** the stored JSON (absent for a deletion) */
  json?: string;
}

/** Time for a new version: now, but never before the version it replaces (clocks can step back). */
function versionTime(now: number, current: CurrentRow | undefined): number {
  return current ? Math.max(now, current.lastUpdated + 1) : now;
}

export async function writeVersions(tx: SqlDriver, writes: readonly VersionWrite[], now = Date.now()): Promise<WrittenVersion[]> {
  if (writes.length === 0) return [];
  const newCount = writes.filter((w) => w.kind === 'put' && !w.current).length;
  const newRids = newCount > 0 ? await tx.allocateResourceIds(newCount) : [];
  let nextNew = 0;

  const replacedRids: number[] = [];
  const resourceRows: SqlValue[] = [];
  const changedRows: SqlValue[][] = [];
  const versionRows: SqlValue[] = [];
  const indexRows = emptyIndexRowValues();
  const written: WrittenVersion[] = [];

  for (const w of writes) {
    if (w.kind === 'delete') {
      const versionId = w.current.version + 1;
      const at = versionTime(now, w.current);
      replacedRids.push(w.current.rid);
      changedRows.push([w.current.rid, versionId, at, 1, null]);
      versionRows.push(w.current.rid, versionId, at, 'delete', null);
      written.push({ rid: w.current.rid, versionId, lastUpdated: at });
      continue;
    }
    const rid = w.current ? w.current.rid : newRids[nextNew++]!;
    const versionId = w.current ? w.current.version + 1 : 1;
    const at = versionTime(now, w.current);
    const json = stampJson(w.version, versionId, at);
    if (w.current) {
      replacedRids.push(rid);
      changedRows.push([rid, versionId, at, 0, w.version.hash]);
    } else {
      resourceRows.push(rid, w.version.resourceType, w.version.id, versionId, at, 0, w.version.hash);
    }
    versionRows.push(rid, versionId, at, w.method, json);
    for (const table of INDEX_TABLES) {
      const values = w.version.rows[table];
      const width = ROW_WIDTH[table];
      const target = indexRows[table];
      for (let i = 0; i < values.length; i += width) {
        target.push(rid);
        for (let j = i; j < i + width; j++) target.push(values[j] ?? null);
      }
    }
    written.push({ rid, versionId, lastUpdated: at, json });
  }

  // Existing resources are updated in place (not deleted and re-inserted: a concurrent writer
  // waiting on the row lock must find the row again), and their old index rows replaced.
  await tx.updateMany('resource', ['rid', 'version', 'last_updated', 'deleted', 'hash'], changedRows);
  for (const part of chunks(replacedRids)) {
    const marks = part.map(() => '?').join(', ');
    for (const table of INDEX_TABLES) await tx.execute(`DELETE FROM ${table} WHERE rid IN (${marks})`, part);
  }
  try {
    await tx.insertMany('resource', ['rid', 'type', 'id', 'version', 'last_updated', 'deleted', 'hash'], resourceRows);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new FhirError('CONFLICT', 'Another request created a resource with the same id at the same moment; try again.', { cause: error });
    }
    throw error;
  }
  await tx.insertMany('resource_version', ['rid', 'version', 'last_updated', 'method', 'content'], versionRows);
  for (const table of INDEX_TABLES) await tx.insertMany(table, INDEX_COLUMNS[table], indexRows[table]);
  return written;
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
