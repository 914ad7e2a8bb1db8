/**
 * Who the access policy is deciding for, resolved from the token (AccessContext) and the record:
 * a member of staff or volunteer with their roles at organisations (PractitionerRole), a person
 * (Patient), a carer (RelatedPerson), or a system acting by its scopes alone.
 *
 * It reads the record through the repository it is given (unrestricted: this is how the policy
 * learns the facts it decides on) and never decides anything itself.
 */
import { isFhirError, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { ADMINISTRATOR, type AccessContext } from '../access-context.ts';
import { refersTo } from './filters.ts';
import { ACCESS_ROLE_SYSTEM } from './vocabulary.ts';

export interface StaffRole {
  /** the PractitionerRole's id */
  readonly id: string;
  /** "Organization/…" the role is at, when it names one */
  readonly organization?: string;
  /** the access role codes it holds (PractitionerRole.code with ACCESS_ROLE_SYSTEM) */
  readonly codes: readonly string[];
}

export type Principal =
  | { readonly kind: 'system'; readonly label: string }
  | { readonly kind: 'staff'; readonly practitioner: string; readonly roles: readonly StaffRole[] }
  | { readonly kind: 'patient'; readonly patient: string }
  | { readonly kind: 'carer'; readonly relatedPerson: string }
  /** a token whose person Kindred cannot find: sees nothing, and is told why */
  | { readonly kind: 'nobody'; readonly reason: string };

const MAX_ROLES = 100;

function isCurrent(role: StoredResource, now: number): boolean {
  if (role.active === false) return false;
  const period = role.period as { start?: string; end?: string } | undefined;
  if (period?.start !== undefined && Date.parse(period.start) > now) return false;
  if (period?.end !== undefined && Date.parse(period.end) < now) return false;
  return true;
}

function roleOf(resource: StoredResource): StaffRole {
  const codes = ((resource.code as { coding?: { system?: string; code?: string }[] }[] | undefined) ?? [])
    .flatMap((c) => c.coding ?? [])
    .filter((c) => c.system === ACCESS_ROLE_SYSTEM && typeof c.code === 'string')
    .map((c) => c.code!);
  const organization = (resource.organization as { reference?: string } | undefined)?.reference;
  return Object.freeze({
    id: resource.id,
    ...(typeof organization === 'string' && /^Organization\/[A-Za-z0-9\-.]{1,64}$/.test(organization) ? { organization } : {}),
    codes: Object.freeze([...new Set(codes)]),
  });
}

async function exists(repository: Repository, type: string, id: string): Promise<boolean> {
  try {
    await repository.read(type, id);
    return true;
  } catch (error) {
    if (isFhirError(error) && (error.errorName === 'NOT_FOUND' || error.errorName === 'GONE')) return false;
    throw error;
  }
}

const FHIR_USER = /^(Practitioner|Patient|RelatedPerson)\/([A-Za-z0-9\-.]{1,64})$/;

/**
 * The principal behind `access`. Tokens without a person (fhirUser) act by their scopes alone only
 * when they are the built-in administrator's or carry system/ scopes only (SMART Backend
 * Services); any other token without a person sees nothing.
 */
export async function resolvePrincipal(access: AccessContext, repository: Repository, now: number = Date.now()): Promise<Principal> {
  if (access.fhirUser === undefined) {
    const resourceScopes = access.scopes.scopes.filter((s) => s.kind === 'resource');
    if (access.subject === ADMINISTRATOR || (resourceScopes.length > 0 && resourceScopes.every((s) => s.kind === 'resource' && s.context === 'system'))) {
      return { kind: 'system', label: access.clientId ?? access.subject };
    }
    return { kind: 'nobody', reason: 'the token names no person (fhirUser) and carries user or patient scopes' };
  }
  const match = FHIR_USER.exec(access.fhirUser);
  if (!match) return { kind: 'nobody', reason: `the token's fhirUser "${access.fhirUser}" is not a Practitioner, Patient or RelatedPerson of this record` };
  const [, type, id] = match as unknown as [string, string, string];
  if (!(await exists(repository, type, id))) return { kind: 'nobody', reason: `${type}/${id} (the token's fhirUser) is not in the record` };
  if (type === 'Patient') return { kind: 'patient', patient: id };
  if (type === 'RelatedPerson') return { kind: 'carer', relatedPerson: id };
  const page = await repository.search({
    resourceType: 'PractitionerRole',
    filters: [refersTo('PractitionerRole', 'practitioner', [`Practitioner/${id}`])],
    sort: [],
    count: MAX_ROLES,
    total: 'none',
    include: [],
    revinclude: [],
    ignored: [],
  });
  const roles = page.matches.filter((r) => isCurrent(r, now)).map(roleOf).filter((r) => r.codes.length > 0);
  return { kind: 'staff', practitioner: id, roles: Object.freeze(roles) };
}
