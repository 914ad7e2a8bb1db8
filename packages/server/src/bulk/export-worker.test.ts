/**
 * The export worker on SQLite and PostgreSQL: files split at `fileLines`, the record as it stood
 * at transactionTime, `_since`, cancellation noticed at a heartbeat, a job left by a dead worker
 * finished by another, two workers on two connections to one database, expiry and purge, and the
 * error file of a lenient export. Each test has a store of its own, since several change the record.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '@kindred/store';
import { testBackends, type TestBackend, type TestStore } from '@kindred/store/testing';
import { BULK_EXPORT_JOB } from './bulk-export-job.ts';
import { startBulkExportWorker, type BulkExportWorker } from './export-worker.ts';
import { runExportJob } from './run-export.ts';
import { byKey, contextFor, fetchOutput, pathOf, pollUntilDone, readBack, request, seedRecord, send, type Manifest } from './bulk-test-support.ts';
import type { FhirContext } from '../fhir-rest/fhir-request.ts';

const backends = await testBackends();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function kickOff(context: FhirContext, path: string, query: [string, string][] = [], prefer = 'respond-async'): Promise<string> {
  const response = await send(context, request(path, { query, headers: { prefer } }));
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  return response.headers?.['Content-Location'] ?? '';
}

async function manifestOf(context: FhirContext, location: string): Promise<Manifest> {
  const done = await pollUntilDone(context, location);
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return done.body as unknown as Manifest;
}

function jobIdOf(location: string): string {
  return location.split('/').pop() ?? '';
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`Bulk export worker on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function freshStore(b: TestBackend): Promise<TestStore> {
      const store = await b.open();
      cleanups.push(() => store.destroy());
      return store;
    }
    function worker(store: Store, options: { fileLines?: number; leaseMs?: number; retentionMs?: number; workerId?: string } = {}): BulkExportWorker {
      const started = startBulkExportWorker({ store, pollMs: 5, ...options });
      cleanups.push(() => started.stop());
      return started;
    }

    it('splits each type into files of at most fileLines resources, and every file is served', async () => {
      const store = await freshStore(backend);
      const seeded = await seedRecord(store.repository);
      const context = contextFor(store);
      worker(store, { fileLines: 2 });
      const manifest = await manifestOf(context, await kickOff(context, '$export', [['_type', 'Patient,Observation']]));
      const counts = (type: string): number[] => manifest.output.filter((f) => f.type === type).map((f) => f.count);
      expect(counts('Patient')).toEqual([2, 1]);
      expect(counts('Observation')).toEqual([2, 2]);
      expect(new Set(manifest.output.map((f) => f.url)).size).toBe(manifest.output.length);
      const resources = byKey(await fetchOutput(context, manifest));
      const expectedKeys = seeded.map((s) => s.key).filter((k) => /^(Patient|Observation)\//.test(k)).sort();
      expect([...resources.keys()].sort()).toEqual(expectedKeys);
    });

    it('says it is queued (202, X-Progress, Retry-After) until a worker takes the job', async () => {
      const store = await freshStore(backend);
      const context = contextFor(store);
      const location = await kickOff(context, '$export');
      const waiting = await send(context, request(pathOf(location)));
      expect(waiting.status).toBe(202);
      expect(waiting.headers?.['X-Progress']).toBe('queued');
      expect(Number(waiting.headers?.['Retry-After'])).toBeGreaterThan(0);
    });

    it('exports the record as it stood at transactionTime, however late the worker runs', async () => {
      const store = await freshStore(backend);
      await seedRecord(store.repository);
      const context = contextFor(store);
      const before = await store.repository.read('Observation', 'o2');
      const location = await kickOff(context, '$export', [['_type', 'Observation,Patient']]);
      await sleep(5);
      await store.repository.update({ ...before, status: 'amended' });
      await store.repository.update({ resourceType: 'Patient', id: 'p5', name: [{ family: 'Late' }] });
      worker(store);
      const resources = byKey(await fetchOutput(context, await manifestOf(context, location)));
      expect(resources.get('Observation/o2')).toEqual(before);
      expect(resources.has('Patient/p5')).toBe(false);
    });

    it('exports only what changed after _since', async () => {
      const store = await freshStore(backend);
      await seedRecord(store.repository);
      const context = contextFor(store);
      await sleep(5);
      const mark = new Date().toISOString();
      await sleep(5);
      const o1 = await store.repository.read('Observation', 'o1');
      await store.repository.update({ ...o1, status: 'amended' });
      await store.repository.update({ resourceType: 'Patient', id: 'p4', name: [{ family: 'New' }] });
      worker(store);
      const manifest = await manifestOf(context, await kickOff(context, '$export', [['_since', mark]]));
      const resources = byKey(await fetchOutput(context, manifest));
      const expected = await readBack(store.repository, ['Observation/o1', 'Patient/p4']);
      expect([...resources.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [key, resource] of expected) expect(resources.get(key)).toEqual(resource);
      const atLevel = byKey(await fetchOutput(context, await manifestOf(context, await kickOff(context, 'Patient/$export', [['_since', mark]]))));
      expect([...atLevel.keys()].sort()).toEqual(['Observation/o1', 'Patient/p4']);
    });

    it('stops a cancelled job at its next heartbeat, writing nothing', async () => {
      const store = await freshStore(backend);
      await seedRecord(store.repository);
      const context = contextFor(store);
      const location = await kickOff(context, '$export');
      const job = await store.jobs.claim(BULK_EXPORT_JOB, 'w1', 60_000);
      expect(job?.jobId).toBe(jobIdOf(location));
      expect((await send(context, request(pathOf(location), { method: 'DELETE' }))).status).toBe(202);
      if (job === undefined) throw new Error('no job claimed');
      const errors: unknown[] = [];
      await runExportJob(job, {
        record: store.repository,
        jobs: store.jobs,
        workerId: 'w1',
        leaseMs: 60_000,
        fileLines: 1,
        retentionMs: 60_000,
        stopping: () => false,
        onError: (e) => errors.push(e),
      });
      expect(errors).toEqual([]);
      expect((await store.jobs.get(job.jobId))?.status).toBe('cancelled');
      expect(await store.jobs.files(job.jobId)).toEqual([]);
      expect((await send(context, request(pathOf(location)))).status).toBe(404);
    });

    it('finishes a job whose worker died mid-way, ignoring the files it left', async () => {
      const store = await freshStore(backend);
      const seeded = await seedRecord(store.repository);
      const context = contextFor(store);
      const location = await kickOff(context, '$export', [['_type', 'Patient']]);
      // a worker claims with a 1 ms lease, writes a file, and dies
      const dead = await store.jobs.claim(BULK_EXPORT_JOB, 'dead-worker', 1);
      expect(dead?.jobId).toBe(jobIdOf(location));
      await store.jobs.addFile(jobIdOf(location), { fileNo: 1, resourceType: 'Patient', lineCount: 1 }, '{"resourceType":"Patient","id":"half-written"}\n');
      await sleep(5);
      worker(store, { workerId: 'survivor' });
      const manifest = await manifestOf(context, location);
      expect(manifest.output.map((f) => f.url)).not.toContain(`${pathOf(location)}/1`);
      const resources = byKey(await fetchOutput(context, manifest));
      expect([...resources.keys()].sort()).toEqual(seeded.map((s) => s.key).filter((k) => k.startsWith('Patient/')).sort());
      expect((await send(context, request(`$export-file/${jobIdOf(location)}/1`))).status).toBe(404);
    });

    it('lets a second worker finish what a stopped worker with a 1 ms lease claimed', async () => {
      const store = await freshStore(backend);
      const seeded = await seedRecord(store.repository);
      const context = contextFor(store);
      const location = await kickOff(context, 'Patient/$export');
      const first = startBulkExportWorker({ store, pollMs: 5, leaseMs: 1, fileLines: 1, workerId: 'first' });
      for (let i = 0; i < 400 && (await store.jobs.get(jobIdOf(location)))?.status === 'queued'; i++) await sleep(5);
      await first.stop();
      worker(store, { workerId: 'second' });
      const resources = byKey(await fetchOutput(context, await manifestOf(context, location)));
      const expected = [...seeded.filter((s) => s.patients.length > 0).map((s) => s.key), 'Provenance/prov1', 'Provenance/prov2'].sort();
      expect([...resources.keys()].sort()).toEqual(expected);
    });

    it('shares one queue between two workers in one process: every job done once and right', async () => {
      // Workers in separate processes (and so separate connections) are in export-worker-processes.test.ts:
      // two SQLite connections in one thread would wait on each other's locks.
      const store = await freshStore(backend);
      const seeded = await seedRecord(store.repository);
      const context = contextFor(store);
      const locations: string[] = [];
      for (let i = 0; i < 6; i++) locations.push(await kickOff(context, '$export', [['_type', i % 2 === 0 ? 'Patient' : 'Observation']]));
      worker(store, { workerId: 'a', fileLines: 1 });
      worker(store, { workerId: 'b', fileLines: 1 });
      for (const [i, location] of locations.entries()) {
        const resources = await fetchOutput(context, await manifestOf(context, location));
        const type = i % 2 === 0 ? 'Patient' : 'Observation';
        const expected = seeded.map((s) => s.key).filter((k) => k.startsWith(`${type}/`)).sort();
        expect([...byKey(resources).keys()].sort()).toEqual(expected);
        expect(resources.length).toBe(expected.length);
      }
    });

    it('expires finished exports after retentionMs (404), and a worker purges them', async () => {
      const store = await freshStore(backend);
      await seedRecord(store.repository);
      const context = contextFor(store);
      const first = startBulkExportWorker({ store, pollMs: 5, retentionMs: 100 });
      const location = await kickOff(context, '$export', [['_type', 'Patient']]);
      await manifestOf(context, location);
      await first.stop();
      await sleep(150);
      expect((await send(context, request(pathOf(location)))).status).toBe(404);
      expect(await store.jobs.get(jobIdOf(location))).toBeDefined();
      worker(store, { retentionMs: 100 });
      for (let i = 0; i < 200 && (await store.jobs.get(jobIdOf(location))) !== undefined; i++) await sleep(5);
      expect(await store.jobs.get(jobIdOf(location))).toBeUndefined();
    });

    it('under handling=lenient, lists what it ignored as OperationOutcomes in the error files', async () => {
      const store = await freshStore(backend);
      await seedRecord(store.repository);
      const context = contextFor(store);
      worker(store);
      const location = await kickOff(context, '$export', [['_type', 'Patient,Wizard'], ['_count', '5']], 'respond-async, handling=lenient');
      const manifest = await manifestOf(context, location);
      expect(manifest.output.map((f) => f.type)).toEqual(['Patient']);
      expect(manifest.error.map((f) => [f.type, f.count])).toEqual([['OperationOutcome', 2]]);
      const file = await send(context, request(pathOf(manifest.error[0]?.url ?? '')));
      const outcomes = (file.text?.content ?? '').trim().split('\n').map((line) => JSON.parse(line) as { resourceType: string });
      expect(outcomes.map((o) => o.resourceType)).toEqual(['OperationOutcome', 'OperationOutcome']);
      expect(file.text?.content).toContain('Wizard');
      expect(file.text?.content).toContain('_count');
    });
  });
}
