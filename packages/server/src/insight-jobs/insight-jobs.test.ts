/**
 * The insight worker on both databases: installs its views into the record, refreshes the
 * analytics copy as a job in the job table (full first, then the changes), and stops cleanly.
 */
import { defaultAccessPolicy } from '@kindred/access';
import { BUILT_IN_VIEWS, MEASURE_LIBRARY, activeViewDefinitions, openWarehouse, viewTable, type Warehouse } from '@kindred/insight';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInsightJobs, VIEW_REFRESH_JOB, type InsightJobs } from './insight-jobs.ts';

const PATIENT_VIEW = {
  resourceType: 'ViewDefinition',
  url: 'https://kindred.example.org/views/test_patient',
  name: 'test_patient',
  status: 'active',
  resource: 'Patient',
  select: [{ column: [{ name: 'id', path: 'id', type: 'id' }, { name: 'gender', path: 'gender', type: 'code' }] }],
};

const backends = await testBackends();

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the insight worker on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let warehouse: Warehouse;
    let jobs: InsightJobs;
    const errors: string[] = [];

    beforeAll(async () => {
      store = await backend.open();
      warehouse = await openWarehouse({ path: ':memory:' });
      await store.repository.update({ resourceType: 'Patient', id: 'ij-1', gender: 'female' });
      await store.repository.update({ resourceType: 'Patient', id: 'ij-2', gender: 'male' });
      jobs = startInsightJobs({ store, accessPolicy: defaultAccessPolicy(), warehouse, views: [...BUILT_IN_VIEWS, PATIENT_VIEW], everyMs: 0, onError: (what, error) => errors.push(`${what}: ${String(error)}`) });
    });
    afterAll(async () => {
      await jobs?.stop();
      await warehouse?.close();
      await store?.destroy();
    });

    it('installs its views and refreshes them fully on the first run, as a completed job', async () => {
      await jobs.ready;
      expect((await activeViewDefinitions(store.repository)).map((v) => v.view.name)).toContain('test_patient');
      const result = await jobs.runOnce();
      expect(result).toMatchObject({ full: true, views: expect.arrayContaining([{ view: 'test_patient', mode: 'full', rows: 2, rowsWritten: 2 }]) as unknown });
      expect(await warehouse.query(`SELECT id, gender FROM ${viewTable('test_patient')} ORDER BY id`)).toEqual([
        { id: 'ij-1', gender: 'female' },
        { id: 'ij-2', gender: 'male' },
      ]);
      expect(await store.jobs.claim(VIEW_REFRESH_JOB, 'someone-else', 1_000)).toBeUndefined();
      expect(errors).toEqual([]);
    });

    it('applies the record\'s changes on the next runs', async () => {
      await store.repository.update({ resourceType: 'Patient', id: 'ij-3', gender: 'other' });
      await store.repository.delete('Patient', 'ij-1');
      const result = await jobs.runOnce();
      expect(result).toMatchObject({ full: false, views: expect.arrayContaining([expect.objectContaining({ view: 'test_patient', mode: 'incremental', rows: 2 })]) as unknown });
      expect((await warehouse.query(`SELECT id FROM ${viewTable('test_patient')} ORDER BY id`)).map((r) => r.id)).toEqual(['ij-2', 'ij-3']);
      expect(errors).toEqual([]);
    });

    it('works the measures out again only when what they read changed', async () => {
      // a record of its own, whose history holds no resource of the views' types
      const own = await backend.open();
      const copy = await openWarehouse({ path: ':memory:' });
      const worker = startInsightJobs({ store: own, accessPolicy: defaultAccessPolicy(), warehouse: copy, everyMs: 0 });
      try {
        expect((await worker.runOnce())?.measures?.measures).toBe(MEASURE_LIBRARY.length);
        expect((await worker.runOnce())?.measures).toBeUndefined();
        await own.repository.update({ resourceType: 'Patient', id: 'ij-changed', gender: 'female' });
        expect((await worker.runOnce())?.measures?.measures).toBe(MEASURE_LIBRARY.length);
      } finally {
        await worker.stop();
        await copy.close();
        await own.destroy();
      }
    });

    it('stopping ends a refresh under way at its next step and gives its job back to the queue', async () => {
      let stopped: Promise<void> | undefined;
      const stopping: Warehouse = {
        ...warehouse,
        refresh: (_record, options) => {
          stopped = others.stop();
          options?.onProgress?.(1, 10);
          throw new Error('the refresh went on after the worker was stopped');
        },
      };
      const others = startInsightJobs({ store, accessPolicy: defaultAccessPolicy(), warehouse: stopping, views: [PATIENT_VIEW], everyMs: 0 });
      expect(await others.runOnce()).toBeUndefined();
      await stopped;
      const queued = await store.jobs.claim(VIEW_REFRESH_JOB, 'next-worker', 1_000);
      expect(queued).toMatchObject({ kind: VIEW_REFRESH_JOB, request: { full: true } });
    });
  });
}
