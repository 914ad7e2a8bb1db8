/**
 * A person's access log: who has looked at their record and why (the AuditEvents about one
 * patient, newest first). Whoever may read the Patient through the repository they were given may
 * read its log: the access policy decides that read, and refuses or hides as it does for any read.
 * This module must not look at the trail before that read has succeeded.
 */
import type { AuditPage, AuditTrail, Repository } from '@kindred/store';

export const DEFAULT_ACCESS_LOG_PAGE = 50;
export const MAX_ACCESS_LOG_PAGE = 500;

/** The events about Patient `patientId`, `count` at a time (older than entry `before`), after reading the Patient through `repository`. */
export async function readAccessLog(
  repository: Repository,
  trail: Pick<AuditTrail, 'forPatient'>,
  patientId: string,
  page: { count?: number; before?: number } = {},
): Promise<AuditPage> {
  await repository.read('Patient', patientId);
  const count = Math.min(MAX_ACCESS_LOG_PAGE, Math.max(1, page.count ?? DEFAULT_ACCESS_LOG_PAGE));
  return trail.forPatient(patientId, { count, ...(page.before !== undefined ? { before: page.before } : {}) });
}
