/** The audit trail as the access layer keeps it: AuditEvents built, recorded in group commits, and read back. */
export {
  AuditAction,
  AuditEventType,
  AuditOutcome,
  AuditSystem,
  DEFAULT_AUDIT_SOURCE,
  PurposeOfUse,
  RestInteraction,
  auditEvent,
  type AuditActor,
  type AuditEventDetails,
  type AuditIdentity,
  type AuditQuery,
  type AuditSource,
} from './audit-event.ts';
export { createAuditWriter, type AuditWriter, type AuditWriterOptions } from './audit-writer.ts';
export { auditedRepository, type AuditedRepositoryOptions } from './audited-repository.ts';
export { ConsentChange, breakGlassEvent, consentChangeEvent, failedSignInEvent, signInEvent, type SignInAttempt } from './security-events.ts';
export { patientIdsOf } from './patients-of.ts';
export { DEFAULT_ACCESS_LOG_PAGE, MAX_ACCESS_LOG_PAGE, readAccessLog } from './access-log.ts';
