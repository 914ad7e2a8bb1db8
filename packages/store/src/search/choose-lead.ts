/**
 * Choosing which filter leads a search, for backends whose planner keeps the shape it is given
 * (SQLite runs `rid IN (…)` as the outer loop and EXISTS as probes, in the order written). Each
 * candidate's matches are counted up to a small bound, with an index-only query, and the fewest
 * leads. When every candidate matches many rows and no `_sort` is asked for, no filter leads: the
 * query walks the type's resources in row order and stops as soon as a page is full.
 *
 * Backends that reorder filters themselves (PostgreSQL, from its statistics) take the rank order.
 */
import type { SearchRequest } from '@kindred/fhir';
import type { SqlDriver } from '../sql/driver.ts';
import { sql } from '../sql/fragment.ts';
import type { CompiledFilter } from './compile-filter.ts';
import { leadByRank, type Lead } from './compile-search.ts';

/** Counting stops here: past it a filter is "many", and only the cheapest plan shape matters. */
export const ESTIMATE_LIMIT = 5000;
/** A candidate this small leads without counting the others. */
const SMALL = 100;
/** Ranks up to this one name particular resources (an id, a reference, an identifier). */
const NAMES_RESOURCES = 2;

/** How many rows `filter` draws, counted up to `bound` (more is reported as bound + 1). */
async function estimate(driver: SqlDriver, filter: CompiledFilter, bound: number): Promise<number> {
  if (!filter.source) return filter.rank <= NAMES_RESOURCES ? 0 : bound + 1;
  const q = sql`SELECT COUNT(*) AS n FROM (${filter.source} LIMIT ${bound + 1}) x`;
  return Number((await driver.query<{ n: number }>(q.text, q.params))[0]?.n ?? 0);
}

export async function chooseLead(driver: SqlDriver, request: SearchRequest, compiled: readonly CompiledFilter[]): Promise<Lead> {
  if (driver.reordersFilters) return leadByRank(compiled);
  const candidates = compiled.flatMap((c, index) => (c.driving ? [{ index, rank: c.rank }] : [])).sort((a, b) => a.rank - b.rank);
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1 && request.sort.length > 0) return candidates[0]!.index;
  let best: { index: number; rank: number; n: number } | undefined;
  for (const c of candidates) {
    // only whether it beats the best so far matters, so counting stops there
    const n = await estimate(driver, compiled[c.index]!, Math.min(ESTIMATE_LIMIT, best?.n ?? ESTIMATE_LIMIT));
    if (!best || n < best.n) best = { ...c, n };
    if (best.n <= SMALL) break;
  }
  if (!best) return undefined;
  // Every filter matches many: walk the type in row order and stop at a full page — unless one
  // names a particular resource (all this practitioner's appointments), which stays far fewer
  // than the type, or the results must be sorted anyway.
  if (best.n > ESTIMATE_LIMIT && request.sort.length === 0 && best.rank > NAMES_RESOURCES) return undefined;
  return best.index;
}
