/**
 * Where each kind of index row goes: table, columns and the row values. The one place that knows
 * the index tables' layout on the write side (the search compiler knows it on the read side).
 *
 * Token `:text` values ride on the token rows of their parameter (column `text`): `:text` asks
 * whether any text of the parameter matches, so any row of it may carry one, and a resource does
 * not need a row per text. Reference.identifier rows share idx_token with token parameters: a
 * parameter id belongs to exactly one parameter of one type, so the rows cannot be confused.
 * Systems are stored as their term key (term-key.ts).
 * `seq` numbers a resource's rows in each table (the clustering key on SQLite).
 */
import type { IndexRows } from '@kindred/fhir';
import type { SqlValue } from '../sql/driver.ts';
import type { SearchParamIds } from '../search-param-ids.ts';
import { termKey } from './term-key.ts';

export const INDEX_TABLES = ['idx_string', 'idx_token', 'idx_reference', 'idx_date', 'idx_number', 'idx_quantity', 'idx_uri'] as const;
export type IndexTable = (typeof INDEX_TABLES)[number];

export const INDEX_COLUMNS: Record<IndexTable, readonly string[]> = {
  idx_string: ['rid', 'seq', 'pid', 'value', 'exact'],
  idx_token: ['rid', 'seq', 'pid', 'system', 'value', 'text'],
  idx_reference: ['rid', 'seq', 'pid', 'target_type', 'target_id', 'url'],
  idx_date: ['rid', 'seq', 'pid', 'low', 'high'],
  idx_number: ['rid', 'seq', 'pid', 'value'],
  idx_quantity: ['rid', 'seq', 'pid', 'value', 'system', 'unit'],
  idx_uri: ['rid', 'seq', 'pid', 'value'],
};

/**
 * A resource's index rows, per table, flattened: each row is its columns after `rid` (the row id
 * is only known when the resource is written), one row after another. Plain data, so it can be
 * made in a worker thread and handed to the writer.
 */
export type IndexRowValues = Record<IndexTable, SqlValue[]>;

/** Columns per row, `rid` excluded. */
export const ROW_WIDTH: Record<IndexTable, number> = Object.fromEntries(INDEX_TABLES.map((t) => [t, INDEX_COLUMNS[t].length - 1])) as Record<IndexTable, number>;

export function emptyIndexRowValues(): IndexRowValues {
  return { idx_string: [], idx_token: [], idx_reference: [], idx_date: [], idx_number: [], idx_quantity: [], idx_uri: [] };
}

const key = (system: string | null): number | null => (system === null ? null : termKey(system));

/** One resource's index rows in table layout. Rows of unindexed parameters are dropped. */
export function flattenIndexRows(resourceType: string, rows: IndexRows, pids: SearchParamIds): IndexRowValues {
  const out = emptyIndexRowValues();
  const pid = (code: string): number | undefined => pids.get(resourceType, code);
  let seq = 0;
  for (const r of rows.strings) {
    const p = pid(r.code);
    if (p !== undefined) out.idx_string.push(seq++, p, r.value, r.exact === r.value ? null : r.exact);
  }
  // Texts wait for a token row of their parameter to ride on; those left over get a row of their own.
  const texts = new Map<string, string[]>();
  for (const t of rows.tokenTexts) texts.set(t.code, [...(texts.get(t.code) ?? []), t.value]);
  seq = 0;
  for (const r of rows.tokens) {
    const p = pid(r.code);
    if (p !== undefined) out.idx_token.push(seq++, p, key(r.system), r.value, texts.get(r.code)?.shift() ?? null);
  }
  for (const [code, left] of texts) {
    const p = pid(code);
    if (p !== undefined) for (const text of left) out.idx_token.push(seq++, p, null, null, text);
  }
  for (const r of rows.referenceIdentifiers) {
    const p = pid(r.code);
    if (p !== undefined) out.idx_token.push(seq++, p, key(r.system), r.value, null);
  }
  seq = 0;
  for (const r of rows.references) {
    const p = pid(r.code);
    if (p === undefined) continue;
    // An absolute url names a resource on some server; only a relative reference is known to be
    // ours, so only that one is matched by type and id (http://hl7.org/fhir/R4/search.html#reference).
    if (r.url !== null) out.idx_reference.push(seq++, p, null, null, r.url);
    else out.idx_reference.push(seq++, p, r.targetType, r.targetId, null);
  }
  seq = 0;
  for (const r of rows.dates) {
    const p = pid(r.code);
    if (p !== undefined) out.idx_date.push(seq++, p, r.low, r.high);
  }
  seq = 0;
  for (const r of rows.numbers) {
    const p = pid(r.code);
    if (p !== undefined) out.idx_number.push(seq++, p, r.value);
  }
  seq = 0;
  for (const r of rows.quantities) {
    const p = pid(r.code);
    if (p !== undefined) out.idx_quantity.push(seq++, p, r.value, key(r.system), r.unit);
  }
  seq = 0;
  for (const r of rows.uris) {
    const p = pid(r.code);
    if (p !== undefined) out.idx_uri.push(seq++, p, r.value);
  }
  return out;
}
