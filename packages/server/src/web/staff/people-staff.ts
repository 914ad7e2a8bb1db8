/**
 * Who may open the staff pages of people, equity and messages: a member of staff (not a
 * volunteer, a person or a carer). The access policy still decides every read and write; this
 * only keeps other front doors off pages that are not theirs. (Which organisation a page is
 * about: staff-organisation.ts.)
 *
 * Must not read the record.
 */
import { FhirError } from '@kindred/fhir';
import type { FastifyRequest } from 'fastify';
import type { WebContext, WebDeps } from '../web-context.ts';

/** The signed-in person's context, when they come through the staff front door; otherwise a 403 page. */
export function staffContextOf(deps: WebDeps, request: FastifyRequest): WebContext {
  const ctx = deps.contextOf(request);
  if (ctx.frontDoor !== 'staff' || ctx.principal.kind !== 'staff') {
    throw new FhirError('ACCESS_DENIED', 'These pages are for staff. Use the pages of your own front door.');
  }
  return ctx;
}

/** A FHIR logical id (http://hl7.org/fhir/R4/datatypes.html#id) from a URL, or undefined for anything else. */
export function logicalIdOf(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9\-.]{1,64}$/.test(value) ? value : undefined;
}
