/**
 * The Synthea test's side of the FHIR REST API, through the ordinary client library
 * `fhir-kit-client`: searches followed through every `next` link to the end
 * (http://hl7.org/fhir/R4/http.html#paging), with the Bundle pages checked for the shape a client
 * relies on. fhir-kit-client answers with untyped JSON; the few Bundle elements used here are
 * typed and checked at this boundary so the tests work with known shapes.
 */
import type { Client, FhirResource, SearchParams } from 'fhir-kit-client';
import { isJsonObject, type Json, type JsonObject } from './source-files.ts';

export interface BundleLink {
  relation: string;
  url: string;
}

export interface BundleEntry {
  fullUrl?: string;
  resource: JsonObject & { resourceType: string; id: string };
  /** search.mode: "match" or "include" (http://hl7.org/fhir/R4/bundle-definitions.html#Bundle.entry.search.mode) */
  mode: string | undefined;
}

export interface SearchPage {
  total: number | undefined;
  link: BundleLink[];
  entries: BundleEntry[];
}

export interface SearchResult {
  pages: SearchPage[];
  /** the matches of every page, in the order served */
  matches: BundleEntry['resource'][];
  /** the included resources of every page */
  included: BundleEntry['resource'][];
}

/** Checks that a client answer is a searchset Bundle and types the elements the tests read. */
export function asSearchPage(answer: FhirResource): SearchPage {
  const bundle = answer as unknown as Json;
  if (!isJsonObject(bundle) || bundle.resourceType !== 'Bundle' || bundle.type !== 'searchset') {
    throw new Error(`expected a searchset Bundle, got ${JSON.stringify(answer).slice(0, 300)}`);
  }
  const link = (Array.isArray(bundle.link) ? bundle.link : []).map((l) => {
    if (!isJsonObject(l) || typeof l.relation !== 'string' || typeof l.url !== 'string') throw new Error(`a Bundle.link without relation and url: ${JSON.stringify(l)}`);
    return { relation: l.relation, url: l.url };
  });
  const entries = (Array.isArray(bundle.entry) ? bundle.entry : []).map((e): BundleEntry => {
    const resource = isJsonObject(e) ? e.resource : undefined;
    if (!isJsonObject(e) || !isJsonObject(resource) || typeof resource.resourceType !== 'string' || typeof resource.id !== 'string') {
      throw new Error(`a Bundle.entry without a resource that has an id: ${JSON.stringify(e).slice(0, 300)}`);
    }
    const search = e.search;
    return {
      ...(typeof e.fullUrl === 'string' ? { fullUrl: e.fullUrl } : {}),
      resource: resource as BundleEntry['resource'],
      mode: isJsonObject(search) && typeof search.mode === 'string' ? search.mode : undefined,
    };
  });
  return { total: typeof bundle.total === 'number' ? bundle.total : undefined, link, entries };
}

/** A generous bound on pages, so that a `next` link that never ends fails the test instead of hanging it. */
const MAX_PAGES = 500;

/** Runs the search (in a compartment when given) and follows `next` with the client's own nextPage until there is none. */
export async function searchAll(client: Client, resourceType: string, searchParams: SearchParams, compartment?: { resourceType: string; id: string }): Promise<SearchResult> {
  let answer = await client.search({ resourceType, searchParams, ...(compartment !== undefined ? { compartment } : {}) });
  const pages: SearchPage[] = [];
  for (;;) {
    const page = asSearchPage(answer);
    pages.push(page);
    if (pages.length > MAX_PAGES) throw new Error(`${resourceType} search ${JSON.stringify(searchParams)}: more than ${MAX_PAGES} pages`);
    if (!page.link.some((l) => l.relation === 'next')) break;
    const next = client.nextPage({ bundle: { resourceType: 'Bundle', link: page.link } });
    if (next === undefined) break;
    answer = await next;
  }
  const entries = pages.flatMap((p) => p.entries);
  return {
    pages,
    matches: entries.filter((e) => e.mode === 'match').map((e) => e.resource),
    included: entries.filter((e) => e.mode === 'include').map((e) => e.resource),
  };
}

/** Ids in served order (for order checks); `sortedIds` for set comparisons that show a readable diff. */
export function idsOf(resources: readonly { id: string }[]): string[] {
  return resources.map((r) => r.id);
}

export function sortedIds(resources: readonly { id: string }[]): string[] {
  return idsOf(resources).sort();
}

/** Runs `tasks` with at most `limit` in flight: reads of thousands of resources without thousands of sockets at once. */
export async function inBatches<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
