/**
 * AuditEvents for what happens around the record rather than through the repository: signing in
 * (and failing to), breaking the glass to see a record the policy would not show, and a change of
 * consent (a person granting or withdrawing a carer's access, or their sharing preferences).
 * The sign-in service and the access policy call these; each returns the event to record with
 * `writer.record(...)` (or `tx.appendAudit(...)` inside the transaction that made the change).
 * Pure: builds values, records nothing.
 */
import type { Coding } from '@kindred/fhir';
import type { AuditEventInput } from '@kindred/store';
import type { AccessContext } from '../access-context.ts';
import { AuditAction, AuditEventType, AuditOutcome, AuditSystem, DEFAULT_AUDIT_SOURCE, auditEvent, type AuditIdentity, type AuditSource } from './audit-event.ts';

const LOGIN: Coding = { system: AuditSystem.dicom, code: '110122', display: 'Login' };

/** Someone signing in: before there is a token, the account is all that is known of them. */
export interface SignInAttempt {
  /** the username (or e-mail) given */
  username: string;
  /** the account's FHIR resource ("Practitioner/…", "Patient/…"), when the account is known */
  fhirUser?: string;
  /** the OAuth client the sign-in is for */
  clientId?: string;
  /** the issuer of the tokens the sign-in service grants (names the subject's identifier system) */
  issuer: string;
  /** the caller's network address, as AuditEvent.agent.network records it */
  address?: string;
}

function signInAccess(attempt: SignInAttempt): AuditIdentity {
  return {
    subject: attempt.username,
    issuer: attempt.issuer,
    ...(attempt.fhirUser !== undefined ? { fhirUser: attempt.fhirUser } : {}),
    ...(attempt.clientId !== undefined ? { clientId: attempt.clientId } : {}),
  };
}

function withNetwork(input: AuditEventInput, address: string | undefined): AuditEventInput {
  if (address === undefined) return input;
  const agents = (input.event.agent as Record<string, unknown>[]).map((agent, i) =>
    i === 0 ? { ...agent, network: { address, type: /^[0-9.]+$/.test(address) || address.includes(':') ? '2' : '1' } } : agent,
  );
  return { ...input, event: { ...input.event, agent: agents } };
}

function patientsOfUser(fhirUser: string | undefined): string[] {
  const id = fhirUser?.startsWith('Patient/') ? fhirUser.slice('Patient/'.length) : undefined;
  return id !== undefined ? [id] : [];
}

/** A successful sign-in (DICOM 110114 User Authentication, subtype 110122 Login). */
export function signInEvent(attempt: SignInAttempt, source: AuditSource = DEFAULT_AUDIT_SOURCE, now: Date = new Date()): AuditEventInput {
  const input = auditEvent(
    { access: signInAccess(attempt) },
    source,
    { type: AuditEventType.userAuthentication, subtype: [LOGIN], action: AuditAction.execute, outcome: AuditOutcome.success, patientIds: patientsOfUser(attempt.fhirUser) },
    now,
  );
  return withNetwork(input, attempt.address);
}

/** A failed sign-in: wrong password, locked or disabled account, bad second factor (`reason` says which; never the password). */
export function failedSignInEvent(attempt: SignInAttempt, reason: string, source: AuditSource = DEFAULT_AUDIT_SOURCE, now: Date = new Date()): AuditEventInput {
  const input = auditEvent(
    { access: signInAccess(attempt) },
    source,
    { type: AuditEventType.userAuthentication, subtype: [LOGIN], action: AuditAction.execute, outcome: AuditOutcome.minorFailure, outcomeDesc: reason },
    now,
  );
  return withNetwork(input, attempt.address);
}

/**
 * Breaking the glass: the caller asserted an emergency to see a patient's record the policy
 * would otherwise refuse (DICOM 110113 Security Alert, purposeOfUse ETREAT and BTG).
 */
export function breakGlassEvent(access: AccessContext, patientId: string, reason: string, source: AuditSource = DEFAULT_AUDIT_SOURCE, now: Date = new Date()): AuditEventInput {
  return auditEvent(
    { access, breakGlass: { reason } },
    source,
    {
      type: AuditEventType.securityAlert,
      subtype: [{ system: AuditSystem.actReason, code: 'BTG', display: 'break the glass' }],
      action: AuditAction.execute,
      outcome: AuditOutcome.success,
      outcomeDesc: reason,
      patientIds: [patientId],
    },
    now,
  );
}

export const ConsentChange = { granted: 'granted', changed: 'changed', withdrawn: 'withdrawn' } as const;
export type ConsentChange = (typeof ConsentChange)[keyof typeof ConsentChange];

const CONSENT_ACTION: Record<ConsentChange, (typeof AuditAction)[keyof typeof AuditAction]> = {
  granted: AuditAction.create,
  changed: AuditAction.update,
  withdrawn: AuditAction.delete,
};

/** A change of consent (DICOM 110110 Patient Record) for `patientId`, with the Consent it concerns ("Consent/…/_history/…"). */
export function consentChangeEvent(
  access: AccessContext,
  change: { patientId: string; consent: string; change: ConsentChange },
  source: AuditSource = DEFAULT_AUDIT_SOURCE,
  now: Date = new Date(),
): AuditEventInput {
  return auditEvent(
    { access },
    source,
    {
      type: AuditEventType.patientRecord,
      action: CONSENT_ACTION[change.change],
      outcome: AuditOutcome.success,
      resources: [change.consent],
      patientIds: [change.patientId],
    },
    now,
  );
}
