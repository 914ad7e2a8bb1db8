/**
 * The audit trail's hash chain on every backend: appending, verifying, finding a patient's events,
 * the database refusing changes, tampering of every kind detected, entries committing and rolling
 * back with a write, and (PostgreSQL) two connection pools appending at once keeping one chain.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Resource } from '@kindred/fhir';
import { openStore, type Store } from '../open-store.ts';
import { testBackends, type TestStore } from '../testing/databases.ts';
import { GENESIS_HASH, canonicalJson, chainHash, type AuditEventInput } from './audit-chain.ts';

const backends = await testBackends();

function auditEvent(n: number, patientIds: readonly string[] = []): AuditEventInput {
  return {
    event: {
      resourceType: 'AuditEvent',
      recorded: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
      action: 'R',
      outcome: '0',
      agent: [{ who: { reference: `Practitioner/p${n}` }, requestor: true }],
      source: { observer: { display: 'Kindred test' } },
      entity: patientIds.map((id) => ({ what: { reference: `Patient/${id}` } })),
    },
    patientIds,
  };
}

function events(from: number, to: number, patientIds: readonly string[] = []): AuditEventInput[] {
  return Array.from({ length: to - from + 1 }, (_, i) => auditEvent(from + i, patientIds));
}

/** Lets the test change the trail as an attacker with the database file or a superuser would. */
async function removeAppendOnlyGuard(store: Store): Promise<void> {
  if (store.driver.dialect === 'sqlite') {
    await store.driver.executeScript(
      'DROP TRIGGER audit_entry_no_update; DROP TRIGGER audit_entry_no_delete; DROP TRIGGER audit_patient_no_update; DROP TRIGGER audit_patient_no_delete;',
    );
  } else {
    await store.driver.executeScript('ALTER TABLE audit_entry DISABLE TRIGGER USER; ALTER TABLE audit_patient DISABLE TRIGGER USER;');
  }
}

