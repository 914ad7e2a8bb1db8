/**
 * The virtual ward the whole-system monitoring tests share: run by the access fixture's hospital,
 * with the hospital and its clinician as members (so the hospital's staff read it through their
 * own record, decision 0016).
 */
import { CARE_TEAM_CATEGORY_SYSTEM, VIRTUAL_WARD } from '@kindred/care';
import type { Resource } from '@kindred/fhir';

export const TEST_WARD: Resource = {
  resourceType: 'CareTeam',
  id: 'ward-hospital',
  status: 'active',
  category: [{ coding: [{ system: CARE_TEAM_CATEGORY_SYSTEM, code: VIRTUAL_WARD }] }],
  name: 'City Respiratory Virtual Ward',
  managingOrganization: [{ reference: 'Organization/hospital' }],
  telecom: [{ system: 'phone', value: '0113 496 0999' }],
  participant: [{ member: { reference: 'Organization/hospital' } }, { member: { reference: 'PractitionerRole/dr-hospital-role' } }],
};
