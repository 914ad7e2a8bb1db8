/**
 * The video section (decision 0015): the signalling capacity of one process. Kindred's video
 * routes and service run in this process on a fresh store, over real WebSockets on loopback:
 * waiting rooms (clinics) each with people waiting, and calls of four (a clinician, the patient, a
 * carer and an interpreter) exchanging offers, answers and ICE candidates. The load grows in
 * stages; the largest stage with no error, no refused or dropped socket and every signal delivered
 * is reported, with the sockets held, the relay latency (sender to receiver, the same clock: one
 * signal at a time at the full load, and every call's signals sent at once) and the
 * memory per socket (RSS growth over the sockets opened; the client ends live in this process too,
 * so it is an upper bound for the server's).
 *
 * Links are made as the reminder sweep makes them (the invite table); the clinician admits through
 * the service with their access-checked record, as the staff pages do.
 */
import { accessibleRecord, auditedRepository, createAuditWriter, createTokenService, defaultAccessPolicy } from '@kindred/access';
import { AREA, accessOf } from '@kindred/access/testing';
import { outboxChannels } from '@kindred/care';
import type { Resource } from '@kindred/fhir';
import { openStore, type Store } from '@kindred/store';
import Fastify from 'fastify';
import { WebSocket } from 'ws';
import { settingsOf } from '../../packages/server/src/http/app-config.ts';
import { sendPage } from '../../packages/server/src/pages/pages-plugin.ts';
import { patientParticipantId } from '../../packages/server/src/video/video-live.ts';
import { createVideoInvite } from '../../packages/server/src/video/video-passes.ts';
import type { ServerMessage } from '../../packages/server/src/video/video-protocol.ts';
import { videoRoutes } from '../../packages/server/src/video/video-routes.ts';
import { createVideoService, type VideoService, type WebContext } from '../../packages/server/src/video/video-service.ts';
import { BenchFailure } from './bench-failure.ts';
import type { BenchStore } from './backends.ts';
import { formatCount, type Reporter } from './console-progress.ts';
import type { Figure } from './figures.ts';
import type { BackendKind } from './options.ts';
import { summariseLatency, type LatencySummary } from './search-step.ts';

/** The full load: waiting rooms × people waiting in each, and calls × people in each. */
export const VIDEO_LOAD = { rooms: 200, waitingPerRoom: 5, calls: 100, perCall: 4 } as const;
export type VideoLoad = { readonly rooms: number; readonly waitingPerRoom: number; readonly calls: number; readonly perCall: number };
/** The load for a run: a tenth when the runs are few (the harness's own tiny test), the full load otherwise. */
export const videoLoadFor = (runs: number): VideoLoad => (runs < 10 ? { ...VIDEO_LOAD, rooms: VIDEO_LOAD.rooms / 10, calls: VIDEO_LOAD.calls / 10 } : VIDEO_LOAD);
/** The stages the load grows through (fractions of the full load). */
const STAGES = [0.25, 0.5, 1] as const;
const CANDIDATES_PER_PEER = 5;
/** signals sent one at a time, each waited for, at the full load */
const PACED_SIGNALS = 500;
const MODALITY_SYSTEM = 'https://kindred.health/fhir/CodeSystem/consultation-modality';

export interface VideoMeasurement {
  backend: BackendKind;
  scale: string;
  /** sockets open at the largest load without errors */
  socketsHeld: number;
  /** one signal at a time across the calls, while every socket is held */
  relay: LatencySummary;
  /** every participant of every call signalling every other at once (offers, answers, candidates) */
  burst: LatencySummary & { signals: number };
  rssPerSocketKiB: number;
  /** the largest stage reached with no error: its sockets */
  largestCleanSockets: number;
  errors: string[];
}

interface Client {
  socket: WebSocket;
  participantId: string;
  received: ServerMessage[];
  errors: string[];
}

