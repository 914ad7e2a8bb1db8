/**
 * Compiles one search filter (http://hl7.org/fhir/R4/search.html) to SQL conditions over the
 * index tables, for a resource row aliased `alias`. Each filter yields a condition usable on any
 * candidate row (EXISTS), and, where an index can find the matches directly, a "driving" form
 * (`alias.rid IN (…)`) so that the most selective filter of a search leads the query plan
 * instead of every resource of the type being scanned.
 */
import { FhirError, normalizeString, type ParamKey, type SearchFilter, type SearchParamType, type SearchRestriction } from '@kindred/fhir';
import { and, join, list, or, raw, sql, FALSE, TRUE, type Fragment } from '../sql/fragment.ts';
import type { SearchParamIds } from '../search-param-ids.ts';
import { dateCondition, lastUpdatedCondition, numberCondition } from './compile-ranges.ts';
import { termKey } from '../write/term-key.ts';

export interface CompiledFilter {
  /** a boolean condition on the row `alias` */
  condition: Fragment;
  /** `alias.rid IN (…)` or `alias.id IN (…)` that finds the matches from an index, when one can */
  driving?: Fragment;
  /** the query inside `driving` (one row per match), for estimating how many rows it would draw */
  source?: Fragment;
  /** lower is more selective; the most selective filter with a driving form leads the query */
  rank: number;
}

export interface FilterContext {
  pids: SearchParamIds;
  now: number;
  /** the access policy's filter per type (see SearchRestriction); applied to chain targets and `_has` sources too */
  restriction?: SearchRestriction;
  /**
   * Compile chains and `_has` as conditions on each row rather than as sets found up front. The
   * access policy's filters are compiled this way: they are checked on the rows a search has
   * already found (often one patient's), where looking up that patient costs a few index probes,
   * while building the set of every patient an organisation cares for would cost far more.
   */
  correlated?: boolean;
}

/**
 * The condition the access policy puts on rows of `type` aliased `alias`: TRUE when unrestricted,
 * FALSE when the type is hidden. It is compiled without the restriction itself, so that the
 * policy's own chains and `_has` (which the policy writes to decide) are not restricted again.
 */
export function restrictionCondition(alias: string, type: string, ctx: FilterContext): Fragment {
  const rule = ctx.restriction?.(type);
  if (rule === undefined) return TRUE;
  if (rule === 'none') return FALSE;
  const { restriction: _unused, ...unrestricted } = ctx;
  return compileFilter(rule, alias, type, { ...unrestricted, correlated: true }).condition;
}

const TABLE_OF_TYPE: Partial<Record<SearchParamType, string>> = {
  string: 'idx_string',
  token: 'idx_token',
  reference: 'idx_reference',
  date: 'idx_date',
  number: 'idx_number',
  quantity: 'idx_quantity',
  uri: 'idx_uri',
};

/** The highest code point: every string that starts with p sorts below p + this. */
const TOP = '\u{10FFFF}';

function pidOf(ctx: FilterContext, param: ParamKey): number {
  const pid = ctx.pids.get(param.resourceType, param.code);
  if (pid === undefined) {
    throw new FhirError('INVALID_SEARCH', `The parameter "${param.code}" of ${param.resourceType} cannot be searched.`);
  }
  return pid;
}

