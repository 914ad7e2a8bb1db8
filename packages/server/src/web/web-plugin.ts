/**
 * The web app under /app as one Fastify plugin scope: signing in and out through the sign-in
 * service (web-session.ts), then for every page the same trust path as the FHIR API: the access
 * token verified, the record as the access policy lets this person see it, every read and write
 * in the audit trail. Then the three front doors' routes (person/, staff/, volunteer/).
 *
 * Forms are urlencoded (no JavaScript needed), bounded in size, and carry a CSRF token bound to
 * the session. A failure is a page that says what to do, never a stack trace.
 */
import { constants as zlib } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import { accessibleRecord, auditedRepository, createAuditWriter, createPrincipalCache, parseScopes, scopedRepository, type AccessContext, type Principal } from '@kindred/access';
import { createViewerRegistry, ensureRequestQuestionnaire, outboxChannels, storeSlotLedger, type MessageChannels } from '@kindred/care';
import { isFhirError, type FhirError } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppSettings } from '../http/app-config.ts';
import { loadSignInSecrets } from '../oidc/sign-in-secrets.ts';
import { html } from '../pages/html.ts';
import { renderBadRequestPage, renderNotFoundPage, renderServerErrorPage } from '../pages/error-pages.ts';
import { sendPage } from '../pages/pages-plugin.ts';
import { personRoutes } from './person/person-routes.ts';
import { assistedRequestRoutes } from './shared/assisted-request-routes.ts';
import { staffRoutes } from './staff/staff-routes.ts';
import { volunteerRoutes } from './volunteer/volunteer-routes.ts';
import { createVideoService } from '../video/video-service.ts';
import { videoRoutes } from '../video/video-routes.ts';
import { videoPersonPages } from '../video/pages/video-person-pages.ts';
import { FrontDoor, renderPublicWebPage, renderWebPage, type WebPageFrame, type WebViewer } from './web-layout.ts';
import { createWebSessions, safeReturnPath, type WebSession, type WebSessions } from './web-session.ts';
import { parseForm, type WebDeps, type WebContext } from './web-context.ts';

/** Web forms are small; a bigger body is refused before it is read (413 page). */
export const WEB_FORM_LIMIT_BYTES = 64 * 1024;

/** Who changes a Slot's status when a booking is made: Kindred's scheduling, for Slots only. */
const SCHEDULING_ACCESS: AccessContext = Object.freeze({
  subject: 'kindred-scheduling',
  scopes: parseScopes('system/Slot.ru'),
  tokenId: 'scheduling',
  expiresAt: new Date(8_640_000_000_000_000),
  issuer: 'urn:kindred:local',
});

export function frontDoorOf(principal: Principal): FrontDoor | undefined {
  if (principal.kind === 'patient' || principal.kind === 'carer') return FrontDoor.person;
  if (principal.kind !== 'staff') return undefined;
  const codes = principal.roles.flatMap((r) => r.codes);
  if (codes.length > 0 && codes.every((c) => c === 'volunteer')) return FrontDoor.volunteer;
  return FrontDoor.staff;
}

function problemPage(title: string, message: string): string {
  return renderPublicWebPage(title, html`<h1>${title}</h1><p>${message}</p><p><a href="/app">Go to the start</a></p>`);
}

