/**
 * The web app's core forms completed in Chromium with JavaScript turned off (issue 4: every form
 * works without JavaScript): the online request form, the access needs form and the booking form,
 * each first sent with something missing. A refused step shows the error summary, focused (by
 * autofocus, which needs no script), with a page title that starts "Error:", and keeps what was
 * typed. Each result is read back from the record. Runs on SQLite over a demo area.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseSearchRequest } from '@kindred/fhir';
import { browserSkipReason, launchBrowser, type TestBrowser } from '../../support/browser.ts';
import { idOf, practiceOf, requestsOf, setOnlineCapacity, startDemoSite, type DemoSite } from './demo-site.ts';
import { press, sentRequestId, signIn, type SignedIn } from './journey-browser.ts';

const skip = browserSkipReason();

/** The page refused the step: an error summary, focused, linking to each field; the title says "Error:". */
async function expectErrorSummary(page: Page, fields: readonly string[]): Promise<void> {
  expect(await page.title()).toMatch(/^Error: /);
  expect(await page.locator('.nhsuk-error-summary__title').textContent()).toBe('There is a problem');
  expect(await page.locator('.nhsuk-error-summary:focus').count(), 'the error summary has the focus').toBe(1);
  const links = await page.locator('.nhsuk-error-summary a').evaluateAll((as) => as.map((a) => (a as unknown as { getAttribute(n: string): string | null }).getAttribute('href')));
  for (const field of fields) expect(links).toContain(`#${field}`);
}

describe.skipIf(skip !== undefined)(`the web app's forms in Chromium without JavaScript${skip === undefined ? '' : ` (${skip})`}`, () => {
  let site: DemoSite;
  let browser: TestBrowser;
  let personId: string;
  const open: SignedIn[] = [];

  async function withoutScript(username: string): Promise<Page> {
    const signedIn = await signIn(browser, site.server.origin, site.account(username), { javaScriptEnabled: false });
    open.push(signedIn);
    return signedIn.page;
  }

  beforeAll(async () => {
    site = await startDemoSite();
    personId = idOf(site.account('demo.person').fhirUser);
    await setOnlineCapacity(site.store, await practiceOf(site.store, personId), { dailyLimit: 1000, whenFull: 'call-back' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const s of open) await s.close().catch(() => undefined);
    await browser?.close();
    await site?.close();
  });

  it('completes the online request form, saying what to fix at each step and keeping what was typed', async () => {
    const page = await withoutScript('demo.person');
    const before = (await requestsOf(site.store, personId)).length;
    await page.goto(`${site.server.origin}/app/person/requests/new`);

    await press(page, 'Continue');
    await expectErrorSummary(page, ['category']);
    await page.check('main input[name="category"][value="medical"]');
    await press(page, 'Continue');

    await press(page, 'Continue');
    await expectErrorSummary(page, ['chest-pain']);
    for (const no of await page.locator('main input[type=radio][value="no"]').all()) await no.check();
    await press(page, 'Continue');

    await page.fill('#problem', 'My knee hurts <when I kneel>');
    await page.check('main input[name="how-long"][value="days"]');
    await press(page, 'Send request');
    await expectErrorSummary(page, ['getting-worse']);
    expect(await page.inputValue('#problem')).toBe('My knee hurts <when I kneel>');
    expect(await page.isChecked('main input[name="how-long"][value="days"]')).toBe(true);
    await page.check('main input[name="getting-worse"][value="no"]');
    await page.check('main input[name="would-like"][value="advice"]');
    await press(page, 'Send request');

    expect(await page.locator('h1').textContent()).toContain('Request sent');
    const tasks = await requestsOf(site.store, personId);
    expect(tasks).toHaveLength(before + 1);
    expect(String(tasks.find((t) => t.id === sentRequestId(page))?.description)).toContain('My knee hurts <when I kneel>');
  });

  it('saves the access needs form, refusing a contradiction and keeping what was typed', async () => {
    const page = await withoutScript('demo.person');
    await page.goto(`${site.server.origin}/app/person/needs`);
    await page.check('main input[name="preferredChannels"][value="app"]');
    await page.check('#noInternet');
    await page.fill('#reasonableAdjustments', 'A quiet room, please');
    await press(page, 'Save');
    await expectErrorSummary(page, ['preferredChannels']);
    expect(await page.inputValue('#reasonableAdjustments')).toBe('A quiet room, please');
    expect(await page.isChecked('#noInternet')).toBe(true);

    await page.uncheck('#noInternet');
    await press(page, 'Save');
    expect(new URL(page.url()).pathname).toBe('/app/person');
    const patient = await site.store.repository.read('Patient', personId);
    expect(JSON.stringify(patient)).toContain('A quiet room, please');
  });

  it('books an appointment from the booking form, saying what to fix when no time is chosen', async () => {
    const page = await withoutScript('demo.gp');
    const first = page.locator('main a[href^="/app/staff/requests/"]').first();
    const href = await first.getAttribute('href');
    const requestId = /\/app\/staff\/requests\/([A-Za-z0-9\-.]+)/.exec(href ?? '')?.[1];
    expect(requestId, 'the inbox lists an open request').toBeDefined();
    await page.goto(`${site.server.origin}/app/staff/requests/${requestId}/book`);

    await page.check('main input[name="modality"][value="phone"]');
    await press(page, 'Show times');
    expect(page.url()).toContain('modality=phone');
    await press(page, 'Book this time');
    await expectErrorSummary(page, ['slot']);
    const time = page.locator('main input[name="slot"]').first();
    const slotId = await time.getAttribute('value');
    expect(slotId, 'the page still offers the phone times').toEqual(expect.any(String));
    await time.check();
    await press(page, 'Book this time');

    // soft: the confirmation page is checked, and the booking is read from the record either way
    expect.soft(await page.locator('h1').textContent(), `the booking confirmation: ${(await page.locator('main').textContent()) ?? ''}`).toContain('booked');
    const { matches } = await site.store.repository.search(parseSearchRequest('Appointment', [['slot', `Slot/${slotId}`]], { handling: 'strict' }));
    expect(matches.map((a) => a.status)).toEqual(['booked']);
  });
});
