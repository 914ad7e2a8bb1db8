/**
 * The audit trail through the real HTTP app, on every backend: every FHIR request is recorded
 * (the FHIR plugin wraps each request's repository in the audited one), many concurrent reads
 * leave one valid chain, and GET Patient/{id}/$access-log answers with them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { startTestServer, type TestServer } from '../http/test-server.ts';
import { accessLogRoutes } from './access-log-routes.ts';

const backends = await testBackends();

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`audit trail over HTTP on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let server: TestServer;
    beforeAll(async () => {
      store = await backend.open();
      server = await startTestServer(store, { operationRoutes: accessLogRoutes(store.audit) });
    });
    afterAll(async () => {
      await server?.close();
      await store?.destroy();
    });

    it('records every request, answers each read only once its entry is committed, and shows them on the access log', async () => {
      const created = await server.fhir('Patient', { method: 'POST', json: { resourceType: 'Patient', name: [{ family: 'Over-HTTP' }] } });
      expect(created.status).toBe(201);
      const id = ((await created.json()) as { id: string }).id;
      const reads = await Promise.all(Array.from({ length: 25 }, () => server.fhir(`Patient/${id}`)));
      expect(reads.map((r) => r.status)).toEqual(Array.from({ length: 25 }, () => 200));
      // every answered read is already on the trail
      expect((await store.audit.forPatient(id, { count: 100 })).events).toHaveLength(26);
      expect((await server.fhir(`Patient/${id}/_history`)).status).toBe(200);
      expect((await server.fhir('Patient/no-such-patient')).status).toBe(404);

      const log = await server.fhir(`Patient/${id}/$access-log?_count=3`);
      expect(log.status).toBe(200);
      const bundle = (await log.json()) as Bundle;
      expect((bundle.entry ?? []).map((e) => (e.resource as { subtype?: { code: string }[] }).subtype?.[0]?.code)).toEqual(['read', 'history-instance', 'read']);
      expect(bundle.link?.find((l) => l.relation === 'next')?.url).toMatch(/\/fhir\/Patient\/[^/]+\/\$access-log\?_count=3&_cursor=\d+$/);
      // create, 25 reads, history, the refused read, the log's own read
      expect(await store.audit.verify()).toMatchObject({ ok: true, count: 29 });
    });
  });
}
