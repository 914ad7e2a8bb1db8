/**
 * Bulk import of resources that carry their own ids (Bulk Data ndjson, Bundles of resources):
 * each is validated on its own, a rejected one is reported and the rest are written, all in one
 * transaction per call. A resource identical to the current version is left alone, so importing
 * the same files again changes nothing.
 */
import { FhirError, assertValidResource, isFhirError, type Resource } from '@kindred/fhir';
import type { ImportLineResult } from '../repository.ts';
import type { SqlDriver } from '../sql/driver.ts';
import type { SearchParamIds } from '../search-param-ids.ts';
import { prepareVersion, type PreparedVersion } from './prepare-version.ts';
import { currentRows, writeVersions, type VersionWrite } from './write-versions.ts';

function reasonOf(error: unknown): string {
  if (isFhirError(error)) {
    const first = error.issues[0];
    const where = first?.expression?.[0];
    const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
    return `${first?.diagnostics ?? error.message}${where ? ` at ${where}` : ''}${more}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export async function importResources(driver: SqlDriver, pids: SearchParamIds, values: readonly unknown[]): Promise<ImportLineResult[]> {
  const results: ImportLineResult[] = new Array<ImportLineResult>(values.length);
  const prepared: { index: number; version: PreparedVersion }[] = [];
  values.forEach((value, index) => {
    try {
      const resource: Resource = assertValidResource(value);
      if (resource.id === undefined) throw new FhirError('UNPROCESSABLE', 'An imported resource needs an id.');
      prepared.push({ index, version: prepareVersion(resource, resource.id) });
    } catch (error) {
      const r = value as { resourceType?: unknown; id?: unknown } | null;
      results[index] = {
        outcome: 'rejected',
        ...(typeof r?.resourceType === 'string' ? { resourceType: r.resourceType } : {}),
        ...(typeof r?.id === 'string' ? { id: r.id } : {}),
        reason: reasonOf(error),
      };
    }
  });

  // The same resource twice in one call: the later line wins, as if the lines were written in order.
  const lastIndex = new Map<string, number>();
  for (const p of prepared) lastIndex.set(`${p.version.resourceType}/${p.version.id}`, p.index);

  await driver.transaction(async (tx) => {
    const current = await currentRows(tx, prepared.map((p) => ({ resourceType: p.version.resourceType, id: p.version.id })));
    const writes: VersionWrite[] = [];
    for (const p of prepared) {
      const key = `${p.version.resourceType}/${p.version.id}`;
      const base = { resourceType: p.version.resourceType, id: p.version.id };
      if (lastIndex.get(key) !== p.index) {
        results[p.index] = { outcome: 'unchanged', ...base, reason: 'a later line holds the same resource' };
        continue;
      }
      const existing = current.get(key);
      const live = existing !== undefined && !existing.deleted;
      if (live && existing.hash === p.version.hash) {
        results[p.index] = { outcome: 'unchanged', ...base };
        continue;
      }
      writes.push({ kind: 'put', version: p.version, ...(existing ? { current: existing } : {}), method: live ? 'update' : 'create' });
      results[p.index] = { outcome: live ? 'updated' : 'created', ...base };
    }
    await writeVersions(tx, pids, writes);
  });
  return results;
}
