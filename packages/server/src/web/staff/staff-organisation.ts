/**
 * Which organisation a staff page works for: the organisations of the signed-in member of staff's
 * current roles (PractitionerRole.organization, as the access layer resolved them). Someone with
 * roles at several organisations chooses one with `?org=`; anyone else has theirs chosen for them.
 *
 * Reads nothing itself: the principal comes from the access layer, names from the record it is given.
 * Must not decide access: the policy already limits what the record shows.
 */
import type { Principal } from '@kindred/access';
import { FhirError, isFhirError } from '@kindred/fhir';
import type { Repository } from '@kindred/store';

export interface StaffOrganisation {
  /** "gp-north": the Organization's id */
  id: string;
  name: string;
  /** the signed-in person's PractitionerRole there (what "assigned to me" means) */
  roleId: string;
}

export interface StaffWorkplace {
  /** "Practitioner/…" */
  practitioner: string;
  current: StaffOrganisation;
  /** every organisation they have a role at, for the chooser (one entry when there is no choice) */
  all: readonly StaffOrganisation[];
}

const ORGANISATION = /^Organization\/([A-Za-z0-9\-.]{1,64})$/;

/** The organisation ids and role ids of a member of staff's roles, in the order of their roles. */
export function rolesByOrganisation(principal: Principal): { organisationId: string; roleId: string }[] {
  if (principal.kind !== 'staff') return [];
  const seen = new Set<string>();
  const out: { organisationId: string; roleId: string }[] = [];
  for (const role of principal.roles) {
    const id = ORGANISATION.exec(role.organization ?? '')?.[1];
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    out.push({ organisationId: id, roleId: role.id });
  }
  return out;
}

async function nameOfOrganisation(record: Repository, id: string): Promise<string> {
  try {
    const organisation = await record.read('Organization', id);
    return typeof organisation.name === 'string' && organisation.name.trim() !== '' ? organisation.name : id;
  } catch (error) {
    // a role may point at an organisation this person may not read: show its id rather than fail
    if (isFhirError(error) && error.status < 500) return id;
    throw error;
  }
}

/**
 * The organisation the page works for: `chosen` (from ?org=) when it is one of theirs, otherwise
 * `preferred` (e.g. the organisation a request belongs to) when it is one of theirs, otherwise the
 * first. A member of staff without a role at any organisation is told so.
 */
export async function staffWorkplace(principal: Principal, record: Repository, chosen?: string, preferred?: string): Promise<StaffWorkplace> {
  const roles = rolesByOrganisation(principal);
  if (principal.kind !== 'staff' || roles.length === 0) {
    throw new FhirError('ACCESS_DENIED', 'Your account has no current role at an organisation, so there is no inbox to show. Ask the people who run Kindred in your area to add your role.');
  }
  if (chosen !== undefined && chosen !== '' && !roles.some((r) => r.organisationId === chosen)) {
    throw new FhirError('ACCESS_DENIED', 'You do not have a role at that organisation. Choose one of your own organisations.');
  }
  const all = await Promise.all(roles.map(async (r) => ({ id: r.organisationId, name: await nameOfOrganisation(record, r.organisationId), roleId: r.roleId })));
  const wanted = chosen !== undefined && chosen !== '' ? chosen : preferred;
  const current = all.find((o) => o.id === wanted) ?? all[0]!;
  return { practitioner: principal.practitioner, current, all };
}

/** The `org` to keep in links: only when the person has a choice of organisation (links stay short otherwise). */
export function orgParam(workplace: StaffWorkplace): string | undefined {
  return workplace.all.length > 1 ? workplace.current.id : undefined;
}
