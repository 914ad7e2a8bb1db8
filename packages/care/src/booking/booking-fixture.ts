/**
 * Test support for booking (used only by *.test.ts): the access fixture's area with a schedule for
 * the north practice's GP, a phone number for the practice, and access needs on its people, plus
 * the access-checked repositories of its receptionist, GP and people on a fresh store per backend.
 */
import { accessibleRecord, defaultAccessPolicy } from '@kindred/access';
import { AREA, accessOf, type Who } from '@kindred/access/testing';
import type { Resource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { TestStore } from '@kindred/store/testing';
import { DEFAULT_ACCESS_NEEDS, withAccessNeeds } from '../access-needs/index.ts';

export const NOW = Date.parse('2030-03-01T09:00:00Z');

export const BOOKING_AREA: readonly Resource[] = [
  ...AREA.map((r) =>
    r.resourceType === 'Organization' && r.id === 'gp-north' ? { ...r, telecom: [{ system: 'phone', value: '0113 496 0000' }] } : r.resourceType === 'Patient' && r.id === 'alice'
      ? withAccessNeeds(r, { ...DEFAULT_ACCESS_NEEDS, language: 'pl', interpreterRequired: true, preferredChannels: ['sms'], possibleChannels: ['letter'] })
      : r,
  ),
  { resourceType: 'Schedule', id: 'dr-north-schedule', active: true, actor: [{ reference: 'PractitionerRole/dr-north-role' }] },
  { resourceType: 'Schedule', id: 'dr-south-schedule', active: true, actor: [{ reference: 'PractitionerRole/dr-south-role' }] },
];

export async function repositoryOf(store: TestStore, who: Who): Promise<Repository> {
  return (await accessibleRecord(store.repository, accessOf(who), defaultAccessPolicy())).repository;
}
