/**
 * The router's instance interactions on every backend: read, vread, HEAD, conditional read,
 * create (with If-None-Exist), update (with If-Match, create-on-update), conditional update,
 * delete, conditional delete, Prefer: return, and the 4xx each misuse gets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { bodyOf, diagnosticsOf, patient, routerHarness, TEST_BASE_URL, type RouterHarness } from './test-support.ts';

const backends = await testBackends();

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`read and write interactions on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let fhir: RouterHarness;
    beforeAll(async () => {
      store = await backend.open();
      fhir = routerHarness(store);
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('creates: 201, Location with the version, ETag, Last-Modified, the stored resource; an id in the body is ignored', async () => {
      const input = patient('Lovelace', { id: 'client-chosen' });
      const response = await fhir.call('POST', 'Patient', { body: input, headers: { contentType: 'application/fhir+json' } });
      expect(response.status).toBe(201);
      const created = bodyOf(response);
      expect(created.id).not.toBe('client-chosen');
      expect(response.headers?.Location).toBe(`${TEST_BASE_URL}/Patient/${created.id}/_history/1`);
      expect(response.headers?.ETag).toBe('W/"1"');
      expect(response.headers?.['Last-Modified']).toBe(new Date(String(created.meta?.lastUpdated)).toUTCString());
      expect(input.id).toBe('client-chosen');
    });

    it('reads and vreads with version headers; HEAD answers like GET', async () => {
      const created = bodyOf(await fhir.call('POST', 'Patient', { body: patient('Hopper') }));
      await fhir.call('PUT', `Patient/${created.id}`, { body: { ...created, gender: 'other' } });
      const read = await fhir.call('GET', `Patient/${created.id}`);
      expect(read.status).toBe(200);
      expect(read.headers?.ETag).toBe('W/"2"');
      expect(bodyOf(read).gender).toBe('other');
      const v1 = await fhir.call('GET', `Patient/${created.id}/_history/1`);
      expect(v1.headers?.ETag).toBe('W/"1"');
      expect(bodyOf(v1).gender).toBe('female');
      const head = await fhir.call('HEAD', `Patient/${created.id}`);
      expect(head.status).toBe(200);
      expect(head.headers?.ETag).toBe('W/"2"');
    });

    it('answers a conditional read with 304 (If-None-Match, If-Modified-Since) and 200 when the copy is stale', async () => {
      const created = bodyOf(await fhir.call('POST', 'Patient', { body: patient('Conditional-read') }));
      const lastModified = new Date(String(created.meta?.lastUpdated)).toUTCString();
      expect((await fhir.call('GET', `Patient/${created.id}`, { headers: { ifNoneMatch: 'W/"1"' } })).status).toBe(304);
      expect((await fhir.call('GET', `Patient/${created.id}`, { headers: { ifNoneMatch: 'W/"7"' } })).status).toBe(200);
      expect((await fhir.call('GET', `Patient/${created.id}`, { headers: { ifModifiedSince: lastModified } })).status).toBe(304);
      const earlier = new Date(Date.parse(String(created.meta?.lastUpdated)) - 60_000).toUTCString();
      expect((await fhir.call('GET', `Patient/${created.id}`, { headers: { ifModifiedSince: earlier } })).status).toBe(200);
    });

    it('applies _summary and _elements to a read', async () => {
      const created = bodyOf(await fhir.call('POST', 'Patient', { body: patient('Shaped', { text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' } }) }));
      const elements = bodyOf(await fhir.call('GET', `Patient/${created.id}?_elements=gender`));
      expect(elements.gender).toBe('female');
      expect(elements.name).toBeUndefined();
      expect((elements.meta?.tag ?? [])[0]?.code).toBe('SUBSETTED');
      const data = bodyOf(await fhir.call('GET', `Patient/${created.id}?_summary=data`));
      expect(data.text).toBeUndefined();
      expect(data.name).toBeDefined();
    });

    it('answers 404 for an unknown type or id, 400 for an invalid id, 410 for a deleted resource', async () => {
      expect((await fhir.call('GET', 'Patientt/1')).status).toBe(404);
      expect((await fhir.call('GET', 'Patient/no-such-patient')).status).toBe(404);
      const bad = await fhir.call('GET', `Patient/${'x'.repeat(65)}`);
      expect(bad.status).toBe(400);
      expect(diagnosticsOf(bad)).toMatch(/not a valid id/);
      expect((await fhir.call('GET', 'Patient/has_underscore')).status).toBe(400);
      const created = bodyOf(await fhir.call('POST', 'Patient', { body: patient('Gone') }));
      expect((await fhir.call('DELETE', `Patient/${created.id}`)).status).toBe(204);
      const gone = await fhir.call('GET', `Patient/${created.id}`);
      expect(gone.status).toBe(410);
      expect(bodyOf(gone).resourceType).toBe('OperationOutcome');
    });

    it('refuses a body of another type (400), a body that is not a resource (400) and an invalid resource (422)', async () => {
      const wrongType = await fhir.call('POST', 'Patient', { body: { resourceType: 'Observation', status: 'final', code: { text: 'x' } } });
      expect(wrongType.status).toBe(400);
      expect(diagnosticsOf(wrongType)).toMatch(/URL names Patient/);
      expect((await fhir.call('POST', 'Patient', { body: [1, 2] })).status).toBe(400);
      expect((await fhir.call('POST', 'Patient')).status).toBe(400);
      const invalid = await fhir.call('POST', 'Patient', { body: { resourceType: 'Patient', gender: 'mail' } });
      expect(invalid.status).toBe(422);
      expect(bodyOf(invalid).resourceType).toBe('OperationOutcome');
    });

    it('refuses to write a SUBSETTED resource (it would lose what _summary left out)', async () => {
      const created = bodyOf(await fhir.call('POST', 'Patient', { body: patient('Subset') }));
      const subset = bodyOf(await fhir.call('GET', `Patient/${created.id}?_elements=gender`));
      expect((await fhir.call('PUT', `Patient/${created.id}`, { body: subset })).status).toBe(422);
    });

    it('conditional create: 200 with the one existing match, 201 when none, 412 when several', async () => {
      const identifier = [{ system: 'https://example.org/mrn', value: 'cc-1' }];
      const headers = { ifNoneExist: 'identifier=https://example.org/mrn|cc-1' };
      const first = await fhir.call('POST', 'Patient', { body: patient('Cond', { identifier }), headers });
      expect(first.status).toBe(201);
      const second = await fhir.call('POST', 'Patient', { body: patient('Cond', { identifier }), headers });
      expect(second.status).toBe(200);
      expect(bodyOf(second).id).toBe(bodyOf(first).id);
      await fhir.call('POST', 'Patient', { body: patient('Cond', { identifier }) });
      expect((await fhir.call('POST', 'Patient', { body: patient('Cond', { identifier }), headers })).status).toBe(412);
      // criteria are read strictly: an unknown parameter is an error, never a wider match
      expect((await fhir.call('POST', 'Patient', { body: patient('Cond'), headers: { ifNoneExist: 'nonsense=1' } })).status).toBe(400);
    });

    it('updates: 200 with a new version; create-on-update gives 201; the id must be present and match', async () => {
      const created = bodyOf(await fhir.call('POST', 'Patient', { body: patient('Curie') }));
      const updated = await fhir.call('PUT', `Patient/${created.id}`, { body: { ...created, gender: 'other' } });
      expect(updated.status).toBe(200);
      expect(updated.headers?.ETag).toBe('W/"2"');
      const upsert = await fhir.call('PUT', 'Patient/marie-curie', { body: patient('Curie', { id: 'marie-curie' }) });
      expect(upsert.status).toBe(201);
      expect(upsert.headers?.Location).toBe(`${TEST_BASE_URL}/Patient/marie-curie/_history/1`);
      const missingId = await fhir.call('PUT', 'Patient/marie-curie', { body: patient('Curie') });
      expect(missingId.status).toBe(400);
      expect(diagnosticsOf(missingId)).toMatch(/no id/);
      const otherId = await fhir.call('PUT', 'Patient/marie-curie', { body: patient('Curie', { id: 'pierre' }) });
      expect(otherId.status).toBe(400);
    });

    it('honours If-Match: 412 for a stale version, 200 for the current one, 400 for a malformed tag', async () => {
      const created = bodyOf(await fhir.call('POST', 'Patient', { body: patient('Franklin') }));
      const ok = await fhir.call('PUT', `Patient/${created.id}`, { body: { ...created, gender: 'male' }, headers: { ifMatch: 'W/"1"' } });
      expect(ok.status).toBe(200);
      const stale = await fhir.call('PUT', `Patient/${created.id}`, { body: { ...created, gender: 'unknown' }, headers: { ifMatch: 'W/"1"' } });
      expect(stale.status).toBe(412);
      expect(bodyOf(await fhir.call('GET', `Patient/${created.id}`)).gender).toBe('male');
      expect((await fhir.call('PUT', `Patient/${created.id}`, { body: created, headers: { ifMatch: 'W/"1' + '"'.repeat(3) } })).status).toBe(400);
    });

    it('conditional update: creates when nothing matches, updates the one match, 400 for a clashing id, 412 for several', async () => {
      const identifier = [{ system: 'https://example.org/mrn', value: 'cu-1' }];
      const url = 'Patient?identifier=https://example.org/mrn|cu-1';
      const created = await fhir.call('PUT', url, { body: patient('CondUpdate', { identifier }) });
      expect(created.status).toBe(201);
      const id = bodyOf(created).id;
      const updated = await fhir.call('PUT', url, { body: patient('CondUpdate', { identifier, gender: 'male' }) });
      expect(updated.status).toBe(200);
      expect(bodyOf(updated).id).toBe(id);
      expect(bodyOf(updated).meta?.versionId).toBe('2');
      expect((await fhir.call('PUT', url, { body: patient('CondUpdate', { identifier, id: 'someone-else' }) })).status).toBe(400);
      await fhir.call('POST', 'Patient', { body: patient('CondUpdate', { identifier }) });
      expect((await fhir.call('PUT', url, { body: patient('CondUpdate', { identifier }) })).status).toBe(412);
      expect((await fhir.call('PUT', 'Patient', { body: patient('NoCriteria') })).status).toBe(400);
    });

    it('deletes with 204 whether or not the resource existed; conditional delete of one match, 412 for several', async () => {
      expect((await fhir.call('DELETE', 'Patient/never-existed')).status).toBe(204);
      const created = bodyOf(await fhir.call('POST', 'Patient', { body: patient('Deleted') }));
      const deleted = await fhir.call('DELETE', `Patient/${created.id}`);
      expect(deleted.status).toBe(204);
      expect(deleted.headers?.ETag).toBe('W/"2"');
      expect((await fhir.call('DELETE', `Patient/${created.id}`)).status).toBe(204);

      const identifier = [{ system: 'https://example.org/mrn', value: 'cd-1' }];
      const one = bodyOf(await fhir.call('POST', 'Patient', { body: patient('CondDelete', { identifier }) }));
      expect((await fhir.call('DELETE', 'Patient?identifier=https://example.org/mrn|cd-1')).status).toBe(204);
      expect((await fhir.call('GET', `Patient/${one.id}`)).status).toBe(410);
      expect((await fhir.call('DELETE', 'Patient?identifier=https://example.org/mrn|cd-1')).status).toBe(204);
      await fhir.call('POST', 'Patient', { body: patient('CondDelete', { identifier }) });
      await fhir.call('POST', 'Patient', { body: patient('CondDelete', { identifier }) });
      expect((await fhir.call('DELETE', 'Patient?identifier=https://example.org/mrn|cd-1')).status).toBe(412);
    });

    it('shapes write answers with Prefer: return=minimal, representation (default) and OperationOutcome', async () => {
      const minimal = await fhir.call('POST', 'Patient', { body: patient('Prefer'), headers: { prefer: 'return=minimal' } });
      expect(minimal.status).toBe(201);
      expect(minimal.body).toBeUndefined();
      expect(minimal.headers?.Location).toMatch(/_history\/1$/);
      const outcome = await fhir.call('POST', 'Patient', { body: patient('Prefer'), headers: { prefer: 'return=OperationOutcome' } });
      expect(bodyOf(outcome).resourceType).toBe('OperationOutcome');
      expect(diagnosticsOf(outcome)).toMatch(/^Created Patient\//);
      const representation = await fhir.call('POST', 'Patient', { body: patient('Prefer'), headers: { prefer: 'return=representation' } });
      expect(bodyOf(representation).resourceType).toBe('Patient');
    });

    it('answers 405 with Allow for a method a path does not take', async () => {
      const response = await fhir.call('POST', 'Patient/123');
      expect(response.status).toBe(405);
      expect(response.headers?.Allow).toBe('GET, HEAD, PUT, PATCH, DELETE');
      expect((await fhir.call('DELETE', 'metadata')).status).toBe(405);
      expect((await fhir.call('PUT', '_history')).status).toBe(405);
    });
  });
}
