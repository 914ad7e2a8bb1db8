/**
 * The CPU half of a bulk import — parsing, validating, extracting index rows, hashing and
 * serialising — as a pure function whose result is plain data. Bulk import runs it in worker
 * threads and hands the results to `importPrepared`, which only writes; a resource that fails is
 * carried along as a rejection with its reason, so every line gets an answer.
 */
import { FhirError, assertValidResource, isFhirError } from '@kindred/fhir';
import type { SearchParamIds } from '../search-param-ids.ts';
import { prepareVersion, type PreparedVersion } from './prepare-version.ts';

export type PreparedImport =
  | { ok: true; version: PreparedVersion }
  | { ok: false; resourceType?: string; id?: string; reason: string };

function reasonOf(error: unknown): string {
  if (isFhirError(error)) {
    const first = error.issues[0];
    const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
    return `${first?.diagnostics ?? error.message}${more}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function prepareImport(value: unknown, pids: SearchParamIds): PreparedImport {
  try {
    const resource = assertValidResource(value);
    if (resource.id === undefined) throw new FhirError('UNPROCESSABLE', `The ${resource.resourceType} has no id; an imported resource keeps its own id, so it needs one.`);
    return { ok: true, version: prepareVersion(resource, resource.id, pids) };
  } catch (error) {
    const r = value as { resourceType?: unknown; id?: unknown } | null;
    return {
      ok: false,
      ...(typeof r?.resourceType === 'string' ? { resourceType: r.resourceType } : {}),
      ...(typeof r?.id === 'string' ? { id: r.id } : {}),
      reason: reasonOf(error),
    };
  }
}

/** One line of Bulk Data ndjson. */
export function prepareImportLine(text: string, pids: SearchParamIds): PreparedImport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  return prepareImport(value, pids);
}
