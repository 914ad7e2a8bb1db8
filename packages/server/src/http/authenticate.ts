/**
 * Bearer-token authentication for the FHIR API (RFC 6750): every request needs
 * `Authorization: Bearer <token>`, verified by the access package's TokenService; a failure is a
 * 401 OperationOutcome with a WWW-Authenticate challenge (RFC 6750 §3). The token itself is never
 * logged or echoed. This module decides who is asking, never what they may do (the scoped
 * repository does that).
 */
import { bearerFromAuthorization, type AccessContext, type TokenService } from '@kindred/access';
import { isFhirError, type FhirError } from '@kindred/fhir';
import type { FastifyRequest } from 'fastify';
import { bearerChallenge } from './fhir-exchange.ts';

export type Authentication =
  | { ok: true; access: AccessContext }
  | { ok: false; error: FhirError; challenge: string };

/**
 * Who sent `request`. A request with no Authorization header gets a challenge without an error
 * code, as RFC 6750 §3.1 asks ("If the request lacks any authentication information … SHOULD NOT
 * include an error code"); another scheme is invalid_request; a bad token is invalid_token.
 * Errors that are not about the token (the database is down) are thrown for a 5xx.
 */
export async function authenticate(request: FastifyRequest, tokens: TokenService): Promise<Authentication> {
  const header = request.headers.authorization;
  try {
    const token = bearerFromAuthorization(header);
    return { ok: true, access: await tokens.verify(token) };
  } catch (error) {
    if (!isFhirError(error) || error.errorName !== 'UNAUTHENTICATED') throw error;
    if (header === undefined || header.trim() === '') return { ok: false, error, challenge: bearerChallenge() };
    const code = /^bearer\s/i.test(header.trim()) ? 'invalid_token' : 'invalid_request';
    return { ok: false, error, challenge: bearerChallenge({ code, description: error.message }) };
  }
}
