/**
 * The scoped repository on a real store, on every backend: what a token may read, search,
 * include, see in history, export and count. Writes are in scoped-repository-writes.test.ts.
 * Each refusal is checked to name the missing scope; each filtered answer to hold nothing the
 * token may not read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirError, parseSearchRequest, type Resource, type SearchRequest, type StoredResource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { parseScopes } from './scopes.ts';
import { localAdministratorAccess, type AccessContext } from './access-context.ts';
import { scopedRepository } from './scoped-repository.ts';

const backends = await testBackends();

const fixtures: Resource[] = [
  { resourceType: 'Organization', id: 'org-1', name: 'Riverside Surgery' },
  { resourceType: 'Patient', id: 'p-1', name: [{ family: 'Smith', given: ['Alex'] }], generalPractitioner: [{ reference: 'Organization/org-1' }] },
  { resourceType: 'Patient', id: 'p-2', name: [{ family: 'Jones' }] },
  { resourceType: 'Observation', id: 'o-1', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, subject: { reference: 'Patient/p-1' } },
  { resourceType: 'Observation', id: 'o-2', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] }, subject: { reference: 'Patient/p-1' } },
  { resourceType: 'Encounter', id: 'e-1', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: 'Patient/p-2' } },
];

function accessWith(scope: string): AccessContext {
  return { subject: 'test', scopes: parseScopes(scope), tokenId: 'test', expiresAt: new Date(Date.now() + 60_000), issuer: 'urn:kindred:test' };
}

function search(type: string, query: string): SearchRequest {
  return parseSearchRequest(type, [...new URLSearchParams(query).entries()], { handling: 'strict' });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
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

async function expect403(promise: Promise<unknown>, scope: string): Promise<void> {
  const error = await refusal(promise);
  expect(error.status).toBe(403);
  expect(error.issues[0]?.code).toBe('forbidden');
  expect(error.message).toContain(scope);
}

const keys = (resources: readonly StoredResource[]): string[] => resources.map((r) => `${r.resourceType}/${r.id}`).sort();

async function all<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`scopedRepository reads on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    const as = (scope: string) => scopedRepository(store.repository, accessWith(scope));

    beforeAll(async () => {
      store = await backend.open();
      const results = await store.repository.importResources(fixtures);
      expect(results.filter((r) => r.outcome === 'rejected')).toEqual([]);
      // A second version of p-1 and a deleted Encounter, for history.
      await store.repository.update({ ...fixtures[1]!, active: true });
      await store.repository.create({ resourceType: 'Encounter', status: 'planned', class: { code: 'AMB' } }).then((w) => store.repository.delete('Encounter', w.resource.id));
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('read and vread need r on the type', async () => {
      expect((await as('system/Patient.r').read('Patient', 'p-1')).id).toBe('p-1');
      expect((await as('user/Patient.r').vread('Patient', 'p-1', '1')).meta.versionId).toBe('1');
      await expect403(as('system/Observation.r system/Patient.s').read('Patient', 'p-1'), 'system/Patient.r');
      await expect403(as('system/Observation.r').vread('Patient', 'p-1', '1'), 'system/Patient.r');
      // The refusal comes before the store is asked, so it says nothing about whether p-404 exists.
      await expect403(as('system/Observation.r').read('Patient', 'p-404'), 'system/Patient.r');
    });

    it('patient/ scopes grant nothing without a patient context, and say so', async () => {
      const error = await refusal(as('patient/*.cruds').read('Patient', 'p-1'));
      expect(error.status).toBe(403);
      expect(error.message).toMatch(/patient\/ scopes grant only with a patient in context/);
    });

    it('an unknown type is a 404, as from the store, not a question of scope', async () => {
      const error = await refusal(as('system/Patient.r').read('Unicorn', 'u-1'));
      expect(error.status).toBe(404);
    });

    it('search needs s on the searched type', async () => {
      expect(keys((await as('system/Observation.s').search(search('Observation', 'code=8867-4'))).matches)).toEqual(['Observation/o-1']);
      await expect403(as('system/Observation.r').search(search('Observation', 'code=8867-4')), 'system/Observation.s');
    });

    it('a chained parameter needs s on every type it looks into', async () => {
      const request = search('Observation', 'subject:Patient.name=smith');
      await expect403(as('system/Observation.rs').search(request), 'system/Patient.s');
      expect(keys((await as('system/Observation.rs system/Patient.s').search(request)).matches)).toEqual(['Observation/o-1', 'Observation/o-2']);
    });

    it('_has needs s on the type it looks into', async () => {
      const request = search('Patient', '_has:Observation:subject:code=8867-4');
      await expect403(as('system/Patient.rs').search(request), 'system/Observation.s');
      expect(keys((await as('system/Patient.s system/Observation.s').search(request)).matches)).toEqual(['Patient/p-1']);
    });

    it('_include of an unreadable type is dropped silently, not refused', async () => {
      const request = search('Observation', '_include=Observation:subject');
      const withoutPatients = await as('system/Observation.rs').search(request);
      expect(keys(withoutPatients.matches)).toEqual(['Observation/o-1', 'Observation/o-2']);
      expect(withoutPatients.included).toEqual([]);
      expect(keys((await as('system/Observation.rs system/Patient.r').search(request)).included)).toEqual(['Patient/p-1']);
    });

    it('_include:iterate never follows references through a resource the token cannot read', async () => {
      const request = search('Observation', '_include=Observation:subject&_include:iterate=Patient:general-practitioner');
      // Organization is readable, but the only way to it is through the Patient, which is not.
      expect((await as('system/Observation.rs system/Organization.r').search(request)).included).toEqual([]);
      expect(keys((await as('system/Observation.rs system/Patient.r system/Organization.r').search(request)).included)).toEqual([
        'Organization/org-1',
        'Patient/p-1',
      ]);
      const wildcard = search('Observation', '_include=*&_include:iterate=Patient:*');
      expect(keys((await as('system/Observation.rs system/Organization.r').search(wildcard)).included)).toEqual([]);
    });

    it('_revinclude of an unreadable type is dropped silently', async () => {
      const request = search('Patient', '_id=p-1&_revinclude=Observation:subject');
      const page = await as('system/Patient.rs').search(request);
      expect(keys(page.matches)).toEqual(['Patient/p-1']);
      expect(page.included).toEqual([]);
      expect(keys((await as('system/Patient.rs system/Observation.r').search(request)).included)).toEqual(['Observation/o-1', 'Observation/o-2']);
    });

    it('never changes the request it is given', async () => {
      const request = deepFreeze(search('Observation', '_include=Observation:subject&_revinclude=Provenance:target'));
      const before = structuredClone(request);
      await as('system/Observation.rs').search(request);
      expect(request).toEqual(before);
    });

    it('instance and type history need r on the type', async () => {
      const history = await as('system/Patient.r').history({ resourceType: 'Patient', id: 'p-1', count: 10 });
      expect(history.entries.map((e) => e.versionId)).toEqual(['2', '1']);
      expect((await as('system/Patient.r').history({ resourceType: 'Patient', count: 10 })).entries).toHaveLength(3);
      await expect403(as('system/Observation.r').history({ resourceType: 'Patient', id: 'p-1', count: 10 }), 'system/Patient.r');
      await expect403(as('system/Patient.s').history({ resourceType: 'Patient', count: 10 }), 'system/Patient.r');
    });

    it('system history holds only entries of readable types, and pages through them exactly', async () => {
      const full = await store.repository.history({ count: 100 });
      const expected = full.entries.filter((e) => e.resourceType === 'Observation' || e.resourceType === 'Encounter').map((e) => `${e.resourceType}/${e.id}/${e.versionId}`);
      expect(expected).toHaveLength(5); // two Observations, e-1, and the created and deleted Encounter
      const scoped = as('system/Observation.r system/Encounter.r');
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await scoped.history({ count: 2, ...(cursor !== undefined ? { cursor } : {}) });
        expect(page.entries.length).toBeLessThanOrEqual(2);
        expect(page.total).toBeUndefined();
        seen.push(...page.entries.map((e) => `${e.resourceType}/${e.id}/${e.versionId}`));
        cursor = page.nextCursor;
        if (cursor === undefined) break;
      }
      expect(seen).toEqual(expected);
      expect((await as('system/Patient.s').history({ count: 10 })).entries).toEqual([]);
      expect((await as('system/*.r').history({ count: 100 })).entries).toHaveLength(full.entries.length);
    });

    it('export of named types needs r on each, refused before anything is read', async () => {
      expect(() => as('system/Observation.r').exportResources({ types: ['Observation', 'Patient'] })).toThrow(/system\/Patient\.r/);
      expect(keys(await all(as('system/Observation.r').exportResources({ types: ['Observation'] })))).toEqual(['Observation/o-1', 'Observation/o-2']);
    });

    it('export without types gives every readable type, and only those', async () => {
      expect(keys(await all(as('system/Observation.r system/Encounter.r system/Patient.s').exportResources({})))).toEqual([
        'Encounter/e-1',
        'Observation/o-1',
        'Observation/o-2',
      ]);
      expect(await all(as('system/Patient.s').exportResources({}))).toEqual([]);
      expect(await all(as('system/*.r').exportResources({}))).toHaveLength(6);
    });

    it('patient-level export stays within the readable types', async () => {
      const exported = await all(as('system/Observation.r').exportResources({ patientIds: ['p-1'] }));
      expect(keys(exported)).toEqual(['Observation/o-1', 'Observation/o-2']);
    });

    it('countByType counts only readable types', async () => {
      expect(await as('system/Observation.r system/Patient.rs').countByType()).toEqual({ Observation: 2, Patient: 2 });
      expect(await as('system/*.rs').countByType()).toEqual({ Encounter: 1, Observation: 2, Organization: 1, Patient: 2 });
      expect(await as('system/*.cud').countByType()).toEqual({});
    });

    it('the local administrator (commands run on the database itself) sees everything', async () => {
      const admin = scopedRepository(store.repository, localAdministratorAccess());
      expect(await admin.countByType()).toEqual(await store.repository.countByType());
      expect((await admin.read('Patient', 'p-1')).id).toBe('p-1');
    });
  });
}
