/**
 * The deprivation table of the analytics copy made from the store's loaded IMD edition: only the
 * area's LSOAs are looked up, a person with no LSOA or an LSOA missing from the edition is left
 * out (their group is "Not recorded"), and with no edition loaded nothing is loaded.
 */
import { testBackends, type TestStore } from '@kindred/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileView } from '../views/index.ts';
import { openWarehouse, type Warehouse } from '../warehouse/index.ts';
import { BUILT_IN_VIEWS } from './built-in-views.ts';
import { IMD_TABLE, measureBreakdown, measureById } from './index.ts';
import { refreshImdTable } from './imd-lookup.ts';
import { FIXTURE_IMD, measureFixture } from './measure-fixture.ts';

const backends = await testBackends();

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the deprivation table from the store's IMD edition on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let warehouse: Warehouse;

    beforeAll(async () => {
      store = await backend.open();
      for (const resource of measureFixture()) await store.repository.update(resource);
      const sources = BUILT_IN_VIEWS.map((definition) => ({ compiled: compileView(definition), definition }));
      warehouse = await openWarehouse({ path: ':memory:', views: () => Promise.resolve({ sources, errors: [] }) });
      expect((await warehouse.refresh(store.repository)).errors).toEqual([]);
    });
    afterAll(async () => {
      await warehouse?.close();
      await store?.destroy();
    });

    let emptyFingerprint = '';

    it('loads nothing while the store has no IMD edition', async () => {
      const report = await refreshImdTable(warehouse, store.reference);
      emptyFingerprint = report.fingerprint;
      expect(report.loaded).toBe(0);
      expect(report.lsoas).toBe(3);
      expect((await refreshImdTable(warehouse, store.reference)).fingerprint).toBe(report.fingerprint);
      expect(await warehouse.query('SELECT count(*) AS n FROM information_schema.tables WHERE table_name = $1', [IMD_TABLE])).toEqual([{ n: 0 }]);
    });

    it("loads the deciles of the area's LSOAs found in the edition, and the IMD breakdown uses them", async () => {
      // the edition knows two of the three LSOAs the people live in, and one nobody lives in
      const edition = FIXTURE_IMD.filter((r) => r.lsoaCode !== 'E01000002').map((r, i) => ({ lsoaCode: r.lsoaCode, rank: i + 1, decile: r.decile }));
      await store.reference.loadImd(edition, 'test-edition');
      const report = await refreshImdTable(warehouse, store.reference);
      expect(report).toMatchObject({ lsoas: 3, loaded: 2 });
      // the same table again has the same fingerprint; nothing loaded has another
      expect((await refreshImdTable(warehouse, store.reference)).fingerprint).toBe(report.fingerprint);
      expect(report.fingerprint).not.toBe(emptyFingerprint);
      const rows = await warehouse.query(`SELECT lsoa_code, decile FROM ${IMD_TABLE} ORDER BY lsoa_code`);
      expect(rows).toEqual([
        { lsoa_code: 'E01000001', decile: 1 },
        { lsoa_code: 'E01000003', decile: 10 },
      ]);
      const measure = measureById('requests-route-phone');
      if (measure === undefined) throw new Error('no measure requests-route-phone');
      const breakdown = await measureBreakdown(warehouse, measure, 'imd-quintile');
      const population = Object.fromEntries(breakdown.groups.map((g) => [g.key, g.population]));
      // quintile 1 (decile 1) and 5 (decile 10) are known; the E01000002 (decile 4, quintile 2)
      // request is now not recorded, with the person who has no LSOA
      expect(population).toEqual({ '1': 1, '2': 0, '3': 0, '4': 0, '5': 2, 'not-recorded': 2 });
    });
  });
}
