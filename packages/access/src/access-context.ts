/**
 * Who is asking, as the access layer knows it once a bearer token has been verified. Every
 * request above the store carries one; the scoped repository decides with it.
 *
 * Plain data: this module must not verify anything itself, nor read the database. What a person
 * may see follows from `fhirUser` (the access policy resolves their roles and relationships from
 * the record); what an app may do follows from `scopes`, which only ever narrow the policy.
 */
import { ADMINISTRATOR_SCOPE, parseScopes, type ScopeSet } from './scopes.ts';

export interface AccessContext {
  /** who the token speaks for: "administrator" (the built-in administrator) for now */
  readonly subject: string;
  readonly scopes: ScopeSet;
  /** the token's `jti`, for the audit trail */
  readonly tokenId: string;
  readonly expiresAt: Date;
  /** the `iss` of the token: `urn:kindred:<instance id>`, or the sign-in service's issuer url */
  readonly issuer: string;
  /**
   * the FHIR resource the signed-in person is (SMART `fhirUser`): "Practitioner/…" for staff and
   * volunteers, "Patient/…" for a person, "RelatedPerson/…" for a carer. Absent for the built-in
   * administrator and for system clients, which act by their scopes alone.
   */
  readonly fhirUser?: string;
  /** the patient in context of a SMART launch (`launch/patient`), as a plain id */
  readonly patient?: string;
  /** the OAuth client the token was issued to, when it came from the sign-in service */
  readonly clientId?: string;
}

/** The subject of tokens for the built-in administrator. */
export const ADMINISTRATOR = 'administrator';

/**
 * The administrator, for commands run by someone who already holds the database (for example
 * `kindred import` on a data directory) and so has no token to show. Never build one from
 * anything a network client sent.
 */
export function localAdministratorAccess(scope: string = ADMINISTRATOR_SCOPE): AccessContext {
  return Object.freeze({
    subject: ADMINISTRATOR,
    scopes: parseScopes(scope),
    tokenId: 'local',
    expiresAt: new Date(8_640_000_000_000_000),
    issuer: 'urn:kindred:local',
  });
}