const appointmentOf = (id: string, scheduleId: string, start: string, patient: string): Resource[] => [
  { resourceType: 'Slot', id: `slot-${id}`, status: 'busy', schedule: { reference: `Schedule/${scheduleId}` }, start, end: new Date(Date.parse(start) + 600_000).toISOString(), serviceType: [{ coding: [{ system: MODALITY_SYSTEM, code: 'video' }] }] },
  {
    resourceType: 'Appointment',
    id,
    status: 'booked',
    start,
    end: new Date(Date.parse(start) + 600_000).toISOString(),
    minutesDuration: 10,
    slot: [{ reference: `Slot/slot-${id}` }],
    serviceType: [{ coding: [{ system: MODALITY_SYSTEM, code: 'video' }] }],
    participant: [
      { actor: { reference: `Patient/${patient}` }, status: 'accepted' },
      { actor: { reference: 'PractitionerRole/dr-north-role' }, status: 'accepted' },
    ],
  },
];

function areaFor(now: number, load: VideoLoad): { resources: Resource[]; rooms: string[][]; calls: string[] } {
  const start = (minutes: number) => new Date(now + 3_600_000 + minutes * 60_000).toISOString();
  const resources: Resource[] = [...AREA];
  const rooms: string[][] = [];
  for (let r = 0; r < load.rooms; r += 1) {
    resources.push({ resourceType: 'Schedule', id: `bench-clinic-${r}`, active: true, actor: [{ reference: 'PractitionerRole/dr-north-role' }] });
    const ids: string[] = [];
    for (let w = 0; w < load.waitingPerRoom; w += 1) {
      const id = `bench-wait-${r}-${w}`;
      resources.push(...appointmentOf(id, `bench-clinic-${r}`, start(w * 10), w % 2 === 0 ? 'dave' : 'alice'));
      ids.push(id);
    }
    rooms.push(ids);
  }
  const calls: string[] = [];
  resources.push({ resourceType: 'Schedule', id: 'bench-calls', active: true, actor: [{ reference: 'PractitionerRole/dr-north-role' }] });
  for (let c = 0; c < load.calls; c += 1) {
    const id = `bench-call-${c}`;
    resources.push(...appointmentOf(id, 'bench-calls', start(c), c % 2 === 0 ? 'dave' : 'alice'));
    calls.push(id);
  }
  return { resources, rooms, calls };
}

