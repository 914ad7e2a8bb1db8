/**
 * What the access section compares: the same four requests for a sampled patient, made through
 * three stacks over one store — the baseline the search section uses (the store's repository under
 * the local administrator's scopes), the access checks a real request pays (`accessibleRecord` for
 * the patient's GP, built per request, so resolving who is asking is included), and those checks
 * with the audit trail around them (`auditedRepository`, one group-commit writer for the run, as
 * the server keeps one). Each request returns a key naming exactly what was answered, so the
 * stacks can be held to the same answer.
 *
 * This module builds requests and stacks only; timing and checking are in access-step.ts.
 */
import { accessibleRecord, auditedRepository, createPrincipalCache, localAdministratorAccess, parseScopes, scopedRepository, type AccessContext, type AccessPolicy, type AuditWriter } from '@kindred/access';
import { isFhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { AccessSample } from '../area/index.ts';

export const ACCESS_REQUEST_KINDS = ['read-patient', 'read-observation', 'search-observations', 'search-encounters'] as const;
export type AccessRequestKind = (typeof ACCESS_REQUEST_KINDS)[number];

export const ACCESS_STACKS = ['baseline', 'access', 'access+audit'] as const;
export type AccessStack = (typeof ACCESS_STACKS)[number];

/** Each request as a FHIR url would carry it, `{id}` standing for the sampled patient (or their observation). */
export const ACCESS_REQUESTS: Readonly<Record<AccessRequestKind, { description: string; request: string }>> = {
  'read-patient': { description: 'Read the patient', request: 'Patient/{id}' },
  'read-observation': { description: 'Read one of the patient\'s observations', request: 'Observation/{id}' },
  'search-observations': { description: 'The patient\'s observations, newest first, 20 a page', request: 'Observation?subject=Patient/{id}&_sort=-date&_count=20' },
  'search-encounters': { description: 'The patient\'s encounters', request: 'Encounter?subject=Patient/{id}' },
};

/** A GP's token as the server would hold it once verified: user scopes for everything, narrowed by the policy to what their practice may see. */
export function clinicianAccess(sample: AccessSample): AccessContext {
  return Object.freeze({
    subject: `bench-${sample.practitioner}`,
    scopes: parseScopes('user/*.cruds'),
    tokenId: `bench-${sample.practitioner}`,
    expiresAt: new Date(8_640_000_000_000_000),
    issuer: 'urn:kindred:bench',
    fhirUser: `Practitioner/${sample.practitioner}`,
  });
}

const versioned = (resource: StoredResource): string => `${resource.resourceType}/${resource.id}/_history/${resource.meta.versionId}`;

/** The request of `kind` for `sample` on `repository`; resolves to a key of what it answered. */
export async function makeRequest(repository: Repository, kind: AccessRequestKind, sample: AccessSample): Promise<string> {
  const subject = ['subject', `Patient/${sample.patient}`] as const;
  switch (kind) {
    case 'read-patient':
      return versioned(await repository.read('Patient', sample.patient));
    case 'read-observation':
      return versioned(await repository.read('Observation', sample.observation));
    case 'search-observations': {
      const page = await repository.search(parseSearchRequest('Observation', [subject, ['_sort', '-date'], ['_count', '20']], { handling: 'strict' }));
      return `${page.total ?? '-'}|${page.matches.map(versioned).join(',')}|${page.included.map(versioned).join(',')}`;
    }
    case 'search-encounters': {
      const page = await repository.search(parseSearchRequest('Encounter', [subject], { handling: 'strict' }));
      return `${page.total ?? '-'}|${page.matches.map(versioned).join(',')}|${page.included.map(versioned).join(',')}`;
    }
  }
}

/** What a request answered, or the refusal it met, as a key to compare. */
export async function answerKey(repository: Repository, kind: AccessRequestKind, sample: AccessSample): Promise<string> {
  try {
    return await makeRequest(repository, kind, sample);
  } catch (error) {
    if (isFhirError(error)) return `refused: ${error.errorName}: ${error.message}`;
    throw error;
  }
}

export interface AccessStacks {
  /** the repository a request through `stack` uses, built as that stack builds it per request */
  repositoryFor(stack: AccessStack, sample: AccessSample): Promise<Repository>;
}

/** The three stacks over `repository` (the store's own), with `writer` keeping the audit trail of the third. */
export function accessStacks(repository: Repository, policy: AccessPolicy, writer: AuditWriter): AccessStacks {
  const baseline = scopedRepository(repository, localAdministratorAccess());
  const contexts = new Map<string, AccessContext>();
  // As the server does: who each person is (their roles) is kept for a few seconds; what they may see is decided per request.
  const principals = createPrincipalCache();
  // The verified token is plain data the server has before the request reaches the record: made once per clinician.
  const accessOf = (sample: AccessSample): AccessContext => {
    const found = contexts.get(sample.practitioner) ?? clinicianAccess(sample);
    contexts.set(sample.practitioner, found);
    return found;
  };
  return {
    async repositoryFor(stack, sample) {
      if (stack === 'baseline') return baseline;
      const access = accessOf(sample);
      const record = await accessibleRecord(repository, access, policy, Date.now(), principals);
      return stack === 'access' ? record.repository : auditedRepository(record.repository, access, writer);
    },
  };
}
