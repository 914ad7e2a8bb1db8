/**
 * The staff's people, equity and messages pages over HTTP (Fastify inject), on SQLite and
 * PostgreSQL, signed in as the area's receptionist: find a person (and a bad search), the person,
 * their access needs saved (errors keep what was typed; a concurrent edit is a clear 409 page; no
 * CSRF token, no save), the equity page and its period errors, and a call recorded from the
 * messages page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREA } from '@kindred/access/testing';
import { DEFAULT_ACCESS_NEEDS, readAccessNeeds, withAccessNeeds } from '@kindred/care';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { staffTestApp, type StaffTestApp } from './staff-test-app.ts';

const backends = await testBackends();

/** The fields of the needs form for Dave as saved: Polish interpreter, text messages first. */
const daveNeeds = (version: string, extra: Record<string, string | string[]> = {}): Record<string, string | string[]> => ({
  version,
  preferredChannels: 'sms',
  language: 'pl',
  interpreterRequired: 'yes',
  longerAppointment: 'yes',
  safeToContactAtHome: 'yes',
  ...extra,
});

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`staff people, equity and messages pages on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let web: StaffTestApp;
    beforeAll(async () => {
      store = await backend.open();
      // Dave needs a Polish interpreter and prefers text messages, and so a reminder becomes a call
      await store.repository.importResources(
        AREA.map((r) =>
          r.resourceType === 'Patient' && r.id === 'dave'
            ? withAccessNeeds({ ...r, telecom: [{ system: 'phone', use: 'mobile', value: '07700 900456' }] }, { ...DEFAULT_ACCESS_NEEDS, language: 'pl', interpreterRequired: true, preferredChannels: ['sms'], longerAppointment: true })
            : r,
        ),
      );
      web = await staffTestApp(store);
    });
    afterAll(async () => {
      await web.close();
      await store.destroy();
    });

    it('finds people of the practice by name, and says what to fix in a bad search', async () => {
      const start = await web.get('receptionist', '/app/staff/people');
      expect(start.status).toBe(200);
      expect(start.body).toContain('<title>Find a person – Kindred</title>');
      const found = await web.get('receptionist', '/app/staff/people?q=test');
      expect(found.status).toBe(200);
      expect(found.body).toContain('href="/app/staff/people/alice"');
      expect(found.body).toContain('href="/app/staff/people/dave"');
      expect(found.body).not.toContain('href="/app/staff/people/carol"');
      const bad = await web.get('receptionist', '/app/staff/people?q=31%2F2%2F1950');
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('<title>Error: Find a person – Kindred</title>');
      expect(bad.body).toContain('<a href="#q">Enter a real date of birth, for example 3/2/1950</a>');
      expect(bad.body).toContain('value="31/2/1950"');
      const altered = await web.get('receptionist', '/app/staff/people?q=test&cursor=%3Cscript%3E');
      expect(altered.status).toBe(400);
      expect(altered.body).toContain('That page of results is no longer available. Search again.');
    });

    it('shows the person with their access needs first, and not a person of another practice', async () => {
      const page = await web.get('receptionist', '/app/staff/people/dave');
      expect(page.status).toBe(200);
      expect(page.body).toContain('Before you contact Test');
      expect(page.body).toContain('Needs a Polish interpreter');
      expect(page.body.indexOf('Needs a Polish interpreter')).toBeLessThan(page.body.indexOf('Contact details'));
      expect((await web.get('receptionist', '/app/staff/people/carol')).status).toBeGreaterThanOrEqual(403);
      expect((await web.get('receptionist', '/app/staff/people/%3Cscript%3E')).status).toBe(404);
    });

    it('saves access needs; errors keep what was typed; a concurrent edit is a clear page; no CSRF, no save', async () => {
      const form = await web.get('receptionist', '/app/staff/people/dave/needs');
      expect(form.status).toBe(200);
      const version = /name="version" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
      expect(version).not.toBe('');

      const refused = await web.post('receptionist', '/app/staff/people/dave/needs', daveNeeds(version, { noInternet: 'yes', preferredChannels: ['email'], reasonableAdjustments: 'a quiet room' }));
      expect(refused.status).toBe(400);
      expect(refused.body).toContain('<title>Error: Access needs of Test Dunn – Kindred</title>');
      expect(refused.body).toContain('They have no internet, so they cannot be reached by email');
      expect(refused.body).toContain('a quiet room</textarea>');

      const noToken = await web.post('receptionist', '/app/staff/people/dave/needs', daveNeeds(version, { largePrint: 'yes' }), { csrf: 'wrong' });
      expect(noToken.status).toBe(403);
      expect(readAccessNeeds(await store.repository.read('Patient', 'dave')).largePrint).toBe(false);

      const saved = await web.post('receptionist', '/app/staff/people/dave/needs', daveNeeds(version, { largePrint: 'yes' }));
      expect(saved).toMatchObject({ status: 303, location: '/app/staff/people/dave?saved=needs' });
      expect(readAccessNeeds(await store.repository.read('Patient', 'dave'))).toMatchObject({ largePrint: true, interpreterRequired: true, language: 'pl' });
      expect((await web.get('receptionist', '/app/staff/people/dave?saved=needs')).body).toContain('Their access needs are saved.');

      const stale = await web.post('receptionist', '/app/staff/people/dave/needs', daveNeeds(version, { easyRead: 'yes' }));
      expect(stale.status).toBe(409);
      expect(stale.body).toContain('Someone else changed their details while you were editing');
      expect(stale.body).toMatch(/id="easyRead" name="easyRead" type="checkbox" value="yes" checked/);
      expect(readAccessNeeds(await store.repository.read('Patient', 'dave')).easyRead).toBe(false);
    });

    it('shows who uses which route, and says what to fix in a bad period', async () => {
      // twelve requests each in the last month: Alice's online by herself, Dave's (who needs an interpreter) by phone
      const day = (i: number): string => new Date(Date.now() - (i + 1) * 86_400_000).toISOString();
      const request = (id: string, patient: string, route: string, i: number) => ({
        resourceType: 'Task',
        id,
        status: 'requested',
        intent: 'order',
        code: { coding: [{ system: 'https://kindred.health/fhir/CodeSystem/task-code', code: 'online-request' }] },
        for: { reference: `Patient/${patient}` },
        owner: { reference: 'Organization/gp-north' },
        authoredOn: day(i),
        extension: [{ url: 'https://kindred.health/fhir/StructureDefinition/request-route', valueCode: route }],
      });
      const tasks = Array.from({ length: 12 }, (_, i) => [request(`eq-alice-${i}`, 'alice', 'online-self', i), request(`eq-dave-${i}`, 'dave', 'phone', i)]).flat();
      expect((await store.repository.importResources(tasks)).filter((r) => r.outcome === 'rejected')).toEqual([]);
      const page = await web.get('receptionist', '/app/staff/equity');
      expect(page.status).toBe(200);
      expect(page.body).toContain('<title>Who uses which route – North Street Surgery – Kindred</title>');
      expect(page.body).toContain('North Street Surgery: 24 requests from');
      expect(page.body).toContain('People who need an interpreter use the online route much less: 0% against 50% overall (12 requests).');
      expect(page.body).toMatch(/<svg class="app-equity-chart" role="img" aria-label="[^"]*Needs an interpreter 0% \(much lower\)/);
      expect(Buffer.byteLength(page.body)).toBeLessThan(100_000);
      const bad = await web.get('receptionist', '/app/staff/equity?from=31%2F2%2F2026');
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('<a href="#from">Enter a real date for the start of the period, for example 1/9/2026</a>');
      expect(bad.body).toContain('value="31/2/2026"');
    });

    it('records a call from the messages page', async () => {
      const { outboxChannels, sendMessage, communicationProfileOf } = await import('@kindred/care');
      const { accessibleRecord, defaultAccessPolicy } = await import('@kindred/access');
      const { accessOf } = await import('@kindred/access/testing');
      const receptionist = (await accessibleRecord(store.repository, accessOf('receptionist'), defaultAccessPolicy())).repository;
      const dave = await store.repository.read('Patient', 'dave');
      const sent = await sendMessage(receptionist, outboxChannels(store.outbox), communicationProfileOf(dave, readAccessNeeds(dave)), {
        recipient: { reference: 'Patient/dave' },
        template: 'appointment-reminder',
        personalisation: { name: 'Dave', appointment_type: 'phone', service: 'North Street Surgery', date: '3 March', time: '10:30am', phone: '0113 496 0000' },
      });
      expect(sent.decision.kind).toBe('staff-phone');
      const id = sent.communication.id;

      const page = await web.get('receptionist', '/app/staff/messages');
      expect(page.status).toBe(200);
      expect(page.body).toContain(`action="/app/staff/messages/calls/${id}"`);
      const missing = await web.post('receptionist', `/app/staff/messages/calls/${id}`, { version: sent.communication.meta.versionId, [`note-${id}`]: 'kept' });
      expect(missing.status).toBe(400);
      expect(missing.body).toContain(`<a href="#outcome-${id}">Select whether you spoke to them</a>`);
      expect(missing.body).toContain('kept</textarea>');
      const done = await web.post('receptionist', `/app/staff/messages/calls/${id}`, { version: sent.communication.meta.versionId, [`outcome-${id}`]: 'reached', [`note-${id}`]: 'booked an interpreter' });
      expect(done).toMatchObject({ status: 303, location: '/app/staff/messages?recorded=yes#calls' });
      expect(await store.repository.read('Communication', id)).toMatchObject({ status: 'completed', note: [{ text: 'Phoned: booked an interpreter' }] });
      const again = await web.post('receptionist', `/app/staff/messages/calls/${id}`, { version: sent.communication.meta.versionId, [`outcome-${id}`]: 'reached' });
      expect(again.status).toBe(409);
      expect(again.body).toContain('Someone else recorded this call');
    });

    it('a role that may not read messages sees the page, and no messages', async () => {
      const page = await web.get('privacyOfficer', '/app/staff/messages');
      expect(page.status).toBe(200);
      expect(page.body).not.toContain('action="/app/staff/messages/calls/');
      expect(page.body).toContain('No messages are waiting to be sent.');
    });
  });
}
