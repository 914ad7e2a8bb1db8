/**
 * `_include` and `_revinclude` (http://hl7.org/fhir/R4/search.html#include): after the page of
 * matches is known, follow references out of it (include) or into it (revinclude), and with
 * `:iterate` keep following from what was just added, until nothing new appears. Only live
 * resources are added, each once, never repeating a match.
 */
import { FhirError, resourceTypes, searchParametersOf, type IncludeRule, type StoredResource } from '@kindred/fhir';
import { and, list, or, raw, sql, type Fragment } from '../sql/fragment.ts';
import type { SqlDriver } from '../sql/driver.ts';
import type { SearchParamIds } from '../search-param-ids.ts';
import { restrictionCondition, type FilterContext } from './compile-filter.ts';

export interface Located {
  rid: number;
  resource: StoredResource;
}

/** Beyond this many included resources a search is refused as too costly rather than answered partly. */
export const MAX_INCLUDED = 5000;
const MAX_ROUNDS = 8;
const CHUNK = 500;

function referencePids(rule: IncludeRule, pids: SearchParamIds): number[] {
  const params = searchParametersOf(rule.sourceType);
  const codes = rule.paramCode === '*' ? [...params.values()].filter((p) => p.type === 'reference').map((p) => p.code) : [rule.paramCode];
  return codes.map((c) => pids.get(rule.sourceType, c)).filter((p): p is number => p !== undefined);
}

