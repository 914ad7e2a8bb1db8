/**
 * `_typeFilter` (Bulk Data STU2 export.html, "_typeFilter Experimental Query Parameter"): per
 * resource type, FHIR search queries any one of which an exported resource must match. At
 * kick-off each query is read and checked with the ordinary search parser, so a bad filter is
 * refused before any work starts; in the worker the same queries run through the requester's
 * scoped repository and the ids they match select what is written.
 *
 * It must not build SQL or match resources by itself: search means one thing in Kindred, the
 * store's.
 */
import { FhirError, isFhirError, isResourceType, MAX_PAGE_SIZE, parseSearchRequest, type SearchRequest } from '@kindred/fhir';
import type { Repository } from '@kindred/store';

/** Per type, the queries (each a list of name/value pairs) that are OR-ed. */
export type TypeFilters = Record<string, [string, string][][]>;

/** "FHIR search response parameters such as _include and _sort SHALL NOT be used." */
const RESULT_PARAMETERS: ReadonlySet<string> = new Set([
  '_include',
  '_revinclude',
  '_sort',
  '_count',
  '_summary',
  '_elements',
  '_total',
  '_contained',
  '_containedType',
  '_cursor',
]);

/**
 * Splits a decoded `_typeFilter` value into its queries. The queries are joined with commas, and
 * a query may itself hold commas (OR-ed search values), so a comma only separates where the next
 * query begins, with `Type?`.
 */
function splitQueries(value: string): string[] {
  return value
    .split(/,(?=[A-Z][A-Za-z]+\?)/)
    .map((query) => query.trim())
    .filter((query) => query !== '');
}

function decodePart(text: string, query: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new FhirError('INVALID_REQUEST', `_typeFilter "${query}": "${text}" is not validly percent-encoded.`);
  }
}

/** `Type?a=1&b=2` → type and pairs. The client url-encodes each query inside the parameter, so its own values are decoded once more here. */
function readQuery(query: string): { type: string; pairs: [string, string][] } {
  const mark = query.indexOf('?');
  const type = mark < 0 ? query : query.slice(0, mark);
  if (!isResourceType(type)) {
    throw new FhirError('INVALID_REQUEST', `_typeFilter "${query}" does not start with a FHIR resource type and "?" (for example MedicationRequest?status=active).`);
  }
  const search = mark < 0 ? '' : query.slice(mark + 1);
  const pairs = search
    .split('&')
    .filter((part) => part !== '')
    .map((part): [string, string] => {
      const eq = part.indexOf('=');
      return eq < 0 ? [decodePart(part, query), ''] : [decodePart(part.slice(0, eq), query), decodePart(part.slice(eq + 1), query)];
    });
  if (pairs.length === 0) throw new FhirError('INVALID_REQUEST', `_typeFilter "${query}" has no search parameters.`);
  return { type, pairs };
}

function checkQuery(type: string, pairs: [string, string][], query: string, baseUrl: string): void {
  const banned = pairs.map(([name]) => name.split(':')[0] ?? name).find((name) => RESULT_PARAMETERS.has(name));
  if (banned !== undefined) {
    throw new FhirError('INVALID_REQUEST', `_typeFilter "${query}": search result parameters such as ${banned} "SHALL NOT be used" in _typeFilter.`);
  }
  try {
    parseSearchRequest(type, pairs, { handling: 'strict', baseUrl });
  } catch (error) {
    if (!isFhirError(error)) throw error;
    throw new FhirError(error.errorName, `_typeFilter "${query}": ${error.message}`);
  }
}

/**
 * Reads every `_typeFilter` value (repeats are "treated as if they were comma delimited values").
 * A filter for a type outside `types`, or one that cannot be used, is refused; under
 * handling=lenient it is dropped together with the other filters of its type, so that the export
 * is wider than asked, never narrower.
 */
export function parseTypeFilters(
  values: readonly string[],
  options: { types: readonly string[] | undefined; lenient: boolean; baseUrl: string },
): { filters: TypeFilters; ignored: string[] } {
  const filters: TypeFilters = {};
  const dropped = new Set<string>();
  const ignored: string[] = [];
  for (const query of values.flatMap(splitQueries)) {
    try {
      const { type, pairs } = readQuery(query);
      if (options.types !== undefined && !options.types.includes(type)) {
        throw new FhirError('UNSUPPORTED', `_typeFilter "${query}" filters ${type}, which _type does not ask for.`);
      }
      if (dropped.has(type)) continue;
      try {
        checkQuery(type, pairs, query, options.baseUrl);
      } catch (error) {
        if (options.lenient) {
          dropped.add(type);
          delete filters[type];
        }
        throw error;
      }
      filters[type] = [...(filters[type] ?? []), pairs];
    } catch (error) {
      if (!options.lenient || !isFhirError(error)) throw error;
      ignored.push(`${error.message} (ignored under Prefer: handling=lenient; the export is not filtered by it)`);
    }
  }
  return { filters, ignored };
}

/**
 * The ids of `type` that match any of `queries`, searched through `repository` a page at a time.
 * `checkpoint` runs after every page, so that a long search still renews the job's lease and
 * notices a cancellation.
 */
export async function idsMatchingFilters(
  repository: Repository,
  type: string,
  queries: readonly (readonly [string, string])[][],
  baseUrl: string,
  checkpoint: () => Promise<void>,
): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const pairs of queries) {
    const parsed = parseSearchRequest(type, pairs, { handling: 'strict', baseUrl });
    const request: SearchRequest = { ...parsed, count: MAX_PAGE_SIZE, total: 'none' };
    let cursor: string | undefined;
    do {
      const page = await repository.search(cursor === undefined ? request : { ...request, cursor });
      for (const match of page.matches) ids.add(match.id);
      cursor = page.nextCursor;
      await checkpoint();
    } while (cursor !== undefined);
  }
  return ids;
}
