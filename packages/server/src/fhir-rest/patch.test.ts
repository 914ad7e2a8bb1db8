/**
 * JSON Patch on every backend (http://hl7.org/fhir/R4/http.html#patch): applied to a copy,
 * validated like any write, If-Match honoured, identity elements protected, and the statuses of
 * each failure (400 invalid patch, 422 failed test, 415 wrong media type, 409 overtaken write).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirError } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { bodyOf, diagnosticsOf, patient, routerHarness, type RouterHarness } from './test-support.ts';

const backends = await testBackends();
const JSON_PATCH = { contentType: 'application/json-patch+json' };

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`JSON Patch on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let fhir: RouterHarness;
    beforeAll(async () => {
      store = await backend.open();
      fhir = routerHarness(store);
    });
    afterAll(async () => {
      await store?.destroy();
    });

    async function created(family: string): Promise<{ id: string }> {
      return bodyOf(await fhir.call('POST', 'Patient', { body: patient(family) })) as { id: string };
    }

    it('applies a patch as a new version, leaving the stored version as it was', async () => {
      const { id } = await created('Patched');
      const ops = [
        { op: 'test', path: '/gender', value: 'female' },
        { op: 'replace', path: '/gender', value: 'other' },
        { op: 'add', path: '/name/0/given/-', value: 'Augusta' },
      ];
      const response = await fhir.call('PATCH', `Patient/${id}`, { body: ops, headers: JSON_PATCH });
      expect(response.status).toBe(200);
      expect(response.headers?.ETag).toBe('W/"2"');
      const patched = bodyOf(response);
      expect(patched.gender).toBe('other');
      expect((patched.name as { given: string[] }[])[0]?.given).toEqual(['Ada', 'Augusta']);
      expect(bodyOf(await fhir.call('GET', `Patient/${id}/_history/1`)).gender).toBe('female');
      expect(ops).toHaveLength(3);
    });

    it('answers 422 when a test operation fails, and writes nothing', async () => {
      const { id } = await created('TestFails');
      const response = await fhir.call('PATCH', `Patient/${id}`, {
        body: [
          { op: 'test', path: '/gender', value: 'male' },
          { op: 'replace', path: '/gender', value: 'other' },
        ],
        headers: JSON_PATCH,
      });
      expect(response.status).toBe(422);
      expect(diagnosticsOf(response)).toMatch(/test/);
      expect(bodyOf(await fhir.call('GET', `Patient/${id}`)).meta?.versionId).toBe('1');
    });

    it('answers 400 for a document that is not a JSON Patch, or that cannot be applied', async () => {
      const { id } = await created('BadPatch');
      for (const body of [{ op: 'replace' }, [{ op: 'frobnicate', path: '/gender' }], [{ op: 'replace', value: 1 }], [{ op: 'remove', path: '/telecom/0' }], [{ op: 'copy', path: '/x' }]]) {
        const response = await fhir.call('PATCH', `Patient/${id}`, { body, headers: JSON_PATCH });
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(diagnosticsOf(response)).not.toMatch(/Ada/); // the resource is never echoed
      }
    });

    it('refuses to patch id or resourceType (400)', async () => {
      const { id } = await created('Identity');
      for (const op of [
        { op: 'replace', path: '/id', value: 'other' },
        { op: 'remove', path: '/resourceType' },
        { op: 'replace', path: '', value: { resourceType: 'Patient', id: 'x' } },
        { op: 'move', from: '/id', path: '/language' },
      ]) {
        expect((await fhir.call('PATCH', `Patient/${id}`, { body: [op], headers: JSON_PATCH })).status, JSON.stringify(op)).toBe(400);
      }
    });

    it('validates the patched resource like any write (422)', async () => {
      const { id } = await created('Invalid');
      const response = await fhir.call('PATCH', `Patient/${id}`, { body: [{ op: 'add', path: '/colour', value: 'blue' }], headers: JSON_PATCH });
      expect(response.status).toBe(422);
    });

    it('honours If-Match (412 when stale) and answers 404/410 for unknown and deleted resources', async () => {
      const { id } = await created('IfMatch');
      const body = [{ op: 'replace', path: '/gender', value: 'male' }];
      expect((await fhir.call('PATCH', `Patient/${id}`, { body, headers: { ...JSON_PATCH, ifMatch: 'W/"2"' } })).status).toBe(412);
      expect((await fhir.call('PATCH', `Patient/${id}`, { body, headers: { ...JSON_PATCH, ifMatch: 'W/"1"' } })).status).toBe(200);
      expect((await fhir.call('PATCH', 'Patient/nobody', { body, headers: JSON_PATCH })).status).toBe(404);
      await fhir.call('DELETE', `Patient/${id}`);
      expect((await fhir.call('PATCH', `Patient/${id}`, { body, headers: JSON_PATCH })).status).toBe(410);
    });

    it('takes only application/json-patch+json (415 otherwise)', async () => {
      const { id } = await created('MediaType');
      const response = await fhir.call('PATCH', `Patient/${id}`, { body: [{ op: 'replace', path: '/gender', value: 'male' }], headers: { contentType: 'application/fhir+json' } });
      expect(response.status).toBe(415);
    });

    it('answers 409 when another write overtakes the patch between its read and its write', async () => {
      const { id } = await created('Overtaken');
      // a repository whose update always finds that another version has become current meanwhile
      const racing = routerHarness(store, {
        repository: (repository) => ({
          ...repository,
          transaction: (work) => repository.transaction((tx) => work({ ...tx, update: async () => Promise.reject(new FhirError('PRECONDITION_FAILED', 'version moved on')) })),
        }),
      });
      const response = await racing.call('PATCH', `Patient/${id}`, { body: [{ op: 'replace', path: '/gender', value: 'male' }], headers: JSON_PATCH });
      expect(response.status).toBe(409);
      expect(diagnosticsOf(response)).toMatch(/changed by another request/);
    });
  });
}
