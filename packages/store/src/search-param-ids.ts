/**
 * Search parameter ids: index rows store a small integer `pid` per (resource type, code) instead
 * of repeating names. The ids live in the database (search_param) so every process and node
 * agrees on them; new parameters get the next id when a store opens.
 */
import { resourceTypes, searchParametersOf, isSupportedSearchParameter } from '@kindred/fhir';
import type { SqlDriver } from './sql/driver.ts';

export interface SearchParamIds {
  /** the id of a parameter, or undefined when the parameter is not indexed */
  get(resourceType: string, code: string): number | undefined;
  /** every (resource type, code, id), to hand to a worker thread (searchParamIdsFrom) */
  entries(): [string, string, number][];
}

/** The ids from `entries()`, e.g. in a worker thread that prepares resources for import. */
export function searchParamIdsFrom(entries: readonly (readonly [string, string, number])[]): SearchParamIds {
  const ids = new Map<string, number>();
  for (const [type, code, pid] of entries) ids.set(`${type}\u0000${code}`, pid);
  return {
    get: (resourceType, code) => ids.get(`${resourceType}\u0000${code}`),
    entries: () => entries.map(([t, c, p]) => [t, c, p]),
  };
}

const LOCK = 4_242_002;

export async function loadSearchParamIds(driver: SqlDriver): Promise<SearchParamIds> {
  const wanted: [string, string][] = [];
  for (const type of resourceTypes) {
    for (const def of searchParametersOf(type).values()) if (isSupportedSearchParameter(def)) wanted.push([type, def.code]);
  }
  const rows = await driver.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(?)', [LOCK]);
    const existing = await tx.query<{ pid: number; resource_type: string; code: string }>('SELECT pid, resource_type, code FROM search_param');
    const known = new Set(existing.map((r) => `${r.resource_type}\u0000${r.code}`));
    let next = existing.reduce((max, r) => Math.max(max, Number(r.pid)), 0) + 1;
    const missing: [number, string, string][] = [];
    for (const [type, code] of wanted) if (!known.has(`${type}\u0000${code}`)) missing.push([next++, type, code]);
    await tx.insertMany('search_param', ['pid', 'resource_type', 'code'], missing.flat());
    return [...existing.map((r) => [Number(r.pid), r.resource_type, r.code] as const), ...missing];
  });
  return searchParamIdsFrom(rows.map(([pid, type, code]) => [type, code, pid] as const));
}
