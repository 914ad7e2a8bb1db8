/**
 * Reading the entries of a batch or transaction Bundle (http://hl7.org/fhir/R4/http.html#transaction)
 * into requests the router can run, and turning what each run did back into a response entry.
 * Entry urls are relative to the base (absolute ones to this base are accepted); a Bundle inside
 * a Bundle is refused. Pure: nothing here runs an entry.
 */
import { Buffer } from 'node:buffer';
import { FhirError, informationOutcome, isPlainObject, type Bundle, type BundleEntry, type Resource } from '@kindred/fhir';
import type { FhirMethod, FhirRequest, FhirResponse } from './fhir-request.ts';
import { statusText, versionEtag, type ReturnPreference } from './headers.ts';
import { MediaType, parseQueryString, shown } from './request-checks.ts';
import { resourceUrl, versionUrl } from './responses.ts';
import type { WriteOutcome } from './write.ts';

/** More entries than one request should carry; larger loads go through `kindred import`. */
export const MAX_BUNDLE_ENTRIES = 10_000;

const METHODS: ReadonlySet<string> = new Set<FhirMethod>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

export interface PlannedEntry {
  /** position in the request Bundle, named in every error */
  index: number;
  method: FhirMethod;
  /** request.url as written, for messages */
  url: string;
  path: string[];
  query: [string, string][];
  fullUrl?: string;
  resource?: Record<string, unknown>;
  ifMatch?: string;
  ifNoneMatch?: string;
  ifNoneExist?: string;
  ifModifiedSince?: string;
}

/** The entry's request.url as path segments and query, relative to `baseUrl`. */
function readUrl(url: string, baseUrl: string): { path: string[]; query: [string, string][] } {
  let relative = url;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    if (!url.startsWith(`${baseUrl}/`)) {
      throw new FhirError('INVALID_REQUEST', `request.url ${shown(url)} is not on this server; write it relative to the base, e.g. Patient/123.`);
    }
    relative = url.slice(baseUrl.length + 1);
  }
  const mark = relative.indexOf('?');
  const pathText = mark >= 0 ? relative.slice(0, mark) : relative;
  const path = pathText.split('/').filter((segment) => segment !== '');
  try {
    return { path: path.map((segment) => decodeURIComponent(segment)), query: mark >= 0 ? parseQueryString(relative.slice(mark + 1)) : [] };
  } catch {
    throw new FhirError('INVALID_REQUEST', `request.url ${shown(url)} is not a valid url (bad percent-encoding).`);
  }
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new FhirError('INVALID_REQUEST', `request.${name} must be a string.`);
  return value;
}

/** One entry as a PlannedEntry, or the FhirError that makes it unusable. */
function readEntry(entry: unknown, index: number, baseUrl: string): PlannedEntry {
  if (!isPlainObject(entry)) throw new FhirError('INVALID_REQUEST', 'The entry is not a JSON object.');
  const request = entry.request;
  if (!isPlainObject(request)) throw new FhirError('INVALID_REQUEST', 'The entry has no request (method and url), which batch and transaction entries need.');
  if (typeof request.method !== 'string' || !METHODS.has(request.method)) {
    throw new FhirError('INVALID_REQUEST', 'request.method must be GET, HEAD, POST, PUT, PATCH or DELETE.');
  }
  if (typeof request.url !== 'string' || request.url.trim() === '') throw new FhirError('INVALID_REQUEST', 'request.url must name what the entry acts on, e.g. Patient/123.');
  const method = request.method as FhirMethod;
  const { path, query } = readUrl(request.url.trim(), baseUrl);
  const resource = entry.resource;
  if (resource !== undefined && !isPlainObject(resource)) throw new FhirError('INVALID_REQUEST', 'The entry resource is not a JSON object.');
  if (path.length === 0 || (resource?.resourceType === 'Bundle' && (resource.type === 'transaction' || resource.type === 'batch'))) {
    throw new FhirError('INVALID_REQUEST', 'A batch or transaction cannot contain another batch or transaction; send it as a request of its own.');
  }
  const planned: PlannedEntry = { index, method, url: request.url, path, query };
  if (typeof entry.fullUrl === 'string') planned.fullUrl = entry.fullUrl;
  if (resource !== undefined) planned.resource = resource;
  const headers = {
    ifMatch: optionalString(request.ifMatch, 'ifMatch'),
    ifNoneMatch: optionalString(request.ifNoneMatch, 'ifNoneMatch'),
    ifNoneExist: optionalString(request.ifNoneExist, 'ifNoneExist'),
    ifModifiedSince: optionalString(request.ifModifiedSince, 'ifModifiedSince'),
  };
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) planned[name as keyof typeof headers] = value;
  return planned;
}