async function fetchRows(driver: SqlDriver, query: Fragment): Promise<Located[]> {
  const rows = await driver.query<{ rid: number; content: string }>(query.text, query.params);
  return rows.map((row) => ({ rid: Number(row.rid), resource: JSON.parse(row.content) as StoredResource }));
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * What the access policy allows of included rows aliased `alias` that may be of any of `types`:
 * each type's own condition, so that an include never brings in a resource the caller could not
 * read directly.
 */
function allowedIncluded(alias: string, types: readonly string[] | undefined, ctx: FilterContext): Fragment {
  if (!ctx.restriction) return raw('');
  const candidates = types ?? resourceTypes;
  const a = raw(alias);
  return sql` AND ${or(candidates.map((t) => and([sql`${a}.type = ${t}`, restrictionCondition(alias, t, ctx)])))}`;
}

/** The types a rule's references may point at; undefined when any type. */
function targetTypesOf(rule: IncludeRule): readonly string[] | undefined {
  if (rule.targetType) return [rule.targetType];
  const params = searchParametersOf(rule.sourceType);
  const chosen = rule.paramCode === '*' ? [...params.values()].filter((p) => p.type === 'reference') : [params.get(rule.paramCode)].filter((p) => p !== undefined);
  const targets = new Set<string>();
  for (const param of chosen) {
    if (!param.target || param.target.length === 0) return undefined;
    for (const t of param.target) targets.add(t);
  }
  return [...targets];
}

/** Targets of the rule's references held by `sources`. */
async function followOut(driver: SqlDriver, rule: IncludeRule, sources: readonly Located[], ctx: FilterContext): Promise<Located[]> {
  const from = sources.filter((s) => s.resource.resourceType === rule.sourceType).map((s) => s.rid);
  const pidList = referencePids(rule, ctx.pids);
  if (from.length === 0 || pidList.length === 0) return [];
  const types = targetTypesOf(rule);
  const typeFilter = rule.targetType ? sql` AND t.type = ${rule.targetType}` : raw('');
  if (!ctx.restriction) {
    const out: Located[] = [];
    for (const part of chunks(from)) {
      out.push(
        ...(await fetchRows(
          driver,
          sql`SELECT DISTINCT t.rid, v.content FROM idx_reference i JOIN resource t ON t.type = i.target_type AND t.id = i.target_id JOIN resource_version v ON v.rid = t.rid AND v.version = t.version WHERE i.rid IN (${list(part)}) AND i.pid IN (${list(pidList)}) AND t.deleted = 0${typeFilter}`,
        )),
      );
    }
    return out;
  }
  // With the access policy: first the targets (a few rows), then what the policy allows of them,
  // one type at a time, so each check is a small statement about known rows (one condition over
  // every type would let the planner work out the policy for the whole table first).
  const targets: { rid: number; type: string }[] = [];
  for (const part of chunks(from)) {
    const query = sql`SELECT DISTINCT t.rid, t.type FROM idx_reference i JOIN resource t ON t.type = i.target_type AND t.id = i.target_id WHERE i.rid IN (${list(part)}) AND i.pid IN (${list(pidList)}) AND t.deleted = 0${typeFilter}`;
    const rows = await driver.query<{ rid: number | string; type: string }>(query.text, query.params);
    for (const row of rows) if (types === undefined || types.includes(row.type)) targets.push({ rid: Number(row.rid), type: row.type });
  }
  return allowedRows(driver, targets, ctx);
}

/** The rows among `targets` the access policy lets the caller read, with their content. */
async function allowedRows(driver: SqlDriver, targets: readonly { rid: number; type: string }[], ctx: FilterContext): Promise<Located[]> {
  const byType = new Map<string, number[]>();
  for (const t of targets) byType.set(t.type, [...(byType.get(t.type) ?? []), t.rid]);
  const out: Located[] = [];
  for (const [type, rids] of byType) {
    for (const part of chunks([...new Set(rids)])) {
      const query = sql`SELECT t.rid, v.content FROM resource t JOIN resource_version v ON v.rid = t.rid AND v.version = t.version WHERE t.rid IN (${list(part)}) AND t.type = ${type} AND ${restrictionCondition('t', type, ctx)}`;
      // the policy's statement repeats with other rows: keep its plan (as for the policy's searches)
      const rows = await driver.query<{ rid: number; content: string }>(query.text, query.params, { planOnce: true });
      out.push(...rows.map((row) => ({ rid: Number(row.rid), resource: JSON.parse(row.content) as StoredResource })));
    }
  }
  return out;
}

/** Resources of the rule's source type whose references point at `targets`. */
async function followIn(driver: SqlDriver, rule: IncludeRule, targets: readonly Located[], ctx: FilterContext): Promise<Located[]> {
  const pidList = referencePids(rule, ctx.pids);
  if (pidList.length === 0) return [];
  const allowed = allowedIncluded('s', [rule.sourceType], ctx);
  const byType = new Map<string, string[]>();
  for (const t of targets) {
    if (rule.targetType && t.resource.resourceType !== rule.targetType) continue;
    byType.set(t.resource.resourceType, [...(byType.get(t.resource.resourceType) ?? []), t.resource.id]);
  }
  const out: Located[] = [];
  for (const [type, ids] of byType) {
    for (const part of chunks(ids)) {
      out.push(
        ...(await fetchRows(
          driver,
          sql`SELECT DISTINCT s.rid, v.content FROM idx_reference i JOIN resource s ON s.rid = i.rid JOIN resource_version v ON v.rid = s.rid AND v.version = s.version WHERE i.target_id IN (${list(part)}) AND i.target_type = ${type} AND i.pid IN (${list(pidList)}) AND s.type = ${rule.sourceType} AND s.deleted = 0${allowed}`,
        )),
      );
    }
  }
  return out;
}

export async function loadIncludes(
  driver: SqlDriver,
  ctx: FilterContext,
  matches: readonly Located[],
  include: readonly IncludeRule[],
  revinclude: readonly IncludeRule[],
): Promise<Located[]> {
  if (matches.length === 0 || (include.length === 0 && revinclude.length === 0)) return [];
  const seen = new Set(matches.map((m) => m.rid));
  const included: Located[] = [];
  let frontier: readonly Located[] = matches;
  for (let round = 0; round < MAX_ROUNDS && frontier.length > 0; round++) {
    // The first round applies every rule to the matches; later rounds only the :iterate ones to what was just added.
    const rules = (rs: readonly IncludeRule[]): readonly IncludeRule[] => (round === 0 ? rs : rs.filter((r) => r.iterate));
    const found: Located[] = [];
    for (const rule of rules(include)) found.push(...(await followOut(driver, rule, frontier, ctx)));
    for (const rule of rules(revinclude)) found.push(...(await followIn(driver, rule, frontier, ctx)));
    const fresh: Located[] = [];
    for (const f of found) {
      if (seen.has(f.rid)) continue;
      seen.add(f.rid);
      fresh.push(f);
    }
    included.push(...fresh);
    if (included.length > MAX_INCLUDED) {
      throw new FhirError('TOO_COSTLY', `The _include/_revinclude parameters would add more than ${MAX_INCLUDED} resources to one page; ask for a smaller _count or fewer includes.`);
    }
    frontier = fresh;
  }
  return included;
}
