/**
 * The analytics copy on both record backends: a full refresh, an incremental one after changes and
 * deletions that ends where a full refresh ends, a changed definition rebuilt, exports read back,
 * read-only queries and reference tables.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, viewTable, type RefreshableView, type ViewSource, type Warehouse } from './index.ts';

type Json = Record<string, unknown>;
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

/** One row per patient (SQL on FHIR's patient demographics shape, written out by hand). */
const patientView: RefreshableView = {
  name: 'patient_demographics',
  resource: 'Patient',
  columns: [
    { name: 'id', type: 'id', collection: false },
    { name: 'gender', type: 'code', collection: false },
    { name: 'birth_date', type: 'date', collection: false },
    { name: 'active', type: 'boolean', collection: false },
    { name: 'given', type: 'string', collection: true },
  ],
  rows(resource) {
    const p = resource as Json;
    return [{ id: p.id, gender: p.gender ?? null, birth_date: p.birthDate ?? null, active: p.active ?? null, given: list(p.name)[0]?.given ?? null }];
  },
};

/** One row per component of each observation (a forEach view). */
const componentView: RefreshableView = {
  name: 'observation_component',
  resource: 'Observation',
  columns: [
    { name: 'id', type: 'id', collection: false },
    { name: 'code', type: 'string', collection: false },
    { name: 'value', type: 'decimal', collection: false },
    { name: 'rank', type: 'integer', collection: false },
  ],
  rows(resource) {
    const o = resource as Json;
    return list(o.component).map((c, i) => ({ id: o.id, code: (c.code as Json).text, value: (c.valueQuantity as Json).value, rank: i + 1 }));
  },
};

const sources = (...views: [RefreshableView, Json][]): ViewSource[] => views.map(([compiled, definition]) => ({ compiled, definition }));
const definitions = { patient: { name: 'patient_demographics', resource: 'Patient', select: [{ column: ['id', 'gender'] }] }, component: { name: 'observation_component', resource: 'Observation' } };

function patient(id: string, gender: string, given: string[]): Resource {
  return { resourceType: 'Patient', id, gender, birthDate: '1970-03-0' + id.slice(-1), active: true, name: [{ family: 'Test', given }] };
}

function observation(id: string, values: number[]): Resource {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { text: 'Blood pressure' },
    component: values.map((value, i) => ({ code: { text: i === 0 ? 'systolic' : `part ${i}` }, valueQuantity: { value, unit: 'mm[Hg]' } })),
  };
}

async function tables(warehouse: Warehouse): Promise<{ patients: Json[]; components: Json[] }> {
  return {
    patients: await warehouse.query(`SELECT * FROM ${viewTable('patient_demographics')} ORDER BY id`),
    components: await warehouse.query(`SELECT * FROM ${viewTable('observation_component')} ORDER BY id, rank`),
  };
}

