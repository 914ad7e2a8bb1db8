/**
 * Booking by modality end to end on SQLite and PostgreSQL, through the access-checked repositories
 * of the area's receptionist, GP and people (packages/access testing fixture); the slot ledger over
 * the store's own repository, as the server builds it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { DEFAULT_ACCESS_NEEDS, readAccessNeeds } from '../access-needs/index.ts';
import { BOOKING_AREA, NOW, repositoryOf } from './booking-fixture.ts';
import { bookAppointment, cancelAppointment, rebookAppointment, recordNoShow } from './book-appointment.ts';
import { MODALITY_GIVEN_EXTENSION, MODALITY_SYSTEM, PREFERRED_MODALITY_EXTENSION, REBOOKED_AS_EXTENSION } from './booking-vocabulary.ts';
import { createSlots, findFreeSlots } from './slots.ts';
import { storeSlotLedger, type SlotLedger } from './slot-ledger.ts';
import { listAppointmentsForPatient, listDay } from './appointment-lists.ts';
import { offerAppointments, takeUpOffer } from './appointment-offers.ts';
import { rejection } from '../rejection.ts';

const backends = await testBackends();
const RECEPTIONIST = { reference: 'Practitioner/rec-north' };


for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`booking on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let receptionist: Repository;
    let alice: Repository;
    let ledger: SlotLedger;
    let phoneSlots: StoredResource[];
    let videoSlots: StoredResource[];
    beforeAll(async () => {
      store = await backend.open();
      await store.repository.importResources(BOOKING_AREA);
      receptionist = await repositoryOf(store, 'receptionist');
      alice = await repositoryOf(store, 'patient');
      ledger = storeSlotLedger(store.repository);
      phoneSlots = await createSlots(receptionist, 'dr-north-schedule', { start: '2030-03-04T09:00:00Z', end: '2030-03-04T10:00:00Z', minutes: 10, modality: 'phone' });
      videoSlots = await createSlots(receptionist, 'dr-north-schedule', { start: '2030-03-04T14:00:00Z', end: '2030-03-04T15:00:00Z', minutes: 15, modality: 'video' });
    });
    afterAll(() => store.destroy());

    const aliceNeeds = async () => readAccessNeeds(await store.repository.read('Patient', 'alice'));

    it('staff make slots with their modality; free ones are found by organisation and modality, in time order', async () => {
      expect(phoneSlots).toHaveLength(6);
      expect(phoneSlots[0]).toMatchObject({ status: 'free', start: '2030-03-04T09:00:00.000Z', end: '2030-03-04T09:10:00.000Z', serviceType: [{ coding: [{ system: MODALITY_SYSTEM, code: 'phone' }] }] });
      const video = await findFreeSlots(alice, { organisationId: 'gp-north', modality: 'video', from: '2030-03-04T00:00:00Z', to: '2030-03-05T00:00:00Z', count: 10 });
      expect(video.map((s) => s.id)).toEqual(videoSlots.map((s) => s.id));
      expect(await findFreeSlots(alice, { organisationId: 'gp-south', from: '2030-03-04T00:00:00Z', to: '2030-03-05T00:00:00Z', count: 10 })).toEqual([]);
      await expect(createSlots(receptionist, 'dr-north-schedule', { start: '2030-03-04T09:00:00Z', end: '2030-03-04T09:05:00Z', minutes: 10, modality: 'phone' })).rejects.toThrow(/at least 10 minutes after/);
      await expect(createSlots(receptionist, 'dr-north-schedule', { start: '2030-03-04T09:00:00Z', end: '2030-03-04T10:00:00Z', minutes: 10, modality: 'carrier-pigeon' as 'phone' })).rejects.toThrow(/modality must be one of/);
    });

    it('a person cannot make slots', async () => {
      const error = await rejection(createSlots(alice, 'dr-north-schedule', { start: '2030-03-05T09:00:00Z', end: '2030-03-05T09:10:00Z', minutes: 10, modality: 'phone' }));
      expect(error.status).toBe(403);
    });

    it('books a phone appointment with an interpreter, keeping the preference and the modality given', async () => {
      const slot = phoneSlots[0]!;
      const appointment = await bookAppointment(receptionist, ledger, {
        patientId: 'alice',
        slotId: slot.id,
        preferredModality: 'face-to-face',
        reason: 'Cough for three weeks',
        bookedBy: RECEPTIONIST,
        accessNeeds: await aliceNeeds(),
        now: NOW,
      });
      expect(appointment).toMatchObject({
        status: 'booked',
        start: '2030-03-04T09:00:00.000Z',
        minutesDuration: 10,
        slot: [{ reference: `Slot/${slot.id}` }],
        serviceType: [{ coding: [{ system: MODALITY_SYSTEM, code: 'phone' }] }],
        description: 'Cough for three weeks',
      });
      const extensions = appointment.extension as { url: string; valueCoding?: { code: string } }[];
      expect(extensions.find((e) => e.url === PREFERRED_MODALITY_EXTENSION)?.valueCoding?.code).toBe('face-to-face');
      expect(extensions.find((e) => e.url === MODALITY_GIVEN_EXTENSION)?.valueCoding?.code).toBe('phone');
      const participants = appointment.participant as { actor?: { reference?: string; display?: string }; type?: { coding: { code: string }[] }[] }[];
      expect(participants.map((p) => p.actor?.reference ?? p.actor?.display)).toEqual(['Patient/alice', 'PractitionerRole/dr-north-role', 'Polish interpreter']);
      expect(participants[2]?.type?.[0]?.coding[0]?.code).toBe('INTRP');
      expect((await store.repository.read('Slot', slot.id)).status).toBe('busy');
    });

    it('a BSL user gets a BSL interpreter and a longer appointment when they need one', async () => {
      const appointment = await bookAppointment(receptionist, ledger, {
        patientId: 'dave',
        slotId: phoneSlots[1]!.id,
        bookedBy: RECEPTIONIST,
        accessNeeds: { ...DEFAULT_ACCESS_NEEDS, bsl: true, longerAppointment: true },
        now: NOW,
      });
      expect(appointment).toMatchObject({ minutesDuration: 20, end: '2030-03-04T09:30:00.000Z' });
      const participants = appointment.participant as { actor?: { display?: string } }[];
      expect(participants.map((p) => p.actor?.display).filter(Boolean)).toEqual(['British Sign Language interpreter']);
    });

    it('two bookings of one slot at once: one wins, the other is told the time has just been taken', async () => {
      const slot = phoneSlots[2]!;
      const attempt = (patientId: string, repository: Repository) =>
        bookAppointment(repository, ledger, { patientId, slotId: slot.id, bookedBy: { reference: `Patient/${patientId}` }, accessNeeds: DEFAULT_ACCESS_NEEDS, now: NOW });
      const results = await Promise.allSettled([attempt('alice', alice), attempt('dave', receptionist)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected');
      expect((lost?.reason as { errorName: string; message: string }).errorName).toBe('CONFLICT');
      expect((lost?.reason as Error).message).toBe('That time has just been taken; choose another.');
      const booked = await store.repository.search({ resourceType: 'Appointment', filters: [], sort: [], count: 100, total: 'none', include: [], revinclude: [], ignored: [] });
      expect(booked.matches.filter((a) => (a.slot as { reference: string }[])[0]?.reference === `Slot/${slot.id}`)).toHaveLength(1);
    });

    it('a refused appointment frees the slot it claimed', async () => {
      const slot = phoneSlots[3]!;
      // alice may not book for carol: the access check refuses the Appointment after the claim
      const error = await rejection(bookAppointment(alice, ledger, { patientId: 'carol', slotId: slot.id, bookedBy: { reference: 'Patient/alice' }, accessNeeds: DEFAULT_ACCESS_NEEDS, now: NOW }));
      expect(error.status).toBe(403);
      expect((await store.repository.read('Slot', slot.id)).status).toBe('free');
    });

    it('a person sees their own appointments and never another person\'s', async () => {
      const mine = await listAppointmentsForPatient(alice, 'alice');
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((a) => (a.participant as { actor?: { reference?: string } }[]).some((p) => p.actor?.reference === 'Patient/alice'))).toBe(true);
      expect(await listAppointmentsForPatient(alice, 'dave')).toEqual([]);
      const daves = await listAppointmentsForPatient(receptionist, 'dave');
      expect(daves.length).toBeGreaterThan(0);
      const error = await rejection(alice.read('Appointment', daves[0]!.id));
      expect([403, 404]).toContain(error.status);
    });

    it('the day list shows each slot with its appointment', async () => {
      const day = await listDay(receptionist, 'dr-north-schedule', '2030-03-04');
      expect(day).toHaveLength(10);
      expect(day[0]?.appointment?.status).toBe('booked');
      expect(day[5]?.appointment).toBeUndefined();
    });

    it('cancel frees the slot; rebook books the new time first and links the old to the new', async () => {
      const needs = await aliceNeeds();
      const first = await bookAppointment(receptionist, ledger, { patientId: 'alice', slotId: phoneSlots[4]!.id, bookedBy: RECEPTIONIST, accessNeeds: needs, now: NOW });
      const { cancelled, booked } = await rebookAppointment(receptionist, ledger, { appointmentId: first.id, slotId: videoSlots[0]!.id, bookedBy: RECEPTIONIST, accessNeeds: needs, now: NOW });
      expect(cancelled).toMatchObject({ status: 'cancelled', cancelationReason: { text: 'rebooked' } });
      expect((cancelled.extension as { url: string; valueReference?: { reference: string } }[]).find((e) => e.url === REBOOKED_AS_EXTENSION)?.valueReference?.reference).toBe(`Appointment/${booked.id}`);
      expect(booked.serviceType).toEqual([{ coding: [{ system: MODALITY_SYSTEM, code: 'video', display: 'video' }] }]);
      expect((await store.repository.read('Slot', phoneSlots[4]!.id)).status).toBe('free');
      // rebooking onto a taken time leaves the booking as it was
      const error = await rejection(rebookAppointment(receptionist, ledger, { appointmentId: booked.id, slotId: phoneSlots[0]!.id, bookedBy: RECEPTIONIST, accessNeeds: needs, now: NOW }));
      expect(error.errorName).toBe('CONFLICT');
      expect((await store.repository.read('Appointment', booked.id)).status).toBe('booked');
      const gone = await cancelAppointment(alice, ledger, booked.id, 'I feel better', { reference: 'Patient/alice' });
      expect(gone.status).toBe('cancelled');
      expect((await store.repository.read('Slot', videoSlots[0]!.id)).status).toBe('free');
      expect((await rejection(cancelAppointment(alice, ledger, booked.id, 'again', { reference: 'Patient/alice' }))).errorName).toBe('CONFLICT');
      expect((await rejection(cancelAppointment(alice, ledger, booked.id, ' ', { reference: 'Patient/alice' }))).message).toMatch(/Say why/);
    });

    it('a no-show is recorded only after the start time', async () => {
      const appointment = await bookAppointment(receptionist, ledger, { patientId: 'dave', slotId: videoSlots[1]!.id, bookedBy: RECEPTIONIST, accessNeeds: DEFAULT_ACCESS_NEEDS, now: NOW });
      expect((await rejection(recordNoShow(receptionist, appointment.id, NOW))).message).toMatch(/has not started yet/);
      const missed = await recordNoShow(receptionist, appointment.id, Date.parse('2030-03-04T14:30:00Z'));
      expect(missed.status).toBe('noshow');
    });

    it('an offer of times is taken up once, online, and completed with the appointment', async () => {
      const offer = await offerAppointments(receptionist, { patientId: 'alice', slotIds: [videoSlots[2]!.id, videoSlots[3]!.id], offeredBy: RECEPTIONIST, now: NOW });
      expect(offer).toMatchObject({ status: 'requested', for: { reference: 'Patient/alice' }, input: [{ valueReference: { reference: `Slot/${videoSlots[2]!.id}` } }, {}] });
      expect((await rejection(takeUpOffer(alice, ledger, { taskId: offer.id, slotId: phoneSlots[5]!.id, patientId: 'alice', by: { reference: 'Patient/alice' }, now: NOW }))).message).toMatch(/not one of the times offered/);
      const appointment = await takeUpOffer(alice, ledger, { taskId: offer.id, slotId: videoSlots[3]!.id, patientId: 'alice', by: { reference: 'Patient/alice' }, preferredModality: 'video', now: NOW });
      // her profile says she needs a Polish interpreter: added when she books herself too
      expect((appointment.participant as { actor?: { display?: string } }[]).some((p) => p.actor?.display === 'Polish interpreter')).toBe(true);
      const done = await store.repository.read('Task', offer.id);
      expect(done).toMatchObject({ status: 'completed', output: [{ valueReference: { reference: `Appointment/${appointment.id}` } }] });
      expect((await rejection(takeUpOffer(alice, ledger, { taskId: offer.id, slotId: videoSlots[2]!.id, patientId: 'alice', by: { reference: 'Patient/alice' }, now: NOW }))).errorName).toBe('CONFLICT');
    });
  });
}
