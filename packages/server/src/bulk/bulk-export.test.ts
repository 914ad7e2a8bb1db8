/**
 * Bulk Data $export end to end through the FHIR router, on SQLite and PostgreSQL: kick-off,
 * polling, the manifest, every file fetched and parsed, and the resources compared with what the
 * store holds, read back one by one with `read` from keys the test knows by construction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { startBulkExportWorker, type BulkExportWorker } from './export-worker.ts';
import {
  accessAs,
  BASE,
  byKey,
  contextFor,
  fetchOutput,
  pathOf,
  pollUntilDone,
  readBack,
  request,
  seedRecord,
  send,
  type Manifest,
  type Seeded,
} from './bulk-test-support.ts';
import type { FhirContext, FhirRequest } from '../fhir-rest/fhir-request.ts';

const backends = await testBackends();

/** Kicks off, polls to completion and returns the manifest and every exported resource. */
async function exportThrough(context: FhirContext, kickOff: FhirRequest): Promise<{ manifest: Manifest; resources: Map<string, unknown> }> {
  const accepted = await send(context, kickOff);
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
  const location = accepted.headers?.['Content-Location'] ?? '';
  expect(location).toMatch(new RegExp(`^${BASE.replace(/[.]/g, '\\.')}/\\$export-status/[0-9a-f-]+$`));
  const done = await pollUntilDone(context, location);
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  expect(done.headers?.['Content-Type']).toBe('application/json');
  expect(done.headers?.Expires).toMatch(/GMT$/);
  const manifest = done.body as unknown as Manifest;
  expect(manifest.requiresAccessToken).toBe(true);
  expect(Array.isArray(manifest.error)).toBe(true);
  return { manifest, resources: byKey(await fetchOutput(context, manifest)) };
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`Bulk Data $export on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let seeded: Seeded[];
    let worker: BulkExportWorker;
    let context: FhirContext;

    beforeAll(async () => {
      store = await backend.open();
      seeded = await seedRecord(store.repository);
      worker = startBulkExportWorker({ store, pollMs: 10 });
      context = contextFor(store);
    });
    afterAll(async () => {
      await worker?.stop();
      await store?.destroy();
    });

    const keysWhere = (keep: (s: Seeded) => boolean): string[] => seeded.filter(keep).map((s) => s.key).sort();

    it('exports the whole record at system level, exactly as the store holds it', async () => {
      const { manifest, resources } = await exportThrough(context, request('$export'));
      const expected = await readBack(store.repository, keysWhere(() => true));
      expect([...resources.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [key, resource] of expected) expect(resources.get(key), key).toEqual(resource);
      expect(manifest.request).toBe(`${BASE}/$export`);
      expect(Date.parse(manifest.transactionTime)).not.toBeNaN();
      expect(manifest.error).toEqual([]);
      // one file per type here (well under 10,000 each), and no file for a type without data
      expect(new Set(manifest.output.map((f) => f.type)).size).toBe(manifest.output.length);
    });

    it('filters by _type and repeats the kick-off url with its parameters', async () => {
      const { manifest, resources } = await exportThrough(context, request('$export', { query: [['_type', 'Patient,Condition']] }));
      expect([...resources.keys()].sort()).toEqual(keysWhere((s) => /^(Patient|Condition)\//.test(s.key)));
      expect(manifest.request).toBe(`${BASE}/$export?_type=Patient,Condition`);
      // "A client MAY repeat kick-off parameters that accept comma delimited values"
      const repeated = await exportThrough(context, request('$export', { query: [['_type', 'Patient'], ['_type', 'Condition']] }));
      expect([...repeated.resources.keys()].sort()).toEqual([...resources.keys()].sort());
    });

    it('exports every patient\'s compartment at Patient level, with the Provenance of what it returns', async () => {
      const { resources } = await exportThrough(context, request('Patient/$export'));
      const inCompartments = keysWhere((s) => s.patients.length > 0);
      // prov1 and prov2 are about o1 and o3, which are exported; prov3 is about the practitioner, who is not
      const expectedKeys = [...inCompartments, 'Provenance/prov1', 'Provenance/prov2'].sort();
      expect([...resources.keys()].sort()).toEqual(expectedKeys);
      const expected = await readBack(store.repository, expectedKeys);
      for (const [key, resource] of expected) expect(resources.get(key), key).toEqual(resource);
      expect(resources.has('Observation/o4')).toBe(false);
      expect(resources.has('Practitioner/pr1')).toBe(false);
    });

    it('limits a Group export to the compartments of its current members', async () => {
      const { manifest, resources } = await exportThrough(context, request('Group/g1/$export'));
      const members = new Set(['p1', 'p2']);
      const expectedKeys = [...keysWhere((s) => s.patients.some((p) => members.has(p))), 'Provenance/prov1'].sort();
      expect([...resources.keys()].sort()).toEqual(expectedKeys);
      expect(resources.has('Patient/p3')).toBe(false);
      expect(manifest.request).toBe(`${BASE}/Group/g1/$export`);
    });

    it('takes a POST kick-off with a Parameters body, and `patient` to narrow a Group export', async () => {
      const body = {
        resourceType: 'Parameters',
        parameter: [
          { name: '_type', valueString: 'Patient,Observation' },
          { name: 'patient', valueReference: { reference: 'Patient/p2' } },
        ],
      };
      const { manifest, resources } = await exportThrough(context, request('Group/g1/$export', { method: 'POST', body }));
      expect([...resources.keys()].sort()).toEqual(['Observation/o2', 'Patient/p2']);
      // "In the case of a POST request, this URL will not include the request parameters"
      expect(manifest.request).toBe(`${BASE}/Group/g1/$export`);
    });

    it('refuses a `patient` who is not a member of the group', async () => {
      const body = { resourceType: 'Parameters', parameter: [{ name: 'patient', valueReference: { reference: 'Patient/p3' } }] };
      const response = await send(context, request('Group/g1/$export', { method: 'POST', body }));
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body)).toContain('not a member of Group/g1');
    });

    it('answers 404 for an unknown group', async () => {
      const response = await send(context, request('Group/nobody/$export'));
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ resourceType: 'OperationOutcome' });
    });

    it('subsets resources for _elements and tags them SUBSETTED', async () => {
      const { resources } = await exportThrough(context, request('Patient/$export', { query: [['_type', 'Patient'], ['_elements', 'Patient.birthDate']] }));
      const p1 = resources.get('Patient/p1') as { name?: unknown; birthDate?: string; meta?: { tag?: { code?: string }[] } };
      expect(p1.birthDate).toBe('1970-01-01');
      expect(p1.name).toBeUndefined();
      expect(p1.meta?.tag?.map((t) => t.code)).toContain('SUBSETTED');
    });

    it('applies _typeFilter through the search parameters', async () => {
      const { resources } = await exportThrough(context, request('$export', { query: [['_type', 'Observation,Patient'], ['_typeFilter', 'Observation?subject=Patient/p1,Observation?subject=Patient/p3']] }));
      expect([...resources.keys()].sort()).toEqual(['Observation/o1', 'Observation/o3', 'Patient/p1', 'Patient/p2', 'Patient/p3']);
    });

    it('exports only what the token may read: system/Patient.r gets Patients and nothing else', async () => {
      const patientsOnly = contextFor(store, accessAs('patient-reader', 'system/Patient.r'));
      const { resources } = await exportThrough(patientsOnly, request('$export'));
      expect([...resources.keys()].sort()).toEqual(keysWhere((s) => s.key.startsWith('Patient/')));
      const refused = await send(patientsOnly, request('$export', { query: [['_type', 'Observation']] }));
      expect(refused.status).toBe(403);
      expect(JSON.stringify(refused.body)).toContain('system/Observation.r');
    });

    it('shows an export, its status and its files to the subject that started it and to nobody else (404)', async () => {
      const accepted = await send(context, request('$export', { query: [['_type', 'Patient']] }));
      const location = accepted.headers?.['Content-Location'] ?? '';
      const done = await pollUntilDone(context, location);
      const fileUrl = (done.body as unknown as Manifest).output[0]?.url ?? '';
      const stranger = contextFor(store, accessAs('someone-else'));
      expect((await send(stranger, request(pathOf(location)))).status).toBe(404);
      expect((await send(stranger, request(pathOf(fileUrl)))).status).toBe(404);
      expect((await send(stranger, request(pathOf(location), { method: 'DELETE' }))).status).toBe(404);
      // the same subject with a token that may no longer read the file's type
      const narrower = contextFor(store, accessAs('administrator', 'system/Observation.r'));
      expect((await send(narrower, request(pathOf(fileUrl)))).status).toBe(403);
      const own = await send(context, request(pathOf(fileUrl)));
      expect(own.status).toBe(200);
      expect(own.text?.contentType).toBe('application/fhir+ndjson');
      const xml = await send(context, request(pathOf(fileUrl), { headers: { accept: 'application/fhir+xml' } }));
      expect(xml.status).toBe(406);
    });

    it('answers 404 for an unknown job and an unknown file', async () => {
      expect((await send(context, request('$export-status/00000000-0000-0000-0000-000000000000'))).status).toBe(404);
      const accepted = await send(context, request('$export', { query: [['_type', 'Location']] }));
      const location = accepted.headers?.['Content-Location'] ?? '';
      await pollUntilDone(context, location);
      const jobId = location.split('/').pop() ?? '';
      expect((await send(context, request(`$export-file/${jobId}/999`))).status).toBe(404);
    });

    it('cancels on DELETE: 202, then the polling location and the files answer 404', async () => {
      const accepted = await send(context, request('$export', { query: [['_type', 'Patient']] }));
      const location = accepted.headers?.['Content-Location'] ?? '';
      const done = await pollUntilDone(context, location);
      const fileUrl = (done.body as unknown as Manifest).output[0]?.url ?? '';
      const deleted = await send(context, request(pathOf(location), { method: 'DELETE' }));
      expect(deleted.status).toBe(202);
      expect((await send(context, request(pathOf(location)))).status).toBe(404);
      expect((await send(context, request(pathOf(fileUrl)))).status).toBe(404);
      expect((await send(context, request(pathOf(location), { method: 'DELETE' }))).status).toBe(404);
    });
  });
}
