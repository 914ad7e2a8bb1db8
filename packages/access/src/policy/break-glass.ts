/**
 * Break-glass: a clinician opens a person's record outside the policy for an emergency, with a
 * stated reason. It lasts a short while (the Flag's period), is flagged on the record (a Flag
 * with Kindred's break-glass identifier, which the policy reads as direct responsibility for its
 * author), alerts the organisation's privacy officer (a review Task owned by the organisation,
 * which privacy officers see) and is audited (AuditEvent with purpose of use BTG) in the same
 * transaction, so there is no access without its record.
 *
 * It writes through the repository it is given, unrestricted: only this module decides that the
 * clinician may, and only for a role whose policy allows break-glass.
 */
import { randomUUID } from 'node:crypto';
import { FhirError, isFhirError, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { AccessContext } from '../access-context.ts';
import { breakGlassEvent } from '../audit/security-events.ts';
import type { AccessPolicy } from './policy-config.ts';
import type { Principal } from './principal.ts';
import { heldRoles } from './rules.ts';
import { BREAK_GLASS_REVIEW, BREAK_GLASS_SYSTEM, REVIEW_TASK_SYSTEM } from './vocabulary.ts';

export const DEFAULT_BREAK_GLASS_MINUTES = 60;
export const MIN_REASON_LENGTH = 10;

export interface BreakGlassRequest {
  patientId: string;
  reason: string;
  /** how long the record stays open; default an hour, at most twelve */
  minutes?: number;
}

export interface BreakGlassResult {
  flag: StoredResource;
  review: StoredResource;
  expires: string;
}

export async function openBreakGlass(repository: Repository, access: AccessContext, principal: Principal, policy: AccessPolicy, request: BreakGlassRequest, now: number = Date.now()): Promise<BreakGlassResult> {
  const reason = request.reason.trim();
  if (reason.length < MIN_REASON_LENGTH) {
    throw new FhirError('INVALID_REQUEST', `Say why you need to open this record in an emergency (at least ${MIN_REASON_LENGTH} characters); the reason is recorded and reviewed.`);
  }
  const minutes = request.minutes ?? DEFAULT_BREAK_GLASS_MINUTES;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 720) throw new FhirError('INVALID_REQUEST', 'Break-glass access lasts between 1 and 720 minutes.');
  const role = principal.kind === 'staff' ? heldRoles(principal, policy).find((h) => h.policy.breakGlass && h.role.organization !== undefined) : undefined;
  if (principal.kind !== 'staff' || role === undefined) {
    throw new FhirError('ACCESS_DENIED', 'Only a clinician whose role allows emergency access (break-glass) at an organisation may open a record this way.');
  }
  try {
    await repository.read('Patient', request.patientId);
  } catch (error) {
    if (isFhirError(error) && (error.errorName === 'NOT_FOUND' || error.errorName === 'GONE')) throw new FhirError('NOT_FOUND', `Patient/${request.patientId} is not in the record.`);
    throw error;
  }
  const start = new Date(now).toISOString();
  const expires = new Date(now + minutes * 60_000).toISOString();
  const author = `PractitionerRole/${role.role.id}`;
  return repository.transaction(async (tx) => {
    const flag = await tx.create({
      resourceType: 'Flag',
      identifier: [{ system: BREAK_GLASS_SYSTEM, value: randomUUID() }],
      status: 'active',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'admin', display: 'Administrative' }] }],
      code: { text: `Emergency (break-glass) access: ${reason}` },
      subject: { reference: `Patient/${request.patientId}` },
      period: { start, end: expires },
      author: { reference: author },
    });
    const review = await tx.create({
      resourceType: 'Task',
      status: 'requested',
      intent: 'order',
      priority: 'urgent',
      code: { coding: [{ system: REVIEW_TASK_SYSTEM, code: BREAK_GLASS_REVIEW, display: 'Review emergency (break-glass) access' }] },
      description: `Review: Practitioner/${principal.practitioner} opened this record in an emergency until ${expires}. Reason given: ${reason}`,
      focus: { reference: `Flag/${flag.resource.id}` },
      for: { reference: `Patient/${request.patientId}` },
      authoredOn: start,
      requester: { reference: author },
      owner: { reference: role.role.organization! },
    });
    await tx.appendAudit([breakGlassEvent(access, request.patientId, reason, undefined, new Date(now))]);
    return { flag: flag.resource, review: review.resource, expires };
  });
}
