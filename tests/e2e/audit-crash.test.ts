/**
 * No answered read is missing from the audit trail, even when the server is killed with SIGKILL
 * while reads are still arriving: a real `kindred serve` child answers many concurrent reads of one
 * Patient, is killed once enough have been answered (with more in flight), and the trail is then
 * examined underneath: at least as many read entries as answers, and a chain that verifies.
 * On SQLite always, on PostgreSQL when a server answers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliBackends, type CliRecord } from './cli/cli-records.ts';
import { fhirRequest } from './cli/fhir-http.ts';
import { runKindred, startServer, type RunningServer } from './cli/kindred-process.ts';

const backends = await cliBackends();

const TIMEOUT_MS = 420_000;
/** Answers to wait for before the kill; the readers keep sending while it lands. */
const ANSWERS_BEFORE_KILL = 60;
const READERS = 12;

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`audit trail after kill -9 on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, { timeout: TIMEOUT_MS }, () => {
    let record: CliRecord;
    let server: RunningServer | undefined;
    beforeEach(async () => {
      record = await backend.create();
    });
    afterEach(async () => {
      if (server?.process.running) await server.process.stop('SIGKILL');
      await record?.destroy();
    });

    it('keeps an entry for every read that was answered', async () => {
      const store = await record.open();
      let patientId: string;
      try {
        patientId = (await store.repository.create({ resourceType: 'Patient', name: [{ family: 'Crash' }] })).resource.id;
      } finally {
        await store.close();
      }
      const token = (await runKindred(['token', ...record.flags])).stdout.trim();
      server = await startServer(record.flags);
      const running = server;

      let answered = 0;
      let killed = false;
      let kill: Promise<unknown> | undefined;
      const reader = async (): Promise<void> => {
        while (!killed) {
          try {
            const reply = await fhirRequest(running.origin, `/fhir/Patient/${patientId}`, { token });
            if (killed) return;
            expect(reply.status).toBe(200);
            answered += 1;
            if (answered >= ANSWERS_BEFORE_KILL && kill === undefined) kill = running.process.stop('SIGKILL');
          } catch (error) {
            // a request in flight when the server died has no answer: nothing to count
            if (running.process.running && kill === undefined) throw error;
            killed = true;
          }
          if (kill !== undefined && !running.process.running) killed = true;
        }
      };
      await Promise.all(Array.from({ length: READERS }, reader));
      await kill;
      expect(running.process.exit?.signal).toBe('SIGKILL');

      const after = await record.open();
      try {
        const events = (await after.audit.forPatient(patientId, { count: 100_000 })).events as unknown as { subtype?: { code: string }[]; outcome: string }[];
        const reads = events.filter((e) => e.subtype?.[0]?.code === 'read' && e.outcome === '0');
        expect(reads.length).toBeGreaterThanOrEqual(answered);
        expect(await after.audit.verify()).toMatchObject({ ok: true });
      } finally {
        await after.close();
      }
    });
  });
}
