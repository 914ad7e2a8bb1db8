/**
 * Test support for the web app's Chromium journeys: a person signs in through the sign-in
 * service's own pages (password, then the authenticator code for staff) in a fresh browser
 * context, with JavaScript on or off; every page a journey visits can be checked with axe; and
 * the steps of the online request form are filled in as a person would, by label and button.
 *
 * Drives the browser only; what the record holds afterwards is for the test to read.
 */
import { expect } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { formatViolations, runAxe } from '../../support/axe.ts';
import type { TestBrowser } from '../../support/browser.ts';
import { freshTotpCode } from '../../support/totp.ts';

export interface Account {
  username: string;
  password: string;
  totpSecret?: string;
}

export interface SignedIn {
  page: Page;
  context: BrowserContext;
  close(): Promise<void>;
}

/** Opens /app in a new browser context and signs in; the page is on the person's front door when this returns. */
export async function signIn(browser: TestBrowser, origin: string, account: Account, options: { javaScriptEnabled?: boolean } = {}): Promise<SignedIn> {
  const context = await browser.browser.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true });
  const page = await context.newPage();
  await page.goto(`${origin}/app`);
  await page.fill('#username', account.username);
  await page.fill('#password', account.password);
  await page.click('button[type=submit]');
  if (account.totpSecret !== undefined) {
    await page.waitForSelector('#code');
    await page.fill('#code', await freshTotpCode(account.totpSecret));
    await page.click('button[type=submit]');
  }
  await page.waitForURL(/\/app\/(person|staff|volunteer)/);
  return { page, context, close: () => context.close() };
}

/**
 * axe on the page as it is now: no WCAG 2.2 A or AA violation. A soft assertion, so a journey
 * goes on and every page's faults are reported, each with its address.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const violations = await runAxe(page);
  expect.soft(violations, `${what} (${new URL(page.url()).pathname}):\n${formatViolations(violations)}`).toEqual([]);
}

/** Clicks the main content's button with this text (not the header's Sign out) and waits for the next page. */
export async function press(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.locator('main').getByRole('button', { name, exact: true }).click()]);
}

export interface RequestAnswers {
  category: 'medical' | 'admin';
  /** the red-flag question answered Yes (the others No); none: all No */
  redFlagYes?: string;
  problem: string;
  /** for a carer or a receptionist: why they fill it in */
  onBehalfReason?: string;
}

/** The pages of the online request form, from the category page (already open) to the page after the last step. */
export async function fillRequestForm(page: Page, answers: RequestAnswers, check?: (what: string) => Promise<void>): Promise<void> {
  await page.check(`main input[name="category"][value="${answers.category}"]`);
  if (answers.onBehalfReason !== undefined) await page.fill('#onBehalfReason', answers.onBehalfReason);
  await press(page, 'Continue');
  expect(await page.locator('h1').textContent()).toMatch(/any of these now\?$/);
  await check?.('the red-flag questions');
  for (const no of await page.locator('main input[type=radio][value="no"]').all()) await no.check();
  if (answers.redFlagYes !== undefined) await page.check(`main input[name="${answers.redFlagYes}"][value="yes"]`);
  await press(page, 'Continue');
  if (answers.redFlagYes !== undefined) return;
  expect(await page.locator('h1').textContent()).toBe('Tell us about the request');
  await check?.('the details');
  await page.fill('#problem', answers.problem);
  await page.check('main input[name="how-long"][value="weeks"]');
  await page.check('main input[name="getting-worse"][value="no"]');
  await page.check('main input[name="would-like"][value="appointment"]');
  await press(page, 'Send request');
}

/** The request's id from the "Request sent" page's address (…/requests/<id>?sent=1). */
export function sentRequestId(page: Page): string {
  const match = /\/requests\/([A-Za-z0-9\-.]+)\?sent=1$/.exec(page.url());
  if (match?.[1] === undefined) throw new Error(`not on a "Request sent" page: ${page.url()}`);
  return match[1];
}
