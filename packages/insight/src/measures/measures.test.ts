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

  const values = async (id: string, scope = {}) => (await computeMeasure(warehouse, measure(id), scope)).periods.map((p) => [p.start, p.numerator, p.denominator ?? null, p.value]);
  const third = 100 / 3;

  it('builds the views into the analytics copy', async () => {
    const rows = await warehouse.status();
    expect(Object.fromEntries(rows.map((r) => [r.view, r.rows]))).toEqual({
      appointment: 8, request: 5, red_flag_exit: 3, ward_alert: 3, care_team: 1, person: 4, carer: 1, organisation: 3,
    });
  });

  it('shares consultations by the modality used, online replies included, with an empty week kept', async () => {
    // week of 2 March: a1 video, a2 (video that fell back to phone), r1 replied online; 9 March: a4 face to face, a5 phone, r4 online; 23 March: a8 phone
    expect(await values('consultations-video')).toEqual([[WEEKS[0], 1, 3, third], [WEEKS[1], 0, 3, 0], [WEEKS[2], 0, 0, null], [WEEKS[3], 0, 1, 0]]);
    expect(await values('consultations-phone')).toEqual([[WEEKS[0], 1, 3, third], [WEEKS[1], 1, 3, third], [WEEKS[2], 0, 0, null], [WEEKS[3], 1, 1, 100]]);
    expect(await values('consultations-online')).toEqual([[WEEKS[0], 1, 3, third], [WEEKS[1], 1, 3, third], [WEEKS[2], 0, 0, null], [WEEKS[3], 0, 1, 0]]);
    expect(await values('consultations-in-person')).toEqual([[WEEKS[0], 0, 3, 0], [WEEKS[1], 1, 3, third], [WEEKS[2], 0, 0, null], [WEEKS[3], 0, 1, 0]]);
  });

  it('takes the median hours to the first response of the requests answered', async () => {
    // r1 4 h and r2 24 h (median 14); r4 2 h; none; r5 12 h; r3 is still open
    expect(await values('first-response-hours')).toEqual([[WEEKS[0], 2, null, 14], [WEEKS[1], 1, null, 2], [WEEKS[2], 0, null, null], [WEEKS[3], 1, null, 12]]);
  });

  it('shares requests by route, a request without one counted in the whole', async () => {
    expect(await values('requests-route-phone')).toEqual([[WEEKS[0], 1, 2, 50], [WEEKS[1], 0, 2, 0], [WEEKS[2], 0, 0, null], [WEEKS[3], 0, 1, 0]]);
    expect(await values('requests-route-online-self')).toEqual([[WEEKS[0], 1, 2, 50], [WEEKS[1], 0, 2, 0], [WEEKS[2], 0, 0, null], [WEEKS[3], 0, 1, 0]]);
    expect(await values('requests-route-online-assisted')).toEqual([[WEEKS[0], 0, 2, 0], [WEEKS[1], 1, 2, 50], [WEEKS[2], 0, 0, null], [WEEKS[3], 0, 1, 0]]);
    expect(await values('requests-route-in-person')).toEqual([[WEEKS[0], 0, 2, 0], [WEEKS[1], 1, 2, 50], [WEEKS[2], 0, 0, null], [WEEKS[3], 0, 1, 0]]);
  });

  it('counts red-flag exits per week, a week with none counting 0, within the dates asked', async () => {
    expect(await values('red-flag-exits')).toEqual([[WEEKS[0], 2, null, 2], [WEEKS[1], 0, null, 0], [WEEKS[2], 1, null, 1]]);
    expect(await values('red-flag-exits', { from: '2026-03-09', to: '2026-03-29' })).toEqual([[WEEKS[1], 0, null, 0], [WEEKS[2], 1, null, 1], [WEEKS[3], 0, null, 0]]);
    expect(await values('red-flag-exits', { from: '2026-03-04', to: '2026-03-04' })).toEqual([[WEEKS[0], 0, null, 0]]);
  });

  it('gives the did-not-attend rate by the modality booked, over appointments that were due', async () => {
    // video a1, a2, a6 (no-show); phone a3 (no-show, an imported "telephone"), a5 (service type), a8; face to face a4; the home visit a7 was cancelled
    expect(await values('did-not-attend-video')).toEqual([['2026-03-01', 1, 3, third]]);
    expect(await values('did-not-attend-phone')).toEqual([['2026-03-01', 1, 3, third]]);
    expect(await values('did-not-attend-face-to-face')).toEqual([['2026-03-01', 0, 1, 0]]);
    expect(await values('did-not-attend-home-visit')).toEqual([]);
    expect(await values('video-fallback-to-phone')).toEqual([['2026-03-01', 1, 2, 50]]);
    expect(await values('preferred-modality-given')).toEqual([['2026-03-01', 2, 3, 200 / 3]]);
  });

  it('takes the median minutes from a ward alert to its closing, open alerts left out', async () => {
    expect(await values('ward-alert-response-minutes')).toEqual([[WEEKS[0], 2, null, 40]]);
    expect(await values('ward-alerts')).toEqual([[WEEKS[0], 3, null, 3]]);
  });

  it('narrows to one organisation: the owner of the request, else the person\'s practice, the ward\'s trust', async () => {
    // Birch: r3, r4 and r5 (no owner; p3 is registered with Birch)
    expect(await values('requests-route-in-person', { organisation: 'Organization/gp-b' })).toEqual([[WEEKS[1], 1, 2, 50], [WEEKS[2], 0, 0, null], [WEEKS[3], 0, 1, 0]]);
    expect(await values('ward-alert-response-minutes', { organisation: 'Organization/trust' })).toEqual([[WEEKS[0], 2, null, 40]]);
    expect(await values('ward-alert-response-minutes', { organisation: 'Organization/gp-a' })).toEqual([]);
    expect(await measureOrganisations(warehouse)).toEqual([
      { reference: 'Organization/gp-a', name: 'Alder Practice' },
      { reference: 'Organization/gp-b', name: 'Birch Practice' },
      { reference: 'Organization/trust', name: 'Community Trust' },
    ]);
  });

  const groups = async (id: string, stratum: string, scope = {}) =>
    Object.fromEntries((await measureBreakdown(warehouse, measure(id), stratum, scope)).groups.map((g) => [g.key, [g.numerator, g.denominator ?? null, g.value, g.population]]));

  it('refuses the IMD breakdown until a deprivation table is loaded', async () => {
    await expect(measureBreakdown(warehouse, measure('requests-route-phone'), 'imd-quintile')).rejects.toThrow(/No deprivation table is loaded/);
  });

  it('breaks down by IMD quintile through the LSOA, with the equity gaps', async () => {
    expect(await loadImdIntoWarehouse(warehouse, FIXTURE_IMD)).toEqual({ rows: 4 });
    // r1 p1 (decile 1: quintile 1), r2 p2 (decile 4: quintile 2), r3 and r5 p3 (decile 10: quintile 5), r4 p4 (no LSOA)
    const breakdown = await measureBreakdown(warehouse, measure('requests-route-phone'), 'imd-quintile');
    expect(breakdown.groups.map((g) => [g.key, g.label, g.numerator, g.denominator, g.value, g.population])).toEqual([
      ['1', '1 (most deprived)', 0, 1, 0, 1],
      ['2', '2', 1, 1, 100, 1],
      ['3', '3', 0, 0, null, 0],
      ['4', '4', 0, 0, null, 0],
      ['5', '5 (least deprived)', 0, 2, 0, 2],
      ['not-recorded', 'Not recorded', 0, 1, 0, 1],
    ]);
    expect(breakdown.inequality).toMatchObject({ absoluteGap: 0, relativeGap: 1, mostDeprived: '1 (most deprived)', leastDeprived: '5 (least deprived)' });
    // the did-not-attend rate for video: quintile 1 (a1, a2) none missed, quintile 5 (a6) missed
    const dna = await measureBreakdown(warehouse, measure('did-not-attend-video'), 'imd-quintile');
    expect(dna.inequality).toMatchObject({ absoluteGap: -100, mostDeprived: '1 (most deprived)', leastDeprived: '5 (least deprived)' });
    expect(await measureBreakdown(warehouse, measure('requests-route-phone'), 'sex')).toMatchObject({ inequality: null });
  });

  it('breaks down by age band at the date of each event', async () => {
    // p3 (born 20 March 1986) is 39 at r3 (10 March 2026) and 40 at r5 (24 March); p2 (born in 2010) is 16; p1 75; p4 has no birth date
    expect(await groups('requests-route-online-assisted', 'age-band')).toEqual({
      '0-17': [0, 1, 0, 1], '18-39': [1, 1, 100, 1], '40-64': [0, 1, 0, 1], '65-79': [0, 1, 0, 1], '80+': [0, 0, null, 0], 'not-recorded': [0, 1, 0, 1],
    });
    expect(await groups('first-response-hours', 'age-band')).toEqual({
      '0-17': [1, null, 24, 1], '18-39': [0, null, null, 0], '40-64': [1, null, 12, 1], '65-79': [1, null, 4, 1], '80+': [0, null, null, 0], 'not-recorded': [1, null, 2, 1],
    });
  });

  it('breaks down by sex, ethnic group, access need and carer status, with what is not recorded', async () => {
    expect(await groups('requests-route-phone', 'sex')).toEqual({ female: [0, 3, 0, 3], male: [1, 1, 100, 1], other: [0, 0, null, 0], 'not-recorded': [0, 1, 0, 1] });
    expect(await groups('requests-route-phone', 'ethnicity')).toEqual({
      asian: [1, 1, 100, 1], black: [0, 0, null, 0], mixed: [0, 0, null, 0], white: [0, 1, 0, 1], other: [0, 0, null, 0], 'not-stated': [0, 2, 0, 2], 'not-recorded': [0, 1, 0, 1],
    });
    // p2 has no internet and needs an interpreter; a person may be in several of the need groups
    expect(await groups('requests-route-phone', 'access-need')).toEqual({
      any: [1, 1, 100, 1], none: [0, 4, 0, 4], 'no-internet': [1, 1, 100, 1], interpreter: [1, 1, 100, 1], bsl: [0, 0, null, 0],
      'easy-read-or-large-print': [0, 0, null, 0], 'hearing-or-sight-loss': [0, 0, null, 0], 'not-recorded': [0, 0, null, 0],
    });
    // p1 has a carer (RelatedPerson), p3 one in their access needs; p2 and p4 none recorded
    expect(await groups('requests-route-phone', 'carer-status')).toEqual({ 'has-carer': [0, 3, 0, 3], 'no-carer': [1, 2, 50, 2], 'not-recorded': [0, 0, null, 0] });
    expect(await groups('red-flag-exits', 'carer-status')).toEqual({ 'has-carer': [2, null, 2, 2], 'no-carer': [1, null, 1, 1], 'not-recorded': [0, null, 0, 0] });
    expect(await groups('red-flag-exits', 'sex', { organisation: 'Organization/gp-b' })).toEqual({ female: [1, null, 1, 1], male: [0, null, 0, 0], other: [0, null, 0, 0], 'not-recorded': [0, null, 0, 0] });
  });

  it('refreshes every measure for the area and each organisation into the cache the pages read', async () => {
    const report = await refreshAllMeasures(warehouse);
    console.log(`refreshed ${report.measures} measures, ${report.series} series and breakdowns, in ${report.ms} ms`);
    expect(report.measures).toBe(MEASURE_LIBRARY.length);
    expect(report.series).toBeGreaterThan(MEASURE_LIBRARY.length * 7);
    for (const m of MEASURE_LIBRARY) {
      const live = await computeMeasure(warehouse, m);
      expect((await cachedMeasure(warehouse, m))?.periods, m.id).toEqual(live.periods);
      for (const stratum of m.strata) {
        expect(await cachedBreakdown(warehouse, m, stratum), `${m.id} by ${stratum}`).toEqual(await measureBreakdown(warehouse, m, stratum));
      }
    }
    // an organisation's series spans the area's periods
    expect((await cachedMeasure(warehouse, measure('requests-route-in-person'), { organisation: 'Organization/gp-b' }))?.periods.map((p) => [p.start, p.numerator, p.denominator ?? null, p.value])).toEqual([
      [WEEKS[0], 0, 0, null], [WEEKS[1], 1, 2, 50], [WEEKS[2], 0, 0, null], [WEEKS[3], 0, 1, 0],
    ]);
    expect(await cachedBreakdown(warehouse, measure('requests-route-phone'), 'carer-status', { organisation: 'Organization/gp-a' })).toMatchObject({
      groups: [expect.objectContaining({ key: 'has-carer', numerator: 0, denominator: 1 }), expect.objectContaining({ key: 'no-carer', numerator: 1, denominator: 1 }), expect.objectContaining({ key: 'not-recorded', denominator: 0 })],
    });
  });

  it('refuses what it cannot answer with a message naming it', async () => {
    await expect(computeMeasure(warehouse, measure('red-flag-exits'), { from: '2026-3-1' })).rejects.toThrow(/"from" must be a date/);
    await expect(computeMeasure(warehouse, measure('red-flag-exits'), { from: '2026-03-10', to: '2026-03-01' })).rejects.toThrow(/is after/);
    await expect(computeMeasure(warehouse, measure('red-flag-exits'), { organisation: "gp-a' OR 1=1" })).rejects.toThrow(/must be a reference/);
    await expect(measureBreakdown(warehouse, measure('red-flag-exits'), 'postcode')).rejects.toThrow(/"postcode" is not a way to break a measure down/);
    await expect(loadImdIntoWarehouse(warehouse, [{ lsoaCode: 'E01000001', decile: 11 }])).rejects.toThrow(/has decile 11; it must be a whole number from 1 to 10/);
    await expect(loadImdIntoWarehouse(warehouse, [{ lsoaCode: ' ', decile: 3 }])).rejects.toThrow(/Row 1 of the deprivation table has no LSOA code/);
  });
});
