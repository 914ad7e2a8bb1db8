/**
 * Looks underneath the CLI at what a record holds, through the store's own driver: current
 * resources with their stored JSON, version rows, index rows checked against the index rows the
 * FHIR model extracts from the stored content, and rows that belong to no resource. It must
 * only read: tests use it to judge what the commands and crashes left behind.
 *
 * It knows the table layout of the store (resource, resource_version, idx_*) on purpose: a crash
 * test has to see the rows themselves, not what the repository makes of them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractIndexRows, type IndexRows, type Resource } from '@kindred/fhir';
import { termKey, type SqlDriver } from '@kindred/store';

/** A resource without the meta the server assigns (versionId, lastUpdated): what was imported. */
export function withoutServerMeta(resource: Resource): Resource {
  if (!resource.meta) return resource;
  const { versionId: _v, lastUpdated: _l, ...meta } = resource.meta;
  const { meta: _m, ...rest } = resource;
  return Object.keys(meta).length > 0 ? { ...rest, meta } : rest;
}

export const keyOf = (r: { resourceType: string; id?: string | undefined }): string => `${r.resourceType}/${r.id ?? ''}`;

export interface StoredRow {
  rid: number;
  key: string;
  version: number;
  deleted: boolean;
  /** the current version's JSON, parsed */
  resource: Resource | undefined;
}

/** Every resource row with its current version's content, in rid order. */
export async function storedResources(driver: SqlDriver): Promise<StoredRow[]> {
  const rows = await driver.query<{ rid: number | string; type: string; id: string; version: number | string; deleted: number | string; content: string | null }>(
    'SELECT r.rid, r.type, r.id, r.version, r.deleted, v.content FROM resource r LEFT JOIN resource_version v ON v.rid = r.rid AND v.version = r.version ORDER BY r.rid',
  );
  return rows.map((r) => ({
    rid: Number(r.rid),
    key: `${r.type}/${r.id}`,
    version: Number(r.version),
    deleted: Number(r.deleted) === 1,
    resource: r.content === null ? undefined : (JSON.parse(r.content) as Resource),
  }));
}

export async function countRows(driver: SqlDriver, sql: string, params: readonly (string | number)[] = []): Promise<number> {
  const rows = await driver.query<{ n: number | string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

/** Version rows per rid: how many, and the methods. */
export async function versionRows(driver: SqlDriver): Promise<Map<number, { version: number; method: string }[]>> {
  const rows = await driver.query<{ rid: number | string; version: number | string; method: string }>('SELECT rid, version, method FROM resource_version ORDER BY rid, version');
  const out = new Map<number, { version: number; method: string }[]>();
  for (const r of rows) {
    const rid = Number(r.rid);
    out.set(rid, [...(out.get(rid) ?? []), { version: Number(r.version), method: r.method }]);
  }
  return out;
}

export const INDEX_TABLES = ['idx_string', 'idx_token', 'idx_reference', 'idx_date', 'idx_number', 'idx_quantity', 'idx_uri'] as const;

/** Rows of resource_version and the index tables whose rid has no resource row: debris of a half-written write. */
export async function orphanRows(driver: SqlDriver): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['resource_version', ...INDEX_TABLES]) {
    out[table] = await countRows(driver, `SELECT COUNT(*) AS n FROM ${table} WHERE rid NOT IN (SELECT rid FROM resource)`);
  }
  return out;
}

/**
 * Index rows as comparable facts, independent of their order (`seq`) and of which token row a
 * `:text` value rides on: each fact is a JSON tuple; a resource's facts are sorted.
 */
interface IndexFacts {
  string: string[];
  tokenKey: string[];
  tokenText: string[];
  reference: string[];
  date: string[];
  number: string[];
  quantity: string[];
  uri: string[];
}

const emptyFacts = (): IndexFacts => ({ string: [], tokenKey: [], tokenText: [], reference: [], date: [], number: [], quantity: [], uri: [] });
const fact = (...values: (string | number | null)[]): string => JSON.stringify(values);

function expectedFacts(resourceType: string, rows: IndexRows, pidOf: (type: string, code: string) => number | undefined): IndexFacts {
  const facts = emptyFacts();
  const add = (kind: keyof IndexFacts, code: string, ...values: (string | number | null)[]): void => {
    const pid = pidOf(resourceType, code);
    if (pid !== undefined) facts[kind].push(fact(pid, ...values));
  };
  for (const r of rows.strings) add('string', r.code, r.value, r.exact);
  // systems are stored as their term key (see @kindred/store termKey)
  const system = (s: string | null): string | null => (s === null ? null : String(termKey(s)));
  for (const r of rows.tokens) add('tokenKey', r.code, system(r.system), r.value);
  for (const r of rows.referenceIdentifiers) add('tokenKey', r.code, system(r.system), r.value);
  for (const r of rows.tokenTexts) add('tokenText', r.code, r.value);
  for (const r of rows.references) {
    if (r.url !== null) add('reference', r.code, null, null, r.url);
    else add('reference', r.code, r.targetType, r.targetId, null);
  }
  for (const r of rows.dates) add('date', r.code, r.low, r.high);
  for (const r of rows.numbers) add('number', r.code, r.value);
  for (const r of rows.quantities) add('quantity', r.code, r.value, system(r.system), r.unit);
  for (const r of rows.uris) add('uri', r.code, r.value);
  return facts;
}

