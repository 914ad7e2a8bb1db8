/**
 * What a search touches beyond the type it returns, so the scoped repository can check it:
 * the types chained parameters and `_has` look into, and the types `_include`/`_revinclude`
 * would add to the result.
 *
 * Pure functions over a parsed SearchRequest; they never change the request they are given, and
 * they must not decide on their own what is allowed (the caller passes what the token may read).
 */
import { resourceTypes, searchParametersOf, type IncludeRule, type SearchFilter, type SearchRequest } from '@kindred/fhir';

function collectReached(filter: SearchFilter, into: Set<string>): void {
  switch (filter.kind) {
    case 'chain':
      // http://hl7.org/fhir/R4/search.html#chaining: `subject:Patient.name=x` matches on the
      // Patient's data, so its answer says something about Patients.
      for (const target of filter.targets) {
        into.add(target.type);
        collectReached(target.filter, into);
      }
      return;
    case 'has':
      // http://hl7.org/fhir/R4/search.html#has: `_has:Observation:patient:code=x` matches on Observations.
      into.add(filter.sourceType);
      collectReached(filter.filter, into);
      return;
    case 'all':
    case 'any':
      for (const inner of filter.filters) collectReached(inner, into);
      return;
    // Listed one by one, so a new kind of filter cannot slip past without a decision here: each
    // of these reads only the searched resource's own elements (a reference filter compares the
    // reference it holds; a compartment filter is a set of such references).
    case 'string':
    case 'token':
    case 'token-text':
    case 'reference':
    case 'reference-identifier':
    case 'date':
    case 'number':
    case 'quantity':
    case 'uri':
    case 'missing':
    case 'id':
    case 'last-updated':
    case 'compartment':
      return;
  }
}

/** The resource types whose data the filters look into, other than through the searched type's own elements. */
export function typesReachedByFilters(filters: readonly SearchFilter[]): ReadonlySet<string> {
  const reached = new Set<string>();
  for (const filter of filters) collectReached(filter, reached);
  return reached;
}

/** The types a reference search parameter may point at; undefined when it may point at any type. */
function targetsOf(sourceType: string, paramCode: string): readonly string[] | undefined {
  const params = searchParametersOf(sourceType);
  const chosen = paramCode === '*' ? [...params.values()].filter((p) => p.type === 'reference') : [params.get(paramCode)].filter((p) => p !== undefined);
  const targets = new Set<string>();
  for (const param of chosen) {
    if (!param.target || param.target.length === 0) return undefined;
    for (const t of param.target) targets.add(t);
  }
  return [...targets];
}

/**
 * An `_include` rule that can add only readable types. A rule that could also reach an unreadable
 * type is split into one rule per readable target type, rather than filtered afterwards: with
 * `:iterate`, the store follows references out of what it has included, so an unreadable resource
 * must never enter the result even for a moment, or the resources found through it would tell
 * the client about it.
 */
function narrowInclude(rule: IncludeRule, readable: ReadonlySet<string>): IncludeRule[] {
  if (rule.targetType !== undefined) return readable.has(rule.targetType) ? [rule] : [];
  const targets = targetsOf(rule.sourceType, rule.paramCode);
  if (targets !== undefined && targets.every((t) => readable.has(t))) return [rule];
  const candidates = targets ?? resourceTypes;
  return candidates.filter((t) => readable.has(t)).map((t) => ({ ...rule, targetType: t }));
}

export interface NarrowedIncludes {
  include: IncludeRule[];
  revinclude: IncludeRule[];
  /** false when the rules were already within what the token may read */
  changed: boolean;
}

/**
 * `_include`/`_revinclude` rules narrowed to what the token may read. FHIR's security guidance
 * (http://hl7.org/fhir/R4/security.html, "Access Denied Response Handling") is to return what the client may see rather
 * than fail, so unreadable inclusions are left out silently instead of refusing the search.
 */
export function narrowIncludes(request: SearchRequest, readable: '*' | ReadonlySet<string>): NarrowedIncludes {
  if (readable === '*') return { include: request.include, revinclude: request.revinclude, changed: false };
  const include = request.include.flatMap((rule) => narrowInclude(rule, readable));
  // A _revinclude adds resources of its source type, and nothing else.
  const revinclude = request.revinclude.filter((rule) => readable.has(rule.sourceType));
  const same = (a: readonly IncludeRule[], b: readonly IncludeRule[]): boolean => a.length === b.length && a.every((rule, i) => rule === b[i]);
  return { include, revinclude, changed: !same(include, request.include) || !same(revinclude, request.revinclude) };
}
