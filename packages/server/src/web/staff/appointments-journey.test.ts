/**
 * The staff's offer, appointments, cancel, rebook and no-show pages over HTTP, on SQLite and
 * PostgreSQL: times offered for a request and the person's choice recorded by staff (the request is
 * then booked), the day's appointments with how people are seen and their interpreter, a no-show
 * only after the start, a cancellation that needs a reason and tells the person, and a rebooking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_REFERENCE_SYSTEM } from '@kindred/care';
import { parseSearchRequest, type StoredResource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { phoneRequest, seedStaffArea } from './staff-fixture.ts';
import { londonDate } from './staff-format.ts';
import { staffTestApp, type StaffTestApp } from './staff-test-app.ts';

const backends = await testBackends();

const hidden = (page: string, name: string): string | undefined => new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(page)?.[1];
const choicesIn = (page: string, name: string): string[] => [...page.matchAll(new RegExp(`name="${name}" type="(?:radio|checkbox)" value="([^"]+)"`, 'g'))].map((m) => m[1]!);

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`staff appointment pages on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let web: StaffTestApp;
    let tomorrow: string;

    const messagesWith = async (reference: string): Promise<StoredResource[]> =>
      (await store.repository.search(parseSearchRequest('Communication', [['identifier', `${MESSAGE_REFERENCE_SYSTEM}|${reference}`]], { handling: 'strict' }))).matches;

    /** Books a phone appointment for the request through the booking page; the Appointment's id. */
    async function bookThroughPage(requestId: string, which = 0): Promise<string> {
      const page = await web.get('receptionist', `/app/staff/requests/${requestId}/book?modality=phone`);
      const booked = await web.post('receptionist', `/app/staff/requests/${requestId}/book`, { action: 'book', modality: 'phone', from: hidden(page.body, 'from')!, slot: choicesIn(page.body, 'slot')[which]! });
      expect(booked.status).toBe(303);
      return /\/booked\/([A-Za-z0-9\-.]+)$/.exec(booked.location!)![1]!;
    }

    beforeAll(async () => {
      store = await backend.open();
      ({ tomorrow } = await seedStaffArea(store));
      web = await staffTestApp(store);
    });
    afterAll(async () => {
      await web?.close();
      await store?.destroy();
    });

    it('offers times for a request, then records the time the person chose: the request is booked', async () => {
      const request = await phoneRequest(store, 'dave', 'A rash on my arm');
      const offerPage = await web.get('receptionist', `/app/staff/requests/${request.id}/book?modality=video&mode=offer`);
      expect(offerPage.status).toBe(200);
      expect(offerPage.body).toContain('<title>Offer times to Test Dunn – Kindred</title>');
      const times = choicesIn(offerPage.body, 'slots');
      expect(times).toHaveLength(6);
      const none = await web.post('receptionist', `/app/staff/requests/${request.id}/book`, { action: 'offer', modality: 'video', from: hidden(offerPage.body, 'from')! });
      expect(none.status).toBe(400);
      expect(none.body).toContain('href="#slots">Choose at least one time to offer');

      const offered = await web.post('receptionist', `/app/staff/requests/${request.id}/book`, { action: 'offer', modality: 'video', from: hidden(offerPage.body, 'from')!, slots: [times[1]!, times[2]!] });
      expect(offered.status).toBe(303);
      expect(offered.location).toBe(`/app/staff/requests/${request.id}?done=offered`);
      const requestPage = await web.get('receptionist', offered.location!);
      expect(requestPage.body).toContain('The times are offered.');
      const [, offerId] = /href="\/app\/staff\/offers\/([A-Za-z0-9\-.]+)"/.exec(requestPage.body) ?? [];
      expect(offerId).toBeDefined();
      expect(await messagesWith(`offer:${offerId}`)).toHaveLength(1);

      const reply = await web.get('receptionist', `/app/staff/offers/${offerId}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toContain('Needs a Polish interpreter');
      expect(choicesIn(reply.body, 'slot')).toEqual([times[1], times[2]]);
      const chosen = await web.post('receptionist', `/app/staff/offers/${offerId}`, { slot: times[2]! });
      expect(chosen.status).toBe(303);
      expect(chosen.location).toMatch(new RegExp(`^/app/staff/requests/${request.id}/booked/`));
      expect(await store.repository.read('Task', offerId!)).toMatchObject({ status: 'completed' });
      expect(await store.repository.read('Task', request.id)).toMatchObject({ status: 'completed', businessStatus: { text: 'Appointment booked' } });
      const again = await web.get('receptionist', `/app/staff/offers/${offerId}`);
      expect(again.body).toContain('This offer has already been answered');
    });

    it('lists the day’s appointments with how people are seen and their interpreter', async () => {
      const request = await phoneRequest(store, 'alice', 'Knee pain');
      await bookThroughPage(request.id);
      const day = await web.get('receptionist', `/app/staff/appointments?date=${tomorrow}`);
      expect(day.status).toBe(200);
      expect(day.body).toMatch(/<caption[^>]*>Appointments on /);
      expect(day.body).toContain('Test Dunn');
      expect(day.body).toContain('Polish interpreter');
      expect(day.body).toContain('British Sign Language interpreter');
      expect(day.body).toMatch(/<td class="nhsuk-table__cell">video<\/td>/);
      expect(day.body).not.toContain('Record did not attend');
      const bad = await web.get('receptionist', '/app/staff/appointments?date=31-02-2026');
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('href="#date">Enter a real day');
      expect(bad.body).toContain('value="31-02-2026"');
    });

    it('records a no-show only once the appointment has started', async () => {
      const future = await bookThroughPage((await phoneRequest(store, 'alice', 'Headaches')).id);
      const early = await web.post('receptionist', `/app/staff/appointments/${future}/no-show`, { date: tomorrow });
      expect(early.status).toBe(409);
      expect(early.body).toContain('has not started yet');
      expect((await store.repository.read('Appointment', future)).status).toBe('booked');

      const start = new Date(Date.now() - 30 * 60_000).toISOString();
      const slot = (await store.repository.create({ resourceType: 'Slot', schedule: { reference: 'Schedule/north-phone' }, status: 'busy', start, end: new Date(Date.parse(start) + 600_000).toISOString() })).resource;
      const past = (
        await store.repository.create({
          resourceType: 'Appointment',
          status: 'booked',
          start,
          end: new Date(Date.parse(start) + 600_000).toISOString(),
          slot: [{ reference: `Slot/${slot.id}` }],
          participant: [{ actor: { reference: 'Patient/alice' }, status: 'accepted' }],
        })
      ).resource;
      const day = await web.get('receptionist', `/app/staff/appointments?date=${londonDate(start)}`);
      expect(day.body).toContain('Record did not attend');
      const missed = await web.post('receptionist', `/app/staff/appointments/${past.id}/no-show`, { date: londonDate(start) });
      expect(missed.status).toBe(303);
      expect((await store.repository.read('Appointment', past.id)).status).toBe('noshow');
    });

    it('cancels with a reason, frees the time and tells the person', async () => {
      const id = await bookThroughPage((await phoneRequest(store, 'alice', 'A sore throat')).id);
      const page = await web.get('receptionist', `/app/staff/appointments/${id}/cancel`);
      expect(page.status).toBe(200);
      expect(page.body).toContain('Before you contact Test');
      const empty = await web.post('receptionist', `/app/staff/appointments/${id}/cancel`, { reason: ' ' });
      expect(empty.status).toBe(400);
      expect(empty.body).toContain('href="#reason">Say why the appointment is cancelled');
      const cancelled = await web.post('receptionist', `/app/staff/appointments/${id}/cancel`, { reason: 'The nurse is ill' });
      expect(cancelled.status).toBe(303);
      const appointment = await store.repository.read('Appointment', id);
      expect(appointment).toMatchObject({ status: 'cancelled', cancelationReason: { text: 'The nurse is ill' } });
      const slotId = (appointment.slot as { reference: string }[])[0]!.reference.slice(5);
      expect((await store.repository.read('Slot', slotId)).status).toBe('free');
      const told = await messagesWith(`cancelled:${id}`);
      expect(told).toHaveLength(1);
      expect(JSON.stringify(told[0]!.payload)).toContain('The nurse is ill');
    });

    it('rebooks to another free time and confirms it', async () => {
      const id = await bookThroughPage((await phoneRequest(store, 'alice', 'Dizzy spells')).id);
      const page = await web.get('receptionist', `/app/staff/appointments/${id}/rebook?modality=video`);
      expect(page.status).toBe(200);
      const slot = choicesIn(page.body, 'slot')[0]!;
      const moved = await web.post('receptionist', `/app/staff/appointments/${id}/rebook`, { modality: 'video', from: hidden(page.body, 'from')!, slot });
      expect(moved.status).toBe(303);
      expect(moved.location).toContain('done=rebooked');
      expect((await store.repository.read('Appointment', id)).status).toBe('cancelled');
      const booked = (await store.repository.search(parseSearchRequest('Appointment', [['slot', `Slot/${slot}`], ['status', 'booked']], { handling: 'strict' }))).matches;
      expect(booked).toHaveLength(1);
      expect(booked[0]).toMatchObject({ serviceType: [{ coding: [{ code: 'video' }] }] });
      expect(await messagesWith(`confirmation:${booked[0]!.id}`)).toHaveLength(1);
    });
  });
}
