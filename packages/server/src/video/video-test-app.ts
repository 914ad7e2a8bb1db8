/**
 * Test support for the video tests (imported only by *.test.ts): the video routes in a Fastify
 * app listening on a random loopback port over a real test store, the video service as the web app
 * builds it, the staff's web context made as the web plugin makes it (access-checked, audited) for
 * one of the access tests' area, and small WebSocket and HTTP clients.
 */
import { accessibleRecord, auditedRepository, createAuditWriter, createTokenService, defaultAccessPolicy } from '@kindred/access';
import { WHO, accessOf, type Who } from '@kindred/access/testing';
import { outboxChannels } from '@kindred/care';
import { isFhirError } from '@kindred/fhir';
import type { Store } from '@kindred/store';
import Fastify, { type FastifyInstance } from 'fastify';
import { WebSocket } from 'ws';
import { settingsOf } from '../http/app-config.ts';
import { sendPage } from '../pages/pages-plugin.ts';
import { frontDoorOf } from '../web/web-plugin.ts';
import { FrontDoor } from '../web/web-layout.ts';
import type { WebContext } from '../web/web-context.ts';
import type { ServerMessage } from './video-protocol.ts';
import { videoRoutes } from './video-routes.ts';
import { createVideoService, type VideoService } from './video-service.ts';

export interface TestSocket {
  socket: WebSocket;
  received: ServerMessage[];
  /** the next message of this type not yet taken (waits for it) */
  next<T extends ServerMessage['type']>(type: T, timeoutMs?: number): Promise<Extract<ServerMessage, { type: T }>>;
  send(value: unknown): void;
  /** the close code, once closed */
  closed: Promise<number>;
  close(): Promise<number>;
}

export interface VideoTestApp {
  app: FastifyInstance;
  video: VideoService;
  base: string;
  contextOf(who: Who): Promise<WebContext>;
  /** opens a link path; the cookie it sets, if any */
  open(path: string): Promise<{ status: number; location?: string; cookie?: string; body: string }>;
  /** the clinician's pass cookie for an appointment, as POST …/join gives it */
  clinicianCookie(who: Who, appointmentId: string): Promise<string>;
  connect(cookie: string | undefined, path?: string, headers?: Record<string, string>): Promise<TestSocket>;
  /** the upgrade's refusal status when the socket cannot open */
  refusal(cookie: string | undefined, path?: string, origin?: string): Promise<number>;
  close(): Promise<void>;
}

const NAMES: Partial<Record<Who, string>> = { gpClinician: 'Dr North', receptionist: 'Rita Desk', otherGpClinician: 'Dr South' };

