/**
 * The access policy through the FHIR REST router, for the paths a repository test cannot show:
 * URL searches with includes, chains, `_has` and compartments, transaction and batch Bundles,
 * instance and type history, `$break-glass` and `$access-log`; on SQLite and PostgreSQL. The
 * policy itself is tested in packages/access/src/policy/access-matrix.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibleRecord, defaultAccessPolicy, openBreakGlass } from '@kindred/access';
import { AREA, accessOf, observation, type Who } from '@kindred/access/testing';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { accessLogRoutes } from '../access-log/access-log-routes.ts';
import { breakGlassRoutes } from '../break-glass/break-glass-route.ts';
import type { FhirContext, FhirMethod, FhirResponse, OperationRoute } from './fhir-request.ts';
import { handleFhirRequest } from './router.ts';
import { TEST_BASE_URL, bodyOf, requestOf, type CallOptions } from './test-support.ts';

const backends = await testBackends();
const policy = defaultAccessPolicy();

interface Entry {
  resource?: { resourceType: string; id: string };
  response?: { status: string };
}

function referencesIn(response: FhirResponse): string[] {
  const entries = (bodyOf(response).entry as Entry[] | undefined) ?? [];
  return entries.flatMap((e) => (e.resource ? [`${e.resource.resourceType}/${e.resource.id}`] : [])).sort();
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`access through the FHIR API on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    const routes = (): readonly OperationRoute[] => [...breakGlassRoutes, ...accessLogRoutes(store.audit)];

    async function call(who: Who, method: FhirMethod, url: string, options: CallOptions = {}): Promise<FhirResponse> {
      const access = accessOf(who);
      const record = await accessibleRecord(store.repository, access, policy);
      const context: FhirContext = {
        repository: record.repository,
        access,
        baseUrl: TEST_BASE_URL,
        jobs: store.jobs,
        breakGlass: (asked) => openBreakGlass(store.repository, access, record.principal, policy, asked),
      };
      return handleFhirRequest(requestOf(method, url, options), context, routes());
    }

    beforeAll(async () => {
      store = await backend.open();
      for (const resource of AREA) await store.repository.update(resource);
    });
    afterAll(async () => store?.close());

    it('URL searches: includes, chains, _has, compartments and _total hold only what may be seen', async () => {
      expect(referencesIn(await call('hospitalClinician', 'GET', 'Patient?_id=alice&_revinclude=Observation:subject'))).toEqual(['Observation/obs-bp', 'Patient/alice']);
      expect(referencesIn(await call('hospitalClinician', 'GET', 'Patient?_has:Observation:subject:code=45331-6'))).toEqual([]);
      expect(referencesIn(await call('otherGpClinician', 'GET', 'Observation?subject:Patient.family=Able'))).toEqual([]);
      expect(referencesIn(await call('hospitalClinician', 'GET', 'Patient/alice/Observation'))).toEqual(['Observation/obs-bp']);
      const counted = bodyOf(await call('otherGpClinician', 'GET', 'Observation?_total=accurate'));
      expect(counted.total).toBe(1);
      const summary = bodyOf(await call('carerWithConsent', 'GET', 'Observation?_summary=count'));
      expect(summary.total).toBe(1);
    });

    it('reads and history: 404 for what may not be seen, 403 for a type the role never sees', async () => {
      expect((await call('otherGpClinician', 'GET', 'Patient/alice')).status).toBe(404);
      expect((await call('otherGpClinician', 'GET', 'Patient/alice/_history')).status).toBe(404);
      expect((await call('otherGpClinician', 'GET', 'Patient/alice/_history/1')).status).toBe(404);
      expect((await call('volunteer', 'GET', 'Observation?subject=Patient/dave')).status).toBe(403);
      const history = await call('hospitalClinician', 'GET', 'Observation/_history');
      expect(referencesIn(history)).toEqual(['Observation/obs-bp']);
    });

    it('a transaction with an entry the policy refuses writes nothing; a batch answers each entry', async () => {
      const transaction = {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: observation('t1', 'alice', '8867-4'), request: { method: 'PUT', url: 'Observation/t1' } },
          { resource: observation('t2', 'carol', '8867-4'), request: { method: 'PUT', url: 'Observation/t2' } },
        ],
      };
      const refused = await call('hospitalClinician', 'POST', '', { body: transaction, headers: { contentType: 'application/fhir+json' } });
      expect(refused.status).toBe(403);
      expect((await call('system', 'GET', 'Observation/t1')).status).toBe(404);
      const batch = { resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: 'Patient/alice' } }, { request: { method: 'GET', url: 'Patient/carol' } }] };
      const answered = bodyOf(await call('hospitalClinician', 'POST', '', { body: batch, headers: { contentType: 'application/fhir+json' } }));
      expect(((answered.entry as Entry[]) ?? []).map((e) => e.response?.status.slice(0, 3))).toEqual(['200', '404']);
    });

    it('$break-glass opens a record for a clinician only, with a reason, and it shows in the person\'s access log', async () => {
      const asked = (reason: string) => ({ body: { resourceType: 'Parameters', parameter: [{ name: 'reason', valueString: reason }] }, headers: { contentType: 'application/fhir+json' } });
      expect((await call('receptionist', 'POST', 'Patient/carol/$break-glass', asked('patient collapsed in reception'))).status).toBe(403);
      expect((await call('hospitalClinician', 'POST', 'Patient/carol/$break-glass', asked('no'))).status).toBe(400);
      const opened = await call('hospitalClinician', 'POST', 'Patient/carol/$break-glass', asked('unconscious in the emergency department'));
      expect(opened.status).toBe(200);
      expect((await call('hospitalClinician', 'GET', 'Patient/carol')).status).toBe(200);
      const log = await call('system', 'GET', 'Patient/carol/$access-log');
      expect(JSON.stringify(bodyOf(log))).toContain('unconscious in the emergency department');
      // the person can see it too; another practice's clinician cannot read the log of someone they may not see
      expect((await call('otherGpClinician', 'GET', 'Patient/alice/$access-log')).status).toBe(404);
      expect((await call('patient', 'GET', 'Patient/alice/$access-log')).status).toBe(200);
    });
  });
}
