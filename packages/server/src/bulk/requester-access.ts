/**
 * The only calls Bulk Data export makes into the access layer: it records who started an export
 * (subject and scopes, never the bearer token) and rebuilds, in the worker, an AccessContext with
 * exactly those rights, so that the export goes through the same scoped repository as any request
 * and never shows more than the requester may read (Bulk Data STU2 export.html, "Privacy and
 * Security Considerations": "The FHIR server SHALL limit the data returned to only those FHIR
 * resources for which the client is authorized").
 *
 * It must not decide access itself: scopes and policy are the access package's to judge.
 */
import { accessibleRecord, parseScopes, type AccessContext, type AccessPolicy } from '@kindred/access';
import type { Repository } from '@kindred/store';
import type { ExportRequester } from './bulk-export-job.ts';

/** Bulk export reads resources, so the SMART permission that governs it is read (`.r`, or v1 `.read`). */
const READ = 'r';

export function requesterOf(access: AccessContext): ExportRequester {
  return {
    subject: access.subject,
    scopes: access.scopes.toString(),
    tokenId: access.tokenId,
    issuer: access.issuer,
    ...(access.fhirUser !== undefined ? { fhirUser: access.fhirUser } : {}),
    ...(access.patient !== undefined ? { patient: access.patient } : {}),
    ...(access.clientId !== undefined ? { clientId: access.clientId } : {}),
  };
}

/**
 * The requester's rights, for the worker. The export was authorised when it was accepted; the
 * token that asked may expire while a long export runs, so the rebuilt context lives for as long
 * as the worker needs it (`until`), not for the token's remaining life.
 */
export function rebuildAccess(requester: ExportRequester, until: Date): AccessContext {
  return Object.freeze({
    subject: requester.subject,
    scopes: parseScopes(requester.scopes),
    tokenId: requester.tokenId,
    expiresAt: until,
    issuer: requester.issuer,
    ...(requester.fhirUser !== undefined ? { fhirUser: requester.fhirUser } : {}),
    ...(requester.patient !== undefined ? { patient: requester.patient } : {}),
    ...(requester.clientId !== undefined ? { clientId: requester.clientId } : {}),
  });
}

/** The record as the requester may see it: their access policy, narrowed by their scopes. */
export async function repositoryFor(repository: Repository, access: AccessContext, policy: AccessPolicy): Promise<Repository> {
  return (await accessibleRecord(repository, access, policy)).repository;
}

/** Whether the token allows reading `resourceType` at all (types it cannot read are refused or skipped up front). */
export function mayRead(access: AccessContext, resourceType: string): boolean {
  return access.scopes.allows(resourceType, READ);
}

/** The types the token may read: '*' for all. */
export function readableTypes(access: AccessContext): '*' | ReadonlySet<string> {
  return access.scopes.typesAllowing(READ);
}

/** A scope that would allow reading `resourceType`, for messages. */
export function scopeNeededToRead(access: AccessContext, resourceType: string): string {
  return access.scopes.scopeNeededFor(resourceType, READ);
}

/** True when both contexts speak for the same requester: only they may see an export's status and files. */
export function sameRequester(access: AccessContext, requester: ExportRequester): boolean {
  return access.subject === requester.subject;
}
