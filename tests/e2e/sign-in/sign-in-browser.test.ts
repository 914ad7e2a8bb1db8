/**
 * The sign-in pages in a real browser (headless Chromium) with JavaScript turned off: a patient
 * signs in to a SMART app and is sent back to it with a code; the sign-in page, its error summary,
 * the authenticator code page and the password reset page have no WCAG 2.2 A or AA violation
 * that axe can find. Runs on SQLite: what is tested here is the pages, not the storage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import type { BrowserContext, Page } from 'playwright-core';
import { totpCode } from '@kindred/access';
import { openSqliteTestStore, type TestStore } from '@kindred/store/testing';
import { formatViolations, runAxe } from '../support/axe.ts';
import { browserSkipReason, launchBrowser, type TestBrowser } from '../support/browser.ts';
import { startSignInServer, type SignInServer } from './sign-in-server.ts';

const skip = browserSkipReason();
const REDIRECT = 'http://localhost:5000/callback';

describe.skipIf(skip !== undefined)(`sign-in pages in Chromium${skip === undefined ? '' : ` (${skip})`}`, () => {
  let store: TestStore;
  let server: SignInServer;
  let browser: TestBrowser;
  let app: client.Configuration;
  let nurseSecret: string;

  beforeAll(async () => {
    store = await openSqliteTestStore();
    server = await startSignInServer(store);
    await server.addAccount({ username: 'pat', displayName: 'Pat', fhirUser: 'Patient/p1', password: 'patient password' });
    nurseSecret = (await server.addAccount({ username: 'nurse', displayName: 'Nurse', fhirUser: 'Practitioner/n1', password: 'nurse password', totp: true })).totpSecret!;
    const role = { coding: [{ system: 'https://kindred.health/fhir/CodeSystem/access-role', code: 'clinician' }] };
    for (const resource of [
      { resourceType: 'Organization', id: 'o1', name: 'Riverside Surgery' },
      { resourceType: 'Practitioner', id: 'n1', name: [{ family: 'Kim' }] },
      { resourceType: 'PractitionerRole', id: 'r1', practitioner: { reference: 'Practitioner/n1' }, organization: { reference: 'Organization/o1' }, code: [role] },
      { resourceType: 'Patient', id: 'p1', name: [{ family: 'Okafor', given: ['Ada'] }], birthDate: '1950-02-03', managingOrganization: { reference: 'Organization/o1' } },
      { resourceType: 'Patient', id: 'p2', name: [{ family: 'Okafor', given: ['Ben'] }], birthDate: '1981-07-09', managingOrganization: { reference: 'Organization/o1' } },
    ]) {
      const put = await fetch(`${server.fhirBase}/${resource.resourceType}/${resource.id}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/fhir+json' },
        body: JSON.stringify(resource),
      });
      expect(put.status).toBeLessThan(300);
    }
    await server.addClient({ clientId: 'app', name: 'Growth chart', redirectUris: [REDIRECT], public: true });
    app = await client.discovery(new URL(server.issuer), 'app', undefined, client.None(), { execute: [client.allowInsecureRequests] });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.destroy();
  });

  /** A fresh browser context; axe needs JavaScript to run (the pages themselves have none). */
  async function inBrowser(javaScriptEnabled: boolean, work: (page: Page, context: BrowserContext) => Promise<void>): Promise<void> {
    const context = await browser.browser.newContext({ javaScriptEnabled });
    // The app's redirect uri: nothing listens there, so the browser is answered here.
    await context.route(`${REDIRECT}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the app' }));
    try {
      await work(await context.newPage(), context);
    } finally {
      await context.close();
    }
  }

  async function authorizationUrl(): Promise<string> {
    return client
      .buildAuthorizationUrl(app, {
        redirect_uri: REDIRECT,
        scope: 'openid fhirUser launch/patient patient/*.rs',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        state: 'st',
        aud: server.fhirBase,
      })
      .toString();
  }

  async function expectAccessible(page: Page): Promise<void> {
    const violations = await runAxe(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  }

  it('signs a patient in without JavaScript', async () => {
    await inBrowser(false, async (page) => {
      await page.goto(await authorizationUrl());
      await page.fill('#username', 'pat');
      await page.fill('#password', 'not the password');
      await page.click('button[type=submit]');
      expect(await page.locator('.nhsuk-error-summary__title').textContent()).toBe('There is a problem');
      await page.fill('#username', 'pat');
      await page.fill('#password', 'patient password');
      await page.click('button[type=submit]');
      await page.waitForURL(`${REDIRECT}**`);
      const back = new URL(page.url());
      expect(back.searchParams.get('code')).toEqual(expect.any(String));
      expect(back.searchParams.get('state')).toBe('st');
    });
  });

  it('has accessible sign-in pages with a clear error summary', async () => {
    await inBrowser(true, async (page) => {
      await page.goto(await authorizationUrl());
      expect(await page.locator('h1').textContent()).toBe('Sign in');
      expect(await page.textContent('body')).toContain('Growth chart');
      await expectAccessible(page);

      await page.fill('#username', 'pat');
      await page.fill('#password', 'not the password');
      await page.click('button[type=submit]');
      expect(await page.locator('.nhsuk-error-summary__title').textContent()).toBe('There is a problem');
      expect(await page.locator('.nhsuk-error-summary a').getAttribute('href')).toBe('#username');
      expect(await page.title()).toMatch(/^Error: Sign in/);
      await expectAccessible(page);

      await page.fill('#username', 'pat');
      await page.fill('#password', 'patient password');
      await page.click('button[type=submit]');
      await page.waitForURL(`${REDIRECT}**`);
      const back = new URL(page.url());
      expect(back.searchParams.get('code')).toEqual(expect.any(String));
      expect(back.searchParams.get('state')).toBe('st');
    });
  });

  it('asks staff for their authenticator code, then which patient, on accessible pages', async () => {
    await inBrowser(true, async (page) => {
      await page.goto(await authorizationUrl());
      await page.fill('#username', 'nurse');
      await page.fill('#password', 'nurse password');
      await page.click('button[type=submit]');
      expect(await page.locator('h1').textContent()).toBe('Enter the code from your authenticator app');
      expect(await page.locator('#code').getAttribute('autocomplete')).toBe('one-time-code');
      await expectAccessible(page);
      await page.fill('#code', '12');
      await page.click('button[type=submit]');
      expect(await page.locator('.nhsuk-error-message').textContent()).toContain('Enter the 6-digit code');
      await expectAccessible(page);
      await page.fill('#code', totpCode(nurseSecret, Date.now()));
      await page.click('button[type=submit]');
      expect(await page.locator('h1').textContent()).toBe('Choose a patient');
      await expectAccessible(page);
      await page.fill('#patient', 'okafor');
      await page.click('button[type=submit]');
      expect(await page.locator('.nhsuk-radios__label').allTextContents()).toEqual(['Okafor, Ada (born 1950-02-03)', 'Okafor, Ben (born 1981-07-09)']);
      await expectAccessible(page);
      await page.check('text=Okafor, Ben (born 1981-07-09)');
      await page.click('button[type=submit]');
      await page.waitForURL(`${REDIRECT}**`);
    });
  });

  it('offers an accessible password reset page', async () => {
    await inBrowser(true, async (page) => {
      await page.goto(await authorizationUrl());
      await page.click('text=I have forgotten my password');
      expect(await page.locator('h1').textContent()).toBe('Reset your password');
      await expectAccessible(page);
      await page.fill('#username', 'pat');
      await page.click('button[type=submit]');
      expect(await page.locator('h1').textContent()).toBe('Check your email');
    });
  });
});
