/**
 * Who may open the staff pages of people, equity and messages, and for which organisation: a
 * member of staff (not a volunteer, a person or a carer), at the organisations of their roles
 * (PractitionerRole.organization). The access policy still decides every read and write; this
 * only keeps other front doors off pages that are not theirs, and picks the organisation a page
 * is about (?org= when someone works for several).
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

/** The organisation ids ("gp-north") the member of staff has a role at, in the order of their roles. */
export function staffOrganisations(ctx: WebContext): string[] {
  if (ctx.principal.kind !== 'staff') return [];
  const ids = ctx.principal.roles.map((r) => r.organization).filter((o): o is string => o !== undefined && o.startsWith('Organization/'));
  return [...new Set(ids.map((o) => o.slice('Organization/'.length)))];
}

/** The organisation a page is about: the one asked for (?org=) when they work there, else their first. */
export function chosenOrganisation(ctx: WebContext, asked: unknown): string | undefined {
  const organisations = staffOrganisations(ctx);
  return typeof asked === 'string' && organisations.includes(asked) ? asked : organisations[0];
}

/** A FHIR logical id (http://hl7.org/fhir/R4/datatypes.html#id), or undefined for anything else. */
export function idOf(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9\-.]{1,64}$/.test(value) ? value : undefined;
}
