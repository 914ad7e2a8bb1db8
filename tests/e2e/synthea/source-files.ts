/**
 * The Synthea sample as it is on disk, read with nothing of Kindred's: the Bulk Data ndjson files
 * of `../shared/data/synthea-10` (Synthea synthetic patients, from smart-on-fhir's
 * sample-bulk-fhir-datasets; Apache License 2.0, see SOURCE.md and LICENSE beside the data).
 *
 * The expected answers of the Synthea test are computed from what this module returns, so it must
 * not use Kindred's parsing, validation or indexing: only JSON.parse and the file names.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export interface SourceResource extends JsonObject {
  resourceType: string;
  id: string;
}

export interface SourceData {
  /** resources per type, in file order */
  byType: ReadonlyMap<string, readonly SourceResource[]>;
  /** every resource by "Type/id" */
  byKey: ReadonlyMap<string, SourceResource>;
  /** line count per type (non-empty lines), which must equal byType's sizes */
  lineCounts: ReadonlyMap<string, number>;
}

/**
 * Bulk Data output files are named after their type ("Patient.000.ndjson"); anything else in the
 * folder (`log.ndjson` is the exporter's log, not resources) is not data.
 */
const RESOURCE_FILE = /^([A-Z][A-Za-z]+)\.\d+\.ndjson$/;

export function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An element that may repeat, as a list of objects (FHIR JSON writes a 0..* element as an array). */
export function objectsOf(value: Json | undefined): JsonObject[] {
  if (Array.isArray(value)) return value.filter(isJsonObject);
  return isJsonObject(value) ? [value] : [];
}

export function stringsOf(value: Json | undefined): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

export function stringOf(value: Json | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function readSourceFiles(folder: string): SourceData {
  const byType = new Map<string, SourceResource[]>();
  const byKey = new Map<string, SourceResource>();
  const lineCounts = new Map<string, number>();
  for (const name of readdirSync(folder).sort()) {
    const type = RESOURCE_FILE.exec(name)?.[1];
    if (type === undefined) continue;
    const lines = readFileSync(join(folder, name), 'utf8').split('\n').filter((line) => line.trim() !== '');
    lineCounts.set(type, (lineCounts.get(type) ?? 0) + lines.length);
    const list = byType.get(type) ?? [];
    lines.forEach((line, index) => {
      const value = JSON.parse(line) as Json;
      if (!isJsonObject(value) || value.resourceType !== type || typeof value.id !== 'string') {
        throw new Error(`${name}:${index + 1} is not a ${type} with an id`);
      }
      const resource = value as SourceResource;
      list.push(resource);
      byKey.set(`${type}/${resource.id}`, resource);
    });
    byType.set(type, list);
  }
  return { byType, byKey, lineCounts };
}

/** The resources of one type (an empty list for a type the files do not hold). */
export function resourcesOf(data: SourceData, type: string): readonly SourceResource[] {
  return data.byType.get(type) ?? [];
}

/**
 * A resource as the server should hand it back: the file's resource with the two meta elements a
 * server sets on every write (http://hl7.org/fhir/R4/resource.html#Meta: versionId, lastUpdated)
 * taken away, and `meta` itself dropped when nothing else is left in it.
 */
export function withoutServerMeta(resource: JsonObject): JsonObject {
  const { meta, ...rest } = resource;
  if (!isJsonObject(meta)) return resource;
  const { versionId: _versionId, lastUpdated: _lastUpdated, ...kept } = meta;
  return Object.keys(kept).length > 0 ? { ...rest, meta: kept } : rest;
}
