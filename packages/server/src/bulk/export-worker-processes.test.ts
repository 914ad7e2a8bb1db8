/**
 * Bulk export workers in separate processes on one database (SQLite file or PostgreSQL), as on
 * several nodes: they share the queue without doing a job twice, and a worker killed with
 * SIGKILL in the middle of a job leaves it to another once its lease runs out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Resource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { startBulkExportWorker } from './export-worker.ts';
import { byKey, contextFor, fetchOutput, pollUntilDone, request, seedRecord, send, type Manifest } from './bulk-test-support.ts';
import type { FhirContext } from '../fhir-rest/fhir-request.ts';

const backends = await testBackends();
const CHILD = fileURLToPath(new URL('./worker-child-process.ts', import.meta.url));

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a worker in its own process and resolves once it runs. */
function childWorker(store: TestStore, worker: Record<string, unknown>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify({ store: store.config, worker })], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker process exited (${code}) before it was ready: ${errors}`)));
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function kickOff(context: FhirContext, query: [string, string][]): Promise<string> {
  const response = await send(context, request('$export', { query }));
  expect(response.status).toBe(202);
  return response.headers?.['Content-Location'] ?? '';
}

async function exported(context: FhirContext, location: string): Promise<{ manifest: Manifest; resources: Resource[] }> {
  const done = await pollUntilDone(context, location, 60_000);
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  const manifest = done.body as unknown as Manifest;
  return { manifest, resources: await fetchOutput(context, manifest) };
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`Bulk export workers in separate processes on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('shares one queue between two processes: every job done once and right', async () => {
      const store = await backend.open();
      cleanups.push(() => store.destroy());
      const seeded = await seedRecord(store.repository);
      const context = contextFor(store);
      const child = await childWorker(store, { pollMs: 5, fileLines: 1, workerId: 'child' });
      cleanups.push(() => stopChild(child, 'SIGTERM'));
      const local = startBulkExportWorker({ store, pollMs: 5, fileLines: 1, workerId: 'parent' });
      cleanups.push(() => local.stop());
      const types = ['Patient', 'Observation', 'Condition', 'Patient', 'Observation', 'Condition'];
      const locations: string[] = [];
      for (const type of types) locations.push(await kickOff(context, [['_type', type]]));
      for (const [i, location] of locations.entries()) {
        const { manifest, resources } = await exported(context, location);
        const type = types[i] ?? '';
        const expected = seeded.map((s) => s.key).filter((key) => key.startsWith(`${type}/`)).sort();
        expect([...byKey(resources).keys()].sort()).toEqual(expected);
        // no resource written twice: one line per resource across the files
        expect(resources.length).toBe(expected.length);
        expect(manifest.output.every((file) => file.count === 1)).toBe(true);
      }
    });

    it('finishes a job whose worker process was killed (SIGKILL) mid-job, once its lease runs out', async () => {
      const store = await backend.open();
      cleanups.push(() => store.destroy());
      const count = 1500;
      const patients = Array.from({ length: count }, (_, i) => ({ resourceType: 'Patient', id: `bulk-${i}`, name: [{ family: `Family ${i}` }] }));
      await store.repository.importResources(patients);
      const context = contextFor(store);
      const location = await kickOff(context, [['_type', 'Patient']]);
      const jobId = location.split('/').pop() ?? '';
      const child = await childWorker(store, { pollMs: 5, fileLines: 1, leaseMs: 500, workerId: 'doomed' });
      cleanups.push(() => stopChild(child, 'SIGKILL'));
      for (let i = 0; i < 2000 && (await store.jobs.files(jobId)).length < 3; i++) await sleep(5);
      await stopChild(child, 'SIGKILL');
      const left = await store.jobs.get(jobId);
      expect(left?.status).toBe('running');
      const filesLeft = (await store.jobs.files(jobId)).length;
      expect(filesLeft).toBeGreaterThan(0);
      expect(filesLeft).toBeLessThan(count);
      const survivor = startBulkExportWorker({ store, pollMs: 5, fileLines: 500, workerId: 'survivor' });
      cleanups.push(() => survivor.stop());
      const { manifest, resources } = await exported(context, location);
      expect(manifest.output.map((file) => file.count)).toEqual([500, 500, 500]);
      const ids = resources.map((resource) => resource.id ?? '');
      expect(new Set(ids).size).toBe(count);
      expect(ids.sort()).toEqual(patients.map((p) => p.id).sort());
    });
  });
}
