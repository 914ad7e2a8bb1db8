/**
 * ViewDefinition `$run` over real HTTP (the administrator's token), and through the router with
 * the access policy of a practice's clinician and of an analyst; on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibleRecord, defaultAccessPolicy, type AccessContext } from '@kindred/access';
import { ANALYST_AREA, AREA, accessOf, analystAccess } from '@kindred/access/testing';
import type { Resource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { outcomeOf, startTestServer, type TestServer } from '../http/test-server.ts';
import type { FhirContext } from './fhir-request.ts';
import { handleFhirRequest } from './router.ts';
import { TEST_BASE_URL, requestOf } from './test-support.ts';

const backends = await testBackends();
const policy = defaultAccessPolicy();

const patientView = {
  resourceType: 'ViewDefinition',
  id: 'patients',
  url: 'https://kindred.health/fhir/ViewDefinition/test-patients',
  name: 'test_patients',
  status: 'active',
  resource: 'Patient',
  select: [{ column: [{ name: 'id', path: 'id' }, { name: 'family', path: 'name.family.first()' }] }],
};


const parameters = (...parts: Record<string, unknown>[]): Record<string, unknown> => ({ resourceType: 'Parameters', parameter: parts });

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`ViewDefinition $run on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let server: TestServer;
    const post = (path: string, body: unknown): Promise<Response> => server.fhir(path, { method: 'POST', json: body });

    beforeAll(async () => {
      store = await backend.open();
      for (const resource of [...AREA, ...ANALYST_AREA, patientView as Resource]) await store.repository.update(resource);
      server = await startTestServer(store);
    });
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    it('runs a stored view by id: JSON by default, NDJSON and CSV by _format or Accept, with _limit', async () => {
      const json = await server.fhir('ViewDefinition/patients/$run');
      expect(json.status).toBe(200);
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      const rows = (await json.json()) as { id: string; family: string }[];
      expect(rows.map((r) => r.id).sort()).toEqual(['alice', 'carol', 'dave']);
      expect(rows.find((r) => r.id === 'alice')).toEqual({ id: 'alice', family: 'Able' });

      const ndjson = await server.fhir('ViewDefinition/patients/$run?_format=ndjson&_limit=2');
      expect(ndjson.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      const lines = (await ndjson.text()).trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(Object.keys(JSON.parse(lines[0]!) as object)).toEqual(['id', 'family']);

      const csv = await server.fhir('ViewDefinition/patients/$run', { headers: { accept: 'text/csv' } });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const text = await csv.text();
      expect(text.split('\r\n')[0]).toBe('id,family');
      expect(text).toContain('alice,Able\r\n');

      const noHeader = await post('ViewDefinition/patients/$run', parameters({ name: '_format', valueCode: 'csv' }, { name: 'header', valueBoolean: false }, { name: '_limit', valueInteger: 1 }));
      expect((await noHeader.text()).split('\r\n').filter((l) => l !== '')).toHaveLength(1);
    });

    it('runs an inline view over the record or over the resources given, and a view named by reference or url', async () => {
      const organisations = { resource: 'Organization', select: [{ column: [{ name: 'name', path: 'name' }] }] };
      const overRecord = await post('ViewDefinition/$run', parameters({ name: 'viewResource', resource: organisations }));
      expect(((await overRecord.json()) as { name: string }[]).map((r) => r.name)).toContain('North Street Surgery');

      const given = await post(
        'ViewDefinition/$run',
        parameters({ name: 'viewResource', resource: patientView }, { name: 'resource', resource: { resourceType: 'Patient', id: 'p1', name: [{ family: 'Given' }] } }),
      );
      expect(await given.json()).toEqual([{ id: 'p1', family: 'Given' }]);

      const byReference = await post('ViewDefinition/$run', parameters({ name: 'viewReference', valueReference: { reference: 'ViewDefinition/patients' } }, { name: '_limit', valueInteger: 1 }));
      expect(((await byReference.json()) as unknown[]).length).toBe(1);
      const byUrl = await server.fhir(`ViewDefinition/$run?viewReference=${encodeURIComponent(patientView.url)}&_limit=1`);
      expect(byUrl.status).toBe(200);
    });

    it('answers bad parameters with 400, an invalid view with 422 and an unknown view with 404, as OperationOutcomes', async () => {
      const cases: [Promise<Response>, number, RegExp][] = [
        [post('ViewDefinition/$run', parameters()), 400, /exactly one of viewResource/],
        [post('ViewDefinition/$run', { resourceType: 'Patient' }), 400, /Parameters/],
        [post('ViewDefinition/patients/$run', parameters({ name: 'colour', valueString: 'red' })), 400, /colour/],
        [server.fhir('ViewDefinition/patients/$run?_format=parquet'), 400, /parquet/],
        [server.fhir('ViewDefinition/patients/$run?_limit=-3'), 400, /_limit/],
        [server.fhir('ViewDefinition/patients/$run?patient=Patient/alice'), 400, /patient/],
        [post('ViewDefinition/$run', parameters({ name: 'viewResource', resource: { resource: 'Patient', select: [{ column: [{ name: 'x', path: 'name.(' }] }] } })), 422, /cannot be run/],
        [server.fhir('ViewDefinition/nope/$run'), 404, /nope/],
        [post('ViewDefinition/$run', parameters({ name: 'viewReference', valueReference: { reference: 'ViewDefinition/nope' } })), 404, /nope/],
      ];
      for (const [response, status, message] of cases) {
        const answer = await response;
        expect(answer.status).toBe(status);
        expect((await outcomeOf(answer)).issue[0]?.diagnostics).toMatch(message);
      }
      expect((await server.fhir('ViewDefinition/patients/$run', { method: 'DELETE' })).status).toBe(405);
    });

    it('needs a token, is listed in the CapabilityStatement, and is audited', async () => {
      expect((await server.fhir('ViewDefinition/patients/$run', { headers: { authorization: '' } })).status).toBe(401);
      const statement = (await (await server.fhir('metadata')).json()) as { rest: { resource: { type: string; operation?: { name: string; definition: string }[] }[] }[] };
      const views = statement.rest[0]!.resource.find((r) => r.type === 'ViewDefinition');
      expect(views?.operation?.map((o) => o.name)).toContain('run');
      const before = await store.audit.verify();
      await server.fhir('ViewDefinition/patients/$run');
      const after = await store.audit.verify();
      expect(after.count).toBeGreaterThan(before.count);
    });

    it('gives a clinician rows only for their practice’s people, and refuses an analyst person-level rows', async () => {
      const run = async (access: AccessContext): Promise<{ status: number; text: string }> => {
        const record = await accessibleRecord(store.repository, access, policy);
        const context: FhirContext = { repository: record.repository, access, baseUrl: TEST_BASE_URL, jobs: store.jobs };
        const response = await handleFhirRequest(requestOf('GET', 'ViewDefinition/patients/$run'), context);
        return { status: response.status, text: response.text?.content ?? JSON.stringify(response.body) };
      };
      const north = await run(accessOf('gpClinician'));
      expect(((JSON.parse(north.text) as { id: string }[]).map((r) => r.id)).sort()).toEqual(['alice', 'dave']);
      const south = await run(accessOf('otherGpClinician'));
      expect((JSON.parse(south.text) as { id: string }[]).map((r) => r.id)).toEqual(['carol']);
      const analyst = await run(analystAccess());
      expect(analyst.status).toBe(403);
      expect(analyst.text).toMatch(/Patient/);
    });
  });
}
