/**
 * The policy's fast path. The exact policy is a search filter the store checks row by row (rules.ts);
 * for the commonest requests (read one resource; search one person's record without includes,
 * chains or `_has`) the same answer comes from a question about the person instead: is this
 * person in my organisation's direct care, involved with it, or have they consented to me? That
 * is one small query per person per request, where the full filter would cost many.
 *
 * It only ever says yes when the exact policy would; when unsure it says so, and the caller falls
 * back to the exact filter. Nothing here is cached beyond one request.
 */
import { searchParametersOf, type SearchFilter, type SearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { all, personLinks, withoutLabel } from './filters.ts';
import type { AccessPolicy, Coding } from './policy-config.ts';
import type { Principal } from './principal.ts';
import { patientsOf, satisfies } from './policy-writes.ts';
import { consentingToCarer, directlyResponsible, heldRoles, involved, type HeldRole, type Restriction } from './rules.ts';
import { CarerAction } from './vocabulary.ts';

type Basis = 'full' | 'shared' | 'none';

export interface FastPath {
  /** true when the principal certainly may read `resource`; false when unsure (ask the exact policy) */
  mayRead(resource: StoredResource): Promise<boolean>;
  /**
   * For a search whose matches are all about `patients` (pinned by its own filters) and that reaches
   * no other resource: a restriction exactly equivalent to the policy's on those matches, or
   * 'unknown'.
   */
  pinnedRestriction(type: string, patients: readonly string[]): Promise<Restriction | 'unknown'>;
}

function labelsOn(resource: StoredResource, labels: readonly Coding[]): Coding[] {
  const security = (resource.meta as { security?: { system?: string; code?: string }[] }).security ?? [];
  return labels.filter((l) => security.some((s) => s.system === l.system && s.code === l.code));
}

function readsType(held: HeldRole, type: string): boolean {
  return !held.policy.volunteer && (held.policy.read === '*' || held.policy.read.includes(type));
}

function withoutLabels(type: string, labels: readonly Coding[]): Restriction {
  return labels.length === 0 ? undefined : all(labels.map((l) => withoutLabel(type, l)));
}

export function fastPath(repository: Repository, principal: Principal, policy: AccessPolicy, now: number): FastPath {
  const roles = principal.kind === 'staff' ? heldRoles(principal, policy) : [];
  const answers = new Map<string, Promise<boolean>>();
  /** Whether Patient/`id` satisfies `filter`, asked once per request. */
  const ask = (key: string, id: string, filter: () => SearchFilter): Promise<boolean> => {
    const k = `${key}|${id}`;
    if (!answers.has(k)) answers.set(k, satisfies(repository, 'Patient', id, filter()));
    return answers.get(k)!;
  };
  const basis = async (index: number, held: HeldRole, patient: string): Promise<Basis> => {
    if (await ask(`full:${index}`, patient, () => directlyResponsible(held, now))) return 'full';
    if (await ask(`shared:${index}`, patient, () => involved(held, policy, now))) return 'shared';
    return 'none';
  };
  const carerMayView = (relatedPerson: string, patient: string): Promise<boolean> =>
    ask('carer', patient, () => consentingToCarer(relatedPerson, CarerAction.viewRecord, now));

  return {
    async mayRead(resource) {
      const type = resource.resourceType;
      if (policy.referenceTypes.has(type)) return false;
      const patients = patientsOf(resource, policy);
      if (patients.length === 0) return false;
      switch (principal.kind) {
        case 'staff': {
          const sensitive = labelsOn(resource, policy.sensitiveLabels);
          for (const [index, held] of roles.entries()) {
            if (!readsType(held, type)) continue;
            for (const patient of patients) {
              const b = await basis(index, held, patient);
              if (b === 'full' && (sensitive.length === 0 || held.policy.seesSensitive)) return true;
              if (b === 'shared' && sensitive.length === 0) return true;
            }
          }
          return false;
        }
        case 'patient':
          return patients.includes(principal.patient) && labelsOn(resource, policy.hiddenFromPersonLabels).length === 0;
        case 'carer': {
          if (labelsOn(resource, [...policy.sensitiveLabels, ...policy.hiddenFromPersonLabels]).length > 0) return false;
          for (const patient of patients) if (await carerMayView(principal.relatedPerson, patient)) return true;
          return false;
        }
        case 'system':
        case 'nobody':
          return false;
      }
    },

    async pinnedRestriction(type, patients) {
      if (patients.length === 0 || policy.referenceTypes.has(type)) return 'unknown';
      switch (principal.kind) {
        case 'staff': {
          // a role that reads the type, sees sensitive labels and directly cares for every pinned person sees every match
          for (const [index, held] of roles.entries()) {
            if (!readsType(held, type) || !held.policy.seesSensitive) continue;
            let everyone = true;
            for (const patient of patients) if ((await basis(index, held, patient)) !== 'full') everyone = false;
            if (everyone) return undefined;
          }
          return 'unknown';
        }
        case 'patient':
          return patients.every((p) => p === principal.patient) ? withoutLabels(type, policy.hiddenFromPersonLabels) : 'unknown';
        case 'carer': {
          // RelatedPerson and Consent have branches of their own (the carer's own record and consents)
          if (type === 'RelatedPerson' || type === 'Consent') return 'unknown';
          for (const patient of patients) if (!(await carerMayView(principal.relatedPerson, patient))) return 'unknown';
          return withoutLabels(type, [...policy.sensitiveLabels, ...policy.hiddenFromPersonLabels]);
        }
        case 'system':
        case 'nobody':
          return 'unknown';
      }
    },
  };
}

/**
 * The patients every match of `request` is about, when its own filters say so and it reaches no
 * other resource (no chains, `_has`, includes): a reference to Patient through one of the type's
 * person links (or its `patient` parameter), a Patient compartment, or `_id` on Patient.
 * Undefined when the search is not pinned that way.
 */
export function pinnedPatients(request: SearchRequest, policy: AccessPolicy): string[] | undefined {
  if (request.include.length > 0 || request.revinclude.length > 0) return undefined;
  if (request.filters.some((f) => f.kind === 'chain' || f.kind === 'has' || f.kind === 'all' || f.kind === 'any')) return undefined;
  const type = request.resourceType;
  const params = searchParametersOf(type);
  const linkCodes = personLinks(type, policy.patientLinks);
  // Another reference parameter pins as well when it reads the same element as a person link:
  // `subject=Patient/x` on Condition, whose compartment link `patient` is `Condition.subject.where(resolve() is Patient)`.
  const pathOf = (code: string): string | undefined => params.get(code)?.expression?.replace(/\.where\(resolve\(\) is Patient\)/g, '');
  const linkPaths = new Set(linkCodes.map(pathOf).filter((p): p is string => p !== undefined));
  const links = new Set([...linkCodes, ...[...params.values()].filter((p) => p.type === 'reference' && linkPaths.has(pathOf(p.code) ?? '')).map((p) => p.code)]);
  for (const filter of request.filters) {
    if (filter.kind === 'compartment' && filter.compartmentType === 'Patient') return [filter.id];
    if (filter.kind === 'id' && !filter.not && request.resourceType === 'Patient') return [...filter.values];
    const onlyPatients = filter.kind === 'reference' && params.get(filter.param.code)?.target?.join() === 'Patient';
    if (
      filter.kind === 'reference' &&
      links.has(filter.param.code) &&
      filter.values.length > 0 &&
      filter.values.every((v) => (v.type === 'Patient' || (v.type === undefined && onlyPatients)) && v.id !== undefined && v.url === undefined)
    ) {
      return filter.values.map((v) => v.id!);
    }
  }
  return undefined;
}
