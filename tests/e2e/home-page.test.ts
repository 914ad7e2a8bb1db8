/**
 * The home page in a real browser (headless Chromium): no WCAG 2.2 A/AA violation that axe can
 * find, with and without JavaScript; the page works without JavaScript (everything it says is
 * in the HTML, its links lead somewhere), loads nothing from another site, and is usable at a
 * narrow width. Runs on SQLite: what is tested here is the page, not the storage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '@kindred/access';
import { buildApp } from '@kindred/server';
import { openSqliteTestStore, type TestStore } from '@kindred/store/testing';
import type { FastifyInstance } from 'fastify';
import { formatViolations, runAxe } from './support/axe.ts';
import { browserSkipReason, launchBrowser, type TestBrowser } from './support/browser.ts';

const skip = browserSkipReason();

/**
 * What the in-page functions below use of the browser. The project's TypeScript has no DOM
 * library (nothing else runs in a browser), so the few browser globals are named here.
 */
interface InPage {
  getComputedStyle(element: unknown): { fontFamily: string; backgroundColor: string };
  document: { documentElement: { scrollWidth: number; clientWidth: number } };
}


describe.skipIf(skip !== undefined)(`home page in Chromium${skip === undefined ? '' : ` (${skip})`}`, () => {
  let store: TestStore;
  let app: FastifyInstance;
  let origin: string;
  let browser: TestBrowser;

  beforeAll(async () => {
    store = await openSqliteTestStore();
    await store.repository.create({ resourceType: 'Patient', name: [{ family: 'Example' }] });
    await store.repository.create({ resourceType: 'Observation', status: 'final', code: { text: 'pulse' } });
    app = await buildApp({ store, tokens: createTokenService(store.settings), version: '1.0.0-e2e', logger: false });
    origin = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await store?.destroy();
  });

  it('has no WCAG 2.2 A or AA violations', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${origin}/`);
    expect(response?.status()).toBe(200);
    const violations = await runAxe(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it('works with JavaScript disabled: the same page, everything in the HTML', async () => {
    const context = await browser.browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      expect(await page.title()).toBe('Shared care record – Kindred');
      expect(await page.locator('h1').textContent()).toBe('Kindred is running');
      const counts = page.locator('table.app-counts tbody tr');
      expect(await counts.count()).toBe(2);
      expect(await counts.first().locator('th').textContent()).toBe('Observation');
      expect(await page.getByText('npx kindred token', { exact: true }).count()).toBe(1);
      // the skip link leads to the main content, and the metadata link works without a token
      expect(await page.locator('a.nhsuk-skip-link').getAttribute('href')).toBe('#maincontent');
      expect(await page.locator('#maincontent').count()).toBe(1);
      const metadata = await page.request.get(`${origin}/fhir/metadata`);
      expect(metadata.status()).toBe(200);
      // axe runs as a script that the test injects, which a page without JavaScript cannot run
      const enabled = await browser.newPage();
      await enabled.goto(`${origin}/`);
      expect(await enabled.content()).toBe(await page.content());
    } finally {
      await context.close();
    }
  });

  it('loads its styles from this server only, and nothing from elsewhere', async () => {
    const page = await browser.newPage();
    const loaded: string[] = [];
    const refused: string[] = [];
    page.on('requestfinished', (request) => loaded.push(request.url()));
    page.on('requestfailed', (request) => refused.push(`${request.url()} ${request.failure()?.errorText ?? ''}`));
    await page.goto(`${origin}/`, { waitUntil: 'networkidle' });
    expect(loaded.filter((url) => !url.startsWith(origin))).toEqual([]);
    expect(loaded).toContain(`${origin}/assets/nhsuk-frontend.min.css`);
    // Chromium asks for the NHS web fonts the stylesheet declares; the page's Content-Security-Policy refuses them
    for (const attempt of refused) expect(attempt).toMatch(/^https:\/\/assets\.nhs\.uk\/fonts\/\S+ csp$/);
    expect(await page.locator('main').evaluate((element) => (globalThis as unknown as InPage).getComputedStyle(element).fontFamily)).toBe('arial, sans-serif');
    const colour = await page.locator('header.nhsuk-header').evaluate((element) => (globalThis as unknown as InPage).getComputedStyle(element).backgroundColor);
    expect(colour).toBe('rgb(0, 94, 184)'); // NHS blue: the NHS.UK frontend stylesheet applied
  });

  it('reflows at 320 CSS pixels without horizontal scrolling (WCAG 1.4.10)', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 320, height: 640 });
    await page.goto(`${origin}/`);
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as InPage).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    const violations = await runAxe(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  });
});