export async function videoTestApp(store: Store, options: { graceMs?: number } = {}): Promise<VideoTestApp> {
  const settings = settingsOf({ store, tokens: createTokenService(store.settings), version: 'test', logger: false });
  const auditWriter = createAuditWriter(store.audit);
  const video = createVideoService({ settings, channels: outboxChannels(store.outbox), auditWriter, ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}) });
  const contextOf = async (who: Who): Promise<WebContext> => {
    const access = accessOf(who);
    const record = await accessibleRecord(store.repository, access, defaultAccessPolicy(), Date.now());
    const frontDoor = frontDoorOf(record.principal) ?? FrontDoor.person;
    const displayName = NAMES[who] ?? (who === 'system' ? 'system' : WHO[who]);
    return {
      session: { key: `session-${who}` } as WebContext['session'],
      access,
      principal: record.principal,
      record: auditedRepository(record.repository, access, auditWriter),
      frontDoor,
      viewer: { frontDoor, displayName, csrf: 'test' },
    };
  };
  const app = Fastify({ logger: false });
  app.setErrorHandler((error, _request, reply) => reply.code(isFhirError(error) ? error.status : 500).send({ error: (error as Error).message }));
  await app.register(
    videoRoutes({
      video,
      settings,
      send: (reply, status, page) => sendPage(reply, status, page),
      // who is signed in is chosen per request in these tests (the web session is the sign-in tests' business)
      staffContext: async (request) => {
        const who = request.headers['x-test-who'];
        return typeof who === 'string' ? contextOf(who as Who) : undefined;
      },
    }),
  );
  // what the staff's POST /app/staff/video/:id/join does: a clinician's pass cookie
  app.post('/test/clinician-pass/:who/:appointmentId', async (request, reply) => {
    const { who, appointmentId } = request.params as { who: Who; appointmentId: string };
    await video.clinicianPass(await contextOf(who), appointmentId, reply);
    return reply.code(204).send();
  });
  app.addHook('onClose', async () => {
    video.close();
    await auditWriter.flush();
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const base = `http://127.0.0.1:${port}`;

  const cookieOf = (response: Response): string | undefined => {
    const header = response.headers.getSetCookie().find((c) => c.startsWith('kindred_video='));
    return header?.split(';')[0];
  };

  const connect = (cookie: string | undefined, path = '/video/signal', headers: Record<string, string> = {}): Promise<TestSocket> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers: { ...headers, ...(cookie !== undefined ? { cookie } : {}) } });
      const received: ServerMessage[] = [];
      const taken = new Set<ServerMessage>();
      const waiters: (() => void)[] = [];
      let closeCode: (code: number) => void = () => undefined;
      const closed = new Promise<number>((done) => (closeCode = done));
      socket.on('message', (data: Buffer) => {
        received.push(JSON.parse(data.toString('utf8')) as ServerMessage);
        for (const wake of waiters.splice(0)) wake();
      });
      socket.on('close', (code) => {
        closeCode(code);
        for (const wake of waiters.splice(0)) wake();
      });
      socket.on('error', (error) => reject(error));
      socket.on('open', () =>
        resolve({
          socket,
          received,
          closed,
          send: (value) => socket.send(typeof value === 'string' ? value : JSON.stringify(value)),
          close: () => {
            socket.close();
            return closed;
          },
          next: async <T extends ServerMessage['type']>(type: T, timeoutMs = 5000) => {
            const deadline = Date.now() + timeoutMs;
            for (;;) {
              const found = received.find((m) => m.type === type && !taken.has(m));
              if (found !== undefined) {
                taken.add(found);
                return found as Extract<ServerMessage, { type: T }>;
              }
              if (Date.now() > deadline || socket.readyState === WebSocket.CLOSED) throw new Error(`no "${type}" message; received ${JSON.stringify(received.map((m) => m.type))}`);
              await new Promise<void>((wake) => {
                waiters.push(wake);
                setTimeout(wake, 50);
              });
            }
          },
        }),
      );
    });

  return {
    app,
    video,
    base,
    contextOf,
    async open(path) {
      const response = await fetch(`${base}${path}`, { redirect: 'manual' });
      const location = response.headers.get('location') ?? undefined;
      const cookie = cookieOf(response);
      return { status: response.status, body: await response.text(), ...(location !== undefined ? { location } : {}), ...(cookie !== undefined ? { cookie } : {}) };
    },
    async clinicianCookie(who, appointmentId) {
      const response = await fetch(`${base}/test/clinician-pass/${who}/${appointmentId}`, { method: 'POST' });
      const cookie = cookieOf(response);
      if (response.status !== 204 || cookie === undefined) throw new Error(`no clinician pass: ${response.status} ${await response.text()}`);
      return cookie;
    },
    connect,
    refusal: (cookie, path = '/video/signal', origin) =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers: cookie !== undefined ? { cookie } : {}, ...(origin !== undefined ? { origin } : {}) });
        socket.on('unexpected-response', (_request, response) => {
          resolve(response.statusCode ?? 0);
          socket.terminate();
        });
        socket.on('open', () => {
          socket.close();
          reject(new Error('the socket opened'));
        });
        socket.on('error', () => undefined);
      }),
    close: () => app.close(),
  };
}
