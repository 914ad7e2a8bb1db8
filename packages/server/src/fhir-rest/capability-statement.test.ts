/**
 * The CapabilityStatement is a valid R4 CapabilityStatement and tells the truth: every type with
 * exactly the interactions the router implements, every search parameter and include it lists
 * actually accepted (strictly) and searchable on every backend, the operations of the operation
 * routes, and nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FHIR_VERSION, isSupportedSearchParameter, parseSearchRequest, resourceTypes, searchParametersOf, validateResource, type Resource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { bulkExportRoutes } from '../bulk/index.ts';
import { capabilityStatement, SYSTEM_INTERACTIONS, TYPE_INTERACTIONS } from './capability-statement.ts';
import type { OperationRoute } from './fhir-request.ts';
import { bodyOf, routerHarness, TEST_BASE_URL, type RouterHarness } from './test-support.ts';

interface ResourceEntry {
  type: string;
  interaction: { code: string }[];
  searchParam: { name: string; type: string; definition: string }[];
  searchInclude?: string[];
  searchRevInclude?: string[];
  operation?: { name: string; definition: string }[];
  [key: string]: unknown;
}

interface Rest {
  resource: ResourceEntry[];
  interaction: { code: string }[];
  operation?: { name: string; definition: string }[];
  security: { description: string };
}

const restOf = (statement: Resource): Rest => (statement.rest as Rest[])[0] as Rest;

/** A value of the right form for each parameter type, to show the parser takes the parameter. */
const SAMPLE: Readonly<Record<string, string>> = { string: 'x', token: 'x', reference: 'x', date: '2020', number: '1', quantity: '1', uri: 'http://example.org/x' };

