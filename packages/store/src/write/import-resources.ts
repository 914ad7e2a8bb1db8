/**
 * Bulk import of resources that carry their own ids (Bulk Data ndjson, Bundles of resources),
 * prepared by prepare-import.ts: a rejected one is reported and the rest are written, all in one
 * transaction per call. A resource identical to the current version is left alone, so importing
 * the same files again changes nothing.
 */
import type { ImportLineResult } from '../repository.ts';
import type { SqlDriver } from '../sql/driver.ts';
import type { PreparedImport } from './prepare-import.ts';
import { currentRows, writeVersions, type VersionWrite } from './write-versions.ts';

export async function importPrepared(driver: SqlDriver, items: readonly PreparedImport[]): Promise<ImportLineResult[]> {
  const results: ImportLineResult[] = items.map((item) =>
    item.ok
      ? { outcome: 'unchanged', resourceType: item.version.resourceType, id: item.version.id }
      : {
          outcome: 'rejected',
          ...(item.resourceType !== undefined ? { resourceType: item.resourceType } : {}),
          ...(item.id !== undefined ? { id: item.id } : {}),
          reason: item.reason,
        },
  );
  // The same resource twice in one call: the later line wins, as if the lines were written in order.
  const lastIndex = new Map<string, number>();
  items.forEach((item, index) => {
    if (item.ok) lastIndex.set(`${item.version.resourceType}/${item.version.id}`, index);
  });
  const refs = items.flatMap((item) => (item.ok ? [{ resourceType: item.version.resourceType, id: item.version.id }] : []));
  if (refs.length === 0) return results;

  await driver.transaction(async (tx) => {
    await tx.relaxCommitForBulkImport();
    const current = await currentRows(tx, refs);
    const writes: VersionWrite[] = [];
    items.forEach((item, index) => {
      if (!item.ok) return;
      const { version } = item;
      const key = `${version.resourceType}/${version.id}`;
      if (lastIndex.get(key) !== index) {
        results[index] = { outcome: 'unchanged', resourceType: version.resourceType, id: version.id, reason: 'a later line holds the same resource' };
        return;
      }
      const existing = current.get(key);
      const live = existing !== undefined && !existing.deleted;
      if (live && existing.hash === version.hash) return;
      writes.push({ kind: 'put', version, ...(existing ? { current: existing } : {}), method: live ? 'update' : 'create' });
      results[index] = { outcome: live ? 'updated' : 'created', resourceType: version.resourceType, id: version.id };
    });
    await writeVersions(tx, writes);
  });
  return results;
}
