/**
 * The scoped repository on a real store, on every backend: create, update (and create-on-update),
 * delete, transactions and import. Every refusal must name the missing scope and leave the record
 * exactly as it was. Also: token services on two handles of one store share their key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirError, parseSearchRequest, type Resource } from '@kindred/fhir';
import { openStore, type Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { parseScopes } from './scopes.ts';
import type { AccessContext } from './access-context.ts';
import { scopedRepository } from './scoped-repository.ts';
import { createTokenService } from './token-service.ts';

const backends = await testBackends();

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
const fixtures: Resource[] = [
  { resourceType: 'Patient', id: 'p-1', name: [{ family: 'Smith' }], identifier: [{ system: NHS, value: '9434765919' }] },
  { resourceType: 'Observation', id: 'o-1', status: 'final', code: { text: 'Heart rate' }, subject: { reference: 'Patient/p-1' } },
];

function accessWith(scope: string): AccessContext {
  return { subject: 'test', scopes: parseScopes(scope), tokenId: 'test', expiresAt: new Date(Date.now() + 60_000), issuer: 'urn:kindred:test' };
}

async function refusal(promise: Promise<unknown>): Promise<FhirError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FhirError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** Everything observable about the record: what is current, and every version ever written. */
async function snapshot(repository: Repository): Promise<string> {
  const counts = await repository.countByType();
  const history = await repository.history({ count: 1000 });
  return JSON.stringify({ counts, versions: history.entries.map((e) => `${e.resourceType}/${e.id}/${e.versionId}`) });
}

