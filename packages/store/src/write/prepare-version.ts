/**
 * Turns a validated resource into the version the store writes: the stored JSON with id and
 * meta.versionId / meta.lastUpdated set by the server (http://hl7.org/fhir/R4/resource.html#Meta),
 * a content hash that ignores those two (so importing the same resource twice is recognised as
 * unchanged), and its search index rows.
 *
 * The JSON is serialised once, here, split around the two server-assigned fields, so that stamping
 * a version is a string concatenation: preparation can run away from the thread that writes (bulk
 * import prepares in worker threads) and the writer does no serialising. Pure: no SQL, and the
 * input is never mutated.
 */
import { createHash } from 'node:crypto';
import { extractIndexRows, type Meta, type Resource } from '@kindred/fhir';
import type { SearchParamIds } from '../search-param-ids.ts';
import { flattenIndexRows, type IndexRowValues } from './index-tables.ts';

/** Plain data (structured-clone safe): can cross from a worker thread to the writer. */
export interface PreparedVersion {
  resourceType: string;
  id: string;
  /** sha1 of the JSON without server-assigned meta */
  hash: string;
  /** the stored JSON up to where the server's meta fields go, and after them */
  jsonHead: string;
  jsonTail: string;
  /** its search index rows, in table layout */
  rows: IndexRowValues;
}

export function stampJson(version: PreparedVersion, versionId: number, lastUpdated: number): string {
  return `${version.jsonHead}"versionId":"${versionId}","lastUpdated":"${new Date(lastUpdated).toISOString()}"${version.jsonTail}`;
}

/** The meta the client may set: everything but versionId and lastUpdated. */
function clientMeta(meta: Meta | undefined): Meta | undefined {
  if (!meta) return undefined;
  const { versionId: _v, lastUpdated: _l, ...rest } = meta;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

export function prepareVersion(resource: Resource, id: string, pids: SearchParamIds): PreparedVersion {
  const { resourceType, id: _ignored, meta: givenMeta, ...body } = resource;
  const meta = clientMeta(givenMeta);
  const bodyJson = JSON.stringify(body);
  const metaJson = meta ? JSON.stringify(meta) : undefined;
  const prefix = `{"resourceType":${JSON.stringify(resourceType)},"id":${JSON.stringify(id)}`;
  const tail = bodyJson === '{}' ? '}' : `,${bodyJson.slice(1)}`;
  const canonical = `${prefix}${metaJson ? `,"meta":${metaJson}` : ''}${tail}`;
  const indexed: Resource = { resourceType, id, ...(meta ? { meta } : {}), ...body };
  return {
    resourceType,
    id,
    hash: createHash('sha1').update(canonical).digest('base64url'),
    jsonHead: `${prefix},"meta":{${metaJson ? `${metaJson.slice(1, -1)},` : ''}`,
    jsonTail: `}${tail}`,
    rows: flattenIndexRows(resourceType, extractIndexRows(indexed), pids),
  };
}
