/**
 * The video routes reached without an account (decision 0015): opening a link
 * (GET /video/join/:token → the pass cookie, then the device check), the signalling WebSocket
 * (GET /video/signal, authenticated by the pass cookie: 401 without one) and the staff's
 * room-change socket (GET /video/clinic-events, authenticated by the web session). The web plugin
 * registers these and the person's pages (pages/video-person-pages.ts) outside the signed-in scope.
 *
 * Frames bigger than MAX_SIGNAL_BYTES close the socket (1009, by `ws`); a pass may hold at most
 * MAX_SOCKETS_PER_PASS sockets at once and open at most OPENS_PER_MINUTE.
 */
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { html } from '../pages/html.ts';
import { renderPublicWebPage } from '../web/web-layout.ts';
import { MAX_SIGNAL_BYTES } from './video-protocol.ts';
import type { VideoRouteDeps } from './video-route-deps.ts';
import type { VideoPass, WebContext } from './video-service-types.ts';

export type { VideoRouteDeps };

/** Sockets one pass may hold at once (a reconnection overlaps the old socket for a moment). */
export const MAX_SOCKETS_PER_PASS = 3;
/** Sockets one pass may open in a minute. */
export const OPENS_PER_MINUTE = 30;

function linkProblemPage(): string {
  return renderPublicWebPage(
    'This link does not work',
    html`<h1>This link does not work</h1>
      <p>The link may have been used already, or it may be out of date. A link for a carer, an interpreter or a colleague works only once.</p>
      <h2>What you can do</h2>
      <ul>
        <li>If this is your own appointment, open the link in your latest text message or email about it.</li>
        <li>If someone sent you this link, ask them for a new one.</li>
        <li>Or phone the practice: they can phone you for the appointment instead.</li>
      </ul>`,
  );
}

/** Text of a frame, whatever shape `ws` gives it. */
/**
 * A browser's WebSocket handshake carries its page's Origin, and a cookie may ride along from
 * another site's page: the upgrade is accepted only from this site's own pages (RFC 6455 §10.2).
 * A client that is not a browser sends no Origin; its pass alone decides.
 */
function fromThisSite(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
}

const frameText = (data: Buffer | ArrayBuffer | Buffer[]): string => (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');

export function videoRoutes(deps: VideoRouteDeps) {
  return async function video(app: FastifyInstance): Promise<void> {
    await app.register(fastifyWebsocket, { options: { maxPayload: MAX_SIGNAL_BYTES } });
    const passes = new WeakMap<FastifyRequest, VideoPass>();
    const staff = new WeakMap<FastifyRequest, WebContext>();
    // sockets and recent opens per pass (this process)
    const open = new Map<string, number>();
    const opens = new Map<string, number[]>();

    app.get('/video/join/:token', async (request, reply) => {
      const { token } = request.params as { token: string };
      const pass = await deps.video.redeemLink(token, reply);
      reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer');
      if (pass === undefined) return deps.send(reply, 404, linkProblemPage());
      return reply.redirect('/video/check', 303);
    });

    app.get(
      '/video/signal',
      {
        websocket: true,
        preValidation: async (request, reply) => {
          if (!fromThisSite(request)) return reply.code(403).header('Cache-Control', 'no-store').send({ error: 'Video calls open only from this site.' });
          const pass = await deps.video.passOf(request);
          if (pass === undefined) return reply.code(401).header('Cache-Control', 'no-store').send({ error: 'Open your video link again.' });
          const now = Date.now();
          const recent = (opens.get(pass.passId) ?? []).filter((t) => now - t < 60_000);
          if ((open.get(pass.passId) ?? 0) >= MAX_SOCKETS_PER_PASS || recent.length >= OPENS_PER_MINUTE) {
            return reply.code(429).header('Retry-After', '10').send({ error: 'Too many connections: wait a moment and reload the page.' });
          }
          opens.set(pass.passId, [...recent, now]);
          if (opens.size > 50_000) opens.clear();
          passes.set(request, pass);
          return undefined;
        },
      },
      (socket: WebSocket, request) => {
        const pass = passes.get(request);
        if (pass === undefined) return socket.close(1011, 'No pass');
        open.set(pass.passId, (open.get(pass.passId) ?? 0) + 1);
        // frames that arrive while the call is loaded wait for it, in order
        const early: string[] = [];
        let handlers: { message(text: string): void; close(): void } | undefined;
        let closed = false;
        socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
          const text = frameText(data);
          if (handlers === undefined) early.push(text);
          else handlers.message(text);
        });
        socket.on('close', () => {
          closed = true;
          const left = (open.get(pass.passId) ?? 1) - 1;
          if (left <= 0) open.delete(pass.passId);
          else open.set(pass.passId, left);
          handlers?.close();
        });
        socket.on('error', () => undefined);
        deps.video.openSocket(pass, { send: (text) => socket.send(text), close: (code, reason) => socket.close(code, reason) }).then(
          (opened) => {
            handlers = opened;
            if (closed) return opened.close();
            for (const text of early.splice(0)) opened.message(text);
          },
          () => socket.close(1011, 'This appointment could not be loaded'),
        );
      },
    );

    app.get(
      '/video/clinic-events',
      {
        websocket: true,
        preValidation: async (request, reply) => {
          if (!fromThisSite(request)) return reply.code(403).header('Cache-Control', 'no-store').send({ error: 'Video calls open only from this site.' });
          const context = deps.staffContext === undefined ? undefined : await deps.staffContext(request, reply);
          if (context === undefined || context.principal.kind !== 'staff') return reply.code(401).send({ error: 'Sign in as staff.' });
          staff.set(request, context);
          return undefined;
        },
      },
      (socket: WebSocket, request) => {
        const context = staff.get(request);
        if (context === undefined) return socket.close(1011, 'No session');
        let unwatch: (() => void) | undefined;
        let closed = false;
        socket.on('message', () => undefined);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          closed = true;
          unwatch?.();
        });
        deps.video.watchClinics(context, { send: (text) => socket.send(text), close: (code, reason) => socket.close(code, reason) }).then(
          (stop) => {
            unwatch = stop;
            if (closed) stop();
          },
          () => socket.close(1011, 'The clinics could not be loaded'),
        );
      },
    );
  };
}
