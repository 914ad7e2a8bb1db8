/**
 * The measure pages in a real browser (headless Chromium), signed in as a GP through the sign-in
 * service's pages: the dashboard and a measure's page with its IMD breakdown have no WCAG 2.2 A or
 * AA violation that axe can find, and work with JavaScript off (the options form is a GET form: the
 * chart is redrawn from the address alone), and a page view is in the audit trail. Runs on SQLite:
 * the pages read the analytics copy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREA } from '@kindred/access/testing';
import type { Resource } from '@kindred/fhir';
import { BUILT_IN_VIEWS, compileView, loadImdIntoWarehouse, openWarehouse, type Warehouse } from '@kindred/insight';
import { openSqliteTestStore, type TestStore } from '@kindred/store/testing';
import { startSignInServer, type SignInServer } from '../sign-in/sign-in-server.ts';
import { browserSkipReason, launchBrowser, type TestBrowser } from '../support/browser.ts';
import { expectAccessible, signIn, type Account } from './journeys/journey-browser.ts';

const skip = browserSkipReason();

const SD = 'https://kindred.health/fhir/StructureDefinition';

const person = (id: string, lsoa: string): Resource => ({
  resourceType: 'Patient',
  id,
  name: [{ family: 'Chart', given: [id] }],
  address: [{ use: 'home', line: ['3 Mill Lane'], extension: [{ url: `${SD}/lsoa`, valueCoding: { system: 'https://kindred.health/fhir/CodeSystem/lsoa-2021', code: lsoa } }] }],
  generalPractitioner: [{ reference: 'Organization/gp-north' }],
});

/** 16 weeks of North Street's requests from Monday 5 January 2026, some online by the person themselves. */
function requests(): Resource[] {
  const online = [1, 2, 2, 1, 2, 3, 2, 1, 2, 2, 3, 2, 1, 2, 4, 3];
  return online.flatMap((count, w) => {
    const week = new Date(Date.UTC(2026, 0, 5 + 7 * w)).toISOString().slice(0, 10);
    return [0, 1, 2, 3].map(
      (i): Resource => ({
        resourceType: 'Task',
        id: `e2e-${w}-${i}`,
        status: 'requested',
        intent: 'order',
        code: { coding: [{ system: 'https://kindred.health/fhir/CodeSystem/task-code', code: 'online-request' }] },
        for: { reference: `Patient/${i < count ? 'chart-least' : 'chart-most'}` },
        authoredOn: `${week}T0${i + 1}:00:00Z`,
        owner: { reference: 'Organization/gp-north' },
        extension: [{ url: `${SD}/request-route`, valueCode: i < count ? 'online-self' : 'phone' }],
      }),
    );
  });
}

describe.skipIf(skip !== undefined)(`the measure pages in Chromium${skip === undefined ? '' : ` (${skip})`}`, () => {
  let store: TestStore;
  let warehouse: Warehouse;
  let server: SignInServer;
  let browser: TestBrowser;
  let gp: Account;

  beforeAll(async () => {
    store = await openSqliteTestStore();
    await store.repository.importResources([...AREA, person('chart-most', 'E01000001'), person('chart-least', 'E01000003'), ...requests()]);
    const sources = BUILT_IN_VIEWS.map((definition) => ({ compiled: compileView(definition), definition }));
    warehouse = await openWarehouse({ path: ':memory:', views: () => Promise.resolve({ sources, errors: [] }) });
    expect((await warehouse.refresh(store.repository)).errors).toEqual([]);
    await loadImdIntoWarehouse(warehouse, [
      { lsoaCode: 'E01000001', decile: 1 },
      { lsoaCode: 'E01000003', decile: 10 },
    ]);
    server = await startSignInServer(store, { warehouse });
    const added = await server.addAccount({ username: 'north', displayName: 'Dr North', fhirUser: 'Practitioner/dr-north', password: 'north password', totp: true });
    gp = { username: 'north', password: 'north password', totpSecret: added.totpSecret! };
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await warehouse?.close();
    await store?.destroy();
  });

  it('shows the dashboard and a measure with its breakdown, with no WCAG 2.2 A or AA violations', async () => {
    const signedIn = await signIn(browser, server.origin, gp);
    try {
      const { page } = signedIn;
      const dashboard = await page.goto(`${server.origin}/app/staff/insight`);
      expect(dashboard?.status()).toBe(200);
      expect(await page.locator('h1').textContent()).toBe('Measures');
      expect(await page.locator('main').textContent()).toContain('North Street Surgery');
      await expectAccessible(page, 'the measures dashboard');
      await page.locator('main a[href^="/app/staff/insight/measures/requests-route-online-self"]').click();
      await page.waitForURL(/\/measures\/requests-route-online-self/);
      expect(await page.locator('h1').textContent()).toBe('Requests online by the person themselves');
      await page.selectOption('#stratum', 'imd-quintile');
      await page.fill('#rebase', '2/3/2026');
      await Promise.all([page.waitForEvent('load'), page.locator('main').getByRole('button', { name: 'Show the chart' }).click()]);
      expect(page.url()).toContain('stratum=imd-quintile');
      expect(await page.locator('#breakdown').textContent()).toContain('by deprivation');
      expect(await page.locator('main').textContent()).toContain('Absolute gap');
      await expectAccessible(page, 'a measure with its IMD breakdown');
      const bad = await page.goto(`${server.origin}/app/staff/insight/measures/requests-route-online-self?rebase=31/2/2026`);
      expect(bad?.status()).toBe(400);
      await expectAccessible(page, 'a measure whose options need fixing');
    } finally {
      await signedIn.close();
    }
  });

  it('works with JavaScript off: the options form redraws the chart from the address', async () => {
    const signedIn = await signIn(browser, server.origin, gp, { javaScriptEnabled: false });
    try {
      const { page } = signedIn;
      const before = (await store.audit.verify()).count;
      await page.goto(`${server.origin}/app/staff/insight/measures/requests-route-online-self`);
      // the page view is in the audit trail: the viewer's organisation and the improvement cycles are read through the audited record
      expect((await store.audit.verify()).count).toBeGreaterThan(before);
      await page.check('#noScreen');
      await Promise.all([page.waitForEvent('load'), page.locator('main').getByRole('button', { name: 'Show the chart' }).click()]);
      expect(page.url()).toContain('noScreen=1');
      expect(await page.locator('svg.app-spc-chart').count()).toBe(1);
      expect(await page.locator('#noScreen').isChecked()).toBe(true);
    } finally {
      await signedIn.close();
    }
  });
});
