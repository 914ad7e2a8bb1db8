/**
 * Where each kind of index row goes: table, columns and the row values. The one place that knows
 * the index tables' layout on the write side (the search compiler knows it on the read side).
 *
 * Token `:text` rows share idx_string with string parameters, and Reference.identifier rows share
 * idx_token with token parameters: a parameter id belongs to exactly one parameter of one type,
 * so the rows cannot be confused.
 */
import type { IndexRows } from '@kindred/fhir';
import type { SqlValue } from '../sql/driver.ts';
import type { SearchParamIds } from '../search-param-ids.ts';

export const INDEX_TABLES = ['idx_string', 'idx_token', 'idx_reference', 'idx_date', 'idx_number', 'idx_quantity', 'idx_uri'] as const;
export type IndexTable = (typeof INDEX_TABLES)[number];

export const INDEX_COLUMNS: Record<IndexTable, readonly string[]> = {
  idx_string: ['rid', 'pid', 'value', 'exact'],
  idx_token: ['rid', 'pid', 'system', 'value'],
  idx_reference: ['rid', 'pid', 'target_type', 'target_id', 'url'],
  idx_date: ['rid', 'pid', 'low', 'high'],
  idx_number: ['rid', 'pid', 'value'],
  idx_quantity: ['rid', 'pid', 'value', 'system', 'unit'],
  idx_uri: ['rid', 'pid', 'value'],
};

export type IndexRowBuffers = Record<IndexTable, SqlValue[][]>;

export function emptyBuffers(): IndexRowBuffers {
  return { idx_string: [], idx_token: [], idx_reference: [], idx_date: [], idx_number: [], idx_quantity: [], idx_uri: [] };
}

/** Appends one resource's index rows to the per-table buffers. Rows of unindexed parameters are dropped. */
export function appendIndexRows(buffers: IndexRowBuffers, rid: number, resourceType: string, rows: IndexRows, pids: SearchParamIds): void {
  const pid = (code: string): number | undefined => pids.get(resourceType, code);
  for (const r of rows.strings) {
    const p = pid(r.code);
    if (p !== undefined) buffers.idx_string.push([rid, p, r.value, r.exact === r.value ? null : r.exact]);
  }
  for (const r of rows.tokenTexts) {
    const p = pid(r.code);
    if (p !== undefined) buffers.idx_string.push([rid, p, r.value, null]);
  }
  for (const r of rows.tokens) {
    const p = pid(r.code);
    if (p !== undefined) buffers.idx_token.push([rid, p, r.system, r.value]);
  }
  for (const r of rows.referenceIdentifiers) {
    const p = pid(r.code);
    if (p !== undefined) buffers.idx_token.push([rid, p, r.system, r.value]);
  }
  for (const r of rows.references) {
    const p = pid(r.code);
    if (p === undefined) continue;
    // An absolute url names a resource on some server; only a relative reference is known to be
    // ours, so only that one is matched by type and id (http://hl7.org/fhir/R4/search.html#reference).
    if (r.url !== null) buffers.idx_reference.push([rid, p, null, null, r.url]);
    else buffers.idx_reference.push([rid, p, r.targetType, r.targetId, null]);
  }
  for (const r of rows.dates) {
    const p = pid(r.code);
    if (p !== undefined) buffers.idx_date.push([rid, p, r.low, r.high]);
  }
  for (const r of rows.numbers) {
    const p = pid(r.code);
    if (p !== undefined) buffers.idx_number.push([rid, p, r.value]);
  }
  for (const r of rows.quantities) {
    const p = pid(r.code);
    if (p !== undefined) buffers.idx_quantity.push([rid, p, r.value, r.system, r.unit]);
  }
  for (const r of rows.uris) {
    const p = pid(r.code);
    if (p !== undefined) buffers.idx_uri.push([rid, p, r.value]);
  }
}