type DbValue = string | number | null;
const str = (v: DbValue | undefined): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: DbValue | undefined): number => Number(v);

/** The stored index rows of rids lo..hi (inclusive), as facts per rid. */
async function storedFacts(driver: SqlDriver, lo: number, hi: number): Promise<Map<number, IndexFacts>> {
  const out = new Map<number, IndexFacts>();
  const factsOf = (rid: unknown): IndexFacts => {
    const key = Number(rid);
    let facts = out.get(key);
    if (!facts) out.set(key, (facts = emptyFacts()));
    return facts;
  };
  const rowsOf = (table: string): Promise<Record<string, DbValue>[]> => driver.query<Record<string, DbValue>>(`SELECT * FROM ${table} WHERE rid BETWEEN ? AND ?`, [lo, hi]);
  for (const r of await rowsOf('idx_string')) factsOf(r.rid).string.push(fact(num(r.pid), str(r.value), str(r.exact) ?? str(r.value)));
  for (const r of await rowsOf('idx_token')) {
    const facts = factsOf(r.rid);
    const textOnly = r.system === null && r.value === null && r.text !== null;
    if (!textOnly) facts.tokenKey.push(fact(num(r.pid), str(r.system), str(r.value)));
    if (r.text !== null) facts.tokenText.push(fact(num(r.pid), str(r.text)));
  }
  for (const r of await rowsOf('idx_reference')) factsOf(r.rid).reference.push(fact(num(r.pid), str(r.target_type), str(r.target_id), str(r.url)));
  for (const r of await rowsOf('idx_date')) factsOf(r.rid).date.push(fact(num(r.pid), num(r.low), num(r.high)));
  for (const r of await rowsOf('idx_number')) factsOf(r.rid).number.push(fact(num(r.pid), num(r.value)));
  for (const r of await rowsOf('idx_quantity')) factsOf(r.rid).quantity.push(fact(num(r.pid), num(r.value), str(r.system), str(r.unit)));
  for (const r of await rowsOf('idx_uri')) factsOf(r.rid).uri.push(fact(num(r.pid), str(r.value)));
  return out;
}

function sorted(facts: IndexFacts): IndexFacts {
  const out = emptyFacts();
  for (const kind of Object.keys(out) as (keyof IndexFacts)[]) out[kind] = [...facts[kind]].sort();
  return out;
}

export interface IndexCheck {
  /** resources whose index rows were compared */
  resources: number;
  /** index facts compared in all */
  facts: number;
  /** "Type/id: kind differs: …" for each resource whose rows are not what its content yields (at most 20) */
  mismatches: string[];
}

/**
 * For every current resource, recomputes the index rows from its stored content with the FHIR
 * model's extractIndexRows and compares them with the rows the index tables hold. Works through
 * the record in rid ranges so that a large record is never all in memory.
 */
export async function checkIndexRows(driver: SqlDriver, chunk = 2000): Promise<IndexCheck> {
  const pidRows = await driver.query<{ pid: number | string; resource_type: string; code: string }>('SELECT pid, resource_type, code FROM search_param');
  const pids = new Map(pidRows.map((r) => [`${r.resource_type}\u0000${r.code}`, Number(r.pid)]));
  const pidOf = (type: string, code: string): number | undefined => pids.get(`${type}\u0000${code}`);
  const stored = (await storedResources(driver)).filter((r) => !r.deleted);
  const result: IndexCheck = { resources: 0, facts: 0, mismatches: [] };
  for (let i = 0; i < stored.length; i += chunk) {
    const part = stored.slice(i, i + chunk);
    const found = await storedFacts(driver, part[0]!.rid, part[part.length - 1]!.rid);
    for (const row of part) {
      result.resources++;
      if (!row.resource) {
        result.mismatches.push(`${row.key}: no content for its current version`);
        continue;
      }
      const expected = sorted(expectedFacts(row.resource.resourceType, extractIndexRows(row.resource), pidOf));
      const actual = sorted(found.get(row.rid) ?? emptyFacts());
      for (const kind of Object.keys(expected) as (keyof IndexFacts)[]) {
        result.facts += expected[kind].length;
        const want = expected[kind].join('\n');
        const got = actual[kind].join('\n');
        if (want !== got && result.mismatches.length < 20) result.mismatches.push(`${row.key}: ${kind} rows differ\n  expected ${want || '(none)'}\n  stored   ${got || '(none)'}`);
      }
    }
  }
  return result;
}

/** An export folder read back: every file's lines parsed, checking one resource per line of the file's type. */
export function readExport(dir: string): Record<string, Resource[]> {
  const out: Record<string, Resource[]> = {};
  for (const name of readdirSync(dir).sort()) {
    const type = /^([A-Za-z]+)\.ndjson$/.exec(name)?.[1];
    if (type === undefined) throw new Error(`unexpected file in the export: ${name}`);
    const text = readFileSync(join(dir, name), 'utf8');
    if (!text.endsWith('\n')) throw new Error(`${name} does not end with a newline`);
    out[type] = text
      .slice(0, -1)
      .split('\n')
      .map((line, i) => {
        const resource = JSON.parse(line) as Resource;
        if (resource.resourceType !== type) throw new Error(`${name}:${i + 1} holds a ${resource.resourceType}`);
        return resource;
      });
  }
  return out;
}
