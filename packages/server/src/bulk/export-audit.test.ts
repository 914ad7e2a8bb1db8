/**
 * Bulk Data export is audited: the worker reads through the audited repository, so each export
 * leaves Export AuditEvents (DICOM 110106) naming the requester, and a Patient-level export is on
 * the access log of every patient it covered. On every backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { startBulkExportWorker, type BulkExportWorker } from './export-worker.ts';
import { accessAs, contextFor, pollUntilDone, request, seedRecord, send } from './bulk-test-support.ts';

const backends = await testBackends();

type Event = { type: { code: string }; action: string; agent: { who: { identifier?: { value: string } }; requestor: boolean }[]; entity?: { description?: string }[] };

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`Bulk export audit on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let worker: BulkExportWorker;
    beforeAll(async () => {
      store = await backend.open();
      await seedRecord(store.repository);
      worker = startBulkExportWorker({ store, pollMs: 5 });
    });
    afterAll(async () => {
      await worker?.stop();
      await store?.destroy();
    });

    it("records the requester's export on the log of each patient it covered", async () => {
      const context = contextFor(store, accessAs('exporter-1'));
      const kickOff = await send(context, request('Patient/$export', { query: [['_type', 'Patient,Observation']] }));
      expect(kickOff.status).toBe(202);
      const done = await pollUntilDone(context, kickOff.headers?.['Content-Location'] ?? '');
      expect(done.status).toBe(200);
      for (const patientId of ['p1', 'p2', 'p3']) {
        const events = (await store.audit.forPatient(patientId, { count: 20 })).events as unknown as Event[];
        const exports = events.filter((e) => e.type.code === '110106');
        expect(exports.length, `export events for ${patientId}`).toBeGreaterThan(0);
        for (const event of exports) {
          expect(event.action).toBe('R');
          expect(event.agent[0]).toMatchObject({ who: { identifier: { value: 'exporter-1' } }, requestor: true });
        }
        expect(exports.flatMap((e) => (e.entity ?? []).flatMap((x) => (x.description ? [x.description] : [])))).toEqual(
          expect.arrayContaining([expect.stringMatching(/^export of .*Patient/), expect.stringMatching(/^export of .*Observation/)]),
        );
      }
      expect(await store.audit.verify()).toMatchObject({ ok: true });
    });
  });
}
