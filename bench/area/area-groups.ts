/**
 * The Groups at the end of the stream: the council's vulnerable people register and the virtual
 * ward caseload. Membership comes from re-deriving each generated patient's profile (cheap and
 * pure) rather than from a list kept while streaming; member lists are capped so a Group stays a
 * sensible size at any scale.
 */
import type { Resource } from '@kindred/fhir';
import type { AreaPlan } from './area-plan.ts';
import { groupId } from './infrastructure-resources.ts';
import { patientProfile } from './patient-profile.ts';
import { reference, type ReferenceValue } from './terminology.ts';
import { formatUkDate } from './uk-time.ts';

/** Largest member list written into one Group. */
export const MAX_GROUP_MEMBERS = 5000;

interface Member {
  entity: ReferenceValue;
}

function group(plan: AreaPlan, index: number, name: string, manager: ReferenceValue, members: readonly Member[]): Resource {
  return {
    resourceType: 'Group',
    id: groupId(plan, index),
    active: true,
    type: 'person',
    actual: true,
    code: { text: name },
    name,
    quantity: members.length,
    managingEntity: manager,
    ...(members.length > 0 ? { member: members } : {}),
  };
}

/** The two Groups, for the first `patientCount` patients of the area. */
export function* areaGroups(plan: AreaPlan, patientCount: number): Generator<Resource> {
  const vulnerable: Member[] = [];
  const virtualWard: Member[] = [];
  for (let index = 0; index < patientCount; index++) {
    if (vulnerable.length >= MAX_GROUP_MEMBERS && virtualWard.length >= MAX_GROUP_MEMBERS) break;
    const profile = patientProfile(plan, index);
    const entity = reference('Patient', profile.id);
    if (profile.vulnerable && vulnerable.length < MAX_GROUP_MEMBERS) vulnerable.push({ entity });
    if (profile.remoteMonitoring && profile.deathMs === undefined && virtualWard.length < MAX_GROUP_MEMBERS) virtualWard.push({ entity });
  }
  yield group(plan, 0, `Vulnerable people register (${formatUkDate(plan.asOfMs)})`, reference('Organization', plan.council.id, plan.council.name), vulnerable);
  yield group(plan, 1, 'Heart failure and COPD virtual ward caseload', reference('Organization', plan.hospital.id, plan.hospital.name), virtualWard);
}
