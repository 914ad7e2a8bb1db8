/**
 * The kick-off's checks (Bulk Data STU2 export.html, "Headers", "Query Parameters"): what is
 * accepted, what is refused and with which status, on SQLite and PostgreSQL. No worker runs here:
 * these are about the request, and about what the queued job records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { BULK_EXPORT_JOB, readJobRequest } from './bulk-export-job.ts';
import { bulkExportRoutes } from './bulk-routes.ts';
import { accessAs, BASE, contextFor, request, seedRecord, send } from './bulk-test-support.ts';
import type { FhirContext, FhirRequest } from '../fhir-rest/fhir-request.ts';

const backends = await testBackends();

function diagnostics(body: unknown): string {
  return JSON.stringify(body);
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`Bulk Data kick-off on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let context: FhirContext;

    beforeAll(async () => {
      store = await backend.open();
      await seedRecord(store.repository);
      context = contextFor(store);
    });
    afterAll(async () => {
      await store?.destroy();
    });

    const status = async (fhirRequest: FhirRequest): Promise<number> => (await send(context, fhirRequest)).status;
    const get = (path: string, query: [string, string][] = [], headers: FhirRequest['headers'] = { prefer: 'respond-async' }): FhirRequest =>
      request(path, { query, headers });
    const post = (path: string, body: unknown, query: [string, string][] = []): FhirRequest => request(path, { method: 'POST', body, query });

    it('needs Prefer: respond-async (400 without it)', async () => {
      const response = await send(context, get('$export', [], { accept: 'application/fhir+json' }));
      expect(response.status).toBe(400);
      expect(diagnostics(response.body)).toContain('Prefer: respond-async');
      expect(await status(get('$export', [], { prefer: 'return=minimal' }))).toBe(400);
      expect(await status(get('$export', [], { prefer: 'handling=lenient, respond-async' }))).toBe(202);
    });

    it('answers in FHIR JSON: Accept absent or application/fhir+json is fine, anything else is 406', async () => {
      expect(await status(get('$export', [], { prefer: 'respond-async' }))).toBe(202);
      expect(await status(get('$export', [], { prefer: 'respond-async', accept: 'application/fhir+json' }))).toBe(202);
      expect(await status(get('$export', [], { prefer: 'respond-async', accept: 'application/fhir+xml' }))).toBe(406);
    });

    it('queues a job and answers 202 with the polling location, recording the requester but no token', async () => {
      const response = await send(context, get('Patient/$export', [['_type', 'Patient,Observation'], ['_since', '2020-01-01T00:00:00Z']]));
      expect(response.status).toBe(202);
      const location = response.headers?.['Content-Location'] ?? '';
      expect(location.startsWith(`${BASE}/$export-status/`)).toBe(true);
      const job = await store.jobs.get(location.split('/').pop() ?? '');
      expect(job?.kind).toBe(BULK_EXPORT_JOB);
      const recorded = readJobRequest(job?.request);
      expect(recorded).toMatchObject({
        level: 'patient',
        types: ['Patient', 'Observation'],
        since: { text: '2020-01-01T00:00:00Z', millis: Date.UTC(2020, 0, 1) },
        requester: { subject: 'administrator', scopes: 'system/*.cruds' },
      });
      expect(Object.keys(recorded?.requester ?? {}).sort()).toEqual(['issuer', 'scopes', 'subject', 'tokenId']);
    });

    it('accepts the three ndjson spellings of _outputFormat and refuses others (400)', async () => {
      for (const format of ['application/fhir+ndjson', 'application/ndjson', 'ndjson']) expect(await status(get('$export', [['_outputFormat', format]]))).toBe(202);
      const response = await send(context, get('$export', [['_outputFormat', 'text/csv']]));
      expect(response.status).toBe(400);
      expect(diagnostics(response.body)).toContain('application/fhir+ndjson');
    });

    it('refuses a _since that is not a FHIR instant (400), and says how to send a + zone', async () => {
      expect(await status(get('$export', [['_since', '2024-01-01']]))).toBe(400);
      expect(await status(get('$export', [['_since', 'yesterday']]))).toBe(400);
      expect(await status(get('$export', [['_since', '2024-02-30T00:00:00Z']]))).toBe(400);
      const plus = await send(context, get('$export', [['_since', '2024-01-01T10:00:00 01:00']]));
      expect(plus.status).toBe(400);
      expect(diagnostics(plus.body)).toContain('%2B');
      expect(await status(get('$export', [['_since', '2024-01-01T10:00:00+01:00']]))).toBe(202);
      expect(await status(get('$export', [['_since', '2024-01-01T00:00:00Z'], ['_since', '2024-01-02T00:00:00Z']]))).toBe(400);
    });

    it('refuses unknown types, and types outside the Patient compartment at Patient and Group level', async () => {
      expect(await status(get('$export', [['_type', 'Patient,Wizard']]))).toBe(400);
      expect(await status(get('$export', [['_type', 'patient']]))).toBe(400);
      expect(await status(get('Patient/$export', [['_type', 'Practitioner']]))).toBe(400);
      expect(await status(get('Group/g1/$export', [['_type', 'Organization']]))).toBe(400);
      expect(await status(get('$export', [['_type', 'Practitioner']]))).toBe(202);
    });

    it('refuses unsupported parameters unless Prefer: handling=lenient, which lists them in the kick-off outcome', async () => {
      expect(await status(get('$export', [['_count', '10']]))).toBe(400);
      const both = await send(context, get('$export', [['_count', '10'], ['_type', 'Patient,Wizard']], { prefer: 'respond-async, handling=lenient' }));
      expect(both.status).toBe(202);
      expect(diagnostics(both.body)).toContain('_count');
      expect(diagnostics(both.body)).toContain('Wizard');
      // written as a parameter of respond-async, handling=lenient still counts
      expect(await status(get('$export', [['_count', '10']], { prefer: 'respond-async; handling=lenient' }))).toBe(202);
    });

    it('checks _elements names root elements', async () => {
      expect(await status(get('$export', [['_elements', 'Patient.birthDate,id']]))).toBe(202);
      expect(await status(get('$export', [['_elements', 'Patient.name.given']]))).toBe(400);
      expect(await status(get('$export', [['_elements', 'Patient.wizardry']]))).toBe(400);
    });

    it('reads includeAssociatedData: RelevantProvenanceResources, or both values (the least restrictive wins)', async () => {
      expect(await status(get('Patient/$export', [['includeAssociatedData', 'RelevantProvenanceResources']]))).toBe(202);
      expect(await status(get('Patient/$export', [['includeAssociatedData', 'LatestProvenanceResources,RelevantProvenanceResources']]))).toBe(202);
      expect(await status(get('Patient/$export', [['includeAssociatedData', 'LatestProvenanceResources']]))).toBe(400);
      expect(await status(get('Patient/$export', [['includeAssociatedData', '_mine']]))).toBe(400);
      expect(await status(get('Patient/$export', [['includeAssociatedData', 'Everything']]))).toBe(400);
    });

    it('checks every _typeFilter query with the search parser', async () => {
      expect(await status(get('$export', [['_type', 'Observation'], ['_typeFilter', 'Observation?status=final']]))).toBe(202);
      expect(await status(get('$export', [['_typeFilter', 'Observation?code=http://loinc.org%7C8867-4,Condition?subject=Patient/p1']]))).toBe(202);
      // "FHIR search response parameters such as _include and _sort SHALL NOT be used"
      expect(await status(get('$export', [['_typeFilter', 'Observation?_include=Observation:subject']]))).toBe(400);
      expect(await status(get('$export', [['_typeFilter', 'Observation?wizard=yes']]))).toBe(400);
      expect(await status(get('$export', [['_typeFilter', 'Observation?date=notadate']]))).toBe(400);
      expect(await status(get('$export', [['_type', 'Patient'], ['_typeFilter', 'Observation?status=final']]))).toBe(400);
      expect(await status(get('$export', [['_typeFilter', 'status=final']]))).toBe(400);
    });

    it('takes `patient` only in a POST Parameters body, only at Patient and Group level, and only for known patients', async () => {
      const patient = (reference: string): unknown => ({ resourceType: 'Parameters', parameter: [{ name: 'patient', valueReference: { reference } }] });
      expect(await status(get('Patient/$export', [['patient', 'Patient/p1']]))).toBe(400);
      expect(await status(post('$export', patient('Patient/p1')))).toBe(400);
      expect(await status(post('Patient/$export', patient('Patient/p1')))).toBe(202);
      expect(await status(post('Patient/$export', patient(`${BASE}/Patient/p1`)))).toBe(202);
      const unknown = await send(context, post('Patient/$export', patient('Patient/nobody')));
      expect(unknown.status).toBe(400);
      expect(diagnostics(unknown.body)).toContain('Patient/nobody');
      expect(await status(post('Patient/$export', patient('Observation/o1')))).toBe(400);
      expect(await status(post('Patient/$export', patient('http://elsewhere.example/fhir/Patient/p1')))).toBe(400);
    });

    it('reads a POST body strictly: a Parameters resource, the value[x] each parameter is defined with, nothing in the url', async () => {
      const parameters = (parameter: unknown[]): unknown => ({ resourceType: 'Parameters', parameter });
      expect(await status(post('$export', parameters([{ name: '_since', valueInstant: '2024-01-01T00:00:00Z' }])))).toBe(202);
      expect(await status(post('$export', parameters([{ name: '_since', valueString: '2024-01-01T00:00:00Z' }])))).toBe(400);
      expect(await status(post('$export', parameters([{ name: '_type', valueString: 'Patient' }]), [['_type', 'Patient']]))).toBe(400);
      expect(await status(post('$export', { resourceType: 'Patient' }))).toBe(400);
      expect(await status(post('$export', parameters([{ name: '_type' }])))).toBe(400);
    });

    it('refuses a token that may read nothing a Patient export returns (403)', async () => {
      const practitionersOnly = contextFor(store, accessAs('directory', 'system/Practitioner.rs'));
      const response = await send(practitionersOnly, get('Patient/$export'));
      expect(response.status).toBe(403);
      expect((await send(practitionersOnly, get('$export'))).status).toBe(202);
    });

    it('declares the three operations with their canonical definitions for the CapabilityStatement', () => {
      const declared = bulkExportRoutes.flatMap((route) => (route.capability ? [route.capability] : []));
      expect(declared.map((c) => [c.name, c.definition, c.resourceType])).toEqual([
        ['export', 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export', undefined],
        ['export', 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export', 'Patient'],
        ['export', 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export', 'Group'],
      ]);
      expect(Object.isFrozen(bulkExportRoutes)).toBe(true);
    });
  });
}
