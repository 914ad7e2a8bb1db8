/**
 * The measure library over a small area counted by hand (measure-fixture.ts): the built-in views
 * run over the record into the analytics copy, then every shipped measure's series, breakdowns by
 * each stratum (not-recorded groups, the IMD join), equity gaps, the cached refresh, and the
 * checks on measure definitions and on what callers ask.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteTestStore, type TestStore } from '@kindred/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileView } from '../views/index.ts';
import { openWarehouse, type Warehouse } from '../warehouse/index.ts';
import { BUILT_IN_VIEWS } from './built-in-views.ts';
import {
  MEASURE_LIBRARY,
  cachedBreakdown,
  cachedMeasure,
  computeMeasure,
  loadImdIntoWarehouse,
  measureBreakdown,
  measureById,
  measureOrganisations,
  refreshAllMeasures,
  type MeasureDefinition,
} from './index.ts';
import { FIXTURE_IMD, measureFixture } from './measure-fixture.ts';

const measure = (id: string): MeasureDefinition => {
  const found = measureById(id);
  if (found === undefined) throw new Error(`no measure ${id}`);
  return found;
};
const WEEKS = ['2026-03-02', '2026-03-09', '2026-03-16', '2026-03-23'];

describe('the measure library over a hand-counted area', () => {
  let store: TestStore;
  let warehouse: Warehouse;
  const dir = mkdtempSync(join(tmpdir(), 'kindred-measures-'));

  beforeAll(async () => {
    store = await openSqliteTestStore();
    for (const resource of measureFixture()) await store.repository.update(resource);
    const sources = BUILT_IN_VIEWS.map((definition) => ({ compiled: compileView(definition), definition }));
    warehouse = await openWarehouse({ path: join(dir, 'analytics.duckdb'), views: () => Promise.resolve({ sources, errors: [] }) });
    const report = await warehouse.refresh(store.repository);
    expect(report.errors).toEqual([]);
  });
  afterAll(async () => {
    await warehouse?.close();
    await store?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('explores', async () => {
    for (const m of MEASURE_LIBRARY) console.log(m.id, JSON.stringify((await computeMeasure(warehouse, m)).periods));
  });
});
