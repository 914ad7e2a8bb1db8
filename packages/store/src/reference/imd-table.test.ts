/**
 * The IMD reference table on SQLite and PostgreSQL: loading an edition replaces its rows, the
 * edition loaded last is current, a named edition is used when asked, and the published 2025 file
 * (read from ../shared/data/imd at the project root; Open Government Licence v3.0, see SOURCE.md
 * there) loads whole.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFhirError } from '@kindred/fhir';
import { testBackends, type TestStore } from '../testing/databases.ts';
import { parseImdCsv } from './imd-csv.ts';

const backends = await testBackends();

const IMD_2025 = fileURLToPath(new URL('../../../../../shared/data/imd/imd2025_england_lsoa21_rank_decile.csv', import.meta.url));
const noPublishedFile = existsSync(IMD_2025) ? undefined : 'skipped: ../shared/data/imd/imd2025_england_lsoa21_rank_decile.csv is not there (the published IMD 2025 file)';

const T0 = Date.parse('2026-01-01T00:00:00Z');

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the IMD reference table on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    beforeAll(async () => {
      store = await backend.open();
    });
    afterAll(() => store.destroy());

    it('with nothing loaded: no editions, and every LSOA is unknown', async () => {
      expect(await store.reference.imdEditions()).toEqual([]);
      expect(await store.reference.imdDeciles(['E01000001'])).toEqual(new Map());
    });

    it('loads an edition, and answers the deciles of the codes it holds', async () => {
      const rows = [
        { lsoaCode: 'E01000001', rank: 29199, decile: 9 },
        { lsoaCode: 'E01000002', rank: 12, decile: 1 },
        { lsoaCode: 'E01000003', rank: 15000, decile: 5 },
      ];
      expect(await store.reference.loadImd(rows, 'imd2019', { now: T0 })).toBe(3);
      const deciles = await store.reference.imdDeciles(['E01000001', 'E01000002', 'E01000002', 'E01999999', 'not a code']);
      expect(deciles).toEqual(new Map([['E01000001', 9], ['E01000002', 1]]));
      expect(await store.reference.imdEditions()).toEqual([{ edition: 'imd2019', rows: 3, loadedAt: '2026-01-01T00:00:00.000Z', current: true }]);
    });

    it('a second edition becomes current; the first can still be named', async () => {
      await store.reference.loadImd([{ lsoaCode: 'E01000001', rank: 26525, decile: 8 }], 'imd2025', { now: T0 + 1000 });
      expect(await store.reference.imdDeciles(['E01000001', 'E01000002'])).toEqual(new Map([['E01000001', 8]]));
      expect(await store.reference.imdDeciles(['E01000001', 'E01000002'], 'imd2019')).toEqual(new Map([['E01000001', 9], ['E01000002', 1]]));
      expect((await store.reference.imdEditions()).map((e) => [e.edition, e.current])).toEqual([['imd2025', true], ['imd2019', false]]);
    });

    it('loading an edition again replaces its rows, leaving other editions alone', async () => {
      const progress: [number, number][] = [];
      await store.reference.loadImd([{ lsoaCode: 'E01000004', rank: 7, decile: 1 }], 'imd2019', { now: T0 + 2000, onProgress: (done, total) => progress.push([done, total]) });
      expect(progress).toEqual([[1, 1]]);
      expect(await store.reference.imdDeciles(['E01000001', 'E01000004'], 'imd2019')).toEqual(new Map([['E01000004', 1]]));
      expect(await store.reference.imdDeciles(['E01000001'], 'imd2025')).toEqual(new Map([['E01000001', 8]]));
      expect((await store.reference.imdEditions()).map((e) => [e.edition, e.rows, e.current])).toEqual([['imd2019', 1, true], ['imd2025', 1, false]]);
    });

    it('refuses bad rows and bad names with a message that says what to fix, and keeps what was loaded', async () => {
      const refused = async (work: Promise<unknown>) => {
        const error = await work.then(() => undefined, (e: unknown) => e);
        expect(isFhirError(error) && error.errorName === 'INVALID_REQUEST').toBe(true);
        return (error as Error).message;
      };
      expect(await refused(store.reference.loadImd([{ lsoaCode: 'E0100', rank: 1, decile: 1 }], 'imd2019'))).toMatch(/IMD row 1: the LSOA code "E0100" is not a code like E01000001/);
      expect(await refused(store.reference.loadImd([{ lsoaCode: 'E01000001', rank: 1, decile: 11 }], 'imd2019'))).toMatch(/decile of E01000001 must be a whole number from 1 .* to 10, not "11"/);
      expect(await refused(store.reference.loadImd([{ lsoaCode: 'E01000001', rank: 0, decile: 1 }], 'imd2019'))).toMatch(/rank of E01000001/);
      expect(await refused(store.reference.loadImd([{ lsoaCode: 'E01000001', rank: 1, decile: 1 }, { lsoaCode: 'E01000001', rank: 2, decile: 1 }], 'imd2019'))).toMatch(/IMD row 2: the LSOA code E01000001 appears twice/);
      expect(await refused(store.reference.loadImd([], 'imd2019'))).toMatch(/no IMD rows/);
      expect(await refused(store.reference.loadImd([{ lsoaCode: 'E01000001', rank: 1, decile: 1 }], 'IMD 2019; drop'))).toMatch(/edition name "IMD 2019; drop" cannot be used/);
      expect(await store.reference.imdDeciles(['E01000004'], 'imd2019')).toEqual(new Map([['E01000004', 1]]));
    });

    it('an edition that is not loaded is NOT_FOUND, naming those that are', async () => {
      const error = await store.reference.imdDeciles(['E01000001'], 'imd2015').catch((e: unknown) => e);
      expect(isFhirError(error) && error.errorName).toBe('NOT_FOUND');
      expect((error as Error).message).toMatch(/"imd2015" is not loaded \(loaded: imd2019, imd2025\)/);
    });

    it.skipIf(noPublishedFile !== undefined)(`loads the published IMD 2025 file whole${noPublishedFile ? ` (${noPublishedFile})` : ''}`, async () => {
      const rows = parseImdCsv(readFileSync(IMD_2025, 'utf8'), 'imd2025_england_lsoa21_rank_decile.csv');
      expect(rows).toHaveLength(33_755);
      let batches = 0;
      expect(await store.reference.loadImd(rows, 'imd2025', { now: T0 + 3000, onProgress: () => batches++ })).toBe(33_755);
      expect(batches).toBeGreaterThan(1);
      const deciles = await store.reference.imdDeciles(rows.map((row) => row.lsoaCode));
      expect(deciles.size).toBe(33_755);
      expect(deciles.get('E01000001')).toBe(8);
      // decile = ceil(10 × rank / N) in the published file (SOURCE.md)
      for (const row of rows.slice(0, 200)) expect(deciles.get(row.lsoaCode)).toBe(Math.ceil((10 * row.rank) / 33_755));
      expect((await store.reference.imdEditions()).find((e) => e.current)).toMatchObject({ edition: 'imd2025', rows: 33_755 });
    });
  });
}
