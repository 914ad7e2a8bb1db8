/**
 * Test support for the video consultation's Chromium tests (decision 0015): a demo area behind
 * Kindred with sign-in on a real port, a video appointment for the demo person starting in a few
 * minutes (in their practice's video clinic, so their GP sees it today), Chromium with fake camera
 * and microphone, and the steps a person and a clinician take on the pages.
 *
 * The appointment is written through the store's own repository, as an operator's import would;
 * the tests themselves only use the pages and read the record afterwards.
 */
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { parseSearchRequest, type StoredResource } from '@kindred/fhir';
import { CHROMIUM_ARGS, chromiumPath, type TestBrowser } from '../support/browser.ts';
import { createTokenService } from '@kindred/access';
import { buildApp } from '@kindred/server';
import { openSqliteTestStore, type TestStore } from '@kindred/store/testing';
import { createDemoArea, readDemoAccounts, type DemoAccount } from '../../../packages/cli/src/demo/index.ts';
import { CHEAP_SCRYPT, freePort } from '../sign-in/sign-in-server.ts';
import { DEMO_PEOPLE, idOf, practiceOf } from '../web/journeys/demo-site.ts';
import { press, signIn, type SignedIn } from '../web/journeys/journey-browser.ts';

const MODALITY_SYSTEM = 'https://kindred.health/fhir/CodeSystem/consultation-modality';
const MODALITY_GIVEN = 'https://kindred.health/fhir/StructureDefinition/modality-given';

/** Fake camera and microphone, allowed without asking; host candidates on loopback (no mDNS names). */
export const MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--disable-features=WebRtcHideLocalIpsWithMdns', '--autoplay-policy=no-user-gesture-required'] as const;

export async function launchVideoBrowser(): Promise<TestBrowser> {
  const browser: Browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS, ...MEDIA_ARGS] });
  return {
    browser,
    async newPage() {
      return (await browser.newContext()).newPage();
    },
    close: () => browser.close(),
  };
}

/** How long a waiting person may be gone before they are sent a message, on the test server. */
export const TEST_GRACE_MS = 3_000;

/** A demo area behind Kindred with sign-in on a real port; the video service's grace is short. */
export interface DemoSite {
  store: TestStore;
  server: { origin: string };
  account(username: string): DemoAccount;
  close(): Promise<void>;
}

export async function startDemoSite(): Promise<DemoSite> {
  const store = await openSqliteTestStore();
  await createDemoArea(store, { people: DEMO_PEOPLE, seed: 11, now: new Date() });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const app = await buildApp({
    store,
    tokens: createTokenService(store.settings),
    version: '9.9.9-test',
    logger: false,
    publicBaseUrl: origin,
    signIn: { scrypt: CHEAP_SCRYPT, rateLimitPerMinute: 1000 },
    video: { graceMs: TEST_GRACE_MS },
  });
  await app.listen({ port, host: '127.0.0.1' });
  const accounts = await readDemoAccounts(store.settings);
  return {
    store,
    server: { origin },
    account(username) {
      const found = accounts.find((a) => a.username === username);
      if (found === undefined) throw new Error(`the demo area has no account "${username}"`);
      return found;
    },
    async close() {
      await app.close();
      await store.destroy();
    },
  };
}

export interface VideoAppointment {
  appointment: StoredResource;
  patientId: string;
  patientName: string;
  practiceId: string;
  /** the demo GP account of the person's practice */
  clinicianUsername: string;
}

/**
 * A booked video appointment for the demo person in their practice's GP video clinic, starting in
 * `minutesAhead` minutes (a fresh Slot of its own, so each test has its own consultation).
 */
export async function addVideoAppointmentSoon(site: DemoSite, minutesAhead: number): Promise<VideoAppointment> {
  const patientId = idOf(site.account('demo.person').fhirUser);
  const practiceId = await practiceOf(site.store, patientId);
  const schedule = await site.store.repository.read('Schedule', `${practiceId}-video`);
  const performer = (schedule.actor as { reference: string; display?: string }[])[0]!;
  const patient = await site.store.repository.read('Patient', patientId);
  const patientName = site.account('demo.person').displayName;
  const start = Math.ceil((Date.now() + minutesAhead * 60_000) / 60_000) * 60_000;
  const end = start + 15 * 60_000;
  const video = { system: MODALITY_SYSTEM, code: 'video', display: 'Video call' };
  const { resource: slot } = await site.store.repository.create({
    resourceType: 'Slot',
    schedule: { reference: `Schedule/${schedule.id}` },
    serviceType: schedule.serviceType,
    status: 'busy',
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
  });
  const { resource: appointment } = await site.store.repository.create({
    resourceType: 'Appointment',
    status: 'booked',
    serviceType: [{ coding: [video] }],
    description: 'A video consultation (browser test)',
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    minutesDuration: 15,
    slot: [{ reference: `Slot/${slot.id}` }],
    participant: [
      { actor: { reference: `Patient/${patient.id}`, display: patientName }, required: 'required', status: 'accepted' },
      { actor: { ...performer }, required: 'required', status: 'accepted' },
    ],
    extension: [{ url: MODALITY_GIVEN, valueCoding: video }],
  });
  const clinicianUsername = practiceId === 'demo-riverside-practice' ? 'demo.gp' : 'demo.gp.hillview';
  return { appointment, patientId, patientName, practiceId, clinicianUsername };
}