const exportRoutes: OperationRoute[] = [
  { method: 'GET', pattern: ['$export'], handle: async () => ({ status: 202 }), capability: { name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' } },
  { method: 'POST', pattern: ['$export'], handle: async () => ({ status: 202 }), capability: { name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' } },
  {
    method: 'GET',
    pattern: ['Patient', '$export'],
    handle: async () => ({ status: 202 }),
    capability: { name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export', resourceType: 'Patient' },
  },
  { method: 'GET', pattern: ['$export-poll-status'], handle: async () => ({ status: 200 }) },
];

describe('the CapabilityStatement', () => {
  const statement = capabilityStatement({ baseUrl: TEST_BASE_URL, version: '1.2.3', routes: exportRoutes });
  const rest = restOf(statement);

  it('is a valid R4 CapabilityStatement', () => {
    const problems = validateResource(statement).filter((issue) => issue.severity === 'error' || issue.severity === 'fatal');
    expect(problems).toEqual([]);
    // and the validator does look: a wrong status is found
    expect(validateResource({ ...statement, status: 'bogus' }).some((issue) => issue.severity === 'error')).toBe(true);
  });

  it('says what is running: active, an instance, FHIR 4.0.1, JSON only, Kindred and its version, the base url', () => {
    expect(statement).toMatchObject({
      status: 'active',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['application/fhir+json', 'json'],
      software: { name: 'Kindred', version: '1.2.3' },
      implementation: { url: TEST_BASE_URL },
    });
    expect(FHIR_VERSION).toBe('4.0.1');
    expect(rest.security.description).toMatch(/Bearer/);
  });

  it('lists every resource type once, with exactly the interactions and conditional support the router has', () => {
    expect(rest.resource.map((r) => r.type)).toEqual([...resourceTypes]);
    for (const resource of rest.resource) {
      expect(resource.interaction.map((i) => i.code)).toEqual([...TYPE_INTERACTIONS]);
      expect(resource).toMatchObject({
        versioning: 'versioned-update',
        readHistory: true,
        updateCreate: true,
        conditionalCreate: true,
        conditionalUpdate: true,
        conditionalDelete: 'single',
        conditionalRead: 'full-support',
      });
    }
    expect(rest.interaction.map((i) => i.code)).toEqual([...SYSTEM_INTERACTIONS]);
  });

  it('lists exactly the supported search parameters, each accepted by the parser under strict handling', () => {
    for (const resource of rest.resource) {
      const supported = [...searchParametersOf(resource.type).values()].filter(isSupportedSearchParameter).map((def) => def.code);
      expect(resource.searchParam.map((p) => p.name)).toEqual(supported);
      for (const param of resource.searchParam) {
        expect(['string', 'token', 'reference', 'date', 'number', 'quantity', 'uri']).toContain(param.type);
        expect(() => parseSearchRequest(resource.type, [[param.name, SAMPLE[param.type] ?? 'x']], { handling: 'strict' }), `${resource.type}?${param.name}`).not.toThrow();
      }
      for (const include of resource.searchInclude ?? []) {
        expect(() => parseSearchRequest(resource.type, [['_include', include]], { handling: 'strict' }), `${resource.type} _include=${include}`).not.toThrow();
      }
      for (const revinclude of resource.searchRevInclude ?? []) {
        expect(() => parseSearchRequest(resource.type, [['_revinclude', revinclude]], { handling: 'strict' }), `${resource.type} _revinclude=${revinclude}`).not.toThrow();
      }
    }
  });

  it('lists $validate on every type and the operations of the routes, each once, where they belong', () => {
    for (const resource of rest.resource) expect(resource.operation?.[0]?.name).toBe('validate');
    expect(rest.operation).toEqual([{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' }]);
    const patientOps = rest.resource.find((r) => r.type === 'Patient')?.operation?.map((o) => o.definition);
    expect(patientOps).toEqual(['http://hl7.org/fhir/OperationDefinition/Resource-validate', 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export']);
    const bare = restOf(capabilityStatement({ baseUrl: TEST_BASE_URL, version: '1', routes: [] }));
    expect(bare.operation).toBeUndefined();
  });

  it('stays valid with the Bulk Data routes the app is given, listing each $export where it belongs', () => {
    const withBulk = capabilityStatement({ baseUrl: TEST_BASE_URL, version: '1', routes: bulkExportRoutes });
    expect(validateResource(withBulk).filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')).toEqual([]);
    const bulkRest = restOf(withBulk);
    expect(bulkRest.operation?.map((o) => o.name)).toEqual(['export']);
    for (const type of ['Patient', 'Group']) {
      expect(bulkRest.resource.find((r) => r.type === type)?.operation?.map((o) => o.name)).toEqual(['validate', 'export']);
    }
  });

  it('builds the per-type part once per process', () => {
    const again = capabilityStatement({ baseUrl: 'http://elsewhere.test/fhir', version: '9', routes: [] });
    expect(restOf(again).resource).toBe(restOf(capabilityStatement({ baseUrl: TEST_BASE_URL, version: '1', routes: [] })).resource);
    expect(Object.isFrozen(restOf(again).resource[0])).toBe(true);
    expect(again.implementation).toEqual({ description: 'Kindred shared care record', url: 'http://elsewhere.test/fhir' });
  });
});

const backends = await testBackends();

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`metadata and what it lists, on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let fhir: RouterHarness;
    beforeAll(async () => {
      store = await backend.open();
      fhir = routerHarness(store);
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('answers GET metadata (and HEAD) with the statement; other modes are refused', async () => {
      const response = await fhir.call('GET', 'metadata');
      expect(response.status).toBe(200);
      expect(bodyOf(response).resourceType).toBe('CapabilityStatement');
      expect(bodyOf(response).software).toEqual({ name: 'Kindred', version: '0.0.0-test' });
      expect((await fhir.call('HEAD', 'metadata')).status).toBe(200);
      expect((await fhir.call('GET', 'metadata?mode=terminology')).status).toBe(400);
    });

    it('every listed type can be searched and its type history read', async () => {
      const rest = restOf(bodyOf(await fhir.call('GET', 'metadata')));
      for (const resource of rest.resource) {
        expect((await fhir.call('GET', `${resource.type}?_count=1`)).status, resource.type).toBe(200);
        expect((await fhir.call('GET', `${resource.type}/_history?_count=1`)).status, resource.type).toBe(200);
      }
    });
  });
}
