/**
 * The Bundles the router answers with: searchset (http://hl7.org/fhir/R4/search.html#bundle),
 * history (http://hl7.org/fhir/R4/http.html#history) and the paging links both carry
 * (http://hl7.org/fhir/R4/http.html#paging). Links are absolute and repeat the parameters used,
 * with `_cursor` for the next page. Pure: pages in, Bundles out.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@kindred/fhir';
import type { HistoryEntry, HistoryPage, SearchPage } from '@kindred/store';
import { versionEtag, statusText } from './headers.ts';
import { resourceUrl } from './responses.ts';

export const CURSOR_PARAMETER = '_cursor';

/** `[base]/a/b?x=1&y=2`, each path segment and parameter encoded. */
export function absoluteUrl(baseUrl: string, path: readonly string[], params: ReadonlyArray<readonly [string, string]>): string {
  const tail = path.map((segment) => encodeURIComponent(segment)).join('/');
  const query = new URLSearchParams(params.map(([name, value]): [string, string] => [name, value])).toString();
  return `${baseUrl}${tail === '' ? '' : `/${tail}`}${query === '' ? '' : `?${query}`}`;
}

/** self and (when there is a further page) next links: the same parameters, with the next page's cursor. */
export function pagingLinks(
  baseUrl: string,
  path: readonly string[],
  params: ReadonlyArray<readonly [string, string]>,
  nextCursor: string | undefined,
): { relation: string; url: string }[] {
  const links = [{ relation: 'self', url: absoluteUrl(baseUrl, path, params) }];
  if (nextCursor !== undefined) {
    const withoutCursor = params.filter(([name]) => name !== CURSOR_PARAMETER);
    links.push({ relation: 'next', url: absoluteUrl(baseUrl, path, [...withoutCursor, [CURSOR_PARAMETER, nextCursor]]) });
  }
  return links;
}

function bundleFrame(type: Bundle['type']): Bundle {
  return { resourceType: 'Bundle', id: randomUUID(), meta: { lastUpdated: new Date().toISOString() }, type };
}

export interface SearchsetInput {
  baseUrl: string;
  page: SearchPage;
  /** the self/next links */
  links: { relation: string; url: string }[];
  /** each returned resource as the client asked (_summary, _elements) */
  shape: (resource: Resource) => Resource;
  /** parameters that were not used, reported as an entry with search.mode "outcome" (http://hl7.org/fhir/R4/search.html#errors) */
  outcome?: OperationOutcome;
  /** _summary=count: the total only (http://hl7.org/fhir/R4/search.html#summary) */
  countOnly: boolean;
}

/** A searchset Bundle: matches, then included resources, each with its fullUrl and search mode. */
export function searchsetBundle(input: SearchsetInput): Bundle {
  const { page, baseUrl, shape } = input;
  const entries: BundleEntry[] = [];
  if (input.outcome) entries.push({ fullUrl: `urn:uuid:${randomUUID()}`, resource: input.outcome, search: { mode: 'outcome' } });
  if (!input.countOnly) {
    for (const resource of page.matches) {
      entries.push({ fullUrl: resourceUrl(baseUrl, resource.resourceType, resource.id), resource: shape(resource), search: { mode: 'match' } });
    }
    for (const resource of page.included) {
      entries.push({ fullUrl: resourceUrl(baseUrl, resource.resourceType, resource.id), resource: shape(resource), search: { mode: 'include' } });
    }
  }
  return {
    ...bundleFrame('searchset'),
    ...(page.total !== undefined ? { total: page.total } : {}),
    link: input.links,
    ...(entries.length > 0 ? { entry: entries } : {}),
  };
}

/** How each kind of version is shown as the request that made it (http://hl7.org/fhir/R4/http.html#history). */
function historyEntry(baseUrl: string, entry: HistoryEntry): BundleEntry {
  const fullUrl = resourceUrl(baseUrl, entry.resourceType, entry.id);
  const instance = `${entry.resourceType}/${encodeURIComponent(entry.id)}`;
  const request =
    entry.method === 'create'
      ? { method: 'POST', url: entry.resourceType }
      : { method: entry.method === 'update' ? 'PUT' : 'DELETE', url: instance };
  const status = entry.method === 'create' ? 201 : entry.method === 'update' ? 200 : 204;
  return {
    fullUrl,
    ...(entry.resource !== undefined ? { resource: entry.resource } : {}),
    request,
    response: { status: statusText(status), etag: versionEtag(entry.versionId), lastModified: entry.lastUpdated },
  };
}

/** A history Bundle, newest version first; a deletion is an entry with a DELETE request and no resource. */
export function historyBundle(baseUrl: string, page: HistoryPage, links: { relation: string; url: string }[]): Bundle {
  const entries = page.entries.map((entry) => historyEntry(baseUrl, entry));
  return {
    ...bundleFrame('history'),
    ...(page.total !== undefined ? { total: page.total } : {}),
    link: links,
    ...(entries.length > 0 ? { entry: entries } : {}),
  };
}
