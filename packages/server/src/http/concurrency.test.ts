/**
 * Optimistic locking over real HTTP on every backend: many clients PUT the same resource at once
 * with the same If-Match; exactly one wins (200) and every other gets 412, never a 500 and never
 * a lost update.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { startTestServer, type TestServer } from './test-server.ts';

const backends = await testBackends();
const CLIENTS = 12;

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`concurrent updates over HTTP on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let server: TestServer;
    beforeAll(async () => {
      store = await backend.open();
      server = await startTestServer(store);
    });
    afterAll(async () => {
      await server?.close();
      await store?.destroy();
    });

    it(`${CLIENTS} PUTs with the same If-Match: exactly one 200, the rest 412`, async () => {
      const created = await server.fhir('Patient', { method: 'POST', json: { resourceType: 'Patient', name: [{ family: 'Race' }] } });
      const patient = (await created.json()) as { id: string };
      const responses = await Promise.all(
        Array.from({ length: CLIENTS }, (_, i) =>
          server.fhir(`Patient/${patient.id}`, {
            method: 'PUT',
            json: { resourceType: 'Patient', id: patient.id, name: [{ family: 'Race', given: [`Client ${i}`] }] },
            headers: { 'if-match': 'W/"1"' },
          }),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array<number>(CLIENTS - 1).fill(412)]);
      const winner = responses.find((r) => r.status === 200);
      const written = (await winner?.json()) as { name: { given: string[] }[]; meta: { versionId: string } };
      expect(written.meta.versionId).toBe('2');
      const current = (await (await server.fhir(`Patient/${patient.id}`)).json()) as { name: { given: string[] }[]; meta: { versionId: string } };
      expect(current.meta.versionId).toBe('2');
      expect(current.name).toEqual(written.name);
    });
  });
}
