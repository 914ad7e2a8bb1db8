/**
 * Turns a validated resource into the version the store writes: the stored JSON with id and
 * meta.versionId / meta.lastUpdated set by the server (http://hl7.org/fhir/R4/resource.html#Meta),
 * a content hash that ignores those two (so importing the same resource twice is recognised as
 * unchanged), and its search index rows. Pure: no SQL, and the input is never mutated.
 */
import { createHash } from 'node:crypto';
import { extractIndexRows, type IndexRows, type Resource, type StoredResource } from '@kindred/fhir';

export interface PreparedVersion {
  resourceType: string;
  id: string;
  /** JSON of the resource without server-assigned meta, for hashing */
  hash: string;
  /** builds the stored resource once the version number and time are known */
  stamp(versionId: number, lastUpdated: number): { resource: StoredResource; json: string };
  rows: IndexRows;
}

/** The resource without meta.versionId and meta.lastUpdated, which the server assigns. */
function withoutServerMeta(resource: Resource): Resource {
  if (!resource.meta) return resource;
  const { versionId: _v, lastUpdated: _l, ...meta } = resource.meta;
  const { meta: _m, ...rest } = resource;
  return Object.keys(meta).length > 0 ? { ...rest, meta } : rest;
}

export function contentHash(resource: Resource): string {
  return createHash('sha1').update(JSON.stringify(withoutServerMeta(resource))).digest('base64url');
}

export function prepareVersion(resource: Resource, id: string): PreparedVersion {
  const { resourceType, id: _ignored, meta, ...body } = withoutServerMeta({ ...resource, id });
  const hash = contentHash({ resourceType, id, ...(meta ? { meta } : {}), ...body });
  return {
    resourceType,
    id,
    hash,
    rows: extractIndexRows({ resourceType, id, ...(meta ? { meta } : {}), ...body }),
    stamp(versionId: number, lastUpdated: number) {
      const stored: StoredResource = {
        resourceType,
        id,
        meta: { ...meta, versionId: String(versionId), lastUpdated: new Date(lastUpdated).toISOString() },
        ...body,
      };
      return { resource: stored, json: JSON.stringify(stored) };
    },
  };
}