/** Rows of `table` for the parameter that satisfy `where` (on alias i): EXISTS and IN forms. */
function indexed(alias: string, table: string, pid: number, where: Fragment, rank: number, negate = false): CompiledFilter {
  const t = raw(table);
  const a = raw(alias);
  const exists = sql`EXISTS (SELECT 1 FROM ${t} i WHERE i.rid = ${a}.rid AND i.pid = ${pid} AND ${where})`;
  if (negate) return { condition: sql`NOT ${exists}`, rank: 99 };
  const source = sql`SELECT i.rid FROM ${t} i WHERE i.pid = ${pid} AND ${where}`;
  return { condition: exists, driving: sql`${a}.rid IN (${source})`, source, rank };
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function startsWith(column: string, prefix: string): Fragment {
  const c = raw(column);
  return sql`${c} >= ${prefix} AND ${c} < ${prefix + TOP}`;
}

function tokenMatch(value: { system?: string | null; code?: string }): Fragment {
  const parts: Fragment[] = [];
  if (value.code !== undefined) parts.push(sql`i.value = ${value.code}`);
  if (value.system === null) parts.push(raw('i.system IS NULL'));
  else if (value.system !== undefined) parts.push(sql`i.system = ${termKey(value.system)}`);
  return and(parts);
}

/** "http://a/b/c" → ["http://a/b/c", "http://a/b", "http://a"]: the urls a `:above` search matches. */
function uriAncestors(uri: string): string[] {
  const out = [uri];
  let current = uri;
  for (;;) {
    const slash = current.lastIndexOf('/');
    if (slash <= current.indexOf('//') + 1) break;
    current = current.slice(0, slash);
    out.push(current);
  }
  return out;
}

/** `aliasType` is the resource type of the rows `alias` stands for. */
export function compileFilter(filter: SearchFilter, alias: string, aliasType: string, ctx: FilterContext): CompiledFilter {
  const a = raw(alias);
  switch (filter.kind) {
    case 'string': {
      const pid = pidOf(ctx, filter.param);
      const values = filter.values.map((v) => {
        const normalized = normalizeString(v);
        if (filter.modifier === 'exact') return sql`(i.value = ${normalized} AND COALESCE(i.exact, i.value) = ${v})`;
        if (filter.modifier === 'contains') return sql`i.value LIKE ${`%${escapeLike(normalized)}%`} ESCAPE '\\'`;
        return sql`(${startsWith('i.value', normalized)})`;
      });
      return indexed(alias, 'idx_string', pid, or(values), filter.modifier === 'contains' ? 8 : filter.modifier === 'exact' ? 4 : 5);
    }
    case 'token': {
      const pid = pidOf(ctx, filter.param);
      const match = or(filter.values.map((v) => tokenMatch(v)));
      // identifiers name one resource; codes are shared by many
      const rank = filter.values.every((v) => v.code !== undefined) ? (/identifier/.test(filter.param.code) ? 1.5 : 3) : 7;
      return indexed(alias, 'idx_token', pid, match, rank, filter.modifier === 'not');
    }
    case 'token-text': {
      // texts ride on the token rows of their parameter (see write/index-tables.ts)
      const pid = pidOf(ctx, filter.param);
      return indexed(alias, 'idx_token', pid, or(filter.values.map((v) => sql`(${startsWith('i.text', normalizeString(v))})`)), 6);
    }
    case 'reference': {
      const pid = pidOf(ctx, filter.param);
      const values = filter.values.map((v) => {
        const parts: Fragment[] = [];
        if (v.id !== undefined) {
          parts.push(v.type !== undefined ? sql`(i.target_id = ${v.id} AND i.target_type = ${v.type})` : sql`i.target_id = ${v.id}`);
        }
        if (v.url !== undefined) parts.push(sql`i.url = ${v.url}`);
        return or(parts);
      });
      return indexed(alias, 'idx_reference', pid, or(values), 2);
    }
    case 'reference-identifier': {
      const pid = pidOf(ctx, filter.param);
      return indexed(alias, 'idx_token', pid, or(filter.values.map((v) => tokenMatch(v))), 3);
    }
    case 'date': {
      const pid = pidOf(ctx, filter.param);
      return indexed(alias, 'idx_date', pid, or(filter.values.map((v) => dateCondition(v, ctx.now))), 6);
    }
    case 'number': {
      const pid = pidOf(ctx, filter.param);
      return indexed(alias, 'idx_number', pid, or(filter.values.map((v) => numberCondition(v))), 6);
    }
    case 'quantity': {
      const pid = pidOf(ctx, filter.param);
      const values = filter.values.map((v) => {
        const parts = [numberCondition(v)];
        if (v.system !== undefined) parts.push(sql`i.system = ${termKey(v.system)}`);
        if (v.unit !== undefined) parts.push(sql`i.unit = ${v.unit}`);
        return and(parts);
      });
      return indexed(alias, 'idx_quantity', pid, or(values), 6);
    }
    case 'uri': {
      const pid = pidOf(ctx, filter.param);
      const values = filter.values.map((v) => {
        if (filter.modifier === 'below') return sql`(${startsWith('i.value', v)})`;
        if (filter.modifier === 'above') return sql`i.value IN (${list(uriAncestors(v))})`;
        return sql`i.value = ${v}`;
      });
      return indexed(alias, 'idx_uri', pid, or(values), 5);
    }
    case 'missing': {
      const pid = pidOf(ctx, filter.param);
      const table = TABLE_OF_TYPE[filter.param.type];
      if (!table) throw new FhirError('INVALID_SEARCH', `:missing is not supported on "${filter.param.code}".`);
      const exists = sql`EXISTS (SELECT 1 FROM ${raw(table)} i WHERE i.rid = ${a}.rid AND i.pid = ${pid})`;
      return { condition: filter.missing ? sql`NOT ${exists}` : exists, rank: 99 };
    }
    case 'id': {
      if (filter.values.length === 0) return { condition: FALSE, rank: 1 };
      const condition = sql`${a}.id ${raw(filter.not ? 'NOT IN' : 'IN')} (${list(filter.values)})`;
      return filter.not ? { condition, rank: 99 } : { condition, driving: condition, rank: 1 };
    }
    case 'last-updated':
      return { condition: or(filter.values.map((v) => lastUpdatedCondition(`${alias}.last_updated`, v, ctx.now))), rank: 7 };
    case 'chain':
      return compileChain(filter, alias, ctx);
    case 'has':
      return compileHas(filter, alias, aliasType, ctx);
    case 'all': {
      const parts = filter.filters.map((f) => compileFilter(f, alias, aliasType, ctx));
      if (parts.length === 0) return { condition: TRUE, rank: 99 };
      const lead = parts.reduce((best, p) => (p.driving && (!best.driving || p.rank < best.rank) ? p : best), parts[0]!);
      const condition = and(parts.map((p) => p.condition));
      if (!lead.driving) return { condition, rank: 99 };
      // one part finds candidates through its index; the others are checked on each of them
      const driving = and([lead.driving, ...parts.filter((p) => p !== lead).map((p) => p.condition)]);
      return { condition, driving, ...(lead.source ? { source: lead.source } : {}), rank: lead.rank };
    }
    case 'any': {
      const parts = filter.filters.map((f) => compileFilter(f, alias, aliasType, ctx));
      if (parts.length === 0) return { condition: FALSE, rank: 1 };
      const condition = or(parts.map((p) => p.condition));
      if (!parts.every((p) => p.driving)) return { condition, rank: 99 };
      return { condition, driving: or(parts.map((p) => p.driving!)), rank: Math.max(...parts.map((p) => p.rank)) + 1 };
    }
    case 'compartment': {
      // The compartment's own resource is in it (Patient/123 is in Patient 123's compartment): the
      // compartment definition lists it as `_id` (http://hl7.org/fhir/R4/compartmentdefinition.html).
      const self = filter.params.some((p) => p.code === '_id') ? sql`${a}.id = ${filter.id}` : undefined;
      const pids = filter.params.filter((p) => p.code !== '_id').map((p) => pidOf(ctx, p));
      const parts: Fragment[] = self ? [self] : [];
      if (pids.length > 0) {
        parts.push(
          sql`${a}.rid IN (SELECT i.rid FROM idx_reference i WHERE i.pid IN (${list(pids)}) AND i.target_type = ${filter.compartmentType} AND i.target_id = ${filter.id})`,
        );
      }
      const condition = or(parts);
      return { condition, driving: condition, rank: 2 };
    }

  }
}

type ChainFilter = Extract<SearchFilter, { kind: 'chain' }>;
type HasFilter = Extract<SearchFilter, { kind: 'has' }>;

/**
 * `subject:Patient.name=peter`: a reference of this row points at a live target matching the inner
 * filter. One subquery per target type (joined with UNION ALL), so each can use its indexes; an OR
 * across types would hide them from the planner.
 */
function compileChain(filter: ChainFilter, alias: string, ctx: FilterContext): CompiledFilter {
  const pid = pidOf(ctx, filter.param);
  const a = raw(alias);
  // Aliases of their own, made from the outer one: a chain inside a chain (or inside an include's
  // restriction, whose row is `t`) must still be tied to its own outer row, not shadow it.
  const ta = `${alias}t`;
  const ia = `${alias}ti`;
  const t = raw(ta);
  const i = raw(ia);
  const targets = filter.targets.map((target) => {
    const inner = compileFilter(target.filter, ta, target.type, ctx);
    const allowed = restrictionCondition(ta, target.type, ctx);
    const live = sql`${t}.type = ${target.type} AND ${t}.deleted = 0 AND ${ctx.correlated ? inner.condition : (inner.driving ?? inner.condition)} AND ${allowed}`;
    return {
      rank: inner.rank,
      source: sql`SELECT ${i}.rid FROM resource ${t} JOIN idx_reference ${i} ON ${i}.target_id = ${t}.id AND ${i}.target_type = ${t}.type WHERE ${live} AND ${i}.pid = ${pid}`,
      exists: sql`EXISTS (SELECT 1 FROM idx_reference ${i} JOIN resource ${t} ON ${t}.type = ${i}.target_type AND ${t}.id = ${i}.target_id WHERE ${i}.rid = ${a}.rid AND ${i}.pid = ${pid} AND ${live})`,
    };
  });
  const source = join(
    targets.map((t) => t.source),
    ' UNION ALL ',
  );
  return {
    condition: or(targets.map((t) => t.exists)),
    driving: sql`${a}.rid IN (${source})`,
    source,
    // as selective as what it looks for, a little less for the hop
    rank: Math.max(...targets.map((t) => t.rank)) + 0.5,
  };
}

/** `_has:Observation:patient:code=x`: a live resource of sourceType matching the inner filter refers to this row. */
function compileHas(filter: HasFilter, alias: string, aliasType: string, ctx: FilterContext): CompiledFilter {
  const pid = pidOf(ctx, filter.referenceParam);
  const a = raw(alias);
  // aliases of their own, made from the outer one (see compileChain)
  const sa = `${alias}s`;
  const src = raw(sa);
  const i = raw(`${alias}si`);
  const s = compileFilter(filter.filter, sa, filter.sourceType, ctx);
  const allowed = restrictionCondition(sa, filter.sourceType, ctx);
  const referrer = sql`${src}.type = ${filter.sourceType} AND ${src}.deleted = 0 AND ${ctx.correlated ? s.condition : (s.driving ?? s.condition)} AND ${allowed}`;
  // The type is a literal, never the outer row's column: a subquery tied to the outer row would be
  // run again for every row.
  const source = sql`SELECT ${i}.target_id FROM idx_reference ${i} JOIN resource ${src} ON ${src}.rid = ${i}.rid WHERE ${i}.pid = ${pid} AND ${i}.target_type = ${aliasType} AND ${referrer}`;
  return {
    condition: sql`EXISTS (SELECT 1 FROM idx_reference ${i} JOIN resource ${src} ON ${src}.rid = ${i}.rid WHERE ${i}.pid = ${pid} AND ${i}.target_type = ${aliasType} AND ${i}.target_id = ${a}.id AND ${referrer})`,
    driving: sql`${a}.id IN (${source})`,
    source,
    rank: s.rank + 0.5,
  };
}
