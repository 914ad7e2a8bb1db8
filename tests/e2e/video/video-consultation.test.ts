/**
 * The video consultation in Chromium (issue 5, "Proof"; decision 0015), with fake camera and
 * microphone on loopback: the person passes the device check, answers the privacy question and
 * waits; their GP sees them with the answer and admits them; media flows both ways (frames decoded
 * on both pages, read through getStats). Then a carer and an interpreter join by one-time links
 * (four pages, each decoding the three others) and a fifth is refused; a dropped person comes back
 * by their pass; the move to a phone call is in the record. Every check, waiting and staff page is
 * checked with axe (WCAG 2.2 A and AA). Runs on SQLite over a demo area.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSkipReason, type TestBrowser } from '../support/browser.ts';
import { expectAccessible, press, type SignedIn } from '../web/journeys/journey-browser.ts';
import {
  addVideoAppointmentSoon,
  callStats,
  clinicianJoinsCall,
  clinicianSignsIn,
  encountersOf,
  entryCard,
  expectFramesFrom,
  expectMesh,
  launchVideoBrowser,
  openLink,
  passCheck,
  personJoins,
  startDemoSite,
  waitingHeadline,
  type DemoSite,
} from './video-site.ts';

const skip = browserSkipReason();
const MODALITY_USED = 'https://kindred.health/fhir/StructureDefinition/modality-used';

describe.skipIf(skip !== undefined)(`video consultations in Chromium${skip === undefined ? '' : ` (${skip})`}`, () => {
  let site: DemoSite;
  let browser: TestBrowser;
  /** closed after all tests (the staff's signed-in browser contexts) */
  const open: { close(): Promise<void> }[] = [];
  /** closed after each test (its pages and the contexts of people who joined), so no call runs on into the next */
  const perTest: { close(): Promise<void> }[] = [];
  const keep = <T extends { close(): Promise<void> }>(x: T): T => {
    perTest.push(x);
    return x;
  };

  beforeAll(async () => {
    site = await startDemoSite();
    browser = await launchVideoBrowser();
  });
  afterEach(async () => {
    for (const x of perTest.splice(0)) await x.close().catch(() => undefined);
  });
  afterAll(async () => {
    for (const s of open) await s.close().catch(() => undefined);
    await browser?.close();
    await site?.close();
  });

  /**
   * A page of the GP, signed in once for the whole file (each sign-in needs a new authenticator
   * code, which can mean waiting for the next 30-second step). The page is closed after the test.
   */
  const signedInStaff = new Map<string, Promise<SignedIn>>();
  async function clinicianPage(username: string): Promise<{ page: Page }> {
    if (!signedInStaff.has(username)) signedInStaff.set(
        username,
        clinicianSignsIn(browser, site, username).then((signedIn) => {
          open.push(signedIn);
          return signedIn;
        }),
      );
    const signedIn = await signedInStaff.get(username)!;
    return { page: keep(await signedIn.context.newPage()) };
  }

  /** The clinician invites someone from the consultation screen (the call goes on) and reads the one-time link. */
  async function invite(page: Page, role: 'carer' | 'interpreter' | 'colleague', name: string): Promise<string> {
    await page.locator('#invite summary').click();
    await page.check(`#invite input[name="inviteRole"][value="${role}"]`);
    await page.fill('#inviteName', name);
    await page.locator('#invite').getByRole('button', { name: 'Make a link' }).click();
    const callout = page.locator('#invite .nhsuk-warning-callout').filter({ hasText: `Link for ${name}` });
    await callout.waitFor({ timeout: 15_000 });
    const link = callout.locator('[data-part="invite-link"]');
    return ((await link.textContent()) ?? '').trim();
  }

  /** The clinician admits a waiting participant from the live participants list. */
  async function admitFromScreen(page: Page, name: string): Promise<void> {
    const row = name === 'patient' ? page.locator('#participants li[data-role="patient"]') : page.locator('#participants li').filter({ hasText: name });
    const button = row.getByRole('button', { name: /^Admit / });
    await button.waitFor({ timeout: 30_000 });
    await button.click();
    // the list answers the post (the call goes on); it says the person is in the call, or why not
    await expect.poll(async () => row.textContent(), { timeout: 15_000 }).toMatch(/In the call|full/);
  }

  it('the person waits with a status, the GP sees their privacy answer and admits them, and media flows both ways', { timeout: 120_000 }, async () => {
    const video = await addVideoAppointmentSoon(site, 5);
    const id = video.appointment.id;
    const person = keep(await personJoins(browser, site, id));
    await expectAccessible(person.page, 'the device check');
    await press(person.page, 'Go to the waiting room');
    expect(await person.page.locator('#privacy-error').textContent()).toContain('Select yes, no or not sure');
    await expectAccessible(person.page, 'the device check with an error');
    await passCheck(person.page, 'not-sure', () => expectAccessible(person.page, 'the device check with its results'));
    expect(await waitingHeadline(person.page)).not.toBe('');
    await expectAccessible(person.page, 'the waiting page');

    const gp = await clinicianPage(video.clinicianUsername);
    await gp.page.goto(`${site.server.origin}/app/staff/video`);
    const card = entryCard(gp.page, id);
    await expect.poll(async () => card.count()).toBe(1);
    expect(await card.locator('[data-privacy]').getAttribute('data-privacy')).toBe('not-sure');
    expect(await card.textContent()).toContain('Not sure they can talk privately');
    await expectAccessible(gp.page, 'the video clinics page');
    await Promise.all([gp.page.waitForEvent('load'), card.getByRole('button', { name: /^Admit / }).click()]);

    await clinicianJoinsCall(gp.page, site.server.origin, id);
    await expectAccessible(gp.page, 'the consultation screen');
    await expectFramesFrom(person.page, 1, 'the person sees the GP');
    await expectFramesFrom(gp.page, 1, 'the GP sees the person');
    expect((await callStats(person.page)).status).toBe('in-call');
  });

  it('a carer and an interpreter join by one-time links: four people see each other, and a fifth is refused', { timeout: 480_000 }, async () => {
    const { person, gp } = await consultationUnderWay();
    await expectFramesFrom(gp.page, 1, 'the GP sees the person');

    const carerLink = await invite(gp.page, 'carer', 'Sam (carer)');
    expect(carerLink).toMatch(/\/video\/join\/[A-Za-z0-9_-]+$/);
    const carer = keep((await openLink(browser, carerLink)).context);
    const carerPage = carer.pages()[0]!;
    await passCheck(carerPage, 'yes');
    await admitFromScreen(gp.page, 'Sam (carer)');
    await expectMesh([[person.page, 'person'], [gp.page, 'GP'], [carerPage, 'carer']], 'three-way');

    // the one-time link works once
    const again = keep((await openLink(browser, carerLink)).context);
    expect(new URL(again.pages()[0]!.url()).pathname).not.toBe('/video/check');

    const interpreterLink = await invite(gp.page, 'interpreter', 'Interpreter (Polish)');
    const interpreter = keep((await openLink(browser, interpreterLink)).context);
    const interpreterPage = interpreter.pages()[0]!;
    await passCheck(interpreterPage, 'yes');
    await admitFromScreen(gp.page, 'Interpreter (Polish)');
    await expectMesh([[person.page, 'person'], [gp.page, 'GP'], [carerPage, 'carer'], [interpreterPage, 'interpreter']], 'four-way');

    // a fifth: refused as full, never in the call
    const colleagueLink = await invite(gp.page, 'colleague', 'Dr Second Opinion');
    const colleague = keep((await openLink(browser, colleagueLink)).context);
    const colleaguePage = colleague.pages()[0]!;
    await passCheck(colleaguePage, 'yes');
    // four are in the call: the screen offers no admit button for a fifth, and says why
    const fifthRow = gp.page.locator('#participants li').filter({ hasText: 'Dr Second Opinion' });
    await expect.poll(async () => fifthRow.textContent(), { timeout: 30_000 }).toContain('The call is full (4 people)');
    expect(await fifthRow.getByRole('button').count()).toBe(0);
    expect(await waitingHeadline(colleaguePage)).not.toBe('');
    expect((await callStats(colleaguePage)).status).not.toBe('in-call');
  });

  it('a person whose page drops comes back by their pass and media flows again', { timeout: 120_000 }, async () => {
    const { person, gp } = await consultationUnderWay();
    await expectFramesFrom(person.page, 1, 'before the drop');

    await person.page.close();
    const back = await person.context.newPage();
    await back.goto(`${site.server.origin}/video/wait`);
    await expectFramesFrom(back, 1, 'the person after coming back');
    await expectFramesFrom(gp.page, 1, 'the GP after the person came back');
  });

  /** A video appointment soon: the person passes the check and waits, the GP opens the screen, joins and admits them. */
  async function consultationUnderWay(): Promise<{ id: string; person: SignedIn; gp: { page: Page } }> {
    const video = await addVideoAppointmentSoon(site, 5);
    const id = video.appointment.id;
    const person = keep(await personJoins(browser, site, id));
    await passCheck(person.page, 'yes');
    const gp = await clinicianPage(video.clinicianUsername);
    await clinicianJoinsCall(gp.page, site.server.origin, id);
    await admitFromScreen(gp.page, 'patient');
    return { id, person, gp };
  }

  it('moving to a phone call is recorded on the Appointment and the Encounter', { timeout: 120_000 }, async () => {
    const video = await addVideoAppointmentSoon(site, 5);
    const id = video.appointment.id;
    const person = keep(await personJoins(browser, site, id));
    await passCheck(person.page, 'yes');
    const gp = await clinicianPage(video.clinicianUsername);
    await gp.page.goto(`${site.server.origin}/app/staff/video/${id}`);
    await press(gp.page, 'Move to a phone call');
    expect(await gp.page.locator('main').textContent()).toContain('This consultation is now a phone call');

    const appointment = await site.store.repository.read('Appointment', id);
    const used = ((appointment.extension as { url: string; valueCoding?: { code?: string } }[] | undefined) ?? []).find((e) => e.url === MODALITY_USED);
    expect(used?.valueCoding?.code).toBe('phone');
    const [encounter] = await encountersOf(site, id);
    expect(JSON.stringify(encounter?.type)).toContain('"code":"phone"');
    // the person's page says so, without a reload when JavaScript runs
    await expect.poll(async () => person.page.locator('[data-part="headline"]').textContent(), { timeout: 30_000 }).toMatch(/phone/i);
  });

  it('a person who closes the waiting page and does not come back is sent a message saying how to rejoin', { timeout: 120_000 }, async () => {
    const video = await addVideoAppointmentSoon(site, 5);
    const person = await personJoins(browser, site, video.appointment.id);
    await passCheck(person.page, 'yes');
    await expect.poll(async () => callStats(person.page).then((s) => s.participantId), { timeout: 30_000 }).toBeDefined();
    const before = (await site.store.outbox.pending(10_000)).filter((m) => m.template === 'video-left-waiting-room').length;
    await person.close();
    // the test server's grace is a few seconds: wait for the message, no timing asserted
    await expect
      .poll(async () => (await site.store.outbox.pending(10_000)).filter((m) => m.template === 'video-left-waiting-room').length, { timeout: 60_000, interval: 1_000 })
      .toBeGreaterThan(before);
  });

  it('the privacy question works without JavaScript, with an error beside the field when nothing is chosen', async () => {
    const video = await addVideoAppointmentSoon(site, 5);
    const person: SignedIn = keep(await personJoins(browser, site, video.appointment.id, { javaScriptEnabled: false }));
    const { page } = person;
    expect(await page.locator('[data-part="no-script"]').isVisible()).toBe(true);
    await press(page, 'Go to the waiting room');
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.locator('#privacy-error').textContent()).toContain('Select yes, no or not sure');
    await page.check('main input[name="privacy"][value="no"]');
    await press(page, 'Go to the waiting room');
    expect(new URL(page.url()).pathname).toBe('/video/wait');
    expect(await waitingHeadline(page)).not.toBe('');
    expect(await page.locator('main').textContent()).toMatch(/we will phone you/i);
    const [encounter] = await encountersOf(site, video.appointment.id);
    expect(JSON.stringify(encounter?.extension)).toContain('"valueCode":"no"');
  });
});
