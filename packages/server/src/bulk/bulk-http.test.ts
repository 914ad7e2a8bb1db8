/**
 * The whole Bulk Data flow over real HTTP, with plain fetch and a bearer token from the token
 * service, against the Kindred app listening on a free port, on SQLite and PostgreSQL: kick-off,
 * polling, manifest, files, and the resources compared with what the store holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTokenService } from '@kindred/access';
import type { Resource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { buildApp } from '../http/build-app.ts';
import { bulkExportRoutes } from './bulk-routes.ts';
import { startBulkExportWorker, type BulkExportWorker } from './export-worker.ts';
import { byKey, readBack, seedRecord, type Manifest, type Seeded } from './bulk-test-support.ts';

const backends = await testBackends();

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`Bulk Data $export over HTTP on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let app: FastifyInstance;
    let worker: BulkExportWorker;
    let base: string;
    let token: string;
    let seeded: Seeded[];

    beforeAll(async () => {
      store = await backend.open();
      seeded = await seedRecord(store.repository);
      const tokens = createTokenService(store.settings);
      token = await tokens.issueAdministratorToken();
      app = await buildApp({ store, tokens, version: 'test', logger: false, operationRoutes: bulkExportRoutes });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('the app is not listening on a port');
      base = `http://127.0.0.1:${address.port}/fhir`;
      worker = startBulkExportWorker({ store, pollMs: 10 });
    });
    afterAll(async () => {
      await worker?.stop();
      await app?.close();
      await store?.destroy();
    });

    const auth = (): Record<string, string> => ({ authorization: `Bearer ${token}` });

    it('kicks off, polls, and serves every file, matching the store exactly', async () => {
      const kickOff = await fetch(`${base}/$export?_type=Patient,Observation,Provenance`, {
        headers: { ...auth(), accept: 'application/fhir+json', prefer: 'respond-async' },
      });
      expect(kickOff.status).toBe(202);
      const location = kickOff.headers.get('content-location') ?? '';
      expect(location.startsWith(`${base}/$export-status/`)).toBe(true);

      let status = await fetch(location, { headers: { ...auth(), accept: 'application/json' } });
      for (let i = 0; i < 500 && status.status === 202; i++) {
        expect(status.headers.get('x-progress')).toBeTruthy();
        expect(status.headers.get('retry-after')).toBeTruthy();
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = await fetch(location, { headers: { ...auth(), accept: 'application/json' } });
      }
      expect(status.status).toBe(200);
      expect(status.headers.get('expires')).toMatch(/GMT$/);
      const manifest = (await status.json()) as Manifest;
      expect(manifest.request).toBe(`${base}/$export?_type=Patient,Observation,Provenance`);
      expect(manifest.requiresAccessToken).toBe(true);

      const resources: Resource[] = [];
      for (const file of manifest.output) {
        // the token is required ("requiresAccessToken": true)
        expect((await fetch(file.url)).status).toBe(401);
        // no Accept, as the spec allows ("Accept (optional, defaults to application/fhir+ndjson)"); fetch sends */*
        const response = await fetch(file.url, { headers: auth() });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+ndjson/);
        const lines = (await response.text()).split('\n').filter((line) => line !== '');
        expect(lines).toHaveLength(file.count);
        resources.push(...lines.map((line) => JSON.parse(line) as Resource));
      }
      const keys = seeded.map((s) => s.key).filter((key) => /^(Patient|Observation|Provenance)\//.test(key));
      const expected = await readBack(store.repository, keys);
      const got = byKey(resources);
      expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [key, resource] of expected) expect(got.get(key), key).toEqual(resource);

      const deleted = await fetch(location, { method: 'DELETE', headers: auth() });
      expect(deleted.status).toBe(202);
      expect((await fetch(location, { headers: auth() })).status).toBe(404);
    });

    /** A finished export's manifest, fetched over HTTP. */
    async function finishedManifest(): Promise<{ location: string; manifest: Manifest; contentType: string }> {
      const kickOff = await fetch(`${base}/$export?_type=Patient`, { headers: { ...auth(), prefer: 'respond-async' } });
      const location = kickOff.headers.get('content-location') ?? '';
      let status = await fetch(location, { headers: auth() });
      for (let i = 0; i < 500 && status.status === 202; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = await fetch(location, { headers: auth() });
      }
      return { location, manifest: (await status.json()) as Manifest, contentType: status.headers.get('content-type') ?? '' };
    }

    // KNOWN GAP at the HTTP edge (http/negotiation.ts requireJsonAnswer, called for every /fhir request):
    // it answers 406 to "Accept: application/fhir+ndjson", which the spec names as the files' Accept
    // ("Bulk Data Output File Request", Headers). The router serves it (see bulk-export.test.ts).
    it('serves a file to Accept: application/fhir+ndjson', async () => {
      const { manifest } = await finishedManifest();
      const response = await fetch(manifest.output[0]?.url ?? '', { headers: { ...auth(), accept: 'application/fhir+ndjson' } });
      expect(response.status).toBe(200);
    });

    // KNOWN GAP at the HTTP edge (http/fhir-exchange.ts sendFhirResponse sets application/fhir+json
    // on every JSON body, over the route's Content-Type): "Response - Complete Status" asks for
    // "Content-Type header of application/json".
    it('sends the manifest as application/json', async () => {
      const { contentType } = await finishedManifest();
      expect(contentType).toMatch(/^application\/json/);
    });

    it('answers 400 with an OperationOutcome for a kick-off without Prefer: respond-async', async () => {
      const response = await fetch(`${base}/Patient/$export`, { headers: { ...auth(), accept: 'application/fhir+json' } });
      expect(response.status).toBe(400);
      expect(((await response.json()) as Resource).resourceType).toBe('OperationOutcome');
    });

    it('takes a POST kick-off with a Parameters body', async () => {
      const response = await fetch(`${base}/Group/g1/$export`, {
        method: 'POST',
        headers: { ...auth(), accept: 'application/fhir+json', prefer: 'respond-async', 'content-type': 'application/fhir+json' },
        body: JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: '_type', valueString: 'Patient' }] }),
      });
      expect(response.status).toBe(202);
    });

    it('lists the export operations in the CapabilityStatement', async () => {
      const metadata = (await (await fetch(`${base}/metadata`)).json()) as { rest?: { operation?: { name: string; definition: string }[] }[] };
      const operations = metadata.rest?.[0]?.operation ?? [];
      expect(operations).toContainEqual(expect.objectContaining({ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' }));
    });
  });
}
