/**
 * Compiles a whole SearchRequest to SQL: the page query (filters, sort, keyset paging) and the
 * count query. Paging is by keyset, not offset: a `next` link carries the sort values and row id
 * of the last match it showed, so resources created or changed meanwhile never shift a page
 * (no match is skipped or shown twice because of them).
 */
import { FhirError, type SearchRequest, type SortRule } from '@kindred/fhir';
import { and, join, or, raw, sql, type Fragment } from '../sql/fragment.ts';
import type { SqlValue } from '../sql/driver.ts';
import { compileFilter, restrictionCondition, type CompiledFilter, type FilterContext } from './compile-filter.ts';

export interface CursorPosition {
  keys: SqlValue[];
  rid: number;
}

/**
 * Which filter leads the query: the index of one with a driving form, or undefined to walk the
 * type's resources in row order, checking each filter (best when every filter matches many rows
 * and the first page is all that is wanted).
 */
export type Lead = number | undefined;

export function compileFilters(request: SearchRequest, ctx: FilterContext): CompiledFilter[] {
  const compiled = request.filters.map((f) => compileFilter(f, 'r', request.resourceType, ctx));
  // The access policy's condition is one more filter: in the page query and the count alike, so
  // neither a match nor `_total` can show what the caller may not see.
  if (ctx.restriction?.(request.resourceType) === undefined) return compiled;
  return [...compiled, { condition: restrictionCondition('r', request.resourceType, ctx), rank: 99 }];
}

/** The filter with a driving form and the lowest rank (the backend's planner may still reorder). */
export function leadByRank(compiled: readonly CompiledFilter[]): Lead {
  let lead: Lead;
  compiled.forEach((c, i) => {
    if (c.driving && (lead === undefined || c.rank < compiled[lead]!.rank)) lead = i;
  });
  return lead;
}

function baseWhere(request: SearchRequest, compiled: readonly CompiledFilter[], lead: Lead): Fragment {
  const conditions = compiled.map((c, i) => (i === lead ? c.driving! : c.condition));
  return and([sql`r.type = ${request.resourceType}`, raw('r.deleted = 0'), ...conditions]);
}

const SORT_TABLE: Record<string, { table: string; asc: string; desc: string }> = {
  string: { table: 'idx_string', asc: 'MIN(s.value)', desc: 'MAX(s.value)' },
  token: { table: 'idx_token', asc: 'MIN(s.value)', desc: 'MAX(s.value)' },
  uri: { table: 'idx_uri', asc: 'MIN(s.value)', desc: 'MAX(s.value)' },
  date: { table: 'idx_date', asc: 'MIN(s.low)', desc: 'MAX(s.high)' },
  number: { table: 'idx_number', asc: 'MIN(s.value)', desc: 'MAX(s.value)' },
  quantity: { table: 'idx_quantity', asc: 'MIN(s.value)', desc: 'MAX(s.value)' },
  reference: {
    table: 'idx_reference',
    asc: "MIN(COALESCE(s.target_type || '/' || s.target_id, s.url))",
    desc: "MAX(COALESCE(s.target_type || '/' || s.target_id, s.url))",
  },
};

/**
 * The sort value of a row for one rule (http://hl7.org/fhir/R4/search.html#sort). A parameter
 * with several values sorts by its lowest when ascending and its highest when descending; rows
 * without a value sort last either way.
 */
function sortExpression(rule: SortRule, ctx: FilterContext): Fragment {
  if (rule.param === '_id') return raw('r.id');
  if (rule.param === '_lastUpdated') return raw('r.last_updated');
  const spec = SORT_TABLE[rule.param.type];
  const pid = ctx.pids.get(rule.param.resourceType, rule.param.code);
  if (!spec || pid === undefined) throw new FhirError('INVALID_SEARCH', `Cannot sort by "${rule.param.code}".`);
  return sql`(SELECT ${raw(rule.descending ? spec.desc : spec.asc)} FROM ${raw(spec.table)} s WHERE s.rid = r.rid AND s.pid = ${pid})`;
}

/** Rows strictly after the cursor in the order (k0 dir0 NULLS LAST, …, rid ASC). */
function afterCursor(rules: readonly SortRule[], cursor: CursorPosition): Fragment {
  const alternatives: Fragment[] = [];
  const ties: Fragment[] = [];
  rules.forEach((rule, i) => {
    const k = raw(`q.k${i}`);
    const v = cursor.keys[i] ?? null;
    if (v !== null) {
      const after = rule.descending ? sql`(${k} < ${v} OR ${k} IS NULL)` : sql`(${k} > ${v} OR ${k} IS NULL)`;
      alternatives.push(and([...ties, after]));
      ties.push(sql`${k} = ${v}`);
    } else {
      ties.push(sql`${k} IS NULL`);
    }
  });
  alternatives.push(and([...ties, sql`q.rid > ${cursor.rid}`]));
  return or(alternatives);
}

export interface PageQuery {
  query: Fragment;
  /** number of sort keys selected as k0…kn (for building the next cursor) */
  keyCount: number;
}

export function compilePageQuery(
  request: SearchRequest,
  ctx: FilterContext,
  compiled: readonly CompiledFilter[],
  lead: Lead,
  cursor: CursorPosition | undefined,
  limit: number,
): PageQuery {
  const keys = request.sort.map((rule, i) => sql`${sortExpression(rule, ctx)} AS ${raw(`k${i}`)}`);
  const select = join([raw('r.rid'), raw('r.version'), ...keys], ', ');
  const inner = sql`SELECT ${select} FROM resource r WHERE ${baseWhere(request, compiled, lead)}`;
  const order = join(
    [...request.sort.map((rule, i) => raw(`q.k${i} ${rule.descending ? 'DESC' : 'ASC'} NULLS LAST`)), raw('q.rid ASC')],
    ', ',
  );
  const where = cursor ? sql` WHERE ${afterCursor(request.sort, cursor)}` : raw('');
  const keyColumns = request.sort.map((_, i) => raw(`, q.k${i}`));
  const query = sql`SELECT q.rid${join(keyColumns, '')}, v.content FROM (${inner}) q JOIN resource_version v ON v.rid = q.rid AND v.version = q.version${where} ORDER BY ${order} LIMIT ${limit}`;
  return { query, keyCount: request.sort.length };
}

export function compileCountQuery(request: SearchRequest, compiled: readonly CompiledFilter[], lead: Lead): Fragment {
  return sql`SELECT COUNT(*) AS n FROM resource r WHERE ${baseWhere(request, compiled, lead)}`;
}

// ---- cursors: opaque to clients, checked on the way back in ----

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.rid, ...position.keys])).toString('base64url');
}

export function decodeCursor(cursor: string, keyCount: number): CursorPosition {
  const invalid = new FhirError('INVALID_SEARCH', 'The paging link (_cursor) is not valid for this search; start again from the first page.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(parsed) || parsed.length !== keyCount + 1) throw invalid;
  const [rid, ...keys] = parsed as unknown[];
  if (typeof rid !== 'number' || !Number.isSafeInteger(rid)) throw invalid;
  if (!keys.every((k) => k === null || typeof k === 'string' || (typeof k === 'number' && Number.isFinite(k)))) throw invalid;
  return { rid, keys: keys as SqlValue[] };
}
