/**
 * The shape of FHIR JSON as Kindred handles it: a resource is a plain JSON object with a
 * `resourceType`. Deliberately loose: the validator, not the type system, decides what is valid,
 * because resources arrive from outside as untyped JSON.
 */

export interface Coding {
  system?: string;
  version?: string;
  code?: string;
  display?: string;
}

export interface Meta {
  versionId?: string;
  lastUpdated?: string;
  source?: string;
  profile?: string[];
  security?: Coding[];
  tag?: Coding[];
  [key: string]: unknown;
}

export interface Resource {
  resourceType: string;
  id?: string;
  meta?: Meta;
  [key: string]: unknown;
}

/** A resource that has been stored: it always has an id and version metadata. */
export interface StoredResource extends Resource {
  id: string;
  meta: Meta & { versionId: string; lastUpdated: string };
}

export interface BundleEntry {
  fullUrl?: string;
  resource?: Resource;
  search?: { mode?: 'match' | 'include' | 'outcome'; score?: number };
  request?: { method: string; url: string; ifNoneMatch?: string; ifModifiedSince?: string; ifMatch?: string; ifNoneExist?: string };
  response?: { status: string; location?: string; etag?: string; lastModified?: string; outcome?: Resource };
}

export interface Bundle extends Resource {
  resourceType: 'Bundle';
  type: 'searchset' | 'history' | 'transaction' | 'transaction-response' | 'batch' | 'batch-response' | 'collection' | 'document' | 'message';
  total?: number;
  link?: { relation: string; url: string }[];
  entry?: BundleEntry[];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
