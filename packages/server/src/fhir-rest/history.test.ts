/**
 * History through the router on every backend: instance, type and system history Bundles with
 * request and response per entry, `_count` paging followed to the end, `_since` and `_at`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { bodyOf, patient, routerHarness, TEST_BASE_URL, type RouterHarness } from './test-support.ts';

const backends = await testBackends();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`history on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let fhir: RouterHarness;
    let id: string;
    let afterCreate: string;

    beforeAll(async () => {
      store = await backend.open();
      fhir = routerHarness(store);
      const created = bodyOf(await fhir.call('POST', 'Patient', { body: patient('Historic') }));
      id = String(created.id);
      await sleep(15);
      afterCreate = new Date().toISOString();
      await sleep(15);
      await fhir.call('PUT', `Patient/${id}`, { body: { ...created, gender: 'other' } });
      await fhir.call('DELETE', `Patient/${id}`);
      await fhir.call('POST', 'Observation', { body: { resourceType: 'Observation', status: 'final', code: { text: 'pulse' } } });
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('instance history: newest first, with request and response per entry; a deletion has no resource', async () => {
      const response = await fhir.call('GET', `Patient/${id}/_history`);
      expect(response.status).toBe(200);
      const bundle = response.body as Bundle;
      expect(bundle.type).toBe('history');
      expect(bundle.total).toBe(3);
      expect(bundle.link?.[0]).toEqual({ relation: 'self', url: `${TEST_BASE_URL}/Patient/${id}/_history` });
      const [deleted, updated, created] = bundle.entry ?? [];
      expect(deleted?.request).toEqual({ method: 'DELETE', url: `Patient/${id}` });
      expect(deleted?.resource).toBeUndefined();
      expect(deleted?.response?.etag).toBe('W/"3"');
      expect(updated?.request).toEqual({ method: 'PUT', url: `Patient/${id}` });
      expect(updated?.response?.status).toBe('200 OK');
      expect(updated?.resource?.gender).toBe('other');
      expect(created?.request).toEqual({ method: 'POST', url: 'Patient' });
      expect(created?.response?.status).toBe('201 Created');
      expect(created?.fullUrl).toBe(`${TEST_BASE_URL}/Patient/${id}`);
    });

    it('pages type and system history with _count and next links followed to the end', async () => {
      const versions: string[] = [];
      let url: string | undefined = '_history?_count=1';
      while (url !== undefined) {
        const bundle = (await fhir.call('GET', url)).body as Bundle;
        versions.push(...(bundle.entry ?? []).map((e) => `${e.request?.method} ${e.response?.etag}`));
        const next = bundle.link?.find((l) => l.relation === 'next')?.url;
        if (next !== undefined) expect(next).toMatch(/_history\?_count=1&_cursor=/);
        url = next?.slice(TEST_BASE_URL.length + 1);
      }
      expect(versions).toEqual(['POST W/"1"', 'DELETE W/"3"', 'PUT W/"2"', 'POST W/"1"']);
      const typeHistory = (await fhir.call('GET', 'Patient/_history')).body as Bundle;
      expect(typeHistory.total).toBe(3);
    });

    it('filters with _since and _at, and refuses values that are not instants (400)', async () => {
      const since = (await fhir.call('GET', `Patient/${id}/_history?_since=${encodeURIComponent(afterCreate)}`)).body as Bundle;
      expect(since.entry?.map((e) => e.request?.method)).toEqual(['DELETE', 'PUT']);
      const at = (await fhir.call('GET', `Patient/${id}/_history?_at=${encodeURIComponent(afterCreate)}`)).body as Bundle;
      expect(at.entry?.map((e) => e.response?.etag)).toEqual(['W/"1"']);
      expect((await fhir.call('GET', 'Patient/_history?_since=yesterday')).status).toBe(400);
      expect((await fhir.call('GET', 'Patient/_history?_count=many')).status).toBe(400);
    });

    it('answers 404 for the history of a resource that never existed; unknown parameters per Prefer: handling', async () => {
      expect((await fhir.call('GET', 'Patient/never-was/_history')).status).toBe(404);
      expect((await fhir.call('GET', 'Patient/_history?colour=blue')).status).toBe(200);
      expect((await fhir.call('GET', 'Patient/_history?colour=blue', { headers: { prefer: 'handling=strict' } })).status).toBe(400);
    });
  });
}
