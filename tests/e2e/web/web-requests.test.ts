/**
 * The web app's request journeys over real HTTP, on SQLite and PostgreSQL, by people signed in
 * through the sign-in service's own pages with no JavaScript: the person's own request, the
 * red-flag exit, a double submission, a carer with consent, a receptionist on the phone, the
 * practice at capacity offering a call-back, and bad input (no CSRF token, a huge body, hostile
 * search text, a carer without consent). Each result is read back from the record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREA, consent } from '@kindred/access/testing';
import { ensureRequestQuestionnaire } from '@kindred/care';
import { parseSearchRequest, type StoredResource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { startSignInServer, type SignInServer } from '../sign-in/sign-in-server.ts';
import { signInToWebApp, type WebUser } from './web-client.ts';

const backends = await testBackends();

const extension = (resource: StoredResource, url: string): unknown =>
  ((resource.extension as { url: string; valueString?: string; valueCode?: string; valueReference?: { reference?: string } }[] | undefined) ?? []).find((e) => e.url.endsWith(url));

async function tasksFor(store: TestStore, patient: string): Promise<StoredResource[]> {
  return (await store.repository.search(parseSearchRequest('Task', [['patient', `Patient/${patient}`], ['code', 'https://kindred.health/fhir/CodeSystem/task-code|online-request']], { handling: 'strict' }))).matches;
}

/** The hidden fields of the page's (last) form, so a test can post the next step as a browser would. */
function hiddenFields(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) if (match[1] !== 'csrf') fields[match[1]!] = match[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  return fields;
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`online requests in the web app on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let server: SignInServer;
    let receptionistSecret: string;

    beforeAll(async () => {
      store = await backend.open();
      await store.repository.importResources([...AREA, consent('consent-ruth-requests', 'alice', 'RelatedPerson/ruth', { actions: ['view-record', 'manage-requests'] })]);
      await ensureRequestQuestionnaire(store.repository);
      server = await startSignInServer(store);
      await server.addAccount({ username: 'alice', displayName: 'Alice Able', fhirUser: 'Patient/alice', password: 'alice password' });
      await server.addAccount({ username: 'ruth', displayName: 'Ruth', fhirUser: 'RelatedPerson/ruth', password: 'ruth password' });
      await server.addAccount({ username: 'tom', displayName: 'Tom', fhirUser: 'RelatedPerson/tom', password: 'tom password' });
      receptionistSecret = (await server.addAccount({ username: 'desk', displayName: 'Reception', fhirUser: 'Practitioner/rec-north', password: 'desk password', totp: true })).totpSecret!;
    });
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    async function askForHelp(user: WebUser, base: string, answers: { category: string; redFlags?: Record<string, string>; details?: Record<string, string> }, start?: string) {
      const first = await user.page(start ?? base);
      expect(first.status).toBe(200);
      const redFlagsPage = await user.submit(base, { ...hiddenFields(first.html), category: answers.category }, first.html);
      if (answers.redFlags === undefined) return { last: redFlagsPage, first };
      const detailsPage = await user.submit(base, { ...hiddenFields(redFlagsPage.html), ...answers.redFlags }, redFlagsPage.html);
      if (answers.details === undefined) return { last: detailsPage, first };
      const sent = await user.submit(base, { ...hiddenFields(detailsPage.html), ...answers.details }, detailsPage.html);
      return { last: sent, first, detailsPage };
    }

    const NO_RED_FLAGS = { 'chest-pain': 'no', breathing: 'no', stroke: 'no', 'ending-life': 'no', 'heavy-bleeding': 'no' };
    const DETAILS = { problem: 'A cough for three weeks', 'how-long': 'weeks', 'getting-worse': 'no', 'would-like': 'appointment' };

    it('takes the person through their own request and shows where it stands', async () => {
      const alice = await signInToWebApp(server.origin, 'alice', 'alice password');
      expect(alice.home).toBe('/app/person');
      const before = (await tasksFor(store, 'alice')).length;
      const { last } = await askForHelp(alice, '/app/person/requests/new', { category: 'medical', redFlags: NO_RED_FLAGS, details: DETAILS });
      expect(last.status).toBe(200);
      expect(last.html).toContain('Request sent');
      expect(last.url).toMatch(/\/app\/person\/requests\/[A-Za-z0-9-]+\?sent=1$/);
      const tasks = await tasksFor(store, 'alice');
      expect(tasks).toHaveLength(before + 1);
      const task = tasks.find((t) => last.url.includes(t.id))!;
      expect(extension(task, 'request-route')).toMatchObject({ valueCode: 'online-self' });
      expect(task.owner).toMatchObject({ reference: 'Organization/gp-north' });
      // the person sees it on their home page
      expect((await alice.page('/app/person')).html).toContain('A cough for three weeks');
    });

    it('keeps what was typed and says what to fix when an answer is missing', async () => {
      const alice = await signInToWebApp(server.origin, 'alice', 'alice password');
      const { detailsPage } = await askForHelp(alice, '/app/person/requests/new', { category: 'medical', redFlags: NO_RED_FLAGS, details: { problem: 'My knee hurts <script>', 'how-long': 'days' } });
      const refused = await alice.submit('/app/person/requests/new', { ...hiddenFields(detailsPage!.html), problem: 'My knee hurts <script>', 'how-long': 'days' }, detailsPage!.html);
      expect(refused.status).toBe(400);
      expect(refused.html).toContain('There is a problem');
      expect(refused.html).toContain('<title>Error: ');
      expect(refused.html).toContain('My knee hurts &lt;script&gt;');
      expect(refused.html).toMatch(/href="#getting-worse"/);
    });

    it('makes one request from a double submission', async () => {
      const alice = await signInToWebApp(server.origin, 'alice', 'alice password');
      const page = (await askForHelp(alice, '/app/person/requests/new', { category: 'admin' })).last;
      const all = { ...hiddenFields(page.html), 'admin-type': 'fit-note', 'admin-need': 'A fit note for work' };
      const before = (await tasksFor(store, 'alice')).length;
      const [one, two] = await Promise.all([alice.submit('/app/person/requests/new', all, page.html), alice.submit('/app/person/requests/new', all, page.html)]);
      expect(one.status).toBe(200);
      expect(two.status).toBe(200);
      expect(one.url).toBe(two.url);
      expect(await tasksFor(store, 'alice')).toHaveLength(before + 1);
    });

    it('stops at a red flag, says what to do now, and records the exit without a request', async () => {
      const alice = await signInToWebApp(server.origin, 'alice', 'alice password');
      const before = (await tasksFor(store, 'alice')).length;
      const { last } = await askForHelp(alice, '/app/person/requests/new', { category: 'medical', redFlags: { ...NO_RED_FLAGS, 'chest-pain': 'yes' } });
      expect(last.status).toBe(200);
      expect(last.html).toContain('Call 999 now');
      expect(await tasksFor(store, 'alice')).toHaveLength(before);
      const stopped = await store.repository.search(parseSearchRequest('QuestionnaireResponse', [['subject', 'Patient/alice'], ['status', 'stopped']], { handling: 'strict' }));
      expect(stopped.matches.length).toBeGreaterThan(0);
    });

    it('lets a carer with consent ask for the person they care for, recording who and why', async () => {
      const ruth = await signInToWebApp(server.origin, 'ruth', 'ruth password');
      expect(ruth.home).toBe('/app/person');
      const first = await ruth.page('/app/person/requests/new');
      expect(first.html).toContain('Why are you filling this in');
      const red = await ruth.submit('/app/person/requests/new', { ...hiddenFields(first.html), category: 'medical', onBehalfReason: 'I am her daughter and carer' }, first.html);
      const details = await ruth.submit('/app/person/requests/new', { ...hiddenFields(red.html), ...NO_RED_FLAGS }, red.html);
      const sent = await ruth.submit('/app/person/requests/new', { ...hiddenFields(details.html), ...DETAILS, problem: 'Mum is more breathless' }, details.html);
      expect(sent.html).toContain('Request sent');
      const task = (await tasksFor(store, 'alice')).find((t) => sent.url.includes(t.id))!;
      expect(extension(task, 'request-route')).toMatchObject({ valueCode: 'online-assisted' });
      expect(extension(task, 'submitted-by')).toMatchObject({ valueReference: { reference: 'RelatedPerson/ruth' } });
      expect(extension(task, 'submitted-for-reason')).toMatchObject({ valueString: 'I am her daughter and carer' });
    });

    it('refuses a carer without consent, with a page that says so', async () => {
      const tom = await signInToWebApp(server.origin, 'tom', 'tom password');
      const page = await tom.page('/app/person');
      expect(page.status).toBe(403);
      expect(page.html).toContain('You do not have access');
    });

    it('lets a receptionist make a request for someone who phoned', async () => {
      const desk = await signInToWebApp(server.origin, 'desk', 'desk password', receptionistSecret);
      expect(desk.home).toBe('/app/staff');
      const search = await desk.page('/app/staff/requests/new?q=dunn');
      expect(search.html).toContain('Test Dunn');
      const start = await desk.page('/app/staff/requests/new?q=dunn&patient=dave&route=phone');
      const red = await desk.submit('/app/staff/requests/new', { ...hiddenFields(start.html), category: 'medical', onBehalfReason: 'Phoned: no internet at home' }, start.html);
      const details = await desk.submit('/app/staff/requests/new', { ...hiddenFields(red.html), ...NO_RED_FLAGS }, red.html);
      const sent = await desk.submit('/app/staff/requests/new', { ...hiddenFields(details.html), ...DETAILS }, details.html);
      expect(sent.url, sent.html.slice(0, 3000)).toMatch(/\/app\/staff\/requests\/[A-Za-z0-9-]+\?sent=1$/);
      const task = (await tasksFor(store, 'dave')).find((t) => sent.url.includes(t.id))!;
      expect(extension(task, 'request-route')).toMatchObject({ valueCode: 'phone' });
      expect(extension(task, 'submitted-by')).toMatchObject({ valueReference: { reference: 'Practitioner/rec-north' } });
      expect(extension(task, 'submitted-for-reason')).toMatchObject({ valueString: 'Phoned: no internet at home' });
      // hostile search text is a page, not a crash
      const hostile = await desk.page(`/app/staff/requests/new?q=${encodeURIComponent("'); DROP TABLE resource;-- <b>")}`);
      expect(hostile.status).toBe(400);
      expect(hostile.html).not.toContain('<b>');
    });

    it('lets a volunteer help someone they support to ask, and follow it up, but not see anyone else', async () => {
      await server.addAccount({ username: 'vol', displayName: 'Val Helper', fhirUser: 'Practitioner/vol', password: 'volunteer password', volunteer: true });
      const vol = await signInToWebApp(server.origin, 'vol', 'volunteer password');
      expect(vol.home).toBe('/app/volunteer');
      const nobody = await vol.page('/app/volunteer/requests/new?q=able');
      expect(nobody.status).toBe(400);
      expect(nobody.html).toContain('No one you can see matches');
      const start = await vol.page('/app/volunteer/requests/new?q=dunn&patient=dave&route=online-assisted');
      const red = await vol.submit('/app/volunteer/requests/new', { ...hiddenFields(start.html), category: 'medical', onBehalfReason: 'No internet; I visit him weekly' }, start.html);
      const details = await vol.submit('/app/volunteer/requests/new', { ...hiddenFields(red.html), ...NO_RED_FLAGS }, red.html);
      const sent = await vol.submit('/app/volunteer/requests/new', { ...hiddenFields(details.html), ...DETAILS }, details.html);
      expect(sent.status, sent.html.slice(0, 2000)).toBe(200);
      expect(sent.url).toMatch(/\/app\/volunteer\/requests\/sent\/[A-Za-z0-9-]+\?sent=1$/);
      expect(sent.html).toContain('Request sent');
      const task = (await tasksFor(store, 'dave')).find((t) => sent.url.includes(t.id))!;
      expect(extension(task, 'request-route')).toMatchObject({ valueCode: 'online-assisted' });
      expect(extension(task, 'submitted-by')).toMatchObject({ valueReference: { reference: 'Practitioner/vol' } });
      // someone whose tasks are not theirs stays out of reach, by id too
      const carol = await vol.page('/app/volunteer/requests/new?q=x&patient=carol&route=online-assisted');
      expect(carol.status).toBe(404);
    });

    it('offers a call-back time when the practice is full, never "try again tomorrow"', async () => {
      await store.repository.importResources([
        {
          resourceType: 'HealthcareService',
          id: 'south-online',
          providedBy: { reference: 'Organization/gp-south' },
          extension: [{ url: 'https://kindred.health/fhir/StructureDefinition/online-request-capacity', extension: [{ url: 'dailyLimit', valueInteger: 0 }, { url: 'whenFull', valueCode: 'call-back' }, { url: 'responseDays', valueInteger: 2 }] }],
        },
        {
          resourceType: 'Schedule',
          id: 'south-call-back',
          actor: [{ reference: 'HealthcareService/south-online' }],
          serviceType: [{ coding: [{ system: 'https://kindred.health/fhir/CodeSystem/schedule-purpose', code: 'call-back' }] }, { coding: [{ system: 'https://kindred.health/fhir/CodeSystem/consultation-modality', code: 'phone' }] }],
        },
        { resourceType: 'Slot', id: 'south-call-back-1', schedule: { reference: 'Schedule/south-call-back' }, status: 'free', start: new Date(Date.now() + 26 * 3_600_000).toISOString(), end: new Date(Date.now() + 26.25 * 3_600_000).toISOString() },
      ]);
      await server.addAccount({ username: 'carol', displayName: 'Carol Cole', fhirUser: 'Patient/carol', password: 'carol password' });
      const carol = await signInToWebApp(server.origin, 'carol', 'carol password');
      const first = await carol.page('/app/person/requests/new');
      expect(first.html).toContain('Before you start');
      expect(first.html).not.toMatch(/try again tomorrow/i);
      const unchosen = await carol.submit('/app/person/requests/new', hiddenFields(first.html), first.html);
      expect(unchosen.status).toBe(400);
      expect(unchosen.html).toContain('Choose a time for us to call back');
      const category = await carol.submit('/app/person/requests/new', { ...hiddenFields(first.html), callBackSlotId: 'south-call-back-1' }, first.html);
      const red = await carol.submit('/app/person/requests/new', { ...hiddenFields(category.html), category: 'medical' }, category.html);
      const details = await carol.submit('/app/person/requests/new', { ...hiddenFields(red.html), ...NO_RED_FLAGS }, red.html);
      const sent = await carol.submit('/app/person/requests/new', { ...hiddenFields(details.html), ...DETAILS }, details.html);
      expect(sent.html).toContain('Request sent');
      const task = (await tasksFor(store, 'carol'))[0]!;
      expect((task.restriction as { period?: { end?: string } }).period?.end).toBe(new Date(Date.parse(String((await store.repository.read('Slot', 'south-call-back-1')).start))).toISOString());
    });

    it('refuses a form without its CSRF token and a body that is too big, with a page', async () => {
      const alice = await signInToWebApp(server.origin, 'alice', 'alice password');
      const noToken = await fetch(`${server.origin}/app/person/requests/new`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: alice.browser.cookiesFor(server.origin) },
        body: 'step=category&category=medical',
      });
      expect(noToken.status).toBe(403);
      expect(await noToken.text()).toContain('The form has expired');
      const huge = await fetch(`${server.origin}/app/person/requests/new`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: alice.browser.cookiesFor(server.origin) },
        body: `problem=${'x'.repeat(200_000)}`,
      });
      expect(huge.status).toBe(413);
      expect(await huge.text()).toContain('too long');
    });
  });
}
