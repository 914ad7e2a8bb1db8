/**
 * The staff's "triage to booking" journey over HTTP, on SQLite and PostgreSQL, as the practice's
 * receptionist: open the inbox, open the request (access needs first), assign it to me, book a phone
 * appointment; then the record holds the Appointment (with the interpreter the needs call for), the
 * request's outcome, the confirmation Communication and the outbox message, and the person sees
 * their request as booked. Also: a concurrent edit, a time just taken, and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestStatusForPerson, MESSAGE_REFERENCE_SYSTEM } from '@kindred/care';
import { parseSearchRequest, type StoredResource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { phoneRequest, seedStaffArea } from './staff-fixture.ts';
import { staffTestApp, type StaffTestApp } from './staff-test-app.ts';
import { VIDEO_INVITE_MODEL, sha256 } from '../../video/video-passes.ts';

const backends = await testBackends();

const hidden = (page: string, name: string): string | undefined => new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(page)?.[1];
const slotIdsIn = (page: string, name: string): string[] => [...page.matchAll(new RegExp(`name="${name}" type="(?:radio|checkbox)" value="([^"]+)"`, 'g'))].map((m) => m[1]!);

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`staff triage and booking pages on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let web: StaffTestApp;
    let request: StoredResource;

    const search = async (type: string, params: [string, string][]) => (await store.repository.search(parseSearchRequest(type, params, { handling: 'strict' }))).matches;

    beforeAll(async () => {
      store = await backend.open();
      await seedStaffArea(store);
      request = await phoneRequest(store, 'alice', 'A cough for three weeks <b>bold</b>');
      web = await staffTestApp(store);
    });
    afterAll(async () => {
      await web?.close();
      await store?.destroy();
    });

    it('opens the inbox with the request, the person’s needs and carer, and tab counts', async () => {
      const inbox = await web.get('receptionist', '/app/staff');
      expect(inbox.status).toBe(200);
      expect(inbox.body).toContain('<title>All open requests – North Street Surgery – Kindred</title>');
      expect(inbox.body).toContain(`href="/app/staff/requests/${request.id}"`);
      expect(inbox.body).toContain('Test Able');
      expect(inbox.body).toContain('NHS number 943 476 5919');
      expect(inbox.body).toContain('Uses British Sign Language (BSL)');
      expect(inbox.body).toContain('Carer: ruth');
      expect(inbox.body).toContain('By phone');
      expect(inbox.body).toMatch(/Unassigned <span class="app-tabs__count">\(1\)<\/span>/);
      expect(inbox.body).toMatch(/<caption[^>]*>All open requests, urgent first<\/caption>/);
    });

    it('shows the request with the access needs before anything else, and who else is viewing', async () => {
      await web.get('gpClinician', `/app/staff/requests/${request.id}`);
      const page = await web.get('receptionist', `/app/staff/requests/${request.id}`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('<title>Request from Test Able – Kindred</title>');
      const callout = page.body.indexOf('Before you contact Test');
      expect(callout).toBeGreaterThan(0);
      expect(callout).toBeLessThan(page.body.indexOf('Their answers'));
      expect(page.body).toContain('Also viewing:</strong> Dr North');
      expect(page.body).toContain('A cough for three weeks &lt;b&gt;bold&lt;/b&gt;');
      expect(page.body).toContain('Why: no internet');
    });

    it('assigns the request to me, and refuses a change made over someone else’s with a clear message', async () => {
      const page = await web.get('receptionist', `/app/staff/requests/${request.id}`);
      const version = hidden(page.body, 'version')!;
      const assigned = await web.post('receptionist', `/app/staff/requests/${request.id}/assign`, { version, assignTo: 'me' });
      expect(assigned.status).toBe(303);
      expect(assigned.location).toBe(`/app/staff/requests/${request.id}?done=assigned`);
      expect((await store.repository.read('Task', request.id)).owner).toMatchObject({ reference: 'PractitionerRole/rec-north-role' });

      const stale = await web.post('receptionist', `/app/staff/requests/${request.id}/notes`, { version, note: 'Call after 2pm' });
      expect(stale.status).toBe(409);
      expect(stale.body).toContain('Someone else changed this request while you had it open');
      expect(stale.body).toContain('Call after 2pm</textarea>');
      expect(stale.body).toContain('<title>Error: Request from Test Able – Kindred</title>');

      const mine = await web.get('receptionist', '/app/staff?tab=mine');
      expect(mine.body).toContain(`href="/app/staff/requests/${request.id}"`);
      expect(mine.body).toContain('<td class="nhsuk-table__cell">You</td>');
    });

    it('says what to fix when a form is empty, keeping the page', async () => {
      const page = await web.get('receptionist', `/app/staff/requests/${request.id}`);
      const version = hidden(page.body, 'version')!;
      const close = await web.post('receptionist', `/app/staff/requests/${request.id}/outcome`, { version, outcome: 'close', reason: '  ' });
      expect(close.status).toBe(400);
      expect(close.body).toContain('href="#reason">Say why you are closing the request');
      expect(close.body).toMatch(/<details class="nhsuk-details" open>/);
      const forged = await web.post('receptionist', `/app/staff/requests/${request.id}/notes`, { version, note: 'x' }, { csrf: 'forged' });
      expect(forged.status).toBe(403);
    });

    it('books a phone appointment: interpreter added, request booked, confirmation sent and recorded', async () => {
      const book = await web.get('receptionist', `/app/staff/requests/${request.id}/book?modality=phone`);
      expect(book.status).toBe(200);
      expect(book.body).toContain('British Sign Language interpreter will be added');
      const slots = slotIdsIn(book.body, 'slot');
      expect(slots.length).toBe(6);

      const booked = await web.post('receptionist', `/app/staff/requests/${request.id}/book`, { action: 'book', modality: 'phone', from: hidden(book.body, 'from')!, slot: slots[0]! });
      expect(booked.status, booked.body.slice(booked.body.indexOf('<main'))).toBe(303);
      const [, appointmentId] = /\/booked\/([A-Za-z0-9\-.]+)$/.exec(booked.location ?? '') ?? [];
      expect(appointmentId).toBeDefined();

      const confirmation = await web.get('receptionist', booked.location!);
      expect(confirmation.status).toBe(200);
      expect(confirmation.body).toContain('Appointment booked');
      expect(confirmation.body).toContain('British Sign Language interpreter: added to the appointment');
      expect(confirmation.body).toContain('The confirmation was sent to Test by text message (SMS)');

      const appointment = await store.repository.read('Appointment', appointmentId!);
      expect(appointment).toMatchObject({ status: 'booked', serviceType: [{ coding: [{ code: 'phone' }] }] });
      expect(JSON.stringify(appointment.participant)).toContain('INTRP');
      expect((await store.repository.read('Slot', slots[0]!)).status).toBe('busy');

      const task = await store.repository.read('Task', request.id);
      expect(task).toMatchObject({ status: 'completed', businessStatus: { text: 'Appointment booked' } });
      expect(requestStatusForPerson(task).stage).toBe('booked');

      const messages = await search('Communication', [['identifier', `${MESSAGE_REFERENCE_SYSTEM}|confirmation:${appointmentId}`]]);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ status: 'in-progress', recipient: [{ reference: 'Patient/alice' }] });
      const outbox = await store.outbox.pending(100);
      expect(outbox.some((m) => m.template === 'appointment-confirmation' && m.channel === 'sms')).toBe(true);

      const page = await web.get('receptionist', `/app/staff/requests/${request.id}`);
      expect(page.body).toContain('Appointment booked');
    });

    it("books a video appointment: the confirmation carries the person's join link, made for that appointment", async () => {
      const other = await phoneRequest(store, 'alice', 'Rash to look at');
      const book = await web.get('receptionist', `/app/staff/requests/${other.id}/book?modality=video`);
      const slot = slotIdsIn(book.body, 'slot')[0]!;
      const booked = await web.post('receptionist', `/app/staff/requests/${other.id}/book`, { action: 'book', modality: 'video', from: hidden(book.body, 'from')!, slot });
      expect(booked.status).toBe(303);
      const sent = (await store.outbox.pending(500)).filter((m) => m.template === 'video-appointment-confirmation');
      expect(sent).toHaveLength(1);
      const link = sent[0]!.personalisation.video_link ?? '';
      expect(link).toMatch(/^http:\/\/[^/]+\/video\/join\/[A-Za-z0-9_-]{43}$/);
      const [, appointmentId] = /\/booked\/([A-Za-z0-9\-.]+)$/.exec(booked.location ?? '') ?? [];
      const invite = await store.identity.oidcRecords.find(VIDEO_INVITE_MODEL, sha256(link.split('/').pop()!), Date.now());
      expect(invite).toMatchObject({ appointmentId, role: 'patient' });
    });

    it('shows the times again with a clear error when the chosen time was just taken', async () => {
      const other = await phoneRequest(store, 'dave', 'Back pain');
      const book = await web.get('receptionist', `/app/staff/requests/${other.id}/book?modality=phone`);
      expect(book.body).toContain('Polish interpreter will be added');
      expect(book.body).toContain('They need a longer appointment');
      const slot = slotIdsIn(book.body, 'slot')[0]!;
      await store.repository.update({ ...(await store.repository.read('Slot', slot)), status: 'busy' });
      const taken = await web.post('receptionist', `/app/staff/requests/${other.id}/book`, { action: 'book', modality: 'phone', from: hidden(book.body, 'from')!, slot });
      expect(taken.status).toBe(409);
      expect(taken.body).toContain('That time has just been taken; choose another.');
      expect(slotIdsIn(taken.body, 'slot')).not.toContain(slot);
      const none = await web.post('receptionist', `/app/staff/requests/${other.id}/book`, { action: 'book', modality: 'phone', from: hidden(book.body, 'from')! });
      expect(none.status).toBe(400);
      expect(none.body).toContain('href="#slot">Choose a time to book');
    });

    it('of two staff booking one time at once, one gets it and the other is asked to choose again', async () => {
      const [one, two] = [await phoneRequest(store, 'dave', 'Wheezing'), await phoneRequest(store, 'dave', 'Wheezing again')];
      const page = await web.get('receptionist', `/app/staff/requests/${one.id}/book?modality=video`);
      const slot = slotIdsIn(page.body, 'slot')[0]!;
      const from = hidden(page.body, 'from')!;
      const answers = await Promise.all([
        web.post('receptionist', `/app/staff/requests/${one.id}/book`, { action: 'book', modality: 'video', from, slot }),
        web.post('gpClinician', `/app/staff/requests/${two.id}/book`, { action: 'book', modality: 'video', from, slot }),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([303, 409]);
      expect(answers.find((a) => a.status === 409)!.body).toContain('That time has just been taken; choose another.');
      const booked = await search('Appointment', [['slot', `Slot/${slot}`], ['status', 'booked']]);
      expect(booked).toHaveLength(1);
    });

    it('hides another practice’s requests, and keeps people and volunteers out of the staff pages', async () => {
      const page = await web.get('otherGpClinician', `/app/staff/requests/${request.id}`);
      expect(page.status).toBe(404);
      const inbox = await web.get('otherGpClinician', '/app/staff');
      expect(inbox.body).not.toContain(request.id);
      for (const who of ['patient', 'volunteer'] as const) {
        expect((await web.get(who, `/app/staff/requests/${request.id}`)).status).toBe(403);
        expect((await web.get(who, '/app/staff')).status).toBe(403);
      }
    });
  });
}