const backends = await testBackends();

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the analytics copy on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let warehouse: Warehouse;
    let current = sources([patientView, definitions.patient], [componentView, definitions.component]);
    const dir = mkdtempSync(join(tmpdir(), 'kindred-warehouse-'));

    beforeAll(async () => {
      store = await backend.open();
      warehouse = await openWarehouse({ path: join(dir, 'analytics.duckdb'), views: () => Promise.resolve({ sources: current, errors: [] }) });
      for (let i = 1; i <= 5; i++) await store.repository.update(patient(`wp-${i}`, i % 2 ? 'female' : 'male', [`Given${i}`, 'Middle']));
      for (let i = 1; i <= 3; i++) await store.repository.update(observation(`wo-${i}`, [120 + i, 80 + i]));
    });
    afterAll(async () => {
      await warehouse?.close();
      await store?.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('builds one typed table per view on the first refresh, with each row\'s resource', async () => {
      const progress: number[] = [];
      const report = await warehouse.refresh(store.repository, { onProgress: (done) => progress.push(done) });
      expect(report.views.map((v) => [v.view, v.mode, v.rows])).toEqual([
        ['patient_demographics', 'full', 5],
        ['observation_component', 'full', 6],
      ]);
      expect(report.errors).toEqual([]);
      expect(progress.at(-1)).toBe(8);
      const { patients, components } = await tables(warehouse);
      expect(patients[0]).toEqual({ id: 'wp-1', gender: 'female', birth_date: '1970-03-01', active: true, given: '["Given1","Middle"]', _resource: 'Patient/wp-1' });
      expect(components[0]).toEqual({ id: 'wo-1', code: 'systolic', value: 121, rank: 1, _resource: 'Observation/wo-1' });
      expect(await warehouse.status()).toEqual([
        expect.objectContaining({ view: 'observation_component', table: 'view_observation_component', rows: 6 }),
        expect.objectContaining({ view: 'patient_demographics', table: 'view_patient_demographics', rows: 5 }),
      ]);
    });

    it('applies changes and deletions incrementally, ending where a full refresh ends, and again changes nothing', async () => {
      await store.repository.update({ ...(await store.repository.read('Patient', 'wp-1')), gender: 'other' });
      await store.repository.delete('Patient', 'wp-2');
      await store.repository.update(patient('wp-6', 'male', ['Six']));
      await store.repository.update(observation('wo-1', [140, 90, 70]));
      await store.repository.delete('Observation', 'wo-2');
      const report = await warehouse.refresh(store.repository);
      // the overlap window also reads again the creations of a moment ago
      expect(report.views.map((v) => [v.view, v.mode, v.resources])).toEqual([
        ['patient_demographics', 'incremental', 6],
        ['observation_component', 'incremental', 3],
      ]);
      const incremental = await tables(warehouse);
      expect(incremental.patients.map((p) => `${String(p.id)}:${String(p.gender)}`)).toEqual(['wp-1:other', 'wp-3:female', 'wp-4:male', 'wp-5:female', 'wp-6:male']);
      expect(incremental.components).toHaveLength(5);

      const fresh = await openWarehouse({ path: ':memory:', views: () => Promise.resolve({ sources: current, errors: [] }) });
      try {
        await fresh.refresh(store.repository, { full: true });
        expect(await tables(fresh)).toEqual(incremental);
      } finally {
        await fresh.close();
      }
      // the overlap window reads the same changes again: applying them twice is harmless
      await warehouse.refresh(store.repository);
      expect(await tables(warehouse)).toEqual(incremental);
    });

    it('rebuilds a view whose definition changed, and drops the table of a view no longer active', async () => {
      current = sources([patientView, { ...definitions.patient, description: 'now described' }], [componentView, definitions.component]);
      const report = await warehouse.refresh(store.repository);
      expect(report.views.map((v) => [v.view, v.mode])).toEqual([
        ['patient_demographics', 'full'],
        ['observation_component', 'incremental'],
      ]);
      current = sources([patientView, { ...definitions.patient, description: 'now described' }]);
      expect((await warehouse.refresh(store.repository)).dropped).toEqual(['view_observation_component']);
      await expect(warehouse.query('SELECT * FROM view_observation_component')).rejects.toThrow();
      current = sources([patientView, definitions.patient], [componentView, definitions.component]);
      await warehouse.refresh(store.repository);
    });

    it('exports a view as CSV with a header, ndjson and Parquet', async () => {
      const csv = join(dir, `${backend.name}.csv`);
      expect(await warehouse.export('patient_demographics', 'csv', csv)).toEqual({ rows: 5 });
      const lines = readFileSync(csv, 'utf8').trim().split('\n');
      expect(lines[0]).toBe('id,gender,birth_date,active,given,_resource');
      expect(lines).toHaveLength(6);

      const ndjson = join(dir, `${backend.name}.ndjson`);
      expect(await warehouse.export('observation_component', 'ndjson', ndjson)).toEqual({ rows: 5 });
      const objects = readFileSync(ndjson, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Json);
      expect(objects.map((o) => o._resource).sort()).toEqual(['Observation/wo-1', 'Observation/wo-1', 'Observation/wo-1', 'Observation/wo-3', 'Observation/wo-3']);

      const parquet = join(dir, `${backend.name}.parquet`);
      expect(await warehouse.export('patient_demographics', 'parquet', parquet)).toEqual({ rows: 5 });
      const back = await warehouse.query(`SELECT id, active FROM read_parquet($1) ORDER BY id`, [parquet]);
      expect(back.map((r) => r.id)).toEqual(['wp-1', 'wp-3', 'wp-4', 'wp-5', 'wp-6']);

      await expect(warehouse.export('no_such_view', 'csv', csv)).rejects.toThrow(/no view "no_such_view"/);
    });

    it('reads a change stamped before the last watermark (a late commit) in the overlap window, and rebuilds after a bulk change', async () => {
      // a refresh whose clock runs a minute ahead: what is written now is stamped before its watermark
      await warehouse.refresh(store.repository, { now: () => Date.now() + 60_000 });
      await store.repository.update(patient('wp-7', 'female', ['Late']));
      const late = await warehouse.refresh(store.repository);
      expect(late.views.map((v) => v.mode)).toEqual(['incremental', 'incremental']);
      expect((await tables(warehouse)).patients.map((p) => p.id)).toContain('wp-7');

      await store.repository.update(patient('wp-8', 'male', ['Bulk']));
      const bulk = await warehouse.refresh(store.repository, { maxIncrementalChanges: 1 });
      expect(bulk.views.map((v) => v.mode)).toEqual(['full', 'full']);
      expect((await tables(warehouse)).patients.map((p) => p.id)).toEqual(['wp-1', 'wp-3', 'wp-4', 'wp-5', 'wp-6', 'wp-7', 'wp-8']);
    });
  });
}

