/**
 * What must survive the process on SQLite and PostgreSQL: after a restart the waiting room is built
 * again from the record and a person's pass still works; what link holders do is in the audit trail
 * naming their pass; and a video appointment's reminder carries a link that opens the call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibleRecord, defaultAccessPolicy } from '@kindred/access';
import { accessOf } from '@kindred/access/testing';
import { DEFAULT_ACCESS_NEEDS, bookAppointment, storeSlotLedger } from '@kindred/care';
import { parseSearchRequest, type StoredResource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { startCareJobs } from '../care-jobs/care-jobs.ts';
import { seedStaffArea } from '../web/staff/staff-fixture.ts';
import { videoTestApp } from './video-test-app.ts';

const backends = await testBackends();

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`video after a restart, in the audit trail and in reminders on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let appointment: StoredResource;
    beforeAll(async () => {
      store = await backend.open();
      await seedStaffArea(store);
      const receptionist = (await accessibleRecord(store.repository, accessOf('receptionist'), defaultAccessPolicy())).repository;
      const slots = await store.repository.search(parseSearchRequest('Slot', [['schedule', 'Schedule/north-video'], ['_sort', 'start'], ['_count', '1']], { handling: 'strict' }));
      appointment = await bookAppointment(receptionist, storeSlotLedger(store.repository), { patientId: 'alice', slotId: slots.matches[0]!.id, bookedBy: { reference: 'Practitioner/rec-north' }, accessNeeds: DEFAULT_ACCESS_NEEDS, now: Date.now() });
    });
    afterAll(() => store.destroy());

    it('a video reminder carries the patient link, and the link opens the call', async () => {
      const jobs = startCareJobs({ store, accessPolicy: defaultAccessPolicy(), everyMs: 0, siteUrl: 'https://kindred.example.org' });
      const run = await jobs.runOnce();
      await jobs.stop();
      expect(run.reminders).toMatchObject({ sent: 1, failed: 0 });
      const reminder = (await store.outbox.pending(100)).find((m) => m.template === 'video-appointment-reminder');
      const link = reminder?.personalisation.video_link ?? '';
      expect(link).toMatch(/^https:\/\/kindred\.example\.org\/video\/join\/[A-Za-z0-9_-]{43}$/);
      const t = await videoTestApp(store);
      try {
        const opened = await t.open(new URL(link).pathname);
        expect(opened).toMatchObject({ status: 303, location: '/video/check' });
        // the patient's link is theirs until the day after: it opens again
        expect((await t.open(new URL(link).pathname)).status).toBe(303);
        // the same for a confirmation sent from a page: the link is made from the request's site
        const forConfirmation = await t.video.linkForMessage(appointment, { host: 'kindred.test', protocol: 'https' } as never);
        expect(forConfirmation).toMatch(/^https:\/\/kindred\.test\/video\/join\/[A-Za-z0-9_-]{43}$/);
        expect((await t.open(new URL(forConfirmation!).pathname)).status).toBe(303);
        expect(await t.video.linkForMessage({ ...appointment, serviceType: [] }, { host: 'kindred.test', protocol: 'https' } as never)).toBeUndefined();
      } finally {
        await t.close();
      }
    });

    it('after a restart the waiting room is built from the record and the pass still works; the link holder is in the audit trail by pass', async () => {
      const first = await videoTestApp(store);
      const cookie = (await first.open((await first.video.createLink('system', { appointmentId: appointment.id, role: 'patient', displayName: 'Alice' })).path)).cookie!;
      const pass = (await first.video.passOf({ headers: { cookie } } as never))!;
      await first.video.checkIn(pass, 'yes');
      await first.close();

      const second = await videoTestApp(store);
      try {
        const socket = await second.connect(cookie);
        const welcome = await socket.next('welcome');
        expect(welcome).toMatchObject({ role: 'patient', appointmentId: appointment.id, status: { status: 'waiting' } });
        const clinics = await second.video.clinics(await second.contextOf('gpClinician'), Date.parse(String(appointment.start)));
        const entry = clinics.flatMap((c) => c.entries).find((e) => e.appointmentId === appointment.id);
        expect(entry).toMatchObject({ status: 'waiting', privacyAnswer: 'yes', connected: true });
        expect(entry?.waitingSince).toBeDefined();
        socket.socket.terminate();
      } finally {
        await second.close();
      }
      const events = JSON.stringify((await store.audit.forPatient('alice', { count: 200 })).events);
      expect(events).toContain('kindred-video');
      expect(events).toContain(`urn:kindred:token:video-pass:${pass.passId}`);
    });

    it("the staff's clinic events socket is told when someone arrives; without a session it is refused", async () => {
      const t = await videoTestApp(store);
      try {
        expect(await t.refusal(undefined, '/video/clinic-events')).toBe(401);
        const watcher = await t.connect(undefined, '/video/clinic-events', { 'x-test-who': 'gpClinician' });
        const cookie = (await t.open((await t.video.createLink('system', { appointmentId: appointment.id, role: 'patient', displayName: 'Alice' })).path)).cookie!;
        const patient = await t.connect(cookie);
        await patient.next('welcome');
        expect(await watcher.next('room-changed')).toEqual({ type: 'room-changed' });
        patient.socket.terminate();
        watcher.socket.terminate();
      } finally {
        await t.close();
      }
    });

    it('a GP of another practice cannot see or act on this consultation', async () => {
      const t = await videoTestApp(store);
      try {
        const other = await t.contextOf('otherGpClinician');
        await expect(t.video.admit(other, appointment.id)).rejects.toMatchObject({ status: expect.any(Number) as number });
        const clinics = await t.video.clinics(other, Date.parse(String(appointment.start)));
        expect(clinics.flatMap((c) => c.entries).map((e) => e.appointmentId)).not.toContain(appointment.id);
        // people cannot use the staff side at all
        await expect(t.video.clinics(await t.contextOf('patient'), Date.now())).rejects.toMatchObject({ status: 403 });
      } finally {
        await t.close();
      }
    });
  });
}
