/**
 * The Encounter of a video appointment end to end on SQLite and PostgreSQL, through the GP's
 * access-checked repository (booking's fixture area): check in, admit, hold, participants, the
 * fallback to phone, the end, and the notes saved with If-Match.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { DEFAULT_ACCESS_NEEDS } from '../access-needs/index.ts';
import { BOOKING_AREA, NOW, repositoryOf } from '../booking/booking-fixture.ts';
import { bookAppointment } from '../booking/book-appointment.ts';
import { MODALITY_GIVEN_EXTENSION } from '../booking/booking-vocabulary.ts';
import { storeSlotLedger } from '../booking/slot-ledger.ts';
import { createSlots } from '../booking/slots.ts';
import { readConsultationNote, saveConsultationNote } from './consultation-note.ts';
import {
  admitToConsultation,
  checkInToConsultation,
  findConsultation,
  finishConsultation,
  holdConsultation,
  moveConsultationToPhone,
  participantJoined,
  participantLeft,
  type EncounterParticipant,
} from './video-encounter.ts';
import { MODALITY_USED_EXTENSION, encounterModalityOf, privacyAnswerOf } from './video-vocabulary.ts';

const backends = await testBackends();
const CLINICIAN = { role: 'clinician' as const, individual: { reference: 'PractitionerRole/dr-north-role', display: 'Dr North' }, display: 'Dr North' };
const CARER = { role: 'carer' as const, display: 'Sam (carer)' };

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`video consultation record on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let gp: Repository;
    let appointments: StoredResource[];
    beforeAll(async () => {
      store = await backend.open();
      await store.repository.importResources(BOOKING_AREA);
      const receptionist = await repositoryOf(store, 'receptionist');
      gp = await repositoryOf(store, 'gpClinician');
      const slots = await createSlots(receptionist, 'dr-north-schedule', { start: '2030-03-04T14:00:00Z', end: '2030-03-04T15:00:00Z', minutes: 15, modality: 'video' });
      const ledger = storeSlotLedger(store.repository);
      appointments = [];
      for (const slot of slots) {
        appointments.push(await bookAppointment(receptionist, ledger, { patientId: 'dave', slotId: slot.id, bookedBy: { reference: 'Practitioner/rec-north' }, accessNeeds: DEFAULT_ACCESS_NEEDS, now: NOW }));
      }
    });
    afterAll(() => store.destroy());

    const at = (minutes: number) => Date.parse('2030-03-04T14:00:00Z') + minutes * 60_000;

    it('checking in makes one virtual video Encounter with the privacy answer; the Appointment is arrived', async () => {
      const appointment = appointments[0]!;
      const encounter = await checkInToConsultation(gp, { appointmentId: appointment.id, privacyAnswer: 'not-sure', now: at(-5) });
      expect(encounter).toMatchObject({ status: 'arrived', class: { code: 'VR' }, subject: { reference: 'Patient/dave' }, appointment: [{ reference: `Appointment/${appointment.id}` }] });
      expect(encounterModalityOf(encounter)).toBe('video');
      expect(privacyAnswerOf(encounter)).toBe('not-sure');
      expect((await gp.read('Appointment', appointment.id)).status).toBe('arrived');
      // back after a dropped connection, now somewhere private: the same Encounter, the new answer
      const again = await checkInToConsultation(gp, { appointmentId: appointment.id, privacyAnswer: 'yes', now: at(-3) });
      expect(again.id).toBe(encounter.id);
      expect(privacyAnswerOf(again)).toBe('yes');
    });

    it('two check-ins at the same moment make one Encounter', async () => {
      const appointment = appointments[1]!;
      const results = await Promise.all([1, 2, 3].map(() => checkInToConsultation(gp, { appointmentId: appointment.id, privacyAnswer: 'yes', now: at(-1) })));
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      const all = await store.repository.search({ resourceType: 'Encounter', filters: [], sort: [], count: 1000, total: 'none', include: [], revinclude: [], ignored: [] });
      expect(all.matches.filter((e) => (e.appointment as { reference: string }[] | undefined)?.[0]?.reference === `Appointment/${appointment.id}`)).toHaveLength(1);
    });

    it('admit, hold and admit again: the status history has a closed period for each step; the clinician is a participant once', async () => {
      const appointmentId = appointments[0]!.id;
      await admitToConsultation(gp, { appointmentId, clinician: CLINICIAN, now: at(0) });
      await holdConsultation(gp, { appointmentId, now: at(4) });
      const readmitted = await admitToConsultation(gp, { appointmentId, clinician: CLINICIAN, now: at(6) });
      expect(readmitted.status).toBe('in-progress');
      expect((readmitted.statusHistory as { status: string; period: { start: string; end?: string } }[]).map((h) => [h.status, h.period.end !== undefined])).toEqual([
        ['arrived', true],
        ['in-progress', true],
        ['onleave', true],
        ['in-progress', false],
      ]);
      expect((readmitted.period as { start: string }).start).toBe(new Date(at(0)).toISOString());
      const participants = readmitted.participant as EncounterParticipant[];
      expect(participants).toHaveLength(1);
      expect(participants[0]).toMatchObject({ type: [{ coding: [{ code: 'PPRF' }] }], individual: { reference: 'PractitionerRole/dr-north-role' }, period: { start: new Date(at(0)).toISOString() } });
    });

    it('a carer joins (by display), reconnects without a second entry, and leaves', async () => {
      const appointmentId = appointments[0]!.id;
      await participantJoined(gp, { appointmentId, participant: CARER, now: at(7) });
      await participantJoined(gp, { appointmentId, participant: CARER, now: at(8) });
      const left = await participantLeft(gp, { appointmentId, participant: CARER, now: at(9) });
      const carers = (left?.participant as EncounterParticipant[]).filter((p) => p.type?.[0]?.coding[0]?.code === 'ESC');
      expect(carers).toEqual([expect.objectContaining({ individual: { display: 'Sam (carer)' }, period: { start: new Date(at(7)).toISOString(), end: new Date(at(9)).toISOString() } })]);
    });

    it('moving to phone records the modality used on the Appointment and the Encounter; the modality given stays video', async () => {
      const appointmentId = appointments[0]!.id;
      const encounter = await moveConsultationToPhone(gp, { appointmentId, clinician: CLINICIAN, now: at(10) });
      expect(encounterModalityOf(encounter)).toBe('phone');
      const appointment = await gp.read('Appointment', appointmentId);
      const extensions = appointment.extension as { url: string; valueCoding?: { code: string } }[];
      expect(extensions.find((e) => e.url === MODALITY_USED_EXTENSION)?.valueCoding?.code).toBe('phone');
      expect(extensions.find((e) => e.url === MODALITY_GIVEN_EXTENSION)?.valueCoding?.code).toBe('video');
    });

    it('moving to phone before the person ever checked in still makes the consultation', async () => {
      const appointmentId = appointments[2]!.id;
      const encounter = await moveConsultationToPhone(gp, { appointmentId, now: at(30) });
      expect(encounter.status).toBe('in-progress');
      expect(encounterModalityOf(encounter)).toBe('phone');
    });

    it('finishing ends the Encounter and every open participant period, and fulfils the Appointment', async () => {
      const appointmentId = appointments[0]!.id;
      const finished = await finishConsultation(gp, { appointmentId, now: at(15) });
      expect(finished).toMatchObject({ status: 'finished', period: { start: new Date(at(0)).toISOString(), end: new Date(at(15)).toISOString() } });
      expect((finished.participant as EncounterParticipant[]).every((p) => p.period?.end !== undefined)).toBe(true);
      expect((await gp.read('Appointment', appointmentId)).status).toBe('fulfilled');
      await expect(checkInToConsultation(gp, { appointmentId, privacyAnswer: 'yes', now: at(16) })).rejects.toThrow(/already finished/);
    });

    it('notes: saved, then changed with the version loaded; a stale version is a conflict and changes nothing', async () => {
      const appointmentId = appointments[0]!.id;
      const author = { reference: 'PractitionerRole/dr-north-role' };
      const first = await saveConsultationNote(gp, { appointmentId, text: 'Cough better. No red flags.', author, now: at(15) });
      const second = await saveConsultationNote(gp, { appointmentId, text: 'Cough better. No red flags. Review in 2 weeks.', author, ifMatchVersion: first.versionId, now: at(16) });
      expect(second.versionId).not.toBe(first.versionId);
      await expect(saveConsultationNote(gp, { appointmentId, text: 'An older screen', author, ifMatchVersion: first.versionId, now: at(17) })).rejects.toMatchObject({ errorName: 'CONFLICT', status: 409 });
      await expect(saveConsultationNote(gp, { appointmentId, text: 'A second new note', author, now: at(17) })).rejects.toMatchObject({ status: 409 });
      const encounter = await findConsultation(gp, appointmentId);
      const note = await readConsultationNote(gp, encounter!.id);
      expect(note).toEqual({ documentId: first.documentId, versionId: second.versionId, text: 'Cough better. No red flags. Review in 2 weeks.' });
      const document = await gp.read('DocumentReference', first.documentId);
      expect(document).toMatchObject({ type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }] }, context: { encounter: [{ reference: `Encounter/${encounter!.id}` }] } });
    });

    it('a GP of another practice cannot check anyone in to this appointment', async () => {
      const other = await repositoryOf(store, 'otherGpClinician');
      await expect(checkInToConsultation(other, { appointmentId: appointments[3]!.id, privacyAnswer: 'yes', now: at(40) })).rejects.toThrow();
      expect(await findConsultation(gp, appointments[3]!.id)).toBeUndefined();
    });
  });
}