/** The entries of a batch or transaction: each usable one planned, each unusable one its error. */
export function readBundleEntries(body: unknown, baseUrl: string): { type: 'batch' | 'transaction'; entries: (PlannedEntry | FhirError)[] } {
  if (!isPlainObject(body) || body.resourceType !== 'Bundle') {
    throw new FhirError('INVALID_REQUEST', 'POST to the base url takes a Bundle of type batch or transaction (http://hl7.org/fhir/R4/http.html#transaction).');
  }
  if (body.type !== 'batch' && body.type !== 'transaction') {
    throw new FhirError('INVALID_REQUEST', `The Bundle has type ${shown(String(body.type))}; only batch and transaction Bundles can be processed here.`);
  }
  const entries: unknown[] = body.entry === undefined ? [] : Array.isArray(body.entry) ? body.entry : [];
  if (body.entry !== undefined && !Array.isArray(body.entry)) throw new FhirError('INVALID_REQUEST', 'Bundle.entry must be an array.');
  if (entries.length > MAX_BUNDLE_ENTRIES) {
    throw new FhirError('TOO_COSTLY', `The Bundle has ${entries.length} entries; at most ${MAX_BUNDLE_ENTRIES} are processed in one request (use kindred import for bulk loads).`);
  }
  return {
    type: body.type,
    entries: entries.map((entry, index) => {
      try {
        return readEntry(entry, index, baseUrl);
      } catch (error) {
        if (error instanceof FhirError) return error;
        throw error;
      }
    }),
  };
}

/**
 * The JSON Patch of a PATCH entry: a Binary holding application/json-patch+json, base64-encoded
 * (http://hl7.org/fhir/R4/http.html#transaction, "Patch using JSON Patch (batch/transaction)").
 */
export function patchOperationsOf(entry: PlannedEntry): unknown {
  const binary = entry.resource;
  if (binary?.resourceType !== 'Binary' || binary.contentType !== MediaType.jsonPatch || typeof binary.data !== 'string') {
    throw new FhirError('INVALID_REQUEST', 'A PATCH entry carries its JSON Patch as a Binary resource with contentType application/json-patch+json and the patch in data (base64).');
  }
  try {
    return JSON.parse(Buffer.from(binary.data, 'base64').toString('utf8')) as unknown;
  } catch {
    throw new FhirError('MALFORMED_JSON', 'The Binary data of the PATCH entry is not a base64-encoded JSON Patch document.');
  }
}

/** The entry as a request to the router, with the outer request's Prefer. */
export function entryRequest(entry: PlannedEntry, outer: FhirRequest, body?: unknown): FhirRequest {
  const headers: FhirRequest['headers'] = {};
  if (entry.ifMatch !== undefined) headers.ifMatch = entry.ifMatch;
  if (entry.ifNoneMatch !== undefined) headers.ifNoneMatch = entry.ifNoneMatch;
  if (entry.ifNoneExist !== undefined) headers.ifNoneExist = entry.ifNoneExist;
  if (entry.ifModifiedSince !== undefined) headers.ifModifiedSince = entry.ifModifiedSince;
  if (outer.headers.prefer !== undefined) headers.prefer = outer.headers.prefer;
  const content = body ?? (entry.method === 'PATCH' ? patchOperationsOf(entry) : entry.resource);
  return { method: entry.method, path: entry.path, query: entry.query, headers, ...(content !== undefined ? { body: content } : {}) };
}

function isResource(value: unknown): value is Resource {
  return isPlainObject(value) && typeof value.resourceType === 'string';
}

/** A router response as a response entry (http://hl7.org/fhir/R4/bundle-definitions.html#Bundle.entry.response). */
export function responseEntry(response: FhirResponse, baseUrl: string, method: FhirMethod): BundleEntry {
  const headers = response.headers ?? {};
  const body = response.body;
  const failed = response.status >= 400;
  const outcome = isResource(body) && body.resourceType === 'OperationOutcome' && (failed || (method !== 'GET' && method !== 'HEAD'));
  const meta = isResource(body) && isPlainObject(body.meta) ? body.meta : undefined;
  const lastModified = typeof meta?.lastUpdated === 'string' ? meta.lastUpdated : headers['Last-Modified'] ? new Date(headers['Last-Modified']).toISOString() : undefined;
  const entry: BundleEntry = {
    response: {
      status: statusText(response.status),
      ...(headers.Location ? { location: headers.Location } : {}),
      ...(headers.ETag ? { etag: headers.ETag } : {}),
      ...(lastModified !== undefined && !failed ? { lastModified } : {}),
      ...(outcome && isResource(body) ? { outcome: body } : {}),
    },
  };
  if (!outcome && !failed && isResource(body) && method !== 'HEAD') {
    entry.resource = body;
    if (typeof body.id === 'string' && body.resourceType !== 'Bundle') entry.fullUrl = resourceUrl(baseUrl, body.resourceType, body.id);
  }
  return entry;
}

/** What a write inside a transaction did, as its response entry, shaped by `Prefer: return`. */
export function writeEntry(outcome: WriteOutcome, preference: ReturnPreference, baseUrl: string): BundleEntry {
  const stored = outcome.resource;
  if (stored === undefined) {
    return { response: { status: statusText(204), ...(outcome.deletedVersion !== undefined ? { etag: versionEtag(outcome.deletedVersion) } : {}) } };
  }
  return {
    fullUrl: resourceUrl(baseUrl, stored.resourceType, stored.id),
    ...(preference === 'representation' ? { resource: stored } : {}),
    response: {
      status: statusText(outcome.status),
      location: versionUrl(baseUrl, stored),
      etag: versionEtag(stored.meta.versionId),
      lastModified: stored.meta.lastUpdated,
      ...(preference === 'OperationOutcome' ? { outcome: informationOutcome(outcome.message) } : {}),
    },
  };
}

export function responseBundle(type: 'batch-response' | 'transaction-response', entries: BundleEntry[]): Bundle {
  return { resourceType: 'Bundle', type, ...(entries.length > 0 ? { entry: entries } : {}) };
}
