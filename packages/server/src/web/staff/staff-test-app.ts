/**
 * Test support for the staff pages' HTTP tests (imported only by *.test.ts): the staff routes in a
 * Fastify app over a real test store, with the frame a signed-in page gets (web-plugin.ts) made
 * small: who is signed in is chosen per request (one of the access tests' area people), their
 * record is the access-checked one the policy gives them, forms are urlencoded and carry a fixed
 * CSRF token, and a FhirError becomes a page with its status and words, as in the app.
 *
 * Sign-in itself is tested by the sign-in and browser tests; here the pages' own behaviour is.
 */
import { accessibleRecord, createAuditWriter, createTokenService, defaultAccessPolicy, type AccessContext, type AccessPolicy } from '@kindred/access';
import { WHO, accessOf, type Who } from '@kindred/access/testing';
import { createViewerRegistry, outboxChannels, storeSlotLedger, type ViewerRegistry } from '@kindred/care';
import { isFhirError } from '@kindred/fhir';
import type { Warehouse } from '@kindred/insight';
import type { Store } from '@kindred/store';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { settingsOf } from '../../http/app-config.ts';
import { html } from '../../pages/html.ts';
import { sendPage } from '../../pages/pages-plugin.ts';
import { FrontDoor, renderPublicWebPage, renderWebPage } from '../web-layout.ts';
import { frontDoorOf } from '../web-plugin.ts';
import { parseForm, type WebContext, type WebDeps } from '../web-context.ts';
import { createVideoService } from '../../video/video-service.ts';
import { staffRoutes } from './staff-routes.ts';

export const TEST_CSRF = 'test-csrf-token';
const WHO_HEADER = 'x-test-who';

export interface TestPage {
  status: number;
  body: string;
  location?: string;
}

export interface StaffTestApp {
  app: FastifyInstance;
  viewers: ViewerRegistry;
  /** `who`: one of the access tests' area (WHO), or a name given in `people` */
  get(who: string, url: string): Promise<TestPage>;
  /** posts the form (with the CSRF token unless `csrf` is given) and does not follow the redirect */
  post(who: string, url: string, fields: Record<string, string | readonly string[]>, options?: { csrf?: string }): Promise<TestPage>;
  close(): Promise<void>;
}

const NAMES: Partial<Record<Who, string>> = { receptionist: 'Rita Desk', gpClinician: 'Dr North', otherGpClinician: 'Dr South', hospitalClinician: 'Dr Ward' };

export interface StaffTestOptions {
  policy?: AccessPolicy;
  /** more people who can sign in, by name (e.g. a demo area's staff), besides the access tests' area */
  people?: Readonly<Record<string, AccessContext>>;
  /** the analytics copy the measure pages read (absent: analytics are off) */
  warehouse?: Warehouse;
}

export async function staffTestApp(store: Store, options: StaffTestOptions = {}): Promise<StaffTestApp> {
  const policy = options.policy ?? defaultAccessPolicy();
  const settings = settingsOf({ store, tokens: createTokenService(store.settings), version: 'test', logger: false, accessPolicy: policy });
  const viewers = createViewerRegistry({ ttlMs: 60_000 });
  const contexts = new WeakMap<FastifyRequest, WebContext>();
  const contextOf = (request: FastifyRequest): WebContext => {
    const context = contexts.get(request);
    if (context === undefined) throw new Error('no test context');
    return context;
  };
  const deps: WebDeps = {
    settings,
    channels: outboxChannels(store.outbox),
    ledger: storeSlotLedger(store.repository),
    viewers,
    video: createVideoService({ settings, channels: outboxChannels(store.outbox), auditWriter: createAuditWriter(store.audit) }),
    ...(options.warehouse !== undefined ? { warehouse: options.warehouse } : {}),
    contextOf,
    render: (request, frame) => renderWebPage(contextOf(request).viewer, { ...frame, path: request.url.split('?')[0] ?? '/app' }),
    send: (reply, status, page) => sendPage(reply, status, page),
    // the tests check counts right after each change: nothing is reused
    remember: (_request, _key, _freshMs, compute) => compute(),
    checkCsrf: (request) => {
      if ((request.body as Record<string, unknown> | undefined)?.csrf !== TEST_CSRF) {
        throw Object.assign(new Error('The form has expired. Go back, reload the page and try again.'), { statusCode: 403, webMessage: true });
      }
    },
  };
  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, parseForm(body.toString())));
  app.setErrorHandler((error, _request, reply) => {
    const status = isFhirError(error) ? error.status : ((error as { statusCode?: number }).statusCode ?? 500);
    return sendPage(reply, status, renderPublicWebPage('Sorry, that could not be done', html`<h1>Sorry, that could not be done</h1><p>${(error as Error).message}</p>`));
  });
  app.addHook('preHandler', async (request) => {
    const who = request.headers[WHO_HEADER] as string;
    const access = options.people?.[who] ?? accessOf(who as Who);
    const record = await accessibleRecord(store.repository, access, policy, Date.now());
    const displayName = NAMES[who as Who] ?? WHO[who as keyof typeof WHO] ?? who;
    const frontDoor = frontDoorOf(record.principal) ?? FrontDoor.person;
    contexts.set(request, {
      session: {} as WebContext['session'],
      access,
      principal: record.principal,
      record: record.repository,
      frontDoor,
      viewer: { frontDoor, displayName, csrf: TEST_CSRF },
    });
  });
  await app.register(staffRoutes(deps));
  await app.ready();
  const answer = (response: { statusCode: number; body: string; headers: Record<string, unknown> }): TestPage => ({
    status: response.statusCode,
    body: response.body,
    ...(typeof response.headers.location === 'string' ? { location: response.headers.location } : {}),
  });
  return {
    app,
    viewers,
    get: async (who, url) => answer(await app.inject({ method: 'GET', url, headers: { [WHO_HEADER]: who } })),
    post: async (who, url, fields, postOptions = {}) => {
      const body = new URLSearchParams();
      body.append('csrf', postOptions.csrf ?? TEST_CSRF);
      for (const [key, value] of Object.entries(fields)) for (const v of typeof value === 'string' ? [value] : value) body.append(key, v);
      return answer(await app.inject({ method: 'POST', url, headers: { [WHO_HEADER]: who, 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() }));
    },
    close: () => app.close(),
  };
}
