/**
 * History (http://hl7.org/fhir/R4/http.html#history): every version of one resource, of a type,
 * or of the whole system, newest first, with `_since`, `_at` and keyset paging on
 * (last_updated, rid, version) so pages stay stable while new versions are written.
 */
import { FhirError, type StoredResource } from '@kindred/fhir';
import type { HistoryEntry, HistoryPage, HistoryRequest } from './repository.ts';
import type { SqlDriver } from './sql/driver.ts';
import { and, sql, type Fragment } from './sql/fragment.ts';

const METHOD: Record<string, HistoryEntry['method']> = { create: 'create', update: 'update', delete: 'delete' };

function decode(cursor: string): [number, number, number] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((n) => Number.isSafeInteger(n))) return parsed as [number, number, number];
  } catch {
    // fall through to the error below
  }
  throw new FhirError('INVALID_REQUEST', 'The history paging link (_cursor) is not valid; start again from the first page.');
}

export async function readHistory(driver: SqlDriver, request: HistoryRequest): Promise<HistoryPage> {
  const conditions: Fragment[] = [];
  if (request.resourceType !== undefined) conditions.push(sql`r.type = ${request.resourceType}`);
  if (request.id !== undefined) conditions.push(sql`r.id = ${request.id}`);
  if (request.since !== undefined) conditions.push(sql`v.last_updated >= ${request.since}`);
  if (request.at !== undefined) {
    // _at: versions that were current at that instant: written by then, and not yet replaced.
    conditions.push(sql`v.last_updated <= ${request.at}`);
    conditions.push(sql`NOT EXISTS (SELECT 1 FROM resource_version n WHERE n.rid = v.rid AND n.version = v.version + 1 AND n.last_updated <= ${request.at})`);
  }
  const filter = and(conditions);

  let total: number | undefined;
  if (request.id !== undefined || request.resourceType !== undefined) {
    const count = sql`SELECT COUNT(*) AS n FROM resource_version v JOIN resource r ON r.rid = v.rid WHERE ${filter}`;
    total = Number((await driver.query<{ n: number }>(count.text, count.params))[0]?.n ?? 0);
  }

  const page = [filter];
  if (request.cursor !== undefined) {
    const [t, rid, version] = decode(request.cursor);
    // a row-value comparison, so that both databases read the page as a range of resource_version_updated
    page.push(sql`(v.last_updated, v.rid, v.version) < (${t}, ${rid}, ${version})`);
  }
  const query = sql`SELECT r.type, r.id, v.rid, v.version, v.last_updated, v.method, v.content FROM resource_version v JOIN resource r ON r.rid = v.rid WHERE ${and(page)} ORDER BY v.last_updated DESC, v.rid DESC, v.version DESC LIMIT ${request.count + 1}`;
  const rows = await driver.query<{ type: string; id: string; rid: number; version: number; last_updated: number; method: string; content: string | null }>(
    query.text,
    query.params,
  );
  const shown = rows.slice(0, request.count);
  const entries: HistoryEntry[] = shown.map((row) => ({
    resourceType: row.type,
    id: row.id,
    versionId: String(row.version),
    lastUpdated: new Date(Number(row.last_updated)).toISOString(),
    method: METHOD[row.method] ?? 'update',
    ...(row.content !== null ? { resource: JSON.parse(row.content) as StoredResource } : {}),
  }));
  const last = shown[shown.length - 1];
  const nextCursor =
    rows.length > request.count && last
      ? Buffer.from(JSON.stringify([Number(last.last_updated), Number(last.rid), Number(last.version)])).toString('base64url')
      : undefined;
  return { entries, ...(total !== undefined ? { total } : {}), ...(nextCursor !== undefined ? { nextCursor } : {}) };
}

