/**
 * Test support for remote monitoring (used only by *.test.ts): the access fixture's area with a
 * virtual ward run by the hospital, mobile numbers and a text-message preference for its people,
 * and the repositories the service is used through: people's and staff's access-checked records,
 * and Kindred's monitoring (MONITORING_ACCESS) as the server builds it.
 */
import { accessibleRecord, defaultAccessPolicy, parseScopes, type AccessContext } from '@kindred/access';
import { AREA, accessOf, type Who } from '@kindred/access/testing';
import type { Resource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { TestStore } from '@kindred/store/testing';
import { DEFAULT_ACCESS_NEEDS, withAccessNeeds } from '../access-needs/index.ts';
import { outboxChannels } from '../messaging/outbox-channels.ts';
import type { MonitoringDeps } from './monitoring-api.ts';
import { CARE_TEAM_CATEGORY_SYSTEM, VIRTUAL_WARD } from './monitoring-vocabulary.ts';
import { MONITORING_ACCESS } from './received-text.ts';

export const NOW = Date.parse('2030-03-01T09:00:00Z');
export const HOUR = 3_600_000;
export const at = (hours: number): string => new Date(NOW + hours * HOUR).toISOString();

export const WARD_ID = 'hospital-at-home';
export const MOBILES = { alice: '07700 900123', dave: '+44 7700 900456', carol: '07700900789' } as const;

const withMobile = (r: Resource, mobile: string): Resource => withAccessNeeds({ ...r, telecom: [{ system: 'phone', value: mobile, use: 'mobile' }] }, { ...DEFAULT_ACCESS_NEEDS, preferredChannels: ['sms'] });

export const MONITORING_AREA: readonly Resource[] = [
  ...AREA.map((r) => (r.resourceType === 'Patient' && typeof r.id === 'string' && r.id in MOBILES ? withMobile(r, MOBILES[r.id as keyof typeof MOBILES]) : r)),
  {
    resourceType: 'CareTeam',
    id: WARD_ID,
    status: 'active',
    name: 'City Hospital at Home',
    category: [{ coding: [{ system: CARE_TEAM_CATEGORY_SYSTEM, code: VIRTUAL_WARD }] }],
    managingOrganization: [{ reference: 'Organization/hospital', display: 'City Hospital Outpatients' }],
    participant: [{ member: { reference: 'Organization/hospital' } }],
    telecom: [{ system: 'phone', value: '0113 496 0100' }],
  },
  { resourceType: 'CareTeam', id: 'not-a-ward', status: 'active', name: 'Diabetes team', managingOrganization: [{ reference: 'Organization/hospital' }] },
];

export async function repositoryOf(store: TestStore, who: Who): Promise<Repository> {
  return (await accessibleRecord(store.repository, accessOf(who), defaultAccessPolicy())).repository;
}

export async function systemRepository(store: TestStore, access: AccessContext = MONITORING_ACCESS): Promise<Repository> {
  return (await accessibleRecord(store.repository, access, defaultAccessPolicy())).repository;
}

export async function monitoringDeps(store: TestStore, scopes?: string): Promise<MonitoringDeps> {
  const access = scopes === undefined ? MONITORING_ACCESS : Object.freeze({ ...MONITORING_ACCESS, scopes: parseScopes(scopes) });
  return { system: await systemRepository(store, access), channels: outboxChannels(store.outbox), responseMinutes: 30 };
}
