/**
 * Repository contract: reads, versioned writes, conditional operations, transactions and
 * concurrency. Runs on every backend (see testing/databases.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirError, parseSearchRequest, type Resource } from '@kindred/fhir';
import { testBackends, type TestStore } from './testing/databases.ts';

const backends = await testBackends();

const patient = (family: string, extra: Partial<Resource> = {}): Resource => ({
  resourceType: 'Patient',
  name: [{ family, given: ['Ada'] }],
  gender: 'female',
  birthDate: '1970-05-04',
  ...extra,
});

async function expectFhirError(promise: Promise<unknown>, status: number): Promise<FhirError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FhirError);
  expect((error as FhirError).status).toBe(status);
  return error as FhirError;
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`repository CRUD on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    beforeAll(async () => {
      store = await backend.open();
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('creates with a server-assigned id and version 1, ignoring an id in the body', async () => {
      const input = patient('Lovelace', { id: 'client-chosen' });
      const { resource, created } = await store.repository.create(input);
      expect(created).toBe(true);
      expect(resource.id).not.toBe('client-chosen');
      expect(resource.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
      expect(resource.meta.versionId).toBe('1');
      expect(Date.parse(resource.meta.lastUpdated)).toBeGreaterThan(Date.now() - 60_000);
      expect(input.id).toBe('client-chosen'); // input not mutated
      expect(input.meta).toBeUndefined();
      const read = await store.repository.read('Patient', resource.id);
      expect(read).toEqual(resource);
    });

    it('updates with a new version, keeps history and vread of each version', async () => {
      const { resource: v1 } = await store.repository.create(patient('Hopper'));
      const { resource: v2, created, changed } = await store.repository.update({ ...v1, gender: 'other' });
      expect([created, changed]).toEqual([false, true]);
      expect(v2.meta.versionId).toBe('2');
      expect(Date.parse(v2.meta.lastUpdated)).toBeGreaterThan(Date.parse(v1.meta.lastUpdated));
      expect((await store.repository.vread('Patient', v1.id, '1')).gender).toBe('female');
      expect((await store.repository.vread('Patient', v1.id, '2')).gender).toBe('other');
      await expectFhirError(store.repository.vread('Patient', v1.id, '3'), 404);
      const history = await store.repository.history({ resourceType: 'Patient', id: v1.id, count: 10 });
      expect(history.total).toBe(2);
      expect(history.entries.map((e) => [e.versionId, e.method])).toEqual([
        ['2', 'update'],
        ['1', 'create'],
      ]);
    });

    it('does not write a new version when an update changes nothing', async () => {
      const { resource } = await store.repository.create(patient('Same'));
      const again = await store.repository.update({ ...resource });
      expect(again.changed).toBe(false);
      expect(again.resource.meta.versionId).toBe('1');
    });

    it('creates on update with the client id (create-on-update)', async () => {
      const { resource, created } = await store.repository.update(patient('Curie', { id: 'marie-curie' }));
      expect(created).toBe(true);
      expect(resource.id).toBe('marie-curie');
      expect(resource.meta.versionId).toBe('1');
    });

    it('enforces If-Match with 412 on a stale version', async () => {
      const { resource } = await store.repository.create(patient('Franklin'));
      await store.repository.update({ ...resource, gender: 'male' }, { ifMatchVersion: '1' });
      const error = await expectFhirError(store.repository.update({ ...resource, gender: 'unknown' }, { ifMatchVersion: '1' }), 412);
      expect(error.message).toMatch(/version 2/);
      expect((await store.repository.read('Patient', resource.id)).gender).toBe('male');
      await expectFhirError(store.repository.update(patient('Nobody', { id: 'never-existed' }), { ifMatchVersion: '1' }), 412);
    });

    it('deletes: read gives 410, history records the deletion, re-create gives a new version', async () => {
      const { resource } = await store.repository.create(patient('Noether'));
      expect(await store.repository.delete('Patient', resource.id)).toEqual({ deleted: true, versionId: '2' });
      expect(await store.repository.delete('Patient', resource.id)).toEqual({ deleted: false });
      await expectFhirError(store.repository.read('Patient', resource.id), 410);
      await expectFhirError(store.repository.vread('Patient', resource.id, '2'), 410);
      expect((await store.repository.vread('Patient', resource.id, '1')).name).toEqual(resource.name);
      const { meta: _meta, ...withoutMeta } = resource;
      const recreated = await store.repository.update(withoutMeta);
      expect(recreated.created).toBe(true);
      expect(recreated.resource.meta.versionId).toBe('3');
      const history = await store.repository.history({ resourceType: 'Patient', id: resource.id, count: 10 });
      expect(history.entries.map((e) => e.method)).toEqual(['create', 'delete', 'create']);
      expect(history.entries[1]!.resource).toBeUndefined();
    });

    it('answers 404 for unknown ids and unknown types', async () => {
      await expectFhirError(store.repository.read('Patient', 'no-such-id'), 404);
      await expectFhirError(store.repository.read('Patientt', 'x'), 404);
      await expectFhirError(store.repository.delete('NotAType', 'x'), 404);
    });

    it('rejects invalid resources with 422 and writes nothing', async () => {
      const before = await store.repository.countByType();
      await expectFhirError(store.repository.create({ resourceType: 'Patient', gender: 'mail' }), 422);
      await expectFhirError(store.repository.create({ resourceType: 'Patient', colour: 'blue' }), 422);
      expect(await store.repository.countByType()).toEqual(before);
    });

    it('conditional create returns the existing match and refuses an ambiguous one', async () => {
      const identifier = [{ system: 'https://example.org/mrn', value: 'cond-1' }];
      const first = await store.repository.create(patient('Conditional', { identifier }));
      const ifNoneExist = parseSearchRequest('Patient', [['identifier', 'https://example.org/mrn|cond-1']], { handling: 'strict' });
      const second = await store.repository.create(patient('Conditional', { identifier }), { ifNoneExist });
      expect(second.created).toBe(false);
      expect(second.resource.id).toBe(first.resource.id);
      await store.repository.create(patient('Conditional', { identifier }));
      await expectFhirError(store.repository.create(patient('Conditional', { identifier }), { ifNoneExist }), 412);
    });

    it('rolls back every write of a failed transaction', async () => {
      const before = await store.repository.countByType();
      const failure = store.repository.transaction(async (tx) => {
        await tx.create(patient('Rollback-1'));
        await tx.update(patient('Rollback-2', { id: 'rollback-2' }));
        throw new FhirError('CONFLICT', 'stop here');
      });
      await expectFhirError(failure, 409);
      expect(await store.repository.countByType()).toEqual(before);
      await expectFhirError(store.repository.read('Patient', 'rollback-2'), 404);
    });

    it('sees its own uncommitted writes inside a transaction, others see them only after commit', async () => {
      const id = 'tx-visibility';
      await store.repository.transaction(async (tx) => {
        await tx.update(patient('Visible', { id }));
        expect((await tx.read('Patient', id)).id).toBe(id);
        const page = await tx.search(parseSearchRequest('Patient', [['_id', id]], { handling: 'strict' }));
        expect(page.matches.map((m) => m.id)).toEqual([id]);
      });
      expect((await store.repository.read('Patient', id)).id).toBe(id);
    });

    it('lets exactly one of two concurrent If-Match updates win', async () => {
      const { resource } = await store.repository.create(patient('Race'));
      const attempts = await Promise.allSettled(
        ['male', 'other', 'unknown'].map((gender) => store.repository.update({ ...resource, gender }, { ifMatchVersion: '1' })),
      );
      const won = attempts.filter((a) => a.status === 'fulfilled');
      const lost = attempts.filter((a) => a.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(2);
      for (const l of lost) if (l.status === 'rejected') expect((l.reason as FhirError).status).toBe(412);
      expect((await store.repository.read('Patient', resource.id)).meta.versionId).toBe('2');
    });

    it('keeps every version of many concurrent unconditional updates', async () => {
      const { resource } = await store.repository.create(patient('Busy'));
      await Promise.all(Array.from({ length: 10 }, (_, i) => store.repository.update({ ...resource, birthDate: `19${10 + i}-01-01` })));
      const current = await store.repository.read('Patient', resource.id);
      expect(current.meta.versionId).toBe('11');
      const history = await store.repository.history({ resourceType: 'Patient', id: resource.id, count: 50 });
      expect(history.entries.map((e) => e.versionId)).toEqual(['11', '10', '9', '8', '7', '6', '5', '4', '3', '2', '1']);
    });

    it('pages system and type history newest first', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await store.repository.create({ resourceType: 'Basic', code: { text: `h${i}` } })).resource.id);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.repository.history({ resourceType: 'Basic', count: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...page.entries.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
      const system = await store.repository.history({ count: 20 });
      expect(system.entries).toHaveLength(20);
      const times = system.entries.map((e) => Date.parse(e.lastUpdated));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(system.entries.map((e) => e.id)).toContain(ids[4]);
    });

    it('answers _since and _at on history', async () => {
      const { resource } = await store.repository.create(patient('Timeline'));
      const between = Date.parse(resource.meta.lastUpdated) + 1;
      await new Promise((r) => setTimeout(r, 5));
      await store.repository.update({ ...resource, gender: 'male' });
      const since = await store.repository.history({ resourceType: 'Patient', id: resource.id, since: between, count: 10 });
      expect(since.entries.map((e) => e.versionId)).toEqual(['2']);
      const at = await store.repository.history({ resourceType: 'Patient', id: resource.id, at: between, count: 10 });
      expect(at.entries.map((e) => e.versionId)).toEqual(['1']);
    });
  });
}