describe('the analytics copy without a record', () => {
  let warehouse: Warehouse;
  beforeAll(async () => {
    warehouse = await openWarehouse({ path: ':memory:', views: () => Promise.resolve({ sources: [], errors: [] }) });
  });
  afterAll(() => warehouse?.close());

  it('answers read-only SQL with parameters, and refuses anything that would change it', async () => {
    expect(await warehouse.query('WITH n AS (SELECT ? AS a, $2 AS b) SELECT a, b, 2 * 3 AS c FROM n', ['x', 1.5])).toEqual([{ a: 'x', b: 1.5, c: 6 }]);
    await expect(warehouse.query('CREATE TABLE t (a INTEGER)')).rejects.toThrow(/Only SELECT/);
    await expect(warehouse.query('SELECT 1; DROP TABLE kindred_view_meta')).rejects.toThrow(/exactly one/);
    await expect(warehouse.query("COPY kindred_view_meta TO 'x.csv'")).rejects.toThrow(/Only SELECT/);
  });

  it('loads and replaces reference tables with typed columns', async () => {
    const columns = [
      { name: 'lsoa_code', type: 'VARCHAR' },
      { name: 'decile', type: 'INTEGER' },
      { name: 'published', type: 'DATE' },
    ] as const;
    await warehouse.loadTable('ref_imd', columns, [
      ['E01000001', 9, '2019-09-26'],
      ['E01000002', 1, '2019-09-26'],
    ]);
    expect(await warehouse.query('SELECT * FROM ref_imd ORDER BY decile')).toEqual([
      { lsoa_code: 'E01000002', decile: 1, published: '2019-09-26' },
      { lsoa_code: 'E01000001', decile: 9, published: '2019-09-26' },
    ]);
    await warehouse.loadTable('ref_imd', columns, [['E01000003', 5, null]]);
    expect(await warehouse.query('SELECT count(*) AS n FROM ref_imd')).toEqual([{ n: 1 }]);
    await expect(warehouse.loadTable('view_x', columns, [])).rejects.toThrow(/cannot name a reference table/);
  });
});
