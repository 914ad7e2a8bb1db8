/**
 * The innovation log in a real browser (headless Chromium), signed in as a receptionist through the
 * sign-in service's pages: from the people page, "Report a problem or an idea" opens the form with
 * the page filled in; a blank idea comes back with its error linked to the field; the sent idea
 * tells them which team it went to, and it is in the log under "Idea"; a cycle started from it links
 * its measure's chart with the change date as a rebase. Each page has no WCAG 2.2 A
 * or AA violation that axe can find. Runs on SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREA } from '@kindred/access/testing';
import { openSqliteTestStore, type TestStore } from '@kindred/store/testing';
import { startSignInServer, type SignInServer } from '../sign-in/sign-in-server.ts';
import { browserSkipReason, launchBrowser, type TestBrowser } from '../support/browser.ts';
import { expectAccessible, signIn, type Account } from './journeys/journey-browser.ts';

const skip = browserSkipReason();

describe.skipIf(skip !== undefined)(`the innovation log in Chromium${skip === undefined ? '' : ` (${skip})`}`, () => {
  let store: TestStore;
  let server: SignInServer;
  let browser: TestBrowser;
  let receptionist: Account;

  beforeAll(async () => {
    store = await openSqliteTestStore();
    await store.repository.importResources([...AREA]);
    server = await startSignInServer(store);
    const added = await server.addAccount({ username: 'desk', displayName: 'Rita Desk', fhirUser: 'Practitioner/rec-north', password: 'desk password', totp: true });
    receptionist = { username: 'desk', password: 'desk password', totpSecret: added.totpSecret! };
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.destroy();
  });

  it('reports an idea from a staff page and finds it in the log, with no WCAG 2.2 A or AA violations', async () => {
    const signedIn = await signIn(browser, server.origin, receptionist);
    try {
      const { page } = signedIn;
      await page.goto(`${server.origin}/app/staff/people`);
      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Report a problem or an idea about this page' }).click()]);
      expect(page.url()).toContain('/app/staff/improvement/report?from=%2Fapp%2Fstaff%2Fpeople');
      expect(await page.locator('h1').textContent()).toBe('Report a problem or an idea');
      expect(await page.locator('main').textContent()).toContain('North Street Surgery');
      await expectAccessible(page, 'the report form');

      await Promise.all([page.waitForEvent('load'), page.locator('main').getByRole('button', { name: 'Send' }).click()]);
      expect(await page.locator('.nhsuk-error-summary a[href="#description"]').textContent()).toBe('Say what you noticed or what you suggest');
      await expectAccessible(page, 'the report form with an error');

      await page.fill('#description', 'Searching by date of birth needs the year first');
      await Promise.all([page.waitForEvent('load'), page.locator('main').getByRole('button', { name: 'Send' }).click()]);
      expect(page.url()).toMatch(/\/app\/staff\/improvement\/ideas\/[^/]+\/sent$/);
      expect(await page.locator('main').textContent()).toContain('It has gone to North Street Surgery');
      await expectAccessible(page, 'the idea sent');

      await page.goto(`${server.origin}/app/staff/improvement`);
      const ideas = page.locator('h2#stage-idea + table');
      expect(await ideas.textContent()).toContain('Searching by date of birth needs the year first');
      await expectAccessible(page, 'the innovation log');
      await Promise.all([page.waitForEvent('load'), ideas.getByRole('link', { name: 'Searching by date of birth needs the year first' }).click()]);
      expect(await page.locator('main').textContent()).toContain('/app/staff/people');
      await expectAccessible(page, 'an idea');

      await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Start a plan-do-study-act cycle' }).click()]);
      await expectAccessible(page, 'the cycle form');
      await page.fill('#title', 'Year first in the search box');
      await page.fill('#change', 'The hint asks for the year first');
      await page.fill('#changeDate', '2026-11-02');
      await page.locator('input[name="measures"]').first().check();
      await Promise.all([page.waitForEvent('load'), page.locator('main').getByRole('button', { name: 'Start the cycle' }).click()]);
      expect(await page.locator('h1').textContent()).toBe('Year first in the search box');
      expect(await page.locator('main a[href*="rebase=2026-11-02"]').count()).toBe(1);
      await expectAccessible(page, 'a cycle');
    } finally {
      await signedIn.close();
    }
  });
});
