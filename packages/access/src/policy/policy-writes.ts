/**
 * Checks a write against the access policy before it happens, inside the write's transaction:
 * the version it replaces must be one the writer may change, the people the new version is about
 * must be people the writer's organisation is caring for (or who consented), and the content must
 * pass the grant's own check. A write that would bring a person into the writer's care (a new
 * EpisodeOfCare, a Consent naming their own organisation) is judged on who the person was
 * before it, so nobody can widen their own access by writing.
 *
 * It reads the record unrestricted (these are the policy's facts) and never writes.
 */
import { FhirError, extractReferenceRows, isPlainObject, type Resource, type SearchFilter } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { idIs, personLinks } from './filters.ts';
import type { AccessPolicy } from './policy-config.ts';
import type { WriteGrant, WriteRule } from './rules.ts';

/** Whether `type/id` satisfies `filter`, in the record as `repository` sees it. */
export async function satisfies(repository: Repository, type: string, id: string, filter: SearchFilter | undefined): Promise<boolean> {
  // As a restriction, the filter is checked on the one row the id finds (correlated), instead of
  // first finding everything that satisfies it (every patient an organisation cares for).
  const page = await repository.search({
    resourceType: type,
    filters: [idIs([id])],
    ...(filter === undefined ? {} : { restriction: (t: string) => (t === type ? filter : undefined) }),
    sort: [],
    count: 1,
    total: 'none',
    include: [],
    revinclude: [],
    ignored: [],
  });
  return page.matches.length > 0;
}

/** The ids of the patients `resource` is about (its Patient-compartment references, and the policy's extra links). */
export function patientsOf(resource: Resource, policy: AccessPolicy): string[] {
  if (resource.resourceType === 'Patient') return typeof resource.id === 'string' ? [resource.id] : [];
  const links = new Set(personLinks(resource.resourceType, policy.patientLinks));
  const ids = extractReferenceRows(resource, links)
    .filter((r) => r.targetType === 'Patient' && r.targetId !== null)
    .map((r) => r.targetId!);
  return [...new Set(ids)];
}

async function allSatisfy(repository: Repository, patients: readonly string[], filter: SearchFilter | undefined): Promise<boolean> {
  if (filter === undefined || patients.length === 0) return true;
  const page = await repository.search({
    resourceType: 'Patient',
    filters: [idIs(patients)],
    restriction: (t: string) => (t === 'Patient' ? filter : undefined),
    sort: [],
    count: patients.length,
    total: 'none',
    include: [],
    revinclude: [],
    ignored: [],
  });
  return page.matches.length === patients.length;
}

/**
 * Kindred reads an active Consent as permission for the actors it names. A top-level `deny`
 * provision naming actors would be read the wrong way round, so it is refused: without a
 * permitting consent nobody outside the person's care sees their record anyway.
 */
export function refuseDenyingConsent(resource: Resource): void {
  if (resource.resourceType !== 'Consent' || !isPlainObject(resource.provision)) return;
  const provision = resource.provision;
  if (provision.type === 'deny' && Array.isArray(provision.actor) && provision.actor.length > 0) {
    throw new FhirError(
      'UNPROCESSABLE',
      'Kindred treats an active Consent as permission for the actors it names; a Consent with provision.type "deny" and actors cannot be stored. To stop sharing, set the permitting consent\'s status to "inactive".',
    );
  }
}

export interface WriteTarget {
  type: string;
  id?: string;
  /** the new content; absent for a delete */
  resource?: Resource;
  /** whether a current (live) version exists */
  exists: boolean;
  deleting: boolean;
}

/** The reason no grant allows the write, or undefined when one does. */
export async function judgeWrite(repository: Repository, rule: WriteRule, target: WriteTarget, policy: AccessPolicy): Promise<string | undefined> {
  if (rule === 'unrestricted') return undefined;
  const grants = rule.filter(
    (g: WriteGrant) =>
      (target.exists ? g.appliesTo !== 'create' : g.appliesTo !== 'change') &&
      (!target.deleting || g.mayDelete) &&
      (g.only === undefined || (target.resource !== undefined && g.only(target.resource))),
  );
  if (grants.length === 0) {
    const what = target.deleting ? 'delete' : target.exists ? 'change' : 'create';
    return `your role does not allow you to ${what} ${target.type} resources`;
  }
  const patients = target.resource ? patientsOf(target.resource, policy) : [];
  let reason = 'the person it is about is not someone your organisation is caring for, nor someone who has given you consent';
  for (const grant of grants) {
    if (target.exists && target.id !== undefined && grant.current !== undefined && !(await satisfies(repository, target.type, target.id, grant.current))) {
      reason = `you may not change ${target.type}/${target.id}`;
      continue;
    }
    if (target.resource) {
      if (grant.needsPatient && patients.length === 0) {
        reason = `a ${target.type} must say which person it is about (a reference to their Patient record)`;
        continue;
      }
      const problem = grant.check?.(target.resource);
      if (problem !== undefined) {
        reason = problem;
        continue;
      }
      if (!(await allSatisfy(repository, patients, grant.patients))) continue;
    }
    return undefined;
  }
  return reason;
}
