/**
 * The video consultation over real HTTP and WebSocket on SQLite and PostgreSQL: links and passes,
 * the waiting room, admission, the relay of signals inside one call only, the limits, reconnection,
 * the "left the waiting room" message, the fallback to phone, the end and the notes; and hostile
 * input that must never crash the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibleRecord, defaultAccessPolicy } from '@kindred/access';
import { accessOf } from '@kindred/access/testing';
import { DEFAULT_ACCESS_NEEDS, MODALITY_USED_EXTENSION, bookAppointment, encounterModalityOf, findConsultation, storeSlotLedger } from '@kindred/care';
import { parseSearchRequest, type StoredResource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { seedStaffArea } from '../web/staff/staff-fixture.ts';
import { MAX_SIGNAL_BYTES, type ServerMessage } from './video-protocol.ts';
import { videoTestApp, type TestSocket, type VideoTestApp } from './video-test-app.ts';

const backends = await testBackends();
const OFFER = { description: { type: 'offer', sdp: 'v=0 offer' } };
const ANSWER = { description: { type: 'answer', sdp: 'v=0 answer' } };

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`video consultations over HTTP and WebSocket on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let t: VideoTestApp;
    let appointments: StoredResource[];
    const sockets: TestSocket[] = [];
    const connect = async (cookie: string | undefined): Promise<TestSocket> => {
      const socket = await t.connect(cookie);
      sockets.push(socket);
      return socket;
    };

    beforeAll(async () => {
      store = await backend.open();
      await seedStaffArea(store);
      t = await videoTestApp(store, { graceMs: 150 });
      const receptionist = (await accessibleRecord(store.repository, accessOf('receptionist'), defaultAccessPolicy())).repository;
      const slots = await store.repository.search(parseSearchRequest('Slot', [['schedule', 'Schedule/north-video'], ['_sort', 'start'], ['_count', '10']], { handling: 'strict' }));
      const ledger = storeSlotLedger(store.repository);
      appointments = [];
      for (const [index, patientId] of ['dave', 'alice', 'dave'].entries()) {
        appointments.push(await bookAppointment(receptionist, ledger, { patientId, slotId: slots.matches[index]!.id, bookedBy: { reference: 'Practitioner/rec-north' }, accessNeeds: DEFAULT_ACCESS_NEEDS, now: Date.now() }));
      }
    });
    afterAll(async () => {
      for (const socket of sockets) socket.socket.terminate();
      await t.close();
      await store.destroy();
    });

    const patientLink = async (appointmentId: string) => (await t.video.createLink('system', { appointmentId, role: 'patient', displayName: 'Dave Dunn' })).path;
    const passCookie = async (path: string): Promise<string> => {
      const opened = await t.open(path);
      expect(opened).toMatchObject({ status: 303, location: '/video/check' });
      return opened.cookie!;
    };
    const gp = () => t.contextOf('gpClinician');
    /** the next message of `type` that matches, skipping others of that type */
    const until = async <T extends 'status' | 'peer-left' | 'peer-joined'>(socket: TestSocket, type: T, match: (m: Extract<ServerMessage, { type: T }>) => boolean) => {
      for (;;) {
        const message = await socket.next(type);
        if (match(message)) return message;
      }
    };

    // shared by the steps of one consultation
    let dave: { cookie: string; socket: TestSocket };
    let clinician: TestSocket;
    let carer: TestSocket;

    it('a link sets the pass cookie; the socket says welcome; without a cookie the upgrade is refused (401)', async () => {
      const cookie = await passCookie(await patientLink(appointments[0]!.id));
      expect(cookie).toMatch(/^kindred_video=[A-Za-z0-9_-]{43}$/);
      const socket = await connect(cookie);
      const welcome = await socket.next('welcome');
      expect(welcome).toMatchObject({ role: 'patient', appointmentId: appointments[0]!.id, iceServers: [], status: { status: 'waiting', estimateMinutes: null } });
      expect(welcome.status.headline).toMatch(/has not started seeing people yet/);
      dave = { cookie, socket };
      expect(await t.refusal(undefined)).toBe(401);
      expect(await t.refusal('kindred_video=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBe(401);
      // a valid pass from another site's page is refused (the browser tests open it from this site's own pages)
      expect(await t.refusal(cookie, '/video/signal', 'https://elsewhere.example')).toBe(403);
      expect(await t.refusal(cookie, '/video/clinic-events', 'https://elsewhere.example')).toBe(403);
    });

    it('a bad or unknown link is a page that says what to do', async () => {
      for (const path of ['/video/join/nonsense', `/video/join/${'A'.repeat(43)}`]) {
        const opened = await t.open(path);
        expect(opened.status).toBe(404);
        expect(opened.cookie).toBeUndefined();
        expect(opened.body).toContain('This link does not work');
      }
    });

    it('a one-time link opened by two browsers at once lets exactly one in, and never again', async () => {
      const { path } = await t.video.invite(await gp(), appointments[0]!.id, { role: 'colleague', displayName: 'Dr Second Opinion' });
      const both = await Promise.all([t.open(path), t.open(path), t.open(path)]);
      expect(both.map((o) => o.status).sort()).toEqual([303, 404, 404]);
      expect(both.filter((o) => o.cookie !== undefined)).toHaveLength(1);
      expect((await t.open(path)).status).toBe(404);
    });

    it('checking in tells the clinician who is waiting, with the privacy answer and access needs', async () => {
      const pass = await t.video.passOf({ headers: { cookie: dave.cookie } } as never);
      await t.video.checkIn(pass!, 'not-sure');
      const clinics = await t.video.clinics(await gp(), Date.parse(String(appointments[0]!.start)));
      const entry = clinics.flatMap((c) => c.entries).find((e) => e.appointmentId === appointments[0]!.id);
      expect(entry).toMatchObject({ patientId: 'dave', status: 'waiting', connected: true, privacyAnswer: 'not-sure' });
      expect(entry?.waitingSince).toBeDefined();
      expect(entry?.accessNeeds.join(' ')).toMatch(/Polish interpreter/);
      expect(await findConsultation(store.repository, appointments[0]!.id)).toMatchObject({ status: 'arrived' });
    });

    it('the clinician opens the clinic and sends a message: the waiting person sees it and an honest estimate', async () => {
      const context = await gp();
      await t.video.messageWaiting(context, { scheduleId: 'north-video' }, 'Running about 10 minutes late, sorry.', 10);
      await until(dave.socket, 'status', (m) => m.status.message?.text === 'Running about 10 minutes late, sorry.');
      await t.video.openClinic(context, 'north-video');
      const latest = await until(dave.socket, 'status', (m) => m.status.estimateMinutes !== null);
      expect(latest.status.headline).toMatch(/running about 10 minutes late/);
      expect(latest.status.estimateMinutes).toBeGreaterThanOrEqual(10);
    });

    it('the clinician joins, admits the person: both get their peers and signals relay both ways', async () => {
      clinician = await connect(await t.clinicianCookie('gpClinician', appointments[0]!.id));
      const welcome = await clinician.next('welcome');
      expect(welcome).toMatchObject({ role: 'clinician', status: { status: 'in-call' } });
      expect((await clinician.next('peers')).peers).toEqual([]);
      await t.video.admit(await gp(), appointments[0]!.id);
      const daveId = (await dave.socket.next('peers')).peers;
      expect(daveId.map((p) => p.role)).toEqual(['clinician']);
      const joined = await clinician.next('peer-joined');
      expect(joined.peer.role).toBe('patient');
      dave.socket.send({ type: 'signal', to: welcome.participantId, data: OFFER });
      expect(await clinician.next('signal')).toEqual({ type: 'signal', from: joined.peer.participantId, data: OFFER });
      clinician.send({ type: 'signal', to: joined.peer.participantId, data: ANSWER });
      expect(await dave.socket.next('signal')).toEqual({ type: 'signal', from: welcome.participantId, data: ANSWER });
      const encounter = await findConsultation(store.repository, appointments[0]!.id);
      expect(encounter).toMatchObject({ status: 'in-progress', participant: [{ type: [{ coding: [{ code: 'PPRF' }] }], individual: { reference: 'Practitioner/dr-north' } }] });
    });

    it('a carer waits until admitted: a signal while waiting is refused; once admitted they get both peers', async () => {
      const { path } = await t.video.invite(await gp(), appointments[0]!.id, { role: 'carer', displayName: 'Ruth (carer)', sendTo: { sms: '07700 900999' } });
      carer = await connect(await passCookie(path));
      const welcome = await carer.next('welcome');
      expect(welcome.status.status).toBe('waiting');
      carer.send({ type: 'signal', to: 'anyone', data: OFFER });
      expect((await carer.next('error')).message).toBe('You are not in the call yet.');
      await t.video.admitParticipant(await gp(), appointments[0]!.id, welcome.participantId);
      expect((await carer.next('peers')).peers.map((p) => p.role).sort()).toEqual(['clinician', 'patient']);
      expect((await dave.socket.next('peer-joined')).peer.displayName).toBe('Ruth (carer)');
      const pending = await store.outbox.pending(100);
      expect(pending.some((m) => m.template === 'video-invite' && m.channel === 'sms')).toBe(true);
    });

    it('a signal to someone not in this call is refused and reaches nobody', async () => {
      const other = await connect(await passCookie(await patientLink(appointments[2]!.id)));
      const otherId = (await other.next('welcome')).participantId;
      dave.socket.send({ type: 'signal', to: otherId, data: OFFER });
      expect((await dave.socket.next('error')).message).toBe('That person is not in the call.');
      dave.socket.send({ type: 'signal', to: 'patient-nobody', data: OFFER });
      expect((await dave.socket.next('error')).message).toBe('That person is not in the call.');
      other.send({ type: 'ping', sentAt: 1 });
      await other.next('pong');
      expect(other.received.some((m) => m.type === 'signal')).toBe(false);
      await other.close();
    });

    it('a fifth person is refused and stays waiting', async () => {
      const context = await gp();
      const interpreter = await connect(await passCookie((await t.video.invite(context, appointments[0]!.id, { role: 'interpreter', displayName: 'Interpreter (Polish)' })).path));
      await t.video.admitParticipant(context, appointments[0]!.id, (await interpreter.next('welcome')).participantId);
      await interpreter.next('peers');
      const colleague = await connect(await passCookie((await t.video.invite(context, appointments[0]!.id, { role: 'colleague', displayName: 'Nurse Kay' })).path));
      const colleagueId = (await colleague.next('welcome')).participantId;
      await expect(t.video.admitParticipant(context, appointments[0]!.id, colleagueId)).rejects.toMatchObject({ status: 409 });
      const view = await t.video.consultation(context, appointments[0]!.id);
      expect(view.entry.participants.filter((p) => p.status === 'in-call')).toHaveLength(4);
      expect(view.entry.participants.find((p) => p.participantId === colleagueId)?.status).toBe('waiting');
      await interpreter.close();
      await colleague.close();
    });

    it('hold moves the person back to the waiting room; the others see them leave', async () => {
      await t.video.hold(await gp(), appointments[0]!.id);
      const status = await until(dave.socket, 'status', (m) => m.status.status === 'on-hold');
      expect(status.status.headline).toMatch(/put you back in the waiting room/);
      // the patient and their carer leave the call; the clinician stays
      await until(clinician, 'peer-left', (m) => m.participantId.startsWith('patient-'));
      expect((await until(carer, 'status', (m) => m.status.status === 'on-hold')).status.status).toBe('on-hold');
      expect((await findConsultation(store.repository, appointments[0]!.id))?.status).toBe('onleave');
    });

    it('the patient drops and comes back on a new socket with the same pass: the same participant, no ghost', async () => {
      const first = (await t.video.consultation(await gp(), appointments[0]!.id)).entry.participants.length;
      const second = await connect(dave.cookie);
      expect(await dave.socket.closed).toBe(4000);
      expect((await second.next('welcome')).status.status).toBe('on-hold');
      dave = { cookie: dave.cookie, socket: second };
      const view = await t.video.consultation(await gp(), appointments[0]!.id);
      expect(view.entry.participants).toHaveLength(first);
      expect(view.entry.connected).toBe(true);
      await t.video.admit(await gp(), appointments[0]!.id);
      expect((await second.next('peers')).peers.map((p) => p.role)).toEqual(['clinician']);
      // the carer comes back with them
      expect((await carer.next('peers')).peers.map((p) => p.role).sort()).toEqual(['clinician', 'patient']);
    });

    it('moving to phone records the modality used on the Appointment and the Encounter; finishing fulfils', async () => {
      const context = await gp();
      await t.video.moveToPhone(context, appointments[0]!.id);
      const status = await until(dave.socket, 'status', (m) => m.status.status === 'phone');
      expect(status.status.headline).toMatch(/will phone you/);
      const appointment = await store.repository.read('Appointment', appointments[0]!.id);
      expect((appointment.extension as { url: string; valueCoding?: { code: string } }[]).find((e) => e.url === MODALITY_USED_EXTENSION)?.valueCoding?.code).toBe('phone');
      expect(encounterModalityOf((await findConsultation(store.repository, appointments[0]!.id))!)).toBe('phone');
      expect((await t.video.consultation(context, appointments[0]!.id)).modalityUsed).toBe('phone');
      await t.video.finish(context, appointments[0]!.id);
      await until(dave.socket, 'status', (m) => m.status.status === 'finished');
      expect((await store.repository.read('Appointment', appointments[0]!.id)).status).toBe('fulfilled');
      expect((await findConsultation(store.repository, appointments[0]!.id))?.status).toBe('finished');
    });

    it('notes are saved with If-Match: a stale version is refused (409)', async () => {
      const context = await gp();
      await t.video.saveNote(context, appointments[0]!.id, 'Spoke by phone. Cough settling.');
      const first = (await t.video.consultation(context, appointments[0]!.id)).note!;
      await t.video.saveNote(context, appointments[0]!.id, 'Spoke by phone. Cough settling. Safety-netted.', first.versionId);
      await expect(t.video.saveNote(context, appointments[0]!.id, 'From an old screen', first.versionId)).rejects.toMatchObject({ status: 409 });
      expect((await t.video.consultation(context, appointments[0]!.id)).note?.text).toBe('Spoke by phone. Cough settling. Safety-netted.');
    });

    it('hostile input never crashes: bad JSON and unknown messages get an error and the socket stays; a huge frame closes it (1009)', async () => {
      const socket = await connect(await passCookie(await patientLink(appointments[2]!.id)));
      await socket.next('welcome');
      for (const bad of ['{not json', '[]', 'null', '{"type":"hello"}', JSON.stringify({ type: 'signal', to: 'x', data: { description: { type: 'bogus' } } })]) {
        socket.send(bad);
        expect((await socket.next('error')).message).toBe('That message was not understood.');
      }
      socket.send({ type: 'ping', sentAt: 42 });
      expect(await socket.next('pong')).toEqual({ type: 'pong', sentAt: 42 });
      socket.send('x'.repeat(MAX_SIGNAL_BYTES + 1));
      expect(await socket.closed).toBe(1009);
      const again = await connect(await passCookie(await patientLink(appointments[2]!.id)));
      again.send({ type: 'ping', sentAt: 1 });
      expect(await again.next('pong')).toEqual({ type: 'pong', sentAt: 1 });
    });

    it('a flood of messages is cut short by the rate limit', async () => {
      const socket = await connect(await passCookie(await patientLink(appointments[2]!.id)));
      await socket.next('welcome');
      for (let i = 0; i < 400; i += 1) socket.send({ type: 'ping', sentAt: i });
      expect((await socket.next('error')).message).toBe('Too many messages: slow down.');
      expect(socket.received.filter((m) => m.type === 'pong').length).toBeLessThan(400);
    });

    it('a checked-in person who leaves and does not come back is sent one message with their link', async () => {
      const cookie = await passCookie(await patientLink(appointments[1]!.id));
      const pass = await t.video.passOf({ headers: { cookie } } as never);
      await t.video.checkIn(pass!, 'yes');
      const socket = await connect(cookie);
      await socket.next('welcome');
      await socket.close();
      const left = async () => (await store.outbox.pending(500)).filter((m) => m.template === 'video-left-waiting-room');
      for (let tries = 0; tries < 100 && (await left()).length === 0; tries += 1) await new Promise((r) => setTimeout(r, 50));
      const sent = await left();
      expect(sent).toHaveLength(1);
      expect(sent[0]!.personalisation.video_link).toMatch(/\/video\/join\/[A-Za-z0-9_-]{43}$/);
      // back and gone again: no second message
      const back = await connect(cookie);
      await back.next('welcome');
      await back.close();
      await new Promise((r) => setTimeout(r, 400));
      expect(await left()).toHaveLength(1);
    });
  });
}
