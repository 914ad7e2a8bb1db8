/**
 * Search through the router on every backend: searchset Bundles, paging links followed to the
 * end, _summary, _elements, _include, compartments, POST _search, Prefer: handling, and hostile
 * input that must give a 4xx or an empty result, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, BundleEntry } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { bodyOf, diagnosticsOf, patient, routerHarness, TEST_BASE_URL, type RouterHarness } from './test-support.ts';

const backends = await testBackends();

function bundleOf(body: unknown): Bundle {
  return body as Bundle;
}

function link(bundle: Bundle, relation: string): string | undefined {
  return bundle.link?.find((l) => l.relation === relation)?.url;
}

function entries(bundle: Bundle, mode?: string): BundleEntry[] {
  return (bundle.entry ?? []).filter((entry) => mode === undefined || entry.search?.mode === mode);
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`search on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let fhir: RouterHarness;
    const patientIds: string[] = [];

    beforeAll(async () => {
      store = await backend.open();
      fhir = routerHarness(store);
      for (let i = 0; i < 5; i++) {
        const created = bodyOf(await fhir.call('POST', 'Patient', { body: patient('Searchwell', { birthDate: `1980-01-0${i + 1}` }) }));
        patientIds.push(String(created.id));
      }
      await fhir.call('POST', 'Patient', { body: patient('Other', { text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Other</div>' } }) });
      for (const [i, id] of patientIds.slice(0, 2).entries()) {
        await fhir.call('POST', 'Observation', {
          body: { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, subject: { reference: `Patient/${id}` }, valueQuantity: { value: 70 + i } },
        });
      }
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('answers a searchset Bundle with total, an absolute self link and fullUrls', async () => {
      const response = await fhir.call('GET', 'Patient?family=Searchwell&_sort=birthdate');
      expect(response.status).toBe(200);
      const bundle = bundleOf(response.body);
      expect(bundle.type).toBe('searchset');
      expect(bundle.total).toBe(5);
      expect(link(bundle, 'self')).toBe(`${TEST_BASE_URL}/Patient?family=Searchwell&_sort=birthdate`);
      expect(link(bundle, 'next')).toBeUndefined();
      expect(entries(bundle, 'match').map((e) => e.fullUrl)).toEqual(patientIds.map((id) => `${TEST_BASE_URL}/Patient/${id}`));
    });

    it('pages with next links that carry _cursor and the same parameters, followed to the end', async () => {
      const seen: string[] = [];
      let url: string | undefined = 'Patient?family=Searchwell&_sort=birthdate&_count=2';
      let pages = 0;
      while (url !== undefined) {
        const bundle = bundleOf((await fhir.call('GET', url)).body);
        seen.push(...entries(bundle, 'match').map((e) => String(e.resource?.id)));
        const next = link(bundle, 'next');
        if (next !== undefined) {
          expect(next.startsWith(`${TEST_BASE_URL}/Patient?family=Searchwell&_sort=birthdate&_count=2&_cursor=`)).toBe(true);
          url = next.slice(TEST_BASE_URL.length + 1);
        } else {
          url = undefined;
        }
        pages++;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual(patientIds);
    });

    it('_summary=count gives the total and no entries; _summary=true and _elements subset the resources', async () => {
      const count = bundleOf((await fhir.call('GET', 'Patient?family=Searchwell&_summary=count')).body);
      expect(count.total).toBe(5);
      expect(count.entry).toBeUndefined();
      const summary = bundleOf((await fhir.call('GET', 'Patient?family=Other&_summary=true')).body);
      const summarised = entries(summary, 'match')[0]?.resource;
      expect(summarised?.text).toBeUndefined();
      expect(summarised?.meta?.tag?.[0]?.code).toBe('SUBSETTED');
      const elements = bundleOf((await fhir.call('GET', 'Patient?family=Searchwell&_elements=birthDate&_count=1')).body);
      const shaped = entries(elements, 'match')[0]?.resource;
      expect(shaped?.birthDate).toBeDefined();
      expect(shaped?.name).toBeUndefined();
    });

    it('marks _include and _revinclude resources with search.mode include, and shapes them too', async () => {
      const included = bundleOf((await fhir.call('GET', 'Observation?code=http://loinc.org|8867-4&_include=Observation:subject')).body);
      expect(entries(included, 'match')).toHaveLength(2);
      expect(entries(included, 'include').map((e) => e.resource?.resourceType)).toEqual(['Patient', 'Patient']);
      const rev = bundleOf((await fhir.call('GET', `Patient?_id=${patientIds[0]}&_revinclude=Observation:subject&_summary=true`)).body);
      const observation = entries(rev, 'include')[0]?.resource;
      expect(observation?.resourceType).toBe('Observation');
      expect(observation?.meta?.tag?.[0]?.code).toBe('SUBSETTED');
    });

    it('searches a patient compartment; refuses * (400) and types outside the compartment (404)', async () => {
      const bundle = bundleOf((await fhir.call('GET', `Patient/${patientIds[0]}/Observation`)).body);
      expect(bundle.total).toBe(1);
      expect(link(bundle, 'self')).toBe(`${TEST_BASE_URL}/Patient/${patientIds[0]}/Observation`);
      expect((await fhir.call('GET', `Patient/${patientIds[4]}/Observation`)).body).toMatchObject({ total: 0 });
      expect((await fhir.call('GET', `Patient/${patientIds[0]}/*`)).status).toBe(400);
      expect((await fhir.call('GET', `Patient/${patientIds[0]}/Organization`)).status).toBe(404);
      expect((await fhir.call('GET', `Encounter/1/Observation`)).status).toBe(404);
      expect((await fhir.call('GET', `Patient/bad_id/Observation`)).status).toBe(400);
    });

    it('merges the form body of POST _search with the URL parameters', async () => {
      const response = await fhir.call('POST', 'Patient/_search?family=Searchwell', {
        body: [['birthdate', 'ge1980-01-04']],
        headers: { contentType: 'application/x-www-form-urlencoded' },
      });
      const bundle = bundleOf(response.body);
      expect(bundle.total).toBe(2);
      expect(link(bundle, 'self')).toBe(`${TEST_BASE_URL}/Patient?family=Searchwell&birthdate=ge1980-01-04`);
      expect((await fhir.call('POST', 'Patient/_search', { body: { family: 'x' }, headers: { contentType: 'application/fhir+json' } })).status).toBe(415);
      expect((await fhir.call('GET', 'Patient/_search')).status).toBe(405);
    });

    it('lenient handling (the default) reports unknown parameters as an outcome entry and leaves them out of self', async () => {
      const bundle = bundleOf((await fhir.call('GET', 'Patient?family=Searchwell&colour=blue&_count=1&_total=accurate')).body);
      expect(bundle.total).toBe(5);
      const outcome = entries(bundle, 'outcome')[0]?.resource as { resourceType: string; issue: { severity: string; diagnostics: string }[] } | undefined;
      expect(outcome?.resourceType).toBe('OperationOutcome');
      expect(outcome?.issue[0]?.severity).toBe('warning');
      expect(outcome?.issue[0]?.diagnostics).toMatch(/colour/);
      expect(link(bundle, 'self')).toBe(`${TEST_BASE_URL}/Patient?family=Searchwell&_count=1&_total=accurate`);
      expect(link(bundle, 'next')).not.toMatch(/colour/);
    });

    it('strict handling refuses an unknown parameter with 400', async () => {
      const response = await fhir.call('GET', 'Patient?family=Searchwell&colour=blue', { headers: { prefer: 'handling=strict' } });
      expect(response.status).toBe(400);
      expect(diagnosticsOf(response)).toMatch(/colour/);
    });

    it('treats hostile search strings as data: no match or a 4xx, never a 500', async () => {
      const injection = await fhir.call('GET', `Patient?name=${encodeURIComponent("' OR 1=1--")}`);
      expect(injection.status).toBe(200);
      expect(bundleOf(injection.body).total).toBe(0);
      const commas = await fhir.call('GET', `Patient?name=${','.repeat(10_000)}`);
      expect(commas.status).toBeLessThan(500);
      const values = await fhir.call('GET', `Patient?name=${'a,'.repeat(10_000)}`);
      expect(values.status).toBeGreaterThanOrEqual(400);
      expect(values.status).toBeLessThan(500);
      expect((await fhir.call('GET', 'Patient?birthdate=not-a-date')).status).toBe(400);
      expect((await fhir.call('GET', 'Patient?_count=-1')).status).toBe(400);
      expect((await fhir.call('GET', 'Patient?_cursor=garbage')).status).toBe(400);
      expect(fhir.logged).toEqual([]);
    });
  });
}
