/**
 * The load and equity view read through the access-checked repository of a GP practice's clinician
 * (the access policy's test area plus this file's people and requests), with the IMD reference
 * table loaded, on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resource } from '@kindred/fhir';
import { accessibleRecord, defaultAccessPolicy } from '@kindred/access';
import { AREA, accessOf } from '@kindred/access/testing';
import type { Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import type { EquityGroup } from './equity-summary.ts';
import { ONLINE_REQUEST_CODE, REQUEST_ROUTE_EXTENSION, TASK_CODE_SYSTEM, TRIAGE_OUTCOME_SYSTEM } from '../triage/triage-vocabulary.ts';
import { LSOA_EXTENSION, LSOA_SYSTEM } from './request-facts.ts';
import { requestLoadAndEquity } from './request-load-and-equity.ts';

const backends = await testBackends();
const NOW = new Date('2026-04-02T12:00:00Z');

function patient(id: string, birthDate: string, options: { lsoa?: string; extension?: unknown[]; gp?: string } = {}): Resource {
  return {
    resourceType: 'Patient',
    id,
    name: [{ family: id }],
    birthDate,
    generalPractitioner: [{ reference: `Organization/${options.gp ?? 'gp-north'}` }],
    ...(options.lsoa !== undefined ? { address: [{ use: 'home', postalCode: 'LS1 1AA', extension: [{ url: LSOA_EXTENSION, valueCoding: { system: LSOA_SYSTEM, code: options.lsoa } }] }] } : {}),
    ...(options.extension !== undefined ? { extension: options.extension } : {}),
  };
}

function request(id: string, patientId: string, route: string, authoredOn: string, options: { owner?: string; status?: string; outcome?: string; code?: string } = {}): Resource {
  return {
    resourceType: 'Task',
    id,
    status: options.status ?? (options.outcome !== undefined ? 'completed' : 'requested'),
    intent: 'order',
    code: { coding: [{ system: TASK_CODE_SYSTEM, code: options.code ?? ONLINE_REQUEST_CODE }] },
    for: { reference: `Patient/${patientId}` },
    owner: { reference: options.owner ?? 'Organization/gp-north' },
    authoredOn,
    extension: [{ url: REQUEST_ROUTE_EXTENSION, valueCode: route }],
    ...(options.outcome !== undefined ? { output: [{ type: { coding: [{ system: TRIAGE_OUTCOME_SYSTEM, code: options.outcome }] }, valueString: 'what was done' }] } : {}),
  };
}

const noInternet = [{ url: 'https://kindred.health/fhir/StructureDefinition/access-needs', extension: [{ url: 'noInternet', valueBoolean: true }] }];
const interpreter = [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired', valueBoolean: true }];

const PEOPLE: Resource[] = [
  patient('eq-young', '1995-05-05', { lsoa: 'E01000001' }),
  patient('eq-old', '1940-01-01', { lsoa: 'E01000002', extension: noInternet }),
  patient('eq-no-lsoa', '1980-06-01', { extension: interpreter }),
  patient('eq-lsoa-not-in-table', '2012-02-02', { lsoa: 'E01999999' }),
];
const REQUESTS: Resource[] = [
  request('eq-1', 'eq-young', 'online-self', '2026-01-05T10:00:00Z', { outcome: 'book' }),
  request('eq-2', 'eq-old', 'phone', '2026-02-10T09:30:00Z', { owner: 'PractitionerRole/dr-north-role', outcome: 'reply' }),
  request('eq-3', 'eq-no-lsoa', 'online-assisted', '2026-03-01T08:00:00Z', { status: 'in-progress' }),
  request('eq-4', 'eq-lsoa-not-in-table', 'in-person', '2026-03-31T23:00:00Z', { outcome: 'close' }),
  // not counted: before the period, another practice's, entered in error, not an online request
  request('eq-early', 'eq-young', 'online-self', '2025-12-31T23:59:00Z'),
  request('eq-south', 'carol', 'online-self', '2026-02-01T10:00:00Z', { owner: 'Organization/gp-south' }),
  request('eq-error', 'eq-young', 'phone', '2026-02-01T10:00:00Z', { status: 'entered-in-error' }),
  request('eq-offer', 'eq-young', 'online-self', '2026-02-01T10:00:00Z', { code: 'appointment-offer' }),
];

/** Many requests in another period: 40 people, 60 requests each. */
const MANY_PEOPLE = Array.from({ length: 40 }, (_, i) => patient(`eq-many-${i}`, i % 2 === 0 ? '1938-01-01' : '1990-01-01', { lsoa: i % 4 === 0 ? 'E01000001' : 'E01000002' }));
const MANY_REQUESTS = MANY_PEOPLE.flatMap((p, i) =>
  Array.from({ length: 60 }, (_, j) => request(`eq-many-${i}-${j}`, p.id ?? '', i % 2 === 0 ? (j % 10 === 0 ? 'online-self' : 'phone') : 'online-self', `2025-0${1 + (j % 6)}-${String(1 + (j % 28)).padStart(2, '0')}T09:00:00Z`)),
);

/** The repository, counting the reads made through it (the same repository, not a stand-in). */
function counted(repository: Repository): { repository: Repository; searches: () => number; reads: () => number } {
  let searches = 0;
  let reads = 0;
  const wrapped: Repository = {
    ...repository,
    search: (request) => ((searches += 1), repository.search(request)),
    read: (type, id) => ((reads += 1), repository.read(type, id)),
    vread: (type, id, version) => ((reads += 1), repository.vread(type, id, version)),
  };
  return { repository: wrapped, searches: () => searches, reads: () => reads };
}

