/**
 * The reminder sweep on SQLite and PostgreSQL, through the receptionist's access-checked
 * repository, with the local outbox as the channel: reminders go once, by each person's profile,
 * only for booked appointments in the window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resource, StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { DEFAULT_ACCESS_NEEDS, withAccessNeeds } from '../access-needs/index.ts';
import { BOOKING_AREA, NOW, repositoryOf } from '../booking/booking-fixture.ts';
import { bookAppointment, cancelAppointment } from '../booking/book-appointment.ts';
import { createSlots } from '../booking/slots.ts';
import { storeSlotLedger } from '../booking/slot-ledger.ts';
import { outboxChannels } from '../messaging/outbox-channels.ts';
import { MESSAGE_REFERENCE_SYSTEM } from '../messaging/send-message.ts';
import { sendDueReminders } from './send-due-reminders.ts';

const backends = await testBackends();
const RECEPTIONIST = { reference: 'Practitioner/rec-north' };

/** dave reads texts on his mobile; alice needs a Polish interpreter (BOOKING_AREA), so staff phone her */
const AREA: readonly Resource[] = BOOKING_AREA.map((r) =>
  r.resourceType === 'Patient' && r.id === 'dave' ? withAccessNeeds({ ...r, telecom: [{ system: 'sms', value: '07700 900123' }] }, { ...DEFAULT_ACCESS_NEEDS, preferredChannels: ['sms'] }) : r,
);

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`appointment reminders on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let receptionist: Repository;
    beforeAll(async () => {
      store = await backend.open();
      await store.repository.importResources(AREA);
      receptionist = await repositoryOf(store, 'receptionist');
    });
    afterAll(() => store.destroy());

    it('reminds each booked appointment in the next 48 hours once, by the person\'s channel, however often it runs', async () => {
      const ledger = storeSlotLedger(store.repository);
      const soon = await createSlots(receptionist, 'dr-north-schedule', { start: '2030-03-02T10:00:00Z', end: '2030-03-02T10:30:00Z', minutes: 10, modality: 'phone' });
      const later = await createSlots(receptionist, 'dr-north-schedule', { start: '2030-03-05T10:00:00Z', end: '2030-03-05T10:10:00Z', minutes: 10, modality: 'video' });
      const book = (patientId: string, slotId: string) => bookAppointment(receptionist, ledger, { patientId, slotId, bookedBy: RECEPTIONIST, accessNeeds: DEFAULT_ACCESS_NEEDS, now: NOW });
      const daves = await book('dave', soon[0]!.id);
      const alices = await book('alice', soon[1]!.id);
      const cancelled = await book('dave', soon[2]!.id);
      await cancelAppointment(receptionist, ledger, cancelled.id, 'no longer needed', RECEPTIONIST);
      await book('dave', later[0]!.id); // outside the window

      const first = await sendDueReminders(receptionist, outboxChannels(store.outbox), { now: NOW, windowHours: 48 });
      expect(first).toEqual({ due: 2, sent: 1, staffToPhone: 1, alreadyReminded: 0, failed: 0 });
      const second = await sendDueReminders(receptionist, outboxChannels(store.outbox), { now: NOW, windowHours: 48 });
      expect(second).toEqual({ due: 2, sent: 0, staffToPhone: 0, alreadyReminded: 2, failed: 0 });

      const queued = await store.outbox.pending();
      expect(queued).toHaveLength(1);
      expect(queued[0]).toMatchObject({
        channel: 'sms',
        recipient: '+447700900123',
        template: 'appointment-reminder',
        personalisation: { name: 'Test Dunn', appointment_type: 'phone', service: 'North Street Surgery', date: 'Saturday 2 March 2030', time: '10am', phone: '0113 496 0000' },
      });
      const reminders: StoredResource[] = [];
      for await (const c of store.repository.exportResources({ types: ['Communication'] })) reminders.push(c);
      expect(reminders).toHaveLength(2);
      const byAppointment = (id: string) => reminders.find((c) => (c.identifier as { system: string; value: string }[]).some((i) => i.system === MESSAGE_REFERENCE_SYSTEM && i.value === `reminder:${id}`));
      expect(byAppointment(daves.id)).toMatchObject({ status: 'in-progress', about: [{ reference: `Appointment/${daves.id}` }], sender: { reference: 'Organization/gp-north' } });
      expect(byAppointment(alices.id)).toMatchObject({ status: 'on-hold' });
      expect((byAppointment(alices.id)?.statusReason as { text: string }).text).toContain('needs an interpreter (pl)');
    });
  });
}