export function webPlugin(settings: AppSettings) {
  return async function web(app: FastifyInstance): Promise<void> {
    const signIn = settings.signIn;
    if (signIn === undefined) {
      app.get('/app', async (_request, reply) => sendPage(reply, 503, problemPage('Signing in is turned off', 'This Kindred server runs without sign-in, so the web app is not available. The FHIR API is.')));
      return;
    }
    const secrets = await loadSignInSecrets(settings.store.settings);
    const sessions: WebSessions = createWebSessions({ app, store: settings.store, signIn, tokens: settings.tokens, stateKey: secrets.csrfKey });
    await sessions.registerClient();
    // the online request form: a practice edits it as a resource; the web app starts with Kindred's when there is none
    await ensureRequestQuestionnaire(settings.store.repository);
    const auditWriter = createAuditWriter(settings.store.audit);
    const principals = createPrincipalCache();
    const channels: MessageChannels = settings.messageChannels ?? outboxChannels(settings.store.outbox);
    // The clinic's schedule: marks a slot taken once a booking the caller may make is accepted. It
    // may read and update Slots and nothing else, and each change is in the audit trail.
    const ledger = storeSlotLedger(auditedRepository(scopedRepository(settings.store.repository, SCHEDULING_ACCESS), SCHEDULING_ACCESS, auditWriter));
    const viewers = createViewerRegistry({ ttlMs: 60_000 });
    const video = createVideoService({ settings, channels, auditWriter, csrfKey: secrets.csrfKey, graceMs: settings.video.graceMs, onProblem: (what, error) => app.log.error({ err: { name: (error as Error).name, message: (error as Error).message } }, `video: ${what} failed`) });
    app.addHook('onClose', async () => {
      video.close();
      await auditWriter.flush();
    });

    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: WEB_FORM_LIMIT_BYTES }, (_request, body, done) => done(null, parseForm(body.toString())));

    app.setErrorHandler((error, request, reply) => {
      const status = (error as { statusCode?: number }).statusCode;
      if ((error as { webMessage?: boolean }).webMessage === true) return sendPage(reply, status ?? 400, problemPage('Sorry, that could not be done', (error as Error).message));
      if (status === 413) return sendPage(reply, 413, problemPage('What you sent is too long', 'Shorten what you typed and try again. If you pasted a long text, keep only what we need to know.'));
      if (isFhirError(error) && error.status < 500) return sendPage(reply, error.status, fhirErrorPage(error));
      if (status !== undefined && status >= 400 && status < 500) return sendPage(reply, status, status === 404 ? renderNotFoundPage() : renderBadRequestPage());
      request.log.error({ err: { name: (error as Error).name, message: (error as Error).message } }, 'unexpected error on a web page');
      return sendPage(reply, 500, renderServerErrorPage());
    });

    const contexts = new WeakMap<FastifyRequest, WebContext>();
    // per person (the session's key), per summary: what `remember` keeps
    const remembered = new Map<string, Map<string, { at: number; value: Promise<unknown> }>>();

    const contextOf = (request: FastifyRequest): WebContext => {
      const context = contexts.get(request);
      if (context === undefined) throw new Error('web page reached without a signed-in context');
      return context;
    };

    const deps: WebDeps = {
      settings,
      channels,
      ledger,
      viewers,
      video,
      ...(settings.warehouse !== undefined ? { warehouse: settings.warehouse } : {}),
      contextOf,
      render: (request, frame: Omit<WebPageFrame, 'path'>) => {
        const context = contextOf(request);
        return renderWebPage(context.viewer, { ...frame, path: request.url.split('?')[0] ?? '/app' });
      },
      send: (reply, status, page) => sendPage(reply.header('Cache-Control', 'no-store'), status, page),
      remember: <T>(request: FastifyRequest, key: string, freshMs: number, compute: () => Promise<T>): Promise<T> => {
        const person = contextOf(request).session.key;
        const held = remembered.get(person)?.get(key);
        if (held !== undefined && Date.now() - held.at < freshMs) return held.value as Promise<T>;
        if (remembered.size > 10_000) remembered.clear();
        const value = compute();
        const mine = remembered.get(person) ?? new Map<string, { at: number; value: Promise<unknown> }>();
        mine.set(key, { at: Date.now(), value });
        remembered.set(person, mine);
        value.catch(() => mine.delete(key));
        return value;
      },
      checkCsrf: (request) => {
        const context = contextOf(request);
        const given = (request.body as Record<string, unknown> | undefined)?.csrf;
        if (!sessions.csrfTokenIsValid(context.session, given)) {
          throw Object.assign(new Error('The form has expired. Go back, reload the page and try again.'), { statusCode: 403, webMessage: true });
        }
      },
    };

    const requireSignIn = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
      const signedIn = await sessions.current(request, reply);
      if (signedIn === undefined) return sessions.startSignIn(reply, request.method === 'GET' ? request.url : '/app');
      const context = await buildContext(signedIn.session, signedIn.access);
      if (context === undefined) {
        return sendPage(reply, 403, problemPage('Your account cannot use the web app', 'Your account is not linked to a person, carer, member of staff or volunteer in the record. Ask the people who run Kindred in your area.'));
      }
      contexts.set(request, context);
      // a change by this person makes what was remembered for them stale
      if (request.method === 'POST') remembered.delete(signedIn.session.key);
      return undefined;
    };

    const buildContext = async (session: WebSession, access: AccessContext): Promise<WebContext | undefined> => {
      const record = await accessibleRecord(settings.store.repository, access, settings.accessPolicy, Date.now(), principals);
      const frontDoor = frontDoorOf(record.principal);
      if (frontDoor === undefined) return undefined;
      const repository: Repository = auditedRepository(record.repository, access, auditWriter);
      const viewer: WebViewer = { frontDoor, displayName: session.displayName, csrf: sessions.csrfToken(session) };
      return { session, access, principal: record.principal, record: repository, frontDoor, viewer };
    };

    app.get('/app/sign-in', async (request, reply) => sessions.startSignIn(reply, safeReturnPath((request.query as Record<string, unknown>).return)));
    app.get('/app/callback', async (request, reply) => {
      const result = await sessions.finishSignIn(request, reply);
      if (!result.ok) return sendPage(reply, 400, problemPage('You could not be signed in', `${result.reason} Go to the start to try again.`));
      return reply.header('Cache-Control', 'no-store').redirect(result.returnTo, 303);
    });
    app.post('/app/sign-out', async (request, reply) => {
      // Signing out needs no valid CSRF token (it can only end a session), but a cross-site post cannot carry the cookie (SameSite=Lax).
      const next = await sessions.signOut(request, reply);
      return reply.header('Cache-Control', 'no-store').redirect(next, 303);
    });

    // video links are opened by people without an account: outside the signed-in scope
    const videoDeps = {
      video,
      settings,
      send: (reply: FastifyReply, status: number, page: string) => deps.send(reply, status, page),
      staffContext: async (request: FastifyRequest, reply: FastifyReply) => {
        const signedIn = await sessions.current(request, reply);
        return signedIn === undefined ? undefined : buildContext(signedIn.session, signedIn.access);
      },
    };
    await app.register(videoRoutes(videoDeps));
    await app.register(videoPersonPages(videoDeps));

    await app.register(async (pages) => {
      // pages are text: compressed on the way out (a fast Brotli level; gzip for older browsers)
      await pages.register(fastifyCompress, { global: true, encodings: ['br', 'gzip'], threshold: 1024, brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } } });
      pages.addHook('preHandler', requireSignIn);
      pages.addHook('onSend', async (_request, reply, payload) => {
        reply.header('Cache-Control', 'no-store');
        return payload;
      });
      pages.get('/app', async (request, reply) => reply.redirect(`/app/${contextOf(request).frontDoor}`, 303));
      await pages.register(personRoutes(deps));
      await pages.register(staffRoutes(deps));
      await pages.register(volunteerRoutes(deps));
      await pages.register(assistedRequestRoutes(deps, FrontDoor.staff));
      await pages.register(assistedRequestRoutes(deps, FrontDoor.volunteer));
    });
  };
}

function fhirErrorPage(error: FhirError): string {
  if (error.status === 403) return problemPage('You do not have access to this', `${error.message} If you need it, ask a colleague who has access or your organisation’s privacy officer.`);
  if (error.status === 404 || error.status === 410) return renderNotFoundPage();
  if (error.status === 409 || error.status === 412) return problemPage('Someone else changed this at the same time', 'Go back and reload the page to see their change, then try again.');
  return problemPage('Sorry, that could not be done', error.message);
}