const group = (groups: readonly EquityGroup[], dimension: string, name: string) => groups.find((g) => g.dimension === dimension && g.group === name);

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`requestLoadAndEquity on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let clinician: Repository;
    beforeAll(async () => {
      store = await backend.open();
      const results = await store.repository.importResources([...AREA, ...PEOPLE, ...REQUESTS, ...MANY_PEOPLE, ...MANY_REQUESTS]);
      expect(results.filter((r) => r.outcome === 'rejected')).toEqual([]);
      await store.reference.loadImd([{ lsoaCode: 'E01000001', rank: 100, decile: 1 }, { lsoaCode: 'E01000002', rank: 32_000, decile: 10 }], 'imd2025');
      clinician = (await accessibleRecord(store.repository, accessOf('gpClinician'), defaultAccessPolicy())).repository;
    });
    afterAll(() => store.destroy());

    it('counts the practice\'s requests of the period by route and outcome, and by age, IMD quintile and access need', async () => {
      const view = await requestLoadAndEquity(clinician, store.reference, { organisationId: 'gp-north', from: '2026-01-01', to: '2026-03-31', now: NOW });
      expect(view.period).toEqual({ from: '2026-01-01', to: '2026-03-31' });
      expect(view.total).toBe(4);
      expect(view.byRoute).toEqual({ 'online-self': 1, 'online-assisted': 1, phone: 1, 'in-person': 1, unrecorded: 0 });
      expect(view.byOutcome).toEqual({ book: 1, reply: 1, 'sign-post': 0, refer: 0, close: 1, open: 1, 'no-outcome': 0 });
      expect(view.onlineSelfShare).toBe(0.25);
      const totals = (dimension: string) => Object.fromEntries(view.groups.filter((g) => g.dimension === dimension && g.total > 0).map((g) => [g.group, g.total]));
      expect(totals('age')).toEqual({ '0-17': 1, '18-39': 1, '40-64': 1, '80+': 1 });
      expect(totals('imd')).toEqual({ '1': 1, '5': 1, unknown: 2 });
      expect(totals('need')).toEqual({ 'no-internet': 1, interpreter: 1, none: 2 });
      expect(group(view.groups, 'imd', '5')).toMatchObject({ byRoute: { phone: 1 }, byOutcome: { reply: 1 }, onlineSelfShare: 0, flagged: false });
    });

    it('reads many requests in pages with their patients, never one by one, and flags the group left behind', async () => {
      const { repository, searches, reads } = counted(clinician);
      const view = await requestLoadAndEquity(repository, store.reference, { organisationId: 'gp-north', from: '2025-01-01', to: '2025-06-30', now: NOW });
      expect(view.total).toBe(2_400);
      expect(searches()).toBe(4); // three pages of Tasks owned by the practice, one (empty) of those owned by its roles
      expect(reads()).toBe(0);
      expect(group(view.groups, 'age', 'unknown')?.total).toBe(0);
      // the older half: 6 of 60 online-self each (10%) against 55% overall
      expect(view.onlineSelfShare).toBeCloseTo(0.55);
      expect(group(view.groups, 'age', '80+')).toMatchObject({ total: 1_200, byRoute: { 'online-self': 120, phone: 1_080 }, flagged: true });
      expect(group(view.groups, 'age', '18-39')).toMatchObject({ total: 1_200, onlineSelfShare: 1, flagged: false });
      expect(group(view.groups, 'imd', '1')).toMatchObject({ total: 600, flagged: true });
      expect(view.groups.filter((g) => g.flagged).map((g) => `${g.dimension}:${g.group}`)).toEqual(['age:80+', 'imd:1']);
    });

    it('counts only what the caller may see: another practice\'s clinician sees none of these requests', async () => {
      const otherGp = (await accessibleRecord(store.repository, accessOf('otherGpClinician'), defaultAccessPolicy())).repository;
      const view = await requestLoadAndEquity(otherGp, store.reference, { organisationId: 'gp-north', from: '2026-01-01', to: '2026-03-31', now: NOW });
      expect(view.total).toBe(0);
    });

    it('refuses a period or organisation it cannot read, saying what to give', async () => {
      const refused = (query: { organisationId?: string; from?: string; to?: string }) =>
        requestLoadAndEquity(clinician, store.reference, { organisationId: 'gp-north', from: '2026-01-01', to: '2026-03-31', now: NOW, ...query }).then(
          () => 'accepted',
          (error: unknown) => `${(error as { errorName?: string }).errorName}: ${(error as Error).message}`,
        );
      expect(await refused({ from: '31/01/2026' })).toBe('INVALID_REQUEST: The period\'s "from" date "31/01/2026" is not a date: give it as YYYY-MM-DD (for example 2026-03-01).');
      expect(await refused({ from: '2026-03-01', to: '2026-02-01' })).toMatch(/^INVALID_REQUEST: The period starts \(2026-03-01\) after it ends \(2026-02-01\)/);
      expect(await refused({ from: '2026-05-01', to: '2026-06-01' })).toMatch(/^INVALID_REQUEST: The period starts \(2026-05-01\) after today/);
      expect(await refused({ organisationId: 'Organization/gp-north' })).toMatch(/^INVALID_REQUEST: "Organization\/gp-north" is not an Organization id/);
    });
  });
}
