/**
 * The web side over real HTTP on every backend: the home page says what is running and shows
 * counts (and only counts) from the record; assets are served; unknown pages get a friendly 404;
 * /healthz reports the database. Rendering escapes whatever it is given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { startTestServer, type TestServer } from '../http/test-server.ts';
import { renderHomePage } from './home-page.ts';

const backends = await testBackends();

describe('home page rendering', () => {
  it('escapes every value it shows', () => {
    const page = renderHomePage({ version: '<b>1</b>', fhirVersion: '4.0.1', database: 'SQLite at "<script>alert(1)</script>"', fhirBaseUrl: 'http://x/fhir', counts: { Patient: 2 }, tokenCommand: 'npx kindred token --data "<x>"' });
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;');
    expect(page).toContain('Kindred &lt;b&gt;1&lt;/b&gt;');
  });

  it('says so when the record is empty', () => {
    const page = renderHomePage({ version: '1', fhirVersion: '4.0.1', database: 'SQLite', fhirBaseUrl: 'http://x/fhir', counts: {}, tokenCommand: 'npx kindred token' });
    expect(page).toContain('The record is empty');
    expect(page).not.toContain('<table');
  });
});

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`pages over HTTP on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let server: TestServer;
    beforeAll(async () => {
      store = await backend.open();
      server = await startTestServer(store);
      for (const family of ['Counted', 'Counted', 'Private-Surname-Xyzzy']) {
        await server.fhir('Patient', { method: 'POST', json: { resourceType: 'Patient', name: [{ family }] } });
      }
      await server.fhir('Observation', { method: 'POST', json: { resourceType: 'Observation', status: 'final', code: { text: 'pulse' } } });
    });
    afterAll(async () => {
      await server?.close();
      await store?.destroy();
    });

    it('renders the home page: version, FHIR R4, the database, counts by type, how to get a token', async () => {
      const response = await fetch(`${server.origin}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      const page = await response.text();
      expect(page).toContain('<html lang="en" class="app-page">');
      expect(page).toContain('Kindred 9.9.9-test');
      expect(page).toContain('FHIR R4 (4.0.1)');
      expect(page).toContain(store.description.replace(/"/g, '&quot;'));
      expect(page).toMatch(/<th class="nhsuk-table__header" scope="row">Patient<\/th>\s*<td class="nhsuk-table__cell nhsuk-table__cell--numeric">3<\/td>/);
      expect(page).toMatch(/scope="row">Observation<\/th>\s*<td[^>]*>1<\/td>/);
      expect(page).toContain('npx kindred token');
      expect(page).toContain(`curl -H "Authorization: Bearer $TOKEN" ${server.origin}/fhir/Patient`);
      expect(page).toContain(`href="${server.origin}/fhir/metadata"`);
      expect(page).not.toContain('Private-Surname-Xyzzy');
      expect(page).not.toContain('<script');
    });

    it('serves the NHS.UK frontend stylesheet, its images, and Kindred\'s own stylesheet', async () => {
      const nhsuk = await fetch(`${server.origin}/assets/nhsuk-frontend.min.css`);
      expect(nhsuk.status).toBe(200);
      expect(nhsuk.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(await nhsuk.text()).toContain('--nhsuk-frontend-version');
      const own = await (await fetch(`${server.origin}/assets/app.css`)).text();
      expect(own).toContain('.app-page');
      expect(own).not.toMatch(/^\s*\.nhsuk-[\w-]+\s*\{/m);
      expect((await fetch(`${server.origin}/assets/images/nhsuk-icon-arrow-right.svg`)).status).toBe(200);
      expect((await fetch(`${server.origin}/assets/../package.json`)).status).toBe(404);
    });

    it('answers an unknown page with a friendly 404 page, and an unknown FHIR path with an OperationOutcome', async () => {
      const page = await fetch(`${server.origin}/no-such-page`);
      expect(page.status).toBe(404);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await page.text()).toContain('<h1>Page not found</h1>');
      const api = await fetch(`${server.origin}/fhir/Nonsense`, { headers: { authorization: `Bearer ${server.token}` } });
      expect(api.status).toBe(404);
      expect(api.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    });

    it('reports health with the database reachable', async () => {
      const response = await fetch(`${server.origin}/healthz`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ status: 'ok', database: 'reachable', version: '9.9.9-test' });
    });
  });
}

describe('health when the database is gone', () => {
  const sqlite = backends[0];
  it.skipIf(sqlite === undefined)('answers 503', async () => {
    const store = await sqlite!.open();
    const server = await startTestServer(store);
    try {
      await store.close();
      const response = await fetch(`${server.origin}/healthz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable', database: 'unreachable', version: '9.9.9-test' });
    } finally {
      await server.close();
      await store.destroy();
    }
  });
});
