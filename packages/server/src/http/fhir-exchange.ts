/**
 * The edge between HTTP and the FHIR router: a Fastify request becomes a FhirRequest (path
 * segments and query pairs decoded from the raw url, the headers FHIR uses, the parsed body),
 * and a FhirResponse becomes the reply (status, headers, FHIR JSON). Knows nothing of what the
 * interactions do.
 */
import { FhirError, outcomeOfError } from '@kindred/fhir';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FhirMethod, FhirRequest, FhirResponse } from '../fhir-rest/fhir-request.ts';
import { bodyMediaType, FHIR_JSON_CONTENT_TYPE } from './negotiation.ts';

export const FHIR_PREFIX = '/fhir';
const METHODS: ReadonlySet<string> = new Set<FhirMethod>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

export function isFhirMethod(method: string): method is FhirMethod {
  return METHODS.has(method);
}

/** The raw url split at `?`: path and query string, both still percent-encoded. */
export function splitUrl(rawUrl: string): { path: string; query: string } {
  const mark = rawUrl.indexOf('?');
  return mark < 0 ? { path: rawUrl, query: '' } : { path: rawUrl.slice(0, mark), query: rawUrl.slice(mark + 1) };
}

/** `/fhir/Patient/a%2Fb` → ["Patient", "a/b"]: segments after the FHIR base, each decoded once. */
export function fhirPathSegments(rawPath: string): string[] {
  const rest = rawPath.startsWith(FHIR_PREFIX) ? rawPath.slice(FHIR_PREFIX.length) : rawPath;
  try {
    return rest
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    throw new FhirError('INVALID_REQUEST', 'The url has bad percent-encoding.');
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function toFhirRequest(request: FastifyRequest, method: FhirMethod): FhirRequest {
  const { path, query } = splitUrl(request.raw.url ?? request.url);
  const headers: FhirRequest['headers'] = {};
  const pick: [keyof FhirRequest['headers'], string][] = [
    ['ifMatch', 'if-match'],
    ['ifNoneMatch', 'if-none-match'],
    ['ifNoneExist', 'if-none-exist'],
    ['ifModifiedSince', 'if-modified-since'],
    ['prefer', 'prefer'],
    ['accept', 'accept'],
  ];
  for (const [key, name] of pick) {
    const value = header(request, name);
    if (value !== undefined) headers[key] = value;
  }
  const contentType = bodyMediaType(header(request, 'content-type'));
  const hasBody = request.body !== undefined && request.body !== null;
  if (contentType !== undefined && hasBody) headers.contentType = contentType;
  return {
    method,
    path: fhirPathSegments(path),
    query: [...new URLSearchParams(query)],
    headers,
    ...(hasBody ? { body: request.body } : {}),
  };
}

/** RFC 6750 §3: error_description may not hold `"` or `\` or characters outside printable ASCII. */
function quotedValue(text: string): string {
  return text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '').slice(0, 300);
}

export function bearerChallenge(error?: { code: 'invalid_request' | 'invalid_token' | 'insufficient_scope'; description: string }): string {
  const base = 'Bearer realm="kindred"';
  return error === undefined ? base : `${base}, error="${error.code}", error_description="${quotedValue(error.description)}"`;
}

/** Whether `_pretty=true` asks for indented JSON (http://hl7.org/fhir/R4/http.html#parameters). */
function pretty(request: FastifyRequest): boolean {
  return new URLSearchParams(splitUrl(request.raw.url ?? '').query).get('_pretty') === 'true';
}

export function sendFhirResponse(request: FastifyRequest, reply: FastifyReply, response: FhirResponse): FastifyReply {
  reply.code(response.status);
  for (const [name, value] of Object.entries(response.headers ?? {})) reply.header(name, value);
  if (response.status === 403 && response.body !== undefined) {
    // RFC 6750 §3.1: a token without the needed scope is answered with insufficient_scope
    const diagnostics = (response.body as { issue?: { diagnostics?: string }[] }).issue?.[0]?.diagnostics ?? 'The token does not allow this.';
    reply.header('WWW-Authenticate', bearerChallenge({ code: 'insufficient_scope', description: diagnostics }));
  }
  if (response.text !== undefined) return reply.type(response.text.contentType).send(response.text.content);
  if (response.body === undefined) return reply.send();
  // A route that names its media type keeps it (the Bulk Data manifest is application/json); FHIR JSON otherwise
  const named = Object.entries(response.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
  const type = named === undefined ? FHIR_JSON_CONTENT_TYPE : named.includes('charset') ? named : `${named}; charset=utf-8`;
  return reply.type(type).send(JSON.stringify(response.body, null, pretty(request) ? 2 : undefined));
}

export function sendFhirError(request: FastifyRequest, reply: FastifyReply, error: FhirError, headers?: Record<string, string>): FastifyReply {
  return sendFhirResponse(request, reply, { status: error.status, body: outcomeOfError(error), ...(headers ? { headers } : {}) });
}