async function rowOf(store: Store, seq: number): Promise<{ content: string; prev_hash: string; hash: string; recorded: number }> {
  const row = (await store.driver.query<{ content: string; prev_hash: string; hash: string; recorded: number }>(
    'SELECT content, prev_hash, hash, recorded FROM audit_entry WHERE seq = ?',
    [seq],
  ))[0];
  if (!row) throw new Error(`no audit entry ${seq}`);
  return row;
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`audit trail on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    const opened: TestStore[] = [];
    const fresh = async (): Promise<TestStore> => {
      const store = await backend.open();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.destroy();
    });

    it('appends a chain that verifies, each entry numbered and linked to the one before', async () => {
      const store = await fresh();
      expect(await store.audit.verify()).toEqual({ ok: true, count: 0, lastHash: GENESIS_HASH });
      await store.audit.append(events(1, 3));
      await store.repository.appendAudit(events(4, 5));
      const progress: [number, number][] = [];
      const result = await store.audit.verify((checked, total) => progress.push([checked, total]));
      const last = await rowOf(store, 5);
      expect(result).toEqual({ ok: true, count: 5, lastHash: last.hash });
      expect(progress.at(-1)).toEqual([5, 5]);

      const first = await rowOf(store, 1);
      expect(first.prev_hash).toBe(GENESIS_HASH);
      expect(first.hash).toBe(chainHash(GENESIS_HASH, first.content));
      const second = await rowOf(store, 2);
      expect(second.prev_hash).toBe(first.hash);
      // the stored content is the canonical serialisation of the event, numbered by the trail
      const { id: _none, ...given } = events(2, 2)[0]!.event;
      expect(second.content).toBe(canonicalJson({ ...given, id: '2' }));
      expect(second.recorded).toBe(Date.parse(String(given.recorded)));
    });

    it("finds a patient's events newest first, a page at a time", async () => {
      const store = await fresh();
      await store.audit.append([...events(1, 2, ['alice']), auditEvent(3, ['bob']), auditEvent(4, ['alice', 'bob', 'alice']), auditEvent(5)]);
      const page1 = await store.audit.forPatient('alice', { count: 2 });
      expect(page1.events.map((e) => e.id)).toEqual(['4', '2']);
      expect(page1.nextBefore).toBe(2);
      const page2 = await store.audit.forPatient('alice', { count: 2, before: page1.nextBefore! });
      expect(page2.events.map((e) => e.id)).toEqual(['1']);
      expect(page2.nextBefore).toBeUndefined();
      expect((await store.audit.forPatient('bob', { count: 10 })).events.map((e) => (e as Resource & { recorded: string }).recorded)).toEqual([
        '2026-01-01T00:00:04.000Z',
        '2026-01-01T00:00:03.000Z',
      ]);
      expect((await store.audit.forPatient('carol', { count: 10 })).events).toEqual([]);
    });

    it('is append-only: the database refuses to change or delete an entry', async () => {
      const store = await fresh();
      await store.audit.append(events(1, 2, ['alice']));
      await expect(store.driver.execute("UPDATE audit_entry SET content = '{}' WHERE seq = 1")).rejects.toThrow(/append-only/);
      await expect(store.driver.execute('DELETE FROM audit_entry WHERE seq = 2')).rejects.toThrow(/append-only/);
      await expect(store.driver.execute("UPDATE audit_patient SET patient_id = 'bob'")).rejects.toThrow(/append-only/);
      await expect(store.driver.execute('DELETE FROM audit_patient')).rejects.toThrow(/append-only/);
      if (store.driver.dialect === 'postgres') await expect(store.driver.execute('TRUNCATE audit_entry CASCADE')).rejects.toThrow(/append-only/);
      expect(await store.audit.verify()).toMatchObject({ ok: true, count: 2 });
    });

    it('detects an edited entry: hash mismatch at that entry', async () => {
      const store = await fresh();
      await store.audit.append(events(1, 5));
      await removeAppendOnlyGuard(store);
      const edited = (await rowOf(store, 3)).content.replace('"action":"R"', '"action":"D"');
      await store.driver.execute('UPDATE audit_entry SET content = ? WHERE seq = 3', [edited]);
      expect(await store.audit.verify()).toEqual({
        ok: false,
        count: 5,
        firstBroken: 3,
        recorded: '2026-01-01T00:00:03.000Z',
        reason: 'hash mismatch: its content is not what was written',
      });
    });

    it('detects an edit whose hash was recomputed: the next entry no longer links to it', async () => {
      const store = await fresh();
      await store.audit.append(events(1, 4));
      await removeAppendOnlyGuard(store);
      const row = await rowOf(store, 2);
      const edited = row.content.replace('Practitioner/p2', 'Practitioner/someone-else');
      await store.driver.execute('UPDATE audit_entry SET content = ?, hash = ? WHERE seq = 2', [edited, chainHash(row.prev_hash, edited)]);
      const result = await store.audit.verify();
      expect(result).toMatchObject({ ok: false, firstBroken: 3 });
      expect(result.ok ? '' : result.reason).toMatch(/^missing predecessor: its prev_hash does not match entry 2's hash/);
    });

    it('detects a deleted entry: its successor has a missing predecessor', async () => {
      const store = await fresh();
      await store.audit.append(events(1, 5));
      await removeAppendOnlyGuard(store);
      await store.driver.execute('DELETE FROM audit_entry WHERE seq = 3');
      expect(await store.audit.verify()).toMatchObject({ ok: false, count: 4, firstBroken: 4, reason: 'missing predecessor: entry 3 is not in the trail' });
      await store.driver.execute('DELETE FROM audit_entry WHERE seq = 1');
      expect(await store.audit.verify()).toMatchObject({ ok: false, firstBroken: 2, reason: 'missing predecessor: entry 1 is not in the trail' });
    });

    it('detects an entry inserted in the middle, even one with a correct hash of its own', async () => {
      const store = await fresh();
      await store.audit.append(events(1, 4));
      await removeAppendOnlyGuard(store);
      // make room at 3 (in two steps, so no number is ever taken twice), then forge an entry there
      await store.driver.execute('UPDATE audit_entry SET seq = seq + 1000 WHERE seq >= 3');
      await store.driver.execute('UPDATE audit_entry SET seq = seq - 999 WHERE seq >= 1000');
      const before = await rowOf(store, 2);
      const forged = canonicalJson({ ...auditEvent(99).event, id: '3' });
      await store.driver.execute('INSERT INTO audit_entry (seq, recorded, content, prev_hash, hash) VALUES (?, ?, ?, ?, ?)', [
        3,
        Date.parse(String(auditEvent(99).event.recorded)),
        forged,
        before.hash,
        chainHash(before.hash, forged),
      ]);
      const result = await store.audit.verify();
      expect(result).toMatchObject({ ok: false, count: 5, firstBroken: 4 });
      expect(result.ok ? '' : result.reason).toMatch(/^missing predecessor: its prev_hash does not match entry 3's hash/);
    });

    it('detects two entries swapped', async () => {
      const store = await fresh();
      await store.audit.append(events(1, 4));
      await removeAppendOnlyGuard(store);
      await store.driver.execute('UPDATE audit_entry SET seq = 1002 WHERE seq = 2');
      await store.driver.execute('UPDATE audit_entry SET seq = 2 WHERE seq = 3');
      await store.driver.execute('UPDATE audit_entry SET seq = 3 WHERE seq = 1002');
      const result = await store.audit.verify();
      expect(result).toMatchObject({ ok: false, firstBroken: 2, recorded: '2026-01-01T00:00:03.000Z' });
      expect(result.ok ? '' : result.reason).toMatch(/^missing predecessor: its prev_hash does not match entry 1's hash/);
    });

    it('detects a changed recorded time', async () => {
      const store = await fresh();
      await store.audit.append(events(1, 2));
      await removeAppendOnlyGuard(store);
      await store.driver.execute('UPDATE audit_entry SET recorded = recorded + 3600000 WHERE seq = 2');
      expect(await store.audit.verify()).toMatchObject({ ok: false, firstBroken: 2, reason: 'its recorded time does not match its content' });
    });

    it('commits an entry with the write in its transaction, and rolls both back together', async () => {
      const store = await fresh();
      const created = await store.repository.transaction(async (tx) => {
        const written = await tx.create({ resourceType: 'Patient', name: [{ family: 'Kept' }] });
        await tx.appendAudit([auditEvent(1, [written.resource.id])]);
        return written.resource;
      });
      await expect(
        store.repository.transaction(async (tx) => {
          const written = await tx.create({ resourceType: 'Patient', name: [{ family: 'Lost' }] });
          await tx.appendAudit([auditEvent(2, [written.resource.id])]);
          throw new Error('the request failed after writing');
        }),
      ).rejects.toThrow('the request failed after writing');
      expect((await store.repository.search({ resourceType: 'Patient', filters: [], sort: [], include: [], revinclude: [], count: 10, total: 'accurate', ignored: [] })).total).toBe(1);
      expect(await store.audit.verify()).toMatchObject({ ok: true, count: 1 });
      expect((await store.audit.forPatient(created.id, { count: 5 })).events).toHaveLength(1);
      // the next entry continues the chain where the committed one left it
      await store.audit.append(events(3, 3));
      expect(await store.audit.verify()).toMatchObject({ ok: true, count: 2 });
    });

    it('keeps one valid chain when many appends run at once', async () => {
      const store = await fresh();
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.audit.append(events(i * 3 + 1, i * 3 + 3))));
      expect(await store.audit.verify()).toMatchObject({ ok: true, count: 60 });
    });

    // PostgreSQL only: several nodes append through their own pools. (SQLite has one writer per file;
    // two handles in one process would wait on each other's lock synchronously.)
    const postgresOnly = backend.name === 'PostgreSQL' ? it : undefined;
    postgresOnly?.('keeps one valid chain when two connection pools append at once', async () => {
      const store = await fresh();
      const other = await openStore(store.config);
      try {
        await Promise.all(
          Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? store : other).audit.append(events(i * 2 + 1, i * 2 + 2, [`p${i % 3}`]))),
        );
      } finally {
        await other.close();
      }
      expect(await store.audit.verify()).toMatchObject({ ok: true, count: 60 });
      expect((await store.audit.forPatient('p0', { count: 100 })).events).toHaveLength(20);
    });
  });
}
