/**
 * Self-test of the browser support: Debian's Chromium starts, opens a page served on loopback,
 * and axe tells an accessible page from an inaccessible one.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatViolations, runAxe } from './axe.ts';
import { browserSkipReason, chromiumPath, launchBrowser, type TestBrowser } from './browser.ts';

const accessiblePage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Book an appointment</title></head>
<body>
  <header><p>Kindred</p></header>
  <main>
    <h1>Book an appointment</h1>
    <img src="/logo.svg" alt="Kindred">
    <form>
      <label for="nhs-number">NHS number</label>
      <input id="nhs-number" name="nhs-number" type="text" autocomplete="off">
      <button type="submit">Continue</button>
    </form>
  </main>
</body>
</html>`;

const inaccessiblePage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Book an appointment</title></head>
<body>
  <main>
    <h1>Book an appointment</h1>
    <img src="/logo.svg">
    <form><input name="nhs-number" type="text"></form>
  </main>
</body>
</html>`;

const logo = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';

function serve(): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((request, response) => {
    const pages: Record<string, [string, string]> = {
      '/accessible': ['text/html; charset=utf-8', accessiblePage],
      '/inaccessible': ['text/html; charset=utf-8', inaccessiblePage],
      '/logo.svg': ['image/svg+xml', logo],
    };
    const page = pages[request.url ?? ''];
    if (page === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': page[0] }).end(page[1]);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, baseUrl: `http://127.0.0.1:${port}` });
    });
  });
}

const skip = browserSkipReason();

describe.skipIf(skip !== undefined)(`browser support${skip === undefined ? '' : ` (${skip})`}`, () => {
  let browser: TestBrowser;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    ({ server, baseUrl } = await serve());
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it(`starts ${chromiumPath()} headless and opens a page on loopback`, async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${baseUrl}/accessible`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Book an appointment');
    expect(await page.locator('h1').textContent()).toBe('Book an appointment');
  });

  it('finds no WCAG A/AA violation on an accessible page', async () => {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/accessible`);
    const violations = await runAxe(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it('reports an image without alt text and an input without a label', async () => {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/inaccessible`);
    const violations = await runAxe(page);
    expect(violations.map((v) => v.id).sort()).toEqual(['image-alt', 'label']);
    const imageAlt = violations.find((v) => v.id === 'image-alt');
    expect(imageAlt?.nodes.map((n) => n.target)).toEqual(['img']);
    const report = formatViolations(violations);
    expect(report).toContain('image-alt (critical)');
    expect(report).toContain('<input name="nhs-number" type="text">');
  });
});

describe('browser availability', () => {
  it('skips with its reason when Chromium is missing', () => {
    const env = { KINDRED_CHROMIUM: '/nonexistent/chromium' };
    expect(browserSkipReason(env)).toBe('skipped: Chromium not found at /nonexistent/chromium; .ci/run installs it');
  });

  it('fails instead when KINDRED_REQUIRE_BROWSER=1', () => {
    const env = { KINDRED_CHROMIUM: '/nonexistent/chromium', KINDRED_REQUIRE_BROWSER: '1' };
    expect(() => browserSkipReason(env)).toThrow(/Chromium not found at \/nonexistent\/chromium.*failure, not a skip/);
  });
});
