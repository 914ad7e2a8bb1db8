/**
 * The FHIR API under /fhir as one Fastify plugin scope: its body parsers, content negotiation,
 * bearer authentication, one route that hands every FHIR request to the HTTP-free router, and
 * one error handler that renders every failure as an OperationOutcome. It does no FHIR work itself.
 */
import { accessibleRecord, auditedRepository, createAuditWriter, createPrincipalCache, openBreakGlass, type AccessContext } from '@kindred/access';
import { FhirError } from '@kindred/fhir';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FhirContext } from '../fhir-rest/fhir-request.ts';
import { internalErrorResponse } from '../fhir-rest/responses.ts';
import { handleFhirRequest, handleMetadataRequest } from '../fhir-rest/router.ts';
import type { AppSettings } from './app-config.ts';
import { authenticate } from './authenticate.ts';
import { fhirBaseUrl } from './base-url.ts';
import { fhirPathSegments, isFhirMethod, sendFhirError, sendFhirResponse, splitUrl, toFhirRequest } from './fhir-exchange.ts';
import { asClientError } from './http-errors.ts';
import { BODY_MEDIA_TYPES, FORM_MEDIA_TYPE, requireJsonAnswer } from './negotiation.ts';

const FHIR_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The sign-in service's endpoints for the CapabilityStatement, when sign-in is on. */
function oauthUrisOf(settings: AppSettings): { oauth?: { authorize: string; token: string; revoke: string } } {
  const issuer = settings.signIn?.issuer;
  return issuer === undefined ? {} : { oauth: { authorize: `${issuer}/authorize`, token: `${issuer}/token`, revoke: `${issuer}/revoke` } };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // say where, but never echo the body (the parser's message can quote it)
    const position = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    const where = position !== undefined ? ` (the error is at character ${position})` : error instanceof Error && /end of JSON/i.test(error.message) ? ' (it ends too early)' : '';
    throw new FhirError('MALFORMED_JSON', `The request body is not valid JSON${where}.`);
  }
}

/** `GET|HEAD /fhir/metadata` is public: SMART clients read it before they have a token. */
function isPublicMetadata(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const segments = fhirPathSegments(splitUrl(request.raw.url ?? '').path);
  return segments.length === 1 && segments[0] === 'metadata';
}

/** `ViewDefinition/$run` and `ViewDefinition/[id]/$run`, which negotiate their own output formats. */
function isViewRun(request: FastifyRequest): boolean {
  const segments = splitUrl(request.raw.url ?? '').path.split('/');
  return ['$run', '%24run'].includes(segments.at(-1) ?? '') && segments.includes('ViewDefinition');
}

export function fhirPlugin(settings: AppSettings) {
  return async function fhirApi(app: FastifyInstance): Promise<void> {
    // Who is asking, per request; held here rather than decorated onto every Fastify request.
    const accessOf = new WeakMap<FastifyRequest, AccessContext>();
    // One group-commit writer for the API: concurrent requests' audit entries share commits, and
    // each request answers only once its own entry is committed (docs/decisions/0009-audit-trail.md).
    const auditWriter = createAuditWriter(settings.store.audit);
    // who each signed-in person is (their roles), for a few seconds; what they may see is decided afresh on every request
    const principals = createPrincipalCache();
    app.addHook('onClose', async () => auditWriter.flush());

    app.removeAllContentTypeParsers();
    app.addContentTypeParser([...BODY_MEDIA_TYPES], { parseAs: 'string' }, async (_request: FastifyRequest, body: string | Buffer) => parseJson(body.toString()));
    app.addContentTypeParser(FORM_MEDIA_TYPE, { parseAs: 'string' }, async (_request: FastifyRequest, body: string | Buffer) => [
      ...new URLSearchParams(body.toString()),
    ]);

    app.setErrorHandler((error, request, reply) => {
      const clientError = asClientError(error, settings.bodyLimitBytes);
      if (clientError !== undefined) return sendFhirError(request, reply, clientError);
      return sendFhirResponse(request, reply, internalErrorResponse(error, request.log));
    });

    // Only methods FHIR does not use get here (every FHIR method is routed below): 405 (RFC 9110 §15.5.6)
    app.setNotFoundHandler((request, reply) =>
      sendFhirError(request, reply, new FhirError('METHOD_NOT_ALLOWED', `${request.method} is not a method of the FHIR API.`), { Allow: FHIR_METHODS.join(', ') }),
    );

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const query = new URLSearchParams(splitUrl(request.raw.url ?? '').query);
      const accept = request.headers.accept;
      // ViewDefinition $run answers in CSV and NDJSON too, and reads _format and Accept itself (fhir-rest/view-run.ts)
      if (!isViewRun(request)) requireJsonAnswer(query.get('_format') ?? undefined, typeof accept === 'string' ? accept : undefined);
      if (isPublicMetadata(request)) return;
      const result = await authenticate(request, settings.tokens);
      if (!result.ok) return sendFhirError(request, reply, result.error, { 'WWW-Authenticate': result.challenge });
      accessOf.set(request, result.access);
      return undefined;
    });

    const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const method = request.method;
      if (!isFhirMethod(method)) throw new FhirError('METHOD_NOT_ALLOWED', `${method} is not a method of the FHIR API.`);
      const fhirRequest = toFhirRequest(request, method);
      const baseUrl = fhirBaseUrl(request, settings.fhirBaseUrl);
      if (isPublicMetadata(request)) {
        return sendFhirResponse(request, reply, handleMetadataRequest(fhirRequest, { baseUrl, version: settings.version, routes: settings.operationRoutes, logger: request.log, ...oauthUrisOf(settings) }));
      }
      const access = accessOf.get(request);
      if (access === undefined) throw new FhirError('UNAUTHENTICATED', 'The request was not authenticated.');
      const record = await accessibleRecord(settings.store.repository, access, settings.accessPolicy, Date.now(), principals);
      const context: FhirContext = {
        // outermost, so that what the policy and the scopes refuse is recorded too
        repository: auditedRepository(record.repository, access, auditWriter),
        breakGlass: (asked) => openBreakGlass(settings.store.repository, access, record.principal, settings.accessPolicy, asked),
        access,
        baseUrl,
        jobs: settings.store.jobs,
        serverVersion: settings.version,
        logger: request.log,
      };
      return sendFhirResponse(request, reply, await handleFhirRequest(fhirRequest, context, settings.operationRoutes));
    };

    // HEAD is routed explicitly (not derived from GET) so the router sees it and answers it like GET
    const route = { method: [...FHIR_METHODS], exposeHeadRoute: false, handler };
    app.route({ ...route, url: '/' });
    app.route({ ...route, url: '/*' });
  };
}
