/**
 * Headless Chromium for browser tests: Debian's `chromium` package driven by playwright-core.
 *
 * We never download a browser of Playwright's own: the tests use the system Chromium at
 * /usr/bin/chromium (or KINDRED_CHROMIUM), which .ci/run installs. Where it is missing the tests
 * skip and say why, unless KINDRED_REQUIRE_BROWSER=1, where a missing browser is a failure.
 * This module only starts and stops the browser; what a test does with pages is up to the test.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * The switches every launch uses. Chromium otherwise reaches out at start (updates, sync, field
 * trials) and a test machine with no network outside loopback answers that with errors.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

type Env = Readonly<Record<string, string | undefined>>;

/** Where the Chromium executable is expected: KINDRED_CHROMIUM, or Debian's /usr/bin/chromium. */
export function chromiumPath(env: Env = process.env): string {
  const configured = env.KINDRED_CHROMIUM;
  return configured !== undefined && configured !== '' ? configured : DEFAULT_CHROMIUM;
}

/** True when the browser must be there (KINDRED_REQUIRE_BROWSER=1, as .ci/run sets). */
export function browserRequired(env: Env = process.env): boolean {
  return env.KINDRED_REQUIRE_BROWSER === '1';
}

export function browserAvailable(env: Env = process.env): boolean {
  return existsSync(chromiumPath(env));
}

function missingMessage(env: Env): string {
  return `Chromium not found at ${chromiumPath(env)}; .ci/run installs it`;
}

/**
 * Why this run must skip its browser tests, or undefined when they should run. With
 * KINDRED_REQUIRE_BROWSER=1 a missing browser throws instead, so the test file fails.
 *
 *   const skip = browserSkipReason();
 *   describe.skipIf(skip !== undefined)(`home page${skip ? ` (${skip})` : ''}`, () => { … });
 */
export function browserSkipReason(env: Env = process.env): string | undefined {
  if (browserAvailable(env)) return undefined;
  if (browserRequired(env)) {
    throw new Error(`${missingMessage(env)} (KINDRED_REQUIRE_BROWSER=1, so this is a failure, not a skip)`);
  }
  return `skipped: ${missingMessage(env)}`;
}

/** A running headless Chromium. Close it in `afterAll` (closing the browser closes its pages). */
export interface TestBrowser {
  readonly browser: Browser;
  /** A page in a new, empty browser context (no cookies or storage shared with other pages). */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium. Playwright gives every launch a new, empty user-data-dir in the
 * system's temp folder and deletes it on close (it refuses a --user-data-dir switch), so no
 * profile is ever shared between runs.
 */
export async function launchBrowser(env: Env = process.env): Promise<TestBrowser> {
  const executablePath = chromiumPath(env);
  if (!existsSync(executablePath)) throw new Error(missingMessage(env));
  const browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
  return {
    browser,
    async newPage() {
      const context = await browser.newContext();
      return context.newPage();
    },
    close: () => browser.close(),
  };
}
