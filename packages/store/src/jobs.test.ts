/** Job queue contract on every backend: claiming, leases, cancellation, files, purge. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestStore } from './testing/databases.ts';

const backends = await testBackends();

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`jobs on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    beforeAll(async () => {
      store = await backend.open();
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('gives a queued job to exactly one of several workers claiming at once', async () => {
      const jobId = await store.jobs.enqueue('race', { n: 1 });
      const claims = await Promise.all(['w1', 'w2', 'w3'].map((w) => store.jobs.claim('race', w, 60_000)));
      const won = claims.filter((c) => c !== undefined);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ jobId, status: 'running', request: { n: 1 } });
    });

    it('hands a job over when its worker stops renewing the lease', async () => {
      const jobId = await store.jobs.enqueue('lease', {});
      expect((await store.jobs.claim('lease', 'dies', 1))?.jobId).toBe(jobId);
      await new Promise((r) => setTimeout(r, 10));
      expect(await store.jobs.heartbeat(jobId, 'other', 'x', 1000)).toBe(false);
      expect((await store.jobs.claim('lease', 'takes-over', 60_000))?.jobId).toBe(jobId);
      expect(await store.jobs.heartbeat(jobId, 'takes-over', '50%', 60_000)).toBe(true);
      expect((await store.jobs.get(jobId))?.progress).toBe('50%');
    });

    it('completes with a result, keeps files, and purges old jobs', async () => {
      const jobId = await store.jobs.enqueue('files', {});
      await store.jobs.claim('files', 'w', 60_000);
      await store.jobs.addFile(jobId, { fileNo: 1, resourceType: 'Patient', lineCount: 2 }, '{"a":1}\n{"b":2}\n');
      expect(await store.jobs.complete(jobId, 'someone-else', { ok: false })).toBe(false);
      expect(await store.jobs.complete(jobId, 'w', { ok: true })).toBe(true);
      expect(await store.jobs.get(jobId)).toMatchObject({ status: 'completed', result: { ok: true } });
      expect(await store.jobs.files(jobId)).toEqual([{ fileNo: 1, resourceType: 'Patient', lineCount: 2 }]);
      expect(await store.jobs.fileContent(jobId, 1)).toBe('{"a":1}\n{"b":2}\n');
      expect(await store.jobs.purge('files', Date.now() - 60_000)).toBe(0);
      expect(await store.jobs.purge('other-kind', Date.now() + 1)).toBe(0);
      expect(await store.jobs.purge('files', Date.now() + 1)).toBe(1);
      expect(await store.jobs.get(jobId)).toBeUndefined();
      expect(await store.jobs.fileContent(jobId, 1)).toBeUndefined();
    });

    it('cancels: the worker learns of it at its next heartbeat', async () => {
      const jobId = await store.jobs.enqueue('cancel', {});
      await store.jobs.claim('cancel', 'w', 60_000);
      expect(await store.jobs.cancel(jobId)).toBe(true);
      expect(await store.jobs.heartbeat(jobId, 'w', 'x', 60_000)).toBe(false);
      expect(await store.jobs.cancel('no-such-job')).toBe(false);
      expect(await store.jobs.fail(jobId, 'w', 'too late')).toBe(false);
      expect((await store.jobs.get(jobId))?.status).toBe('cancelled');
    });

    it('releases a job back to the queue for another worker', async () => {
      const jobId = await store.jobs.enqueue('release', {});
      await store.jobs.claim('release', 'stopping', 60_000);
      await store.jobs.release(jobId, 'not-the-holder');
      expect(await store.jobs.claim('release', 'other', 60_000)).toBeUndefined();
      await store.jobs.release(jobId, 'stopping');
      expect((await store.jobs.claim('release', 'other', 60_000))?.jobId).toBe(jobId);
    });
  });
}
