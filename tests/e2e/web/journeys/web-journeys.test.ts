/**
 * The web app's full journeys (issue 4, "Proof") in headless Chromium over a demo area: a person's
 * own request, a carer on their behalf, a receptionist on the phone for someone with no internet,
 * the red-flag exit, a full practice offering a call-back, triage to booking, and the reminder in
 * the outbox. Every page visited is checked with axe (WCAG 2.2 A and AA). Each result is read back
 * from the record. Runs on SQLite: the same journeys over HTTP run on both databases
 * (web-requests.test.ts); what is tested here is the pages in a real browser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAdministratorAccess, scopedRepository } from '@kindred/access';
import { londonTime, outboxChannels, sendDueReminders, MESSAGE_ID_SYSTEM, MESSAGE_REFERENCE_SYSTEM } from '@kindred/care';
import { parseSearchRequest, type StoredResource } from '@kindred/fhir';
import { browserSkipReason, launchBrowser, type TestBrowser } from '../../support/browser.ts';
import { addPhoneSlotSoon, extensionOf, idOf, personWithNoInternet, practiceOf, requestsOf, setOnlineCapacity, startDemoSite, type DemoSite } from './demo-site.ts';
import { expectAccessible, fillRequestForm, press, sentRequestId, signIn, type SignedIn } from './journey-browser.ts';

const skip = browserSkipReason();
const OPEN = { dailyLimit: 1000, whenFull: 'call-back' } as const;

async function communicationsWith(site: DemoSite, reference: string): Promise<StoredResource[]> {
  return (await site.store.repository.search(parseSearchRequest('Communication', [['identifier', `${MESSAGE_REFERENCE_SYSTEM}|${reference}`]], { handling: 'strict' }))).matches;
}

const messageIdOf = (communication: StoredResource): string | undefined =>
  ((communication.identifier as { system?: string; value?: string }[] | undefined) ?? []).find((i) => i.system === MESSAGE_ID_SYSTEM)?.value;

describe.skipIf(skip !== undefined)(`the web app's journeys in Chromium${skip === undefined ? '' : ` (${skip})`}`, () => {
  let site: DemoSite;
  let browser: TestBrowser;
  let practice: string;
  let personId: string;
  const open: SignedIn[] = [];

  /** Signs a demo account in; the context is closed after all tests. */
  async function as(username: string): Promise<SignedIn> {
    const signedIn = await signIn(browser, site.server.origin, site.account(username));
    open.push(signedIn);
    return signedIn;
  }

  beforeAll(async () => {
    site = await startDemoSite();
    personId = idOf(site.account('demo.person').fhirUser);
    practice = await practiceOf(site.store, personId);
    await setOnlineCapacity(site.store, practice, OPEN);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const s of open) await s.close().catch(() => undefined);
    await browser?.close();
    await site?.close();
  });

  it('takes a person through their own request to "Request sent", and shows it on their home page', async () => {
    const { page } = await as('demo.person');
    expect(new URL(page.url()).pathname).toBe('/app/person');
    await expectAccessible(page, 'the person’s home page');
    await page.locator('main').getByRole('link', { name: 'Ask for help' }).click();
    await page.waitForURL(/\/app\/person\/requests\/new$/);
    await expectAccessible(page, 'what the request is about');
    const before = (await requestsOf(site.store, personId)).length;
    await fillRequestForm(page, { category: 'medical', problem: 'A rash on my arm for three weeks' }, (what) => expectAccessible(page, what));
    expect(await page.locator('h1').textContent()).toContain('Request sent');
    expect(await page.locator('main').textContent()).toMatch(/Your reference is\s*\S+/);
    await expectAccessible(page, 'Request sent');
    const id = sentRequestId(page);
    const tasks = await requestsOf(site.store, personId);
    expect(tasks).toHaveLength(before + 1);
    expect(extensionOf(tasks.find((t) => t.id === id)!, 'request-route')).toMatchObject({ valueCode: 'online-self' });
    await page.goto(`${site.server.origin}/app/person`);
    expect(await page.locator('main').textContent()).toContain('A rash on my arm for three weeks');
  });

  it('lets a carer ask for the person they care for, recording who filled it in and why', async () => {
    const carer = site.account('demo.carer');
    const { page } = await as('demo.carer');
    expect(await page.locator('h1').textContent()).toMatch(/^You are helping /);
    await expectAccessible(page, 'the carer’s home page');
    await page.goto(`${site.server.origin}/app/person/requests/new`);
    expect(await page.locator('main').textContent()).toContain('Why are you filling this in');
    await expectAccessible(page, 'what the request is about, for someone else');
    await fillRequestForm(page, { category: 'medical', problem: 'Dad is more breathless on the stairs', onBehalfReason: 'I am his carer and he finds forms hard' }, (what) => expectAccessible(page, what));
    expect(await page.locator('h1').textContent()).toContain('Request sent');
    await expectAccessible(page, 'Request sent, for someone else');
    const carerRecord = await site.store.repository.read('RelatedPerson', idOf(carer.fhirUser));
    const cared = idOf((carerRecord.patient as { reference: string }).reference);
    const task = (await requestsOf(site.store, cared)).find((t) => t.id === sentRequestId(page));
    expect(task, 'the request is in the record of the person cared for').toBeDefined();
    expect(extensionOf(task!, 'request-route')).toMatchObject({ valueCode: 'online-assisted' });
    expect(extensionOf(task!, 'submitted-by')).toMatchObject({ valueReference: { reference: carer.fhirUser } });
    expect(extensionOf(task!, 'submitted-for-reason')).toMatchObject({ valueString: 'I am his carer and he finds forms hard' });
  });

  it('lets a receptionist make a request for someone with no internet who phoned', async () => {
    const receptionist = site.account('demo.receptionist');
    const person = await personWithNoInternet(site.store, practice);
    const family = String((person.name as { family?: string }[])[0]?.family);
    const { page } = await as('demo.receptionist');
    await page.locator('nav').getByRole('link', { name: 'Request by phone' }).click();
    await page.waitForURL(/\/app\/staff\/requests\/new$/);
    await expectAccessible(page, 'find the person');
    await page.fill('#q', family);
    await press(page, 'Search');
    await expectAccessible(page, 'the people found');
    await page.check(`main input[name="patient"][value="${person.id}"]`);
    await page.getByLabel('They phoned').check();
    await press(page, 'Start the request');
    await expectAccessible(page, 'what the request is about, by phone');
    await fillRequestForm(page, { category: 'medical', problem: 'Swollen ankles since last month', onBehalfReason: 'Phoned the practice: no internet at home' }, (what) => expectAccessible(page, what));
    expect(page.url()).toMatch(/\/app\/staff\/requests\/[A-Za-z0-9\-.]+\?sent=1$/);
    await expectAccessible(page, 'the request, just sent by phone');
    const task = (await requestsOf(site.store, person.id)).find((t) => t.id === sentRequestId(page));
    expect(task, 'the request is in the person’s record').toBeDefined();
    expect(extensionOf(task!, 'request-route')).toMatchObject({ valueCode: 'phone' });
    expect(extensionOf(task!, 'submitted-by')).toMatchObject({ valueReference: { reference: receptionist.fhirUser } });
    expect(extensionOf(task!, 'submitted-for-reason')).toMatchObject({ valueString: 'Phoned the practice: no internet at home' });
  });

  it('stops at a red flag with "Call 999 now" and sends no request', async () => {
    const { page } = await as('demo.person');
    const before = (await requestsOf(site.store, personId)).length;
    await page.goto(`${site.server.origin}/app/person/requests/new`);
    await expectAccessible(page, 'what the request is about');
    await fillRequestForm(page, { category: 'medical', problem: '', redFlagYes: 'chest-pain' }, (what) => expectAccessible(page, what));
    expect(await page.locator('h1').textContent()).toContain('Call 999 now');
    expect(await page.title()).toMatch(/^Call 999 now/);
    await expectAccessible(page, 'Call 999 now');
    expect(await requestsOf(site.store, personId)).toHaveLength(before);
  });

  it('offers a call-back time when the practice is full, and the request is answered by that time', async () => {
    await setOnlineCapacity(site.store, practice, { dailyLimit: 0, whenFull: 'call-back' });
    try {
      const { page } = await as('demo.person');
      await page.goto(`${site.server.origin}/app/person/requests/new`);
      expect(await page.locator('h1').textContent()).toBe('Before you start');
      expect(await page.locator('main').textContent()).not.toMatch(/try again tomorrow/i);
      await expectAccessible(page, 'the practice is full: choose a call-back time');
      const first = page.locator('main input[name="callBackSlotId"]').first();
      const slotId = await first.getAttribute('value');
      expect(slotId).toEqual(expect.any(String));
      await first.check();
      await press(page, 'Continue');
      await expectAccessible(page, 'what the request is about, after the call-back time');
      await fillRequestForm(page, { category: 'medical', problem: 'My blood pressure readings are high' }, (what) => expectAccessible(page, what));
      expect(await page.locator('h1').textContent()).toContain('Request sent');
      await expectAccessible(page, 'Request sent, with a call-back');
      const task = (await requestsOf(site.store, personId)).find((t) => t.id === sentRequestId(page))!;
      const slot = await site.store.repository.read('Slot', slotId!);
      expect((task.restriction as { period?: { end?: string } } | undefined)?.period?.end).toBe(new Date(String(slot.start)).toISOString());
    } finally {
      await setOnlineCapacity(site.store, practice, OPEN);
    }
  });

  // the appointment booked by the triage journey, for the reminder journey after it
  let booked: StoredResource | undefined;
  const bookedOn = async (slotId: string): Promise<StoredResource | undefined> =>
    (await site.store.repository.search(parseSearchRequest('Appointment', [['slot', `Slot/${slotId}`]], { handling: 'strict' }))).matches[0];

  it('takes a request from the inbox to a booked phone appointment the person can see', async () => {
    const person = await as('demo.person');
    await person.page.goto(`${site.server.origin}/app/person/requests/new`);
    await fillRequestForm(person.page, { category: 'medical', problem: 'Dizzy when I stand up' });
    const requestId = sentRequestId(person.page);
    const slot = await addPhoneSlotSoon(site.store, practice, 3);

    const { page } = await as('demo.gp');
    expect(new URL(page.url()).pathname).toBe('/app/staff');
    await expectAccessible(page, 'the triage inbox');
    const link = page.locator(`main a[href^="/app/staff/requests/${requestId}"]`);
    for (let pages = 0; (await link.count()) === 0 && pages < 10; pages++) {
      await Promise.all([page.waitForEvent('load'), page.locator('main').getByRole('link', { name: /Next/ }).first().click()]);
    }
    await Promise.all([page.waitForEvent('load'), link.first().click()]);
    await expectAccessible(page, 'the request');
    expect(await page.locator('main').textContent()).toContain('Dizzy when I stand up');
    await press(page, 'Assign to me');
    expect(await page.locator('main').textContent()).toMatch(/Assigned to .+ \(you\)/);
    await expectAccessible(page, 'the request, assigned');
    await Promise.all([page.waitForEvent('load'), page.locator('main').getByRole('link', { name: 'Book an appointment' }).click()]);
    await expectAccessible(page, 'book an appointment');
    await page.check('main input[name="modality"][value="phone"]');
    await press(page, 'Show times');
    await expectAccessible(page, 'the free phone times');
    await page.check(`main input[name="slot"][value="${slot.id}"]`);
    await press(page, 'Book this time');
    // soft: when the confirmation page fails, the rest of the journey still says what it can
    expect.soft(await page.locator('h1').textContent(), `the booking confirmation: ${(await page.locator('main').textContent()) ?? ''}`).toContain('booked');
    await expectAccessible(page, 'the booking confirmation');
    booked = await bookedOn(slot.id);
    expect(booked, 'an Appointment was booked on the chosen slot').toBeDefined();
    const appointmentId = booked!.id;
    expect(booked!.status).toBe('booked');

    // a Communication for the confirmation, and (unless it went to the app or staff must phone) a message in the outbox
    const [confirmation] = await communicationsWith(site, `confirmation:${appointmentId}`);
    expect.soft(confirmation, 'a Communication records the confirmation').toBeDefined();
    if (confirmation?.status === 'in-progress') expect.soft((await site.store.outbox.pending(1000)).map((m) => m.messageId)).toContain(messageIdOf(confirmation));

    await person.page.goto(`${site.server.origin}/app/person/appointments`);
    await expectAccessible(person.page, 'the person’s appointments');
    expect(await person.page.locator('main').textContent()).toContain(londonTime(String(booked!.start)));
  });

  it('puts a reminder for the appointment in the outbox, and staff see it on their messages page', async () => {
    expect(booked, 'the triage journey booked an appointment').toBeDefined();
    // the person asks for text messages, so the reminder goes through the outbox
    const { page } = await as('demo.person');
    await page.goto(`${site.server.origin}/app/person/needs`);
    await expectAccessible(page, 'how we contact you');
    for (const box of await page.locator('main input[type=checkbox][name$="Channels"]').all()) await box.uncheck();
    await page.check('main input[name="preferredChannels"][value="sms"]');
    await press(page, 'Save');
    expect(new URL(page.url()).pathname).toBe('/app/person');

    const system = scopedRepository(site.store.repository, localAdministratorAccess());
    const report = await sendDueReminders(system, outboxChannels(site.store.outbox), { now: Date.now() });
    expect(report.due).toBeGreaterThanOrEqual(1);
    expect(report.failed).toBe(0);
    const [reminder] = await communicationsWith(site, `reminder:${booked!.id}`);
    expect(reminder, 'a Communication records the reminder').toBeDefined();
    const message = (await site.store.outbox.pending(1000)).find((m) => m.messageId === messageIdOf(reminder!));
    expect(message, 'the reminder is waiting in the outbox').toMatchObject({ channel: 'sms', template: 'appointment-reminder' });

    const staff = await as('demo.receptionist');
    const response = await staff.page.goto(`${site.server.origin}/app/staff/messages`);
    expect(response?.status(), 'the staff messages page').toBe(200);
    await expectAccessible(staff.page, 'the staff messages page');
    const listed = (await staff.page.locator('main').textContent()) ?? '';
    expect([message!.recipient, site.account('demo.person').displayName].some((said) => listed.includes(said)), `the messages page lists the reminder to ${message!.recipient}:\n${listed}`).toBe(true);
  });
});
