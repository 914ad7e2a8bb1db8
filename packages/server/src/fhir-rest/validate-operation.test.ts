/**
 * `$validate` through the router: a resource or a Parameters body, type and instance level,
 * answered 200 with the issues or "all OK", and never a write; 400 only for a request that
 * cannot be read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { bodyOf, diagnosticsOf, patient, routerHarness, type RouterHarness } from './test-support.ts';

const backends = await testBackends();

interface Outcome {
  resourceType: string;
  issue: { severity: string; code: string; diagnostics: string; expression?: string[] }[];
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`$validate on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let fhir: RouterHarness;
    beforeAll(async () => {
      store = await backend.open();
      fhir = routerHarness(store);
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('answers "all OK" for a valid resource, and writes nothing', async () => {
      const before = await store.repository.countByType();
      const response = await fhir.call('POST', 'Patient/$validate', { body: patient('Valid') });
      expect(response.status).toBe(200);
      const outcome = bodyOf(response) as unknown as Outcome;
      expect(outcome.issue).toHaveLength(1);
      expect(outcome.issue[0]).toMatchObject({ severity: 'information', code: 'informational' });
      expect(outcome.issue[0]?.diagnostics).toMatch(/^All OK/);
      expect(await store.repository.countByType()).toEqual(before);
    });

    it('lists every problem of an invalid resource with its location, still with 200', async () => {
      const response = await fhir.call('POST', 'Patient/$validate', { body: { resourceType: 'Patient', gender: 'mail', colour: 'blue' } });
      expect(response.status).toBe(200);
      const outcome = bodyOf(response) as unknown as Outcome;
      expect(outcome.issue.filter((i) => i.severity === 'error').length).toBeGreaterThanOrEqual(2);
      expect(outcome.issue.some((i) => i.expression?.some((e) => e.includes('gender')))).toBe(true);
    });

    it('takes the resource from a Parameters body, with a mode; checks the id against the url at instance level', async () => {
      const parameters = {
        resourceType: 'Parameters',
        parameter: [
          { name: 'resource', resource: patient('Wrapped', { id: 'p1' }) },
          { name: 'mode', valueCode: 'update' },
        ],
      };
      const ok = await fhir.call('POST', 'Patient/p1/$validate', { body: parameters });
      expect(diagnosticsOf(ok)).toMatch(/^All OK/);
      const clash = await fhir.call('POST', 'Patient/p2/$validate', { body: parameters });
      expect(clash.status).toBe(200);
      expect(diagnosticsOf(clash)).toMatch(/Patient\/p2 but the resource has id "p1"/);
      const wrongType = await fhir.call('POST', 'Observation/$validate', { body: patient('Wrong') });
      expect(diagnosticsOf(wrongType)).toMatch(/URL names Observation/);
      const noId = await fhir.call('POST', 'Patient/$validate?mode=update', { body: patient('NoId') });
      expect(diagnosticsOf(noId)).toMatch(/needs the resource id/);
      const del = await fhir.call('POST', 'Patient/p1/$validate', { body: { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: patient('x') }, { name: 'mode', valueCode: 'delete' }] } });
      expect(diagnosticsOf(del)).toMatch(/would be accepted/);
    });

    it('answers 400 when there is nothing to validate or the mode is unknown, 405 for GET, 415 for another media type', async () => {
      expect((await fhir.call('POST', 'Patient/$validate')).status).toBe(400);
      expect((await fhir.call('POST', 'Patient/$validate', { body: { resourceType: 'Parameters', parameter: [{ name: 'mode', valueCode: 'create' }] } })).status).toBe(400);
      expect((await fhir.call('POST', 'Patient/$validate?mode=merge', { body: patient('x') })).status).toBe(400);
      expect((await fhir.call('GET', 'Patient/$validate')).status).toBe(405);
      expect((await fhir.call('POST', 'Patient/$validate', { body: [['a', 'b']], headers: { contentType: 'application/x-www-form-urlencoded' } })).status).toBe(415);
      expect((await fhir.call('POST', 'Patient/$frobnicate', { body: patient('x') })).status).toBe(404);
    });
  });
}