const patient = (id: string, family = 'Doe'): Resource => ({ resourceType: 'Patient', id, name: [{ family }] });
const observation = (id?: string): Resource => ({
  resourceType: 'Observation',
  ...(id ? { id } : {}),
  status: 'final',
  code: { text: 'Weight' },
  subject: { reference: 'Patient/p-1' },
});

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`scopedRepository writes on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    const as = (scope: string): Repository => scopedRepository(store.repository, accessWith(scope));

    /** The call is refused with 403 naming `scope`, and nothing in the record changed. */
    async function expectRefusedAndUnchanged(call: () => Promise<unknown>, scope: string): Promise<void> {
      const before = await snapshot(store.repository);
      const error = await refusal(call());
      expect(error.status).toBe(403);
      expect(error.message).toContain(scope);
      expect(await snapshot(store.repository)).toBe(before);
    }

    beforeAll(async () => {
      store = await backend.open();
      expect((await store.repository.importResources(fixtures)).filter((r) => r.outcome === 'rejected')).toEqual([]);
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('create needs c', async () => {
      const written = await as('system/Observation.c').create(observation());
      expect(written.created).toBe(true);
      await expectRefusedAndUnchanged(() => as('system/Observation.rus').create(observation()), 'system/Observation.c');
      await expectRefusedAndUnchanged(() => as('user/Patient.c').create(observation()), 'user/Observation.c');
    });

    it('conditional create also needs r, since it may return the match, and s where its condition reaches', async () => {
      const ifNoneExist = parseSearchRequest('Patient', [['identifier', `${NHS}|9434765919`]], { handling: 'strict' });
      await expectRefusedAndUnchanged(() => as('system/Patient.c').create(patient('ignored'), { ifNoneExist }), 'system/Patient.r');
      const found = await as('system/Patient.cr').create(patient('ignored'), { ifNoneExist });
      expect(found).toMatchObject({ created: false, changed: false, resource: { id: 'p-1' } });
      const chained = parseSearchRequest('Observation', [['subject:Patient.name', 'smith']], { handling: 'strict' });
      await expectRefusedAndUnchanged(() => as('system/Observation.cr').create(observation(), { ifNoneExist: chained }), 'system/Patient.s');
    });

    it('update of an existing resource needs u', async () => {
      await store.repository.update(patient('p-upd', 'Before'));
      const written = await as('system/Patient.u').update(patient('p-upd', 'After'));
      expect(written).toMatchObject({ created: false, changed: true });
      await expectRefusedAndUnchanged(() => as('system/Patient.c').update(patient('p-upd', 'Again')), 'system/Patient.u');
      await expectRefusedAndUnchanged(() => as('system/Patient.rs').update(patient('p-upd', 'Again')), 'system/Patient.u');
    });

    it('update that creates (create-on-update) needs c, checked before writing', async () => {
      await expectRefusedAndUnchanged(() => as('system/Patient.u').update(patient('p-new-1')), 'system/Patient.c');
      const written = await as('system/Patient.c').update(patient('p-new-1'));
      expect(written).toMatchObject({ created: true, resource: { id: 'p-new-1' } });
      // A deleted resource is brought back by an update: that is a create too.
      await store.repository.delete('Patient', 'p-new-1');
      await expectRefusedAndUnchanged(() => as('system/Patient.u').update(patient('p-new-1')), 'system/Patient.c');
      expect((await as('system/Patient.cu').update(patient('p-new-1'))).created).toBe(true);
      const { id: _id, ...withoutId } = patient('x');
      expect((await refusal(as('system/Patient.u').update(withoutId))).status).toBe(400);
    });

    it('delete needs d', async () => {
      await store.repository.update(patient('p-del'));
      await expectRefusedAndUnchanged(() => as('system/Patient.cru').delete('Patient', 'p-del'), 'system/Patient.d');
      expect(await as('system/Patient.d').delete('Patient', 'p-del')).toMatchObject({ deleted: true });
    });

    it('a transaction runs its work on a scoped repository; one forbidden write rolls back every write', async () => {
      await expectRefusedAndUnchanged(
        () =>
          as('system/Patient.c system/Observation.r').transaction(async (tx) => {
            await tx.create(patient('ignored', 'InTransaction'));
            await tx.update(patient('p-tx-1'));
            await tx.create(observation());
          }),
        'system/Observation.c',
      );
      const done = await as('system/Patient.c system/Observation.c').transaction(async (tx) => {
        await tx.update(patient('p-tx-2'));
        return (await tx.create(observation())).created;
      });
      expect(done).toBe(true);
      expect((await store.repository.read('Patient', 'p-tx-2')).id).toBe('p-tx-2');
    });

    it('reads inside a transaction are scoped too', async () => {
      const error = await refusal(as('system/Observation.cr').transaction((tx) => tx.read('Patient', 'p-1')));
      expect(error.status).toBe(403);
    });

    it('import needs c and u on every type in the batch, and refuses the whole batch before writing', async () => {
      const batch = [patient('p-imp-1'), observation('o-imp-1'), { resourceType: 'Unicorn', id: 'u-1' }, 'not a resource'];
      await expectRefusedAndUnchanged(() => as('system/Patient.cu system/Observation.c').importResources(batch), 'system/Observation.u');
      const error = await refusal(as('system/Patient.c').importResources(batch));
      expect(error.message).toContain('needs the scopes system/Observation.c, system/Observation.u, system/Patient.u;');
      const results = await as('system/Patient.cu system/Observation.cu').importResources(batch);
      expect(results.map((r) => r.outcome)).toEqual(['created', 'created', 'rejected', 'rejected']);
    });

    it('never changes the resources or options it is given', async () => {
      const resource = Object.freeze({ ...patient('p-frozen'), name: Object.freeze([Object.freeze({ family: 'Frozen' })]) });
      const options = Object.freeze({ ifMatchVersion: undefined });
      await as('system/Patient.c').update(resource, options);
      expect(resource).toEqual(patient('p-frozen', 'Frozen'));
    });

    it('two token services on two handles of the same store share one key and issuer', async () => {
      const second = await openStore(store.config);
      try {
        const a = createTokenService(store.settings);
        const b = createTokenService(second.settings);
        // One after the other: two SQLite handles in one process cannot wait for each other's
        // write lock (better-sqlite3 waits synchronously, blocking the event loop the other needs).
        const tokenA = await a.issueAdministratorToken();
        const tokenB = await b.issueAdministratorToken({ scope: 'system/Patient.rs' });
        expect((await b.verify(tokenA)).scopes.toString()).toBe('system/*.cruds');
        expect((await a.verify(tokenB)).scopes.toString()).toBe('system/Patient.rs');
        expect(await a.publicJwks()).toEqual(await b.publicJwks());
      } finally {
        await second.close();
      }
    });
  });
}