/** The person signs in, presses "Join video appointment" and lands on the device check. */
export async function personJoins(browser: TestBrowser, site: DemoSite, appointmentId: string, options: { javaScriptEnabled?: boolean } = {}): Promise<SignedIn> {
  const signedIn = await signIn(browser, site.server.origin, site.account('demo.person'), options);
  const { page } = signedIn;
  await page.goto(`${site.server.origin}/app/person/appointments`);
  await Promise.all([page.waitForURL(/\/video\/check$/), page.locator(`form[action="/app/person/appointments/${appointmentId}/video"] button`).click()]);
  return signedIn;
}

/** Someone without an account opens a link (a carer's, an interpreter's…) in a fresh browser context. */
export async function openLink(browser: TestBrowser, url: string): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  return { page, context };
}

/** The device check (every result fine) and the privacy question; ends on the waiting page. */
export async function passCheck(page: Page, answer: 'yes' | 'no' | 'not-sure', check?: () => Promise<void>): Promise<void> {
  expect(new URL(page.url()).pathname).toBe('/video/check');
  await page.getByRole('button', { name: 'Check my camera and microphone' }).click();
  for (const part of ['camera-result', 'connection-result', 'webrtc-result']) {
    await page.waitForSelector(`[data-part="${part}"][data-result="ok"]`, { timeout: 30_000 });
  }
  await check?.();
  await page.check(`main input[name="privacy"][value="${answer}"]`);
  await press(page, await submitText(page));
  await page.waitForURL(/\/video\/wait$/);
}

const submitText = async (page: Page): Promise<string> => ((await page.locator('main form[action="/video/check"] button[type=submit]').textContent()) ?? '').trim();

/** The waiting page says where the person stands: never a blank status. */
export async function waitingHeadline(page: Page): Promise<string> {
  const text = ((await page.locator('[data-part="headline"]').textContent()) ?? '').trim();
  return text;
}

export interface CallStats {
  participantId?: string;
  status?: string;
  framesDecoded: Record<string, number>;
  connectionStates: Record<string, string>;
  /** the page's last signalling events (no content), to say what happened when a check fails */
  events?: string[];
}

export async function callStats(page: Page): Promise<CallStats> {
  return page.evaluate(async () => {
    const video = (globalThis as unknown as { kindredVideo?: { stats(): Promise<CallStats> } }).kindredVideo;
    return video === undefined ? { framesDecoded: {}, connectionStates: {} } : video.stats();
  });
}

/** Waits until the page decodes video frames from `others` other participants (no timing asserted: a generous limit only). */
export async function expectFramesFrom(page: Page, others: number, what: string, timeoutMs = 90_000): Promise<CallStats> {
  const until = Date.now() + timeoutMs;
  let stats = await callStats(page);
  while (Date.now() < until) {
    stats = await callStats(page);
    if (Object.values(stats.framesDecoded).filter((frames) => frames > 0).length >= others) return stats;
    await page.waitForTimeout(500);
  }
  expect.fail(`${what}: frames decoded from ${others} other participant(s) expected, got ${JSON.stringify(stats)}`);
}

/** Every page decodes frames from all the others (a full mesh); on failure, what each page saw. */
export async function expectMesh(pages: readonly (readonly [Page, string])[], what: string, timeoutMs = 90_000): Promise<void> {
  const others = pages.length - 1;
  const until = Date.now() + timeoutMs;
  for (const [page] of pages) {
    while (Date.now() < until) {
      const stats = await callStats(page);
      if (Object.values(stats.framesDecoded).filter((frames) => frames > 0).length >= others) break;
      await page.waitForTimeout(500);
    }
  }
  const all = await Promise.all(pages.map(async ([page, who]) => [who, await callStats(page)] as const));
  const short = all.filter(([, stats]) => Object.values(stats.framesDecoded).filter((frames) => frames > 0).length < others);
  expect(short.map(([who]) => who), `${what}: each page decodes frames from the ${others} others\n${all.map(([who, stats]) => `${who}: ${JSON.stringify(stats, null, 1)}`).join('\n')}`).toEqual([]);
}

/** The clinician signs in (password and authenticator code). */
export async function clinicianSignsIn(browser: TestBrowser, site: DemoSite, username: string): Promise<SignedIn> {
  return signIn(browser, site.server.origin, site.account(username));
}

/** The clinician's consultation screen, joined to the call. */
export async function clinicianJoinsCall(page: Page, origin: string, appointmentId: string): Promise<void> {
  await page.goto(`${origin}/app/staff/video/${appointmentId}`);
  await press(page, 'Join the call');
  await page.waitForURL(/\?joined=1$/);
}

/** The card of one appointment on the clinics page. */
export const entryCard = (page: Page, appointmentId: string) => page.locator(`[data-appointment="${appointmentId}"]`);

/** Encounters of an appointment, as the record holds them. */
export async function encountersOf(site: DemoSite, appointmentId: string): Promise<StoredResource[]> {
  return (await site.store.repository.search(parseSearchRequest('Encounter', [['appointment', `Appointment/${appointmentId}`]], { handling: 'strict' }))).matches;
}