function connect(port: number, cookie: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/video/signal`, { headers: { cookie } });
    const client: Client = { socket, participantId: '', received: [], errors: [] };
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as ServerMessage;
      if (message.type === 'welcome') {
        client.participantId = message.participantId;
        resolve(client);
      }
      if (message.type === 'error') client.errors.push(message.message);
      if (message.type !== 'status') client.received.push(message);
    });
    socket.on('close', (code) => {
      if (client.participantId === '') reject(new BenchFailure(`a socket closed before its welcome (${code})`));
      else if (code !== 1000 && code !== 1005) client.errors.push(`closed ${code}`);
    });
    socket.on('unexpected-response', (_request, response) => reject(new BenchFailure(`a socket was refused: HTTP ${response.statusCode ?? '?'}`)));
    socket.on('error', (error) => reject(error));
  });
}

async function passCookie(origin: string, path: string): Promise<string> {
  const response = await fetch(`${origin}${path}`, { redirect: 'manual' });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('kindred_video='))?.split(';')[0];
  if (response.status !== 303 || cookie === undefined) throw new BenchFailure(`opening a video link answered ${response.status}`);
  return cookie;
}

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return out;
}

const wait = (ms: number) => new Promise((done) => setTimeout(done, ms));

export async function measureVideo(benchStore: BenchStore, reporter: Reporter, load: VideoLoad = VIDEO_LOAD): Promise<VideoMeasurement> {
  const store: Store = await openStore(benchStore.config);
  const now = Date.now();
  const { resources, rooms, calls } = areaFor(now, load);
  const imported = await store.repository.importResources(resources);
  const rejected = imported.filter((r) => r.outcome === 'rejected');
  if (rejected.length > 0) throw new BenchFailure(`the video area was refused: ${JSON.stringify(rejected.slice(0, 3))}`);

  const settings = settingsOf({ store, tokens: createTokenService(store.settings), version: 'bench', logger: false });
  const auditWriter = createAuditWriter(store.audit);
  const video: VideoService = createVideoService({ settings, channels: outboxChannels(store.outbox), auditWriter, graceMs: 3_600_000 });
  const app = Fastify({ logger: false });
  await app.register(videoRoutes({ video, settings, send: (reply, status, page) => sendPage(reply, status, page) }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const origin = `http://127.0.0.1:${port}`;
  const access = accessOf('gpClinician');
  const record = await accessibleRecord(store.repository, access, defaultAccessPolicy(), now);
  const clinician: WebContext = { session: { key: 'bench' }, access, principal: record.principal, record: auditedRepository(record.repository, access, auditWriter), viewer: { displayName: 'Dr North' } };
  const invite = async (appointmentId: string, role: 'patient' | 'clinician' | 'carer' | 'interpreter', index: number) =>
    (
      await createVideoInvite(store.identity.oidcRecords, {
        appointmentId,
        role,
        displayName: `${role} ${index}`,
        participantId: role === 'patient' ? patientParticipantId(appointmentId) : `bench-${role}-${appointmentId}`,
        oneTime: role !== 'patient',
        expiresAt: now + 86_400_000,
      })
    ).path;

  const clients: Client[] = [];
  const latencies: number[] = [];
  const paced: number[] = [];
  let calls4: Client[][] = [];
  let lastClean = 0;
  const errors: string[] = [];
  try {
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let roomsDone = 0;
    let callsDone = 0;
    for (const stage of STAGES) {
      const roomsTo = Math.round(load.rooms * stage);
      const callsTo = Math.round(load.calls * stage);
      reporter.note(`stage: ${formatCount(roomsTo)} waiting rooms × ${load.waitingPerRoom} waiting, ${formatCount(callsTo)} calls × ${load.perCall}`);
      // the waiting: each opens their link, checks in and keeps the socket open
      const waiting = rooms.slice(roomsDone, roomsTo).flat();
      clients.push(
        ...(await inBatches(waiting, 50, async (appointmentId) => {
          const cookie = await passCookie(origin, await invite(appointmentId, 'patient', 0));
          const client = await connect(port, cookie);
          const pass = await video.passOf({ headers: { cookie } } as never);
          if (pass === undefined) throw new BenchFailure('a pass was not found');
          await video.checkIn(pass, 'yes');
          return client;
        })),
      );
      // the calls: the clinician is in at once; the patient is admitted, then the carer and interpreter
      const stageCalls = calls.slice(callsDone, callsTo);
      const callClients = await inBatches(stageCalls, 10, async (appointmentId) => {
        const people = await Promise.all((['clinician', 'patient', 'carer', 'interpreter'] as const).map(async (role, i) => connect(port, await passCookie(origin, await invite(appointmentId, role, i)))));
        await video.admit(clinician, appointmentId);
        for (const other of people.slice(2)) await video.admitParticipant(clinician, appointmentId, other.participantId);
        return people;
      });
      for (const people of callClients) clients.push(...people);
      calls4 = [...calls4, ...callClients];
      // each newcomer's offers, the answers and the candidates, every way between the four
      const expected = new Map<Client, number>();
      const sent = Date.now();
      for (const people of callClients) {
        for (const from of people) {
          for (const to of people) {
            if (from === to) continue;
            const stamp = () => String(performance.now());
            from.socket.send(JSON.stringify({ type: 'signal', to: to.participantId, data: { description: { type: from.participantId < to.participantId ? 'offer' : 'answer', sdp: stamp() } } }));
            for (let c = 0; c < CANDIDATES_PER_PEER; c += 1) from.socket.send(JSON.stringify({ type: 'signal', to: to.participantId, data: { candidate: { candidate: stamp(), sdpMid: '0' } } }));
            expected.set(to, (expected.get(to) ?? 0) + 1 + CANDIDATES_PER_PEER);
          }
        }
      }
      const signalsOf = (client: Client) => client.received.filter((m) => m.type === 'signal');
      for (;;) {
        const missing = [...expected].filter(([client, count]) => signalsOf(client).length < count).length;
        if (missing === 0) break;
        if (Date.now() - sent > 30_000) {
          errors.push(`${missing} participants did not get every signal within 30 s`);
          break;
        }
        await wait(20);
      }
      for (const client of expected.keys()) {
        for (const message of signalsOf(client)) {
          if (message.type !== 'signal') continue;
          const data = message.data as { description?: { sdp?: string }; candidate?: { candidate?: string } };
          const at = Number(data.description?.sdp ?? data.candidate?.candidate);
          if (Number.isFinite(at)) latencies.push(performance.now() - at);
        }
        client.received = client.received.filter((m) => m.type !== 'signal');
      }
      errors.push(...clients.flatMap((c) => c.errors));
      if (errors.length > 0) break;
      lastClean = clients.length;
      roomsDone = roomsTo;
      callsDone = callsTo;
    }
    // at the full load: one signal at a time, each waited for
    if (errors.length === 0) {
      for (let i = 0; i < PACED_SIGNALS && calls4.length > 0; i += 1) {
        const people = calls4[i % calls4.length]!;
        const from = people[i % people.length]!;
        const to = people[(i + 1) % people.length]!;
        const before = to.received.length;
        const at = performance.now();
        from.socket.send(JSON.stringify({ type: 'signal', to: to.participantId, data: { candidate: { candidate: String(at), sdpMid: '0' } } }));
        while (to.received.length === before) {
          if (performance.now() - at > 5000) throw new BenchFailure('a signal was not relayed within 5 s');
          await new Promise((done) => setImmediate(done));
        }
        paced.push(performance.now() - at);
        to.received = [];
      }
    }
    await wait(200);
    global.gc?.();
    const rssAfter = process.memoryUsage().rss;
    const held = video.openSockets();
    if (held !== clients.length) errors.push(`the server holds ${held} sockets, ${clients.length} were opened`);
    return {
      backend: benchStore.backend,
      scale: `${load.rooms} rooms × ${load.waitingPerRoom} + ${load.calls} calls × ${load.perCall}`,
      socketsHeld: held,
      relay: summariseLatency([...paced].sort((a, b) => a - b)),
      burst: { ...summariseLatency([...latencies].sort((a, b) => a - b)), signals: latencies.length },
      rssPerSocketKiB: clients.length === 0 ? 0 : (rssAfter - rssBefore) / clients.length / 1024,
      largestCleanSockets: lastClean,
      errors: [...new Set(errors)].slice(0, 10),
    };
  } finally {
    // stop the hub first: the sockets closing below schedule no more work
    video.close();
    for (const client of clients) client.socket.terminate();
    await app.close();
    await auditWriter.flush();
    await store.close();
  }
}

export function videoFigures(m: VideoMeasurement): Figure[] {
  const at = { section: 'video' as const, backend: m.backend, scale: m.scale };
  const round = (value: number) => Math.round(value * 100) / 100;
  return [
    { ...at, name: 'signalling sockets held', value: m.socketsHeld, unit: 'sockets', better: 'higher' },
    { ...at, name: 'largest load without errors', value: m.largestCleanSockets, unit: 'sockets', better: 'higher', ...(m.errors.length > 0 ? { note: m.errors[0] } : {}) },
    { ...at, name: 'signal relay p50', value: round(m.relay.p50), unit: 'ms', better: 'lower' },
    { ...at, name: 'signal relay p95', value: round(m.relay.p95), unit: 'ms', better: 'lower' },
    { ...at, name: `signal relay in a burst of ${formatCount(m.burst.signals)} p95`, value: round(m.burst.p95), unit: 'ms', better: 'lower' },
    { ...at, name: 'RSS per socket (both ends)', value: round(m.rssPerSocketKiB), unit: 'KiB', better: 'lower' },
  ];
}
