/**
 * Transactions and batches through the router on every backend: urn:uuid references resolved
 * across entries (also circular ones), conditional references, conditional create/update and
 * PATCH inside, the processing order of http://hl7.org/fhir/R4/http.html#trules, all-or-nothing
 * on a failing entry, and batches whose entries fail on their own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, BundleEntry, Resource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { bodyOf, diagnosticsOf, patient, routerHarness, TEST_BASE_URL, type RouterHarness } from './test-support.ts';

const backends = await testBackends();

const SYSTEM = 'https://example.org/tx';

function transaction(type: 'transaction' | 'batch', entry: BundleEntry[]): Bundle {
  return { resourceType: 'Bundle', type, entry };
}

function identified(family: string, value: string, extra: Partial<Resource> = {}): Resource {
  return patient(family, { identifier: [{ system: SYSTEM, value }], ...extra });
}

function observation(subject: string, extra: Partial<Resource> = {}): Resource {
  return { resourceType: 'Observation', status: 'final', code: { text: 'pulse' }, subject: { reference: subject }, ...extra };
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`batch and transaction on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let fhir: RouterHarness;
    beforeAll(async () => {
      store = await backend.open();
      fhir = routerHarness(store);
    });
    afterAll(async () => {
      await store?.destroy();
    });

    async function count(query: string): Promise<number> {
      return Number(((await fhir.call('GET', `${query}${query.includes('?') ? '&' : '?'}_summary=count`)).body as Bundle).total);
    }

    it('resolves urn:uuid references everywhere in every entry, including circular ones, and answers in request order', async () => {
      const bundle = transaction('transaction', [
        { fullUrl: 'urn:uuid:11111111-1111-4111-8111-111111111111', resource: observation('urn:uuid:22222222-2222-4222-8222-222222222222', { performer: [{ reference: 'urn:uuid:33333333-3333-4333-8333-333333333333' }] }), request: { method: 'POST', url: 'Observation' } },
        {
          fullUrl: 'urn:uuid:22222222-2222-4222-8222-222222222222',
          resource: identified('Circular', 'uuid-a', { link: [{ other: { reference: 'urn:uuid:33333333-3333-4333-8333-333333333333' }, type: 'seealso' }] }),
          request: { method: 'POST', url: 'Patient' },
        },
        {
          fullUrl: 'urn:uuid:33333333-3333-4333-8333-333333333333',
          resource: identified('Circular', 'uuid-b', { link: [{ other: { reference: 'urn:uuid:22222222-2222-4222-8222-222222222222' }, type: 'seealso' }] }),
          request: { method: 'POST', url: 'Patient' },
        },
      ]);
      const input = structuredClone(bundle);
      const response = await fhir.call('POST', '', { body: bundle });
      expect(response.status, diagnosticsOf(response)).toBe(200);
      const result = response.body as Bundle;
      expect(result.type).toBe('transaction-response');
      expect(result.entry?.map((e) => e.response?.status)).toEqual(['201 Created', '201 Created', '201 Created']);
      const [obsEntry, aEntry, bEntry] = result.entry ?? [];
      expect(obsEntry?.response?.location).toMatch(new RegExp(`^${TEST_BASE_URL}/Observation/[^/]+/_history/1$`));
      const a = aEntry?.resource as Resource;
      const b = bEntry?.resource as Resource;
      const stored = bodyOf(await fhir.call('GET', `Observation/${obsEntry?.resource?.id}`));
      expect(stored.subject).toEqual({ reference: `Patient/${a.id}` });
      expect(stored.performer).toEqual([{ reference: `Patient/${b.id}` }]);
      expect(bodyOf(await fhir.call('GET', `Patient/${a.id}`)).link).toEqual([{ other: { reference: `Patient/${b.id}` }, type: 'seealso' }]);
      expect(bodyOf(await fhir.call('GET', `Patient/${b.id}`)).link).toEqual([{ other: { reference: `Patient/${a.id}` }, type: 'seealso' }]);
      expect(bundle).toEqual(input); // the request is not changed
    });

    it('resolves a conditional reference to its one match; fails the transaction with 404 for none and 412 for several', async () => {
      const existing = bodyOf(await fhir.call('POST', 'Patient', { body: identified('Referenced', 'cond-ref-1') }));
      const ok = await fhir.call('POST', '', {
        body: transaction('transaction', [{ resource: observation(`Patient?identifier=${SYSTEM}|cond-ref-1`), request: { method: 'POST', url: 'Observation' } }]),
      });
      expect(ok.status, diagnosticsOf(ok)).toBe(200);
      const obsId = (ok.body as Bundle).entry?.[0]?.resource?.id;
      expect(bodyOf(await fhir.call('GET', `Observation/${obsId}`)).subject).toEqual({ reference: `Patient/${existing.id}` });

      const none = await fhir.call('POST', '', {
        body: transaction('transaction', [{ resource: observation(`Patient?identifier=${SYSTEM}|nobody`), request: { method: 'POST', url: 'Observation' } }]),
      });
      expect(none.status).toBe(404);
      expect(diagnosticsOf(none)).toMatch(/Bundle\.entry\[0\]/);
      await fhir.call('POST', 'Patient', { body: identified('Referenced', 'cond-ref-1') });
      const several = await fhir.call('POST', '', {
        body: transaction('transaction', [{ resource: observation(`Patient?identifier=${SYSTEM}|cond-ref-1`), request: { method: 'POST', url: 'Observation' } }]),
      });
      expect(several.status).toBe(412);
    });

    it('is all or nothing: a failing 5th entry fails the whole with its status, naming the entry, and nothing is written', async () => {
      const before = await store.repository.countByType();
      const entries: BundleEntry[] = [1, 2, 3, 4].map((n) => ({ resource: identified('Atomic', `atomic-${n}`), request: { method: 'POST', url: 'Patient' } }));
      entries.push({ resource: { resourceType: 'Patient', gender: 'mail' }, request: { method: 'POST', url: 'Patient' } });
      const response = await fhir.call('POST', '', { body: transaction('transaction', entries) });
      expect(response.status).toBe(422);
      const outcome = bodyOf(response) as unknown as { issue: { diagnostics: string; expression?: string[] }[] };
      expect(outcome.issue[0]?.diagnostics).toMatch(/^Bundle\.entry\[4\] \(POST "Patient"\)/);
      expect(outcome.issue[0]?.expression?.[0]).toBe('Bundle.entry[4]');
      expect(await store.repository.countByType()).toEqual(before);
      expect(await count(`Patient?identifier=${SYSTEM}|atomic-1`)).toBe(0);
    });

    it('processes DELETE, POST, PUT/PATCH, then GET, whatever the order of the entries', async () => {
      const old = bodyOf(await fhir.call('POST', 'Patient', { body: identified('Order', 'order-1') }));
      const patched = bodyOf(await fhir.call('POST', 'Patient', { body: identified('Patched', 'order-patch') }));
      const patch = Buffer.from(JSON.stringify([{ op: 'replace', path: '/gender', value: 'other' }])).toString('base64');
      const response = await fhir.call('POST', '', {
        body: transaction('transaction', [
          { request: { method: 'GET', url: `Patient?identifier=${SYSTEM}|order-1` } },
          { resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: patch }, request: { method: 'PATCH', url: `Patient/${patched.id}` } },
          { resource: identified('Order', 'order-put', { id: 'order-put' }), request: { method: 'PUT', url: 'Patient/order-put' } },
          // a conditional create that would find the old patient, were the DELETE not processed first
          { resource: identified('Order', 'order-1'), request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYSTEM}|order-1` } },
          { request: { method: 'DELETE', url: `Patient/${old.id}` } },
        ]),
      });
      expect(response.status, diagnosticsOf(response)).toBe(200);
      const results = (response.body as Bundle).entry ?? [];
      expect(results.map((e) => e.response?.status)).toEqual(['200 OK', '200 OK', '201 Created', '201 Created', '204 No Content']);
      const found = results[0]?.resource as Bundle;
      expect(found.total).toBe(1);
      expect(found.entry?.[0]?.resource?.id).toBe(results[3]?.resource?.id);
      expect(results[1]?.resource?.gender).toBe('other');
      expect((await fhir.call('GET', `Patient/${old.id}`)).status).toBe(410);
    });

    it('conditional create and conditional update inside: a match becomes the target of references to its fullUrl', async () => {
      const existing = bodyOf(await fhir.call('POST', 'Patient', { body: identified('Matched', 'cc-tx') }));
      const response = await fhir.call('POST', '', {
        body: transaction('transaction', [
          { fullUrl: 'urn:uuid:44444444-4444-4444-8444-444444444444', resource: identified('Matched', 'cc-tx'), request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYSTEM}|cc-tx` } },
          { resource: observation('urn:uuid:44444444-4444-4444-8444-444444444444'), request: { method: 'POST', url: 'Observation' } },
          { resource: identified('CondPut', 'cu-tx'), request: { method: 'PUT', url: `Patient?identifier=${SYSTEM}|cu-tx` } },
        ]),
      });
      expect(response.status, diagnosticsOf(response)).toBe(200);
      const [matched, obs, put] = (response.body as Bundle).entry ?? [];
      expect(matched?.response?.status).toBe('200 OK');
      expect(matched?.resource?.id).toBe(existing.id);
      expect(bodyOf(await fhir.call('GET', `Observation/${obs?.resource?.id}`)).subject).toEqual({ reference: `Patient/${existing.id}` });
      expect(put?.response?.status).toBe('201 Created');
      expect(await count(`Patient?identifier=${SYSTEM}|cu-tx`)).toBe(1);
    });

    it('refuses two entries on one resource, nested bundles, other bundle types, and urls of other servers (400)', async () => {
      const twice = await fhir.call('POST', '', {
        body: transaction('transaction', [
          { resource: patient('Twice', { id: 'twice' }), request: { method: 'PUT', url: 'Patient/twice' } },
          { request: { method: 'DELETE', url: 'Patient/twice' } },
        ]),
      });
      expect(twice.status).toBe(400);
      expect(diagnosticsOf(twice)).toMatch(/both act on Patient\/twice/);
      const nested = await fhir.call('POST', '', {
        body: transaction('transaction', [{ resource: transaction('batch', []), request: { method: 'POST', url: '/' } }]),
      });
      expect(nested.status).toBe(400);
      const nestedBatch = await fhir.call('POST', '', { body: transaction('transaction', [{ resource: transaction('batch', []), request: { method: 'POST', url: 'Bundle' } }]) });
      expect(nestedBatch.status).toBe(400);
      expect((await fhir.call('POST', '', { body: { resourceType: 'Bundle', type: 'collection' } })).status).toBe(400);
      expect((await fhir.call('POST', '', { body: patient('NotABundle') })).status).toBe(400);
      const elsewhere = await fhir.call('POST', '', { body: transaction('transaction', [{ request: { method: 'GET', url: 'https://elsewhere.example/fhir/Patient/1' } }]) });
      expect(elsewhere.status).toBe(400);
    });

    it('accepts entry urls that are absolute on this base, and honours Prefer: return=minimal', async () => {
      const response = await fhir.call('POST', '', {
        body: transaction('transaction', [{ resource: identified('Absolute', 'abs-1'), request: { method: 'POST', url: `${TEST_BASE_URL}/Patient` } }]),
        headers: { prefer: 'return=minimal' },
      });
      expect(response.status, diagnosticsOf(response)).toBe(200);
      const entry = (response.body as Bundle).entry?.[0];
      expect(entry?.resource).toBeUndefined();
      expect(entry?.response?.etag).toBe('W/"1"');
      expect(await count(`Patient?identifier=${SYSTEM}|abs-1`)).toBe(1);
    });

    it('batch: each entry on its own; failures answer in response.outcome and never fail the batch', async () => {
      const response = await fhir.call('POST', '', {
        body: transaction('batch', [
          { resource: identified('Batch', 'batch-1'), request: { method: 'POST', url: 'Patient' } },
          { request: { method: 'GET', url: 'Patient/not-there' } },
          { resource: { resourceType: 'Patient', gender: 'mail' }, request: { method: 'POST', url: 'Patient' } },
          { resource: identified('Batch', 'batch-2') },
          { request: { method: 'GET', url: `Patient?identifier=${SYSTEM}|batch-1` } },
        ]),
      });
      expect(response.status).toBe(200);
      const results = (response.body as Bundle).entry ?? [];
      expect((response.body as Bundle).type).toBe('batch-response');
      expect(results.map((e) => e.response?.status)).toEqual(['201 Created', '404 Not Found', '422 Unprocessable Entity', '400 Bad Request', '200 OK']);
      expect(results[1]?.response?.outcome?.resourceType).toBe('OperationOutcome');
      expect(JSON.stringify(results[3]?.response?.outcome)).toMatch(/Bundle\.entry\[3\]/);
      expect((results[4]?.resource as Bundle).total).toBe(1);
      expect(await count(`Patient?identifier=${SYSTEM}|batch-2`)).toBe(0);
    });
  });
}
