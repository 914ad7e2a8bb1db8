/** Repository contract: bulk import (idempotent, per-line rejection) and export, on every backend. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resource, StoredResource } from '@kindred/fhir';
import { testBackends, type TestStore } from './testing/databases.ts';

const backends = await testBackends();

async function collect(iterable: AsyncIterable<StoredResource>): Promise<StoredResource[]> {
  const out: StoredResource[] = [];
  for await (const r of iterable) out.push(r);
  return out;
}

const good: Resource[] = [
  { resourceType: 'Patient', id: 'imp-1', name: [{ family: 'One' }] },
  { resourceType: 'Patient', id: 'imp-2', name: [{ family: 'Two' }] },
  { resourceType: 'Observation', id: 'imp-o1', status: 'final', code: { text: 'x' }, subject: { reference: 'Patient/imp-1' } },
  { resourceType: 'Observation', id: 'imp-o2', status: 'final', code: { text: 'y' }, subject: { reference: 'Patient/imp-2' } },
  { resourceType: 'Organization', id: 'imp-org', name: 'Org' },
];

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`import and export on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    beforeAll(async () => {
      store = await backend.open();
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('imports with the given ids, rejecting bad lines without stopping the good ones', async () => {
      const results = await store.repository.importResources([
        good[0],
        { resourceType: 'Patient', id: 'bad-1', gender: 'mail' },
        good[1],
        'not an object',
        { resourceType: 'Patient', name: [{ family: 'No id' }] },
        good[2],
        good[3],
        good[4],
      ]);
      expect(results.map((r) => r.outcome)).toEqual(['created', 'rejected', 'created', 'rejected', 'rejected', 'created', 'created', 'created']);
      expect(results[1]!.reason).toMatch(/gender/);
      expect(results[4]!.reason).toMatch(/id/);
      expect((await store.repository.read('Patient', 'imp-1')).meta.versionId).toBe('1');
      await expect(store.repository.read('Patient', 'bad-1')).rejects.toMatchObject({ status: 404 });
    });

    it('is idempotent: importing the same resources again changes nothing', async () => {
      const before = await collect(store.repository.exportResources({}));
      const results = await store.repository.importResources(good);
      expect(results.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
      expect(await collect(store.repository.exportResources({}))).toEqual(before);
      const history = await store.repository.history({ resourceType: 'Patient', id: 'imp-1', count: 10 });
      expect(history.total).toBe(1);
    });

    it('writes a new version when an imported resource changed, and the last of duplicates wins', async () => {
      const results = await store.repository.importResources([
        { ...good[0], name: [{ family: 'Changed' }] },
        { ...good[0], name: [{ family: 'Changed again' }] },
      ]);
      expect(results.map((r) => r.outcome)).toEqual(['unchanged', 'updated']);
      const current = await store.repository.read('Patient', 'imp-1');
      expect(current.meta.versionId).toBe('2');
      expect(current.name).toEqual([{ family: 'Changed again' }]);
    });

    it('exports by type, since an instant, and by patient compartment', async () => {
      const patients = await collect(store.repository.exportResources({ types: ['Patient'] }));
      expect(patients.map((p) => p.id).sort()).toEqual(['imp-1', 'imp-2']);
      const sinceUpdate = Date.parse((await store.repository.read('Patient', 'imp-1')).meta.lastUpdated) - 1;
      const recent = await collect(store.repository.exportResources({ since: sinceUpdate }));
      expect(recent.map((r) => r.id)).toEqual(['imp-1']);
      const compartment = await collect(store.repository.exportResources({ patientIds: ['imp-2'] }));
      expect(compartment.map((r) => `${r.resourceType}/${r.id}`).sort()).toEqual(['Observation/imp-o2', 'Patient/imp-2']);
      expect(await collect(store.repository.exportResources({ patientIds: [] }))).toEqual([]);
      expect(await store.repository.countByType()).toEqual({ Observation: 2, Organization: 1, Patient: 2 });
    });
  });
}
