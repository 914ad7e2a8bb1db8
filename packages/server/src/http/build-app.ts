/**
 * Builds the one Fastify app of Kindred from one typed config: the FHIR API under /fhir, the
 * health check and the web pages, each a plugin scope with its own error handling. Logs carry a
 * request id and the method and path only: never tokens, bodies or query strings (a search
 * can hold a name or an NHS number). Returns the app ready to listen; it does not listen itself.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { renderBadRequestPage, renderNotFoundPage, renderServerErrorPage } from '../pages/error-pages.ts';
import { pagesPlugin, sendPage } from '../pages/pages-plugin.ts';
import { settingsOf, type AppConfig } from './app-config.ts';
import { clientErrorHandler, MAX_HEADER_BYTES } from './client-errors.ts';
import { FHIR_PREFIX, sendFhirError, splitUrl } from './fhir-exchange.ts';
import { fhirPlugin } from './fhir-plugin.ts';
import { healthRoutes } from './health.ts';
import { asClientError } from './http-errors.ts';
import { loggablePath } from '../oidc/log-redaction.ts';
import { withSignIn } from '../oidc/with-sign-in.ts';
import { webPlugin } from '../web/web-plugin.ts';
import { receivedTextHook } from '../hooks/received-text-hook.ts';
import { outboxChannels } from '@kindred/care';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** A request id: the caller's X-Request-Id when it is a plain token (so ids can follow a request across systems), else a new uuid. */
function requestId(raw: { headers: Record<string, string | string[] | undefined> }): string {
  const given = raw.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** What a request log line holds: no headers (they carry the token), no body, no query string. */
const logSerializers = {
  req: (request: { method: string; url: string }) => ({ method: request.method, path: loggablePath(splitUrl(request.url).path) }),
  res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
};

function isUnderFhir(url: string): boolean {
  const path = splitUrl(url).path;
  return path === FHIR_PREFIX || path.startsWith(`${FHIR_PREFIX}/`);
}

export async function buildApp(config: AppConfig): Promise<FastifyInstance> {
  // With sign-in on, the FHIR API also accepts the sign-in service's tokens and offers $smart-launch.
  const { settings, signInPlugin } = await withSignIn(settingsOf(config));
  const app = Fastify({
    logger: settings.logger ? { level: 'info', serializers: logSerializers } : false,
    // Two log lines for every request cost a tenth of the throughput; errors are always logged,
    // and an operator who wants an access log turns it on (kindred serve --log-requests).
    logController: new LogController({ disableRequestLogging: !settings.logRequests }),
    bodyLimit: settings.bodyLimitBytes,
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    clientErrorHandler,
    genReqId: requestId,
    trustProxy: settings.trustProxy,
    exposeHeadRoutes: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    // Errors Fastify meets before routing (a url with bad percent-encoding) answered in the right shape
    frameworkErrors: (error, request, reply) => {
      const clientError = asClientError(error);
      if (isUnderFhir(request.url) && clientError !== undefined) void sendFhirError(request, reply, clientError);
      else void sendPage(reply, clientError?.status ?? 400, renderBadRequestPage());
    },
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('X-Request-Id', request.id);
    done(null, payload);
  });

  // Outside /fhir (pages, assets, health): a friendly page, never an error's detail.
  app.setNotFoundHandler((request, reply) => sendPage(reply, 404, renderNotFoundPage()));
  app.setErrorHandler((error, request, reply) => {
    const clientError = asClientError(error);
    if (clientError !== undefined && clientError.status < 500) {
      return sendPage(reply, clientError.status, clientError.status === 404 ? renderNotFoundPage() : renderBadRequestPage());
    }
    request.log.error({ err: error }, 'unexpected error on a page');
    return sendPage(reply, 500, renderServerErrorPage());
  });

  await app.register(fhirPlugin(settings), { prefix: FHIR_PREFIX });
  if (signInPlugin !== undefined) await app.register(signInPlugin);
  await app.register(healthRoutes(settings));
  await app.register(pagesPlugin(settings));
  await app.register(webPlugin(settings));
  if (settings.receivedText !== undefined) await app.register(receivedTextHook(settings, settings.receivedText, settings.messageChannels ?? outboxChannels(settings.store.outbox)));
  await app.ready();
  return app;
}
