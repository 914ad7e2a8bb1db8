/**
 * The demo area on SQLite and PostgreSQL, with 40 people: what it holds, that the record took every
 * resource, valid NHS numbers, deprivation from every decile (with the published IMD file from
 * ../shared/data/imd, Open Government Licence v3.0), demo accounts that sign in (staff with the
 * kept TOTP secret), the receptionist's access-checked record holding their practice's people
 * only, and that running it again changes nothing.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibleRecord, createAccounts, defaultAccessPolicy, parseScopes, totpCode, type AccessContext } from '@kindred/access';
import { isValidNhsNumber, NHS_NUMBER_SYSTEM, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { createDemoArea, DEMO_AREA_SETTING, readDemoAccounts, type DemoSummary } from './index.ts';
import { PRACTICES } from './demo-organisations.ts';
import { EXT } from './demo-vocabulary.ts';

const backends = await testBackends();
const IMD_FILE = fileURLToPath(new URL('../../../../../shared/data/imd/imd2025_england_lsoa21_rank_decile.csv', import.meta.url));
const IMD_PRESENT = existsSync(IMD_FILE);
const NOW = new Date('2026-11-18T10:00:00Z');
const PEOPLE = 40;

function accessFor(fhirUser: string): AccessContext {
  return Object.freeze({ subject: fhirUser, scopes: parseScopes('user/*.cruds'), tokenId: `test-${fhirUser}`, expiresAt: new Date(Date.now() + 3_600_000), issuer: 'urn:kindred:test', fhirUser });
}

async function all(store: TestStore, type: string): Promise<StoredResource[]> {
  const out: StoredResource[] = [];
  for await (const r of store.repository.exportResources({ types: [type] })) out.push(r);
  return out;
}

const gpOf = (p: StoredResource): string | undefined => (p.generalPractitioner as { reference: string }[] | undefined)?.[0]?.reference;
const lsoaOf = (p: StoredResource): string | undefined =>
  ((p.address as { extension?: { url: string; valueCoding?: { code?: string } }[] }[] | undefined)?.[0]?.extension ?? []).find((e) => e.url === EXT.lsoa)?.valueCoding?.code;

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the demo area on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let summary: DemoSummary;
    beforeAll(async () => {
      store = await backend.open();
      const progress: number[] = [];
      summary = await createDemoArea(store, { people: PEOPLE, seed: 7, now: NOW, ...(IMD_PRESENT ? { imdFile: IMD_FILE } : {}), onProgress: (done) => progress.push(done) });
      expect(progress.at(-1)).toBe(PEOPLE);
    });
    afterAll(() => store?.destroy());

    it('holds the organisations, staff, diaries, people and history, and the record took every resource', async () => {
      expect(summary.created).toBe(true);
      const counts = await store.repository.countByType();
      expect(counts).toEqual(summary.byType);
      expect(counts).toMatchObject({ Organization: 7, Practitioner: 13, PractitionerRole: 13, HealthcareService: 2, Questionnaire: 1, Schedule: 12, Patient: PEOPLE });
      for (const type of ['QuestionnaireResponse', 'Task', 'Appointment', 'Communication', 'Slot', 'RelatedPerson', 'Consent']) expect(counts[type] ?? 0).toBeGreaterThan(0);
      // the virtual ward: one ward, eight people on it with their plans and readings
      expect(counts).toMatchObject({ CareTeam: 1, CarePlan: 8 });
      expect(counts.Observation ?? 0).toBeGreaterThan(8 * 20);
      // with 40 people every one has a request open today, in one practice's inbox or the other
      expect(summary.openRequests.riverside + summary.openRequests.hillview).toBe(PEOPLE);
      const open = await store.repository.search(parseSearchRequest('Task', [['code', 'https://kindred.health/fhir/CodeSystem/task-code|online-request'], ['status', 'requested,in-progress'], ['_count', '200']], { handling: 'strict' }));
      expect(open.matches).toHaveLength(PEOPLE);
      const free = await store.repository.search(parseSearchRequest('Slot', [['status', 'free'], ['start', `gt${NOW.toISOString()}`], ['_count', '1']], { handling: 'strict' }));
      expect(free.matches).toHaveLength(1);
      const callBack = await store.repository.search(parseSearchRequest('Schedule', [['service-type', 'https://kindred.health/fhir/CodeSystem/schedule-purpose|call-back']], { handling: 'strict' }));
      expect(callBack.matches).toHaveLength(2);
    });

    it('gives every person a valid NHS number from the range kept for testing, each a different one', async () => {
      const numbers = (await all(store, 'Patient')).map((p) => (p.identifier as { system: string; value: string }[]).find((i) => i.system === NHS_NUMBER_SYSTEM)?.value ?? '');
      expect(numbers).toHaveLength(PEOPLE);
      for (const n of numbers) {
        expect(isValidNhsNumber(n), n).toBe(true);
        expect(n.startsWith('999')).toBe(true);
      }
      expect(new Set(numbers).size).toBe(PEOPLE);
    });

    it.skipIf(!IMD_PRESENT)(`spreads people over deprivation deciles, Riverside's more deprived${IMD_PRESENT ? '' : ` (skipped: no IMD file at ${IMD_FILE})`}`, async () => {
      const patients = await all(store, 'Patient');
      const codes = patients.map(lsoaOf);
      expect(codes.every((c) => c !== undefined && /^E01\d{6}$/.test(c))).toBe(true);
      const deciles = await store.reference.imdDeciles(codes as string[]);
      expect(new Set(deciles.values()).size).toBeGreaterThanOrEqual(5);
      const mean = (practice: string) => {
        const ds = patients.filter((p) => gpOf(p) === `Organization/${practice}`).map((p) => deciles.get(lsoaOf(p)!)!);
        return ds.reduce((a, b) => a + b, 0) / ds.length;
      };
      expect(mean(PRACTICES.riverside.id)).toBeLessThan(mean(PRACTICES.hillview.id));
    });

    it('makes demo accounts that sign in with their password, and staff with a code from the kept TOTP secret', async () => {
      const stored = await readDemoAccounts(store.settings);
      expect(stored).toEqual(summary.accounts);
      expect(stored.map((a) => a.username)).toEqual(expect.arrayContaining(['demo.person', 'demo.carer', 'demo.gp', 'demo.nurse', 'demo.receptionist', 'demo.receptionist.hillview', 'demo.hospital', 'demo.mental-health', 'demo.social-worker', 'demo.care-coordinator', 'demo.privacy-officer', 'demo.volunteer']));
      const accounts = createAccounts(store.identity, store.outbox);
      for (const demo of stored) {
        const check = await accounts.checkPassword(demo.username, demo.password);
        expect(check.ok, demo.username).toBe(true);
        if (!check.ok) continue;
        expect(check.account.fhirUser).toBe(demo.fhirUser);
        expect(check.needsTotp, demo.username).toBe(demo.frontDoor === 'staff');
        if (demo.frontDoor === 'staff') {
          expect(demo.totpSecret).toBeDefined();
          expect((await accounts.checkTotp(check.account.accountId, totpCode(demo.totpSecret!, Date.now()))).ok, demo.username).toBe(true);
        }
      }
    });

    it("shows the demo receptionist their practice's people and not the other practice's", async () => {
      const policy = defaultAccessPolicy();
      const patients = await all(store, 'Patient');
      const riverside = patients.filter((p) => gpOf(p) === `Organization/${PRACTICES.riverside.id}`);
      const hillview = patients.filter((p) => gpOf(p) === `Organization/${PRACTICES.hillview.id}`);
      expect(riverside.length).toBeGreaterThan(0);
      expect(hillview.length).toBeGreaterThan(0);
      const receptionist = summary.accounts.find((a) => a.username === 'demo.receptionist')!;
      const { repository } = await accessibleRecord(store.repository, accessFor(receptionist.fhirUser), policy);
      const seen = await repository.search(parseSearchRequest('Patient', [['_count', '200']], { handling: 'strict' }));
      expect(seen.matches.map((p) => p.id).sort()).toEqual(riverside.map((p) => p.id).sort());
      await expect(repository.read('Patient', hillview[0]!.id)).rejects.toThrow();

      // the person sees their own record and their requests, and nobody else's
      const self = summary.accounts.find((a) => a.username === 'demo.person')!;
      const own = (await accessibleRecord(store.repository, accessFor(self.fhirUser), policy)).repository;
      expect((await own.search(parseSearchRequest('Patient', [], { handling: 'strict' }))).matches.map((p) => `Patient/${p.id}`)).toEqual([self.fhirUser]);
      expect((await own.search(parseSearchRequest('Task', [['patient', self.fhirUser]], { handling: 'strict' }))).matches.length).toBeGreaterThan(0);

      // the carer account acts for the person their consent names
      const carer = summary.accounts.find((a) => a.username === 'demo.carer')!;
      const related = await store.repository.read('RelatedPerson', carer.fhirUser.split('/')[1]!);
      const personId = (related.patient as { reference: string }).reference.split('/')[1]!;
      const carerRecord = (await accessibleRecord(store.repository, accessFor(carer.fhirUser), policy)).repository;
      await expect(carerRecord.read('Patient', personId)).resolves.toMatchObject({ id: personId });
    });

    it('does nothing when run again, and will not add the demo to a store that holds other data', async () => {
      const before = await store.repository.countByType();
      const again = await createDemoArea(store, { people: PEOPLE, seed: 7, now: NOW });
      expect(again).toMatchObject({ created: false, accounts: summary.accounts });
      expect(await store.repository.countByType()).toEqual(before);
      expect(await store.settings.get(DEMO_AREA_SETTING)).toContain('"seed":7');
      await expect(createDemoArea(store, { people: PEOPLE, seed: 7, now: NOW, force: true })).rejects.toThrow(/empty data folder or database/);

      const other = await backend.open();
      try {
        await other.repository.importResources([{ resourceType: 'Organization', id: 'real', name: 'A real practice' }]);
        await expect(createDemoArea(other, { people: 5, seed: 1, now: NOW })).rejects.toMatchObject({ errorName: 'PRECONDITION_FAILED', message: expect.stringMatching(/--force/) as string });
        await expect(createDemoArea(other, { people: 0, seed: 1, now: NOW })).rejects.toMatchObject({ errorName: 'INVALID_REQUEST' });
      } finally {
        await other.destroy();
      }
    });
  });
}
