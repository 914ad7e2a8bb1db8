/**
 * The public FHIR base url of a request (http://hl7.org/fhir/R4/http.html#root): configured, or
 * made from the request's protocol and Host header. A Host that is not a plain host name or
 * address (a client can send anything) is not copied into links.
 */
import type { FastifyRequest } from 'fastify';
import { FHIR_PREFIX } from './fhir-exchange.ts';

const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function fhirBaseUrl(request: FastifyRequest, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  const host = PLAIN_HOST.test(request.host) ? request.host : 'localhost';
  return `${request.protocol}://${host}${FHIR_PREFIX}`;
}
