/**
 * The router's own duties: it dispatches any operation routes it is given (with placeholders,
 * HEAD served by GET, 405 for other methods), answers unknown paths with 404, and turns an
 * unexpected error into a generic 500 whose detail is logged, never returned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestStore } from '@kindred/store/testing';
import type { OperationRoute } from './fhir-request.ts';
import { bodyOf, diagnosticsOf, routerHarness, type RouterHarness } from './test-support.ts';

const backends = await testBackends();

const routes: OperationRoute[] = [
  { method: 'GET', pattern: ['Group', ':id', '$census'], handle: async (_request, _context, params) => ({ status: 200, body: { resourceType: 'Parameters', parameter: [{ name: 'group', valueString: params.id ?? '' }] } }) },
  { method: 'GET', pattern: ['$files', ':file'], handle: async (_request, _context, params) => ({ status: 200, text: { contentType: 'application/fhir+ndjson', content: `${params.file}\n` } }) },
  {
    method: 'POST',
    pattern: ['$explode'],
    handle: async () => {
      throw new Error('secret detail: connection string postgres://user:password@db');
    },
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the router on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let fhir: RouterHarness;
    beforeAll(async () => {
      store = await backend.open();
      fhir = routerHarness(store);
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('dispatches operation routes with their placeholders; HEAD is served by a GET route', async () => {
      const census = await fhir.call('GET', 'Group/g1/$census', { routes });
      expect(bodyOf(census).parameter).toEqual([{ name: 'group', valueString: 'g1' }]);
      expect((await fhir.call('HEAD', 'Group/g1/$census', { routes })).status).toBe(200);
      expect((await fhir.call('GET', '$files/a.ndjson', { routes })).text?.content).toBe('a.ndjson\n');
    });

    it('answers 405 with Allow for another method on an operation route, 404 for an unknown operation', async () => {
      const wrong = await fhir.call('DELETE', 'Group/g1/$census', { routes });
      expect(wrong.status).toBe(405);
      expect(wrong.headers?.Allow).toBe('GET, HEAD');
      expect((await fhir.call('GET', 'Group/g1/$census')).status).toBe(404);
      expect((await fhir.call('GET', 'Patient/1/Observation/extra/segments')).status).toBe(404);
      expect((await fhir.call('GET', '')).status).toBe(400);
    });

    it('turns an unexpected error into a generic 500 and logs the detail', async () => {
      const response = await fhir.call('POST', '$explode', { routes });
      expect(response.status).toBe(500);
      expect(diagnosticsOf(response)).not.toMatch(/secret|password/);
      expect(fhir.logged).toHaveLength(1);
      expect(JSON.stringify(fhir.logged[0]?.details)).toMatch(/secret detail/);
    });
  });
}
