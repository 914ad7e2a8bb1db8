/**
 * The group-commit writer: callers settle with the commit that carried their entries (after it,
 * never before; rejected when it fails), entries that arrive during a commit go together in the
 * next, and many concurrent callers on a real store (every backend) leave one valid chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventInput, AuditTrail } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { createAuditWriter } from './audit-writer.ts';

const backends = await testBackends();

function entry(n: number, patientIds: string[] = []): AuditEventInput {
  return { event: { resourceType: 'AuditEvent', recorded: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, n)).toISOString(), action: 'R', outcome: '0' }, patientIds };
}

interface Deferred {
  entries: readonly AuditEventInput[];
  resolve(): void;
  reject(error: unknown): void;
}

/** A trail whose commits the test finishes by hand. */
function handTrail(): { trail: Pick<AuditTrail, 'append'>; commits: Deferred[] } {
  const commits: Deferred[] = [];
  return {
    commits,
    trail: {
      append: (entries) =>
        new Promise<void>((resolve, reject) => {
          commits.push({ entries, resolve, reject });
        }),
    },
  };
}

/** Lets queued promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function tracked(promise: Promise<void>): { state: () => 'pending' | 'resolved' | 'rejected'; error: () => unknown } {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  let error: unknown;
  promise.then(
    () => {
      state = 'resolved';
    },
    (e: unknown) => {
      state = 'rejected';
      error = e;
    },
  );
  return { state: () => state, error: () => error };
}

describe('group-commit audit writer', () => {
  it('settles each caller only when the commit carrying its entries has committed', async () => {
    const { trail, commits } = handTrail();
    const writer = createAuditWriter(trail);
    const first = tracked(writer.record([entry(1)]));
    await settle();
    expect(commits).toHaveLength(1);
    expect(first.state()).toBe('pending');
    commits[0]!.resolve();
    await settle();
    expect(first.state()).toBe('resolved');
  });

  it('puts what arrives during a commit into the next one, together', async () => {
    const { trail, commits } = handTrail();
    const writer = createAuditWriter(trail);
    const a = tracked(writer.record([entry(1)]));
    await settle();
    const b = tracked(writer.record([entry(2), entry(3)]));
    const c = tracked(writer.record([entry(4)]));
    await settle();
    expect(commits).toHaveLength(1);
    commits[0]!.resolve();
    await settle();
    expect(a.state()).toBe('resolved');
    expect(commits).toHaveLength(2);
    expect(commits[1]!.entries).toEqual([entry(2), entry(3), entry(4)]);
    expect([b.state(), c.state()]).toEqual(['pending', 'pending']);
    commits[1]!.resolve();
    await settle();
    expect([b.state(), c.state()]).toEqual(['resolved', 'resolved']);
  });

  it('rejects every caller of a failed commit with its error, and carries on with the next', async () => {
    const { trail, commits } = handTrail();
    const writer = createAuditWriter(trail);
    const a = tracked(writer.record([entry(1)]));
    await settle();
    const b = tracked(writer.record([entry(2)]));
    const c = tracked(writer.record([entry(3)]));
    commits[0]!.resolve();
    await settle();
    const failure = new Error('database unavailable');
    commits[1]!.reject(failure);
    await settle();
    expect(a.state()).toBe('resolved');
    expect([b.state(), c.state()]).toEqual(['rejected', 'rejected']);
    expect(b.error()).toBe(failure);
    const d = tracked(writer.record([entry(4)]));
    await settle();
    expect(commits).toHaveLength(3);
    commits[2]!.resolve();
    await settle();
    expect(d.state()).toBe('resolved');
  });

  it('keeps each commit within maxBatch entries, never splitting one caller', async () => {
    const { trail, commits } = handTrail();
    const writer = createAuditWriter(trail, { maxBatch: 3 });
    const all = Promise.all([writer.record([entry(1), entry(2)]), writer.record([entry(3), entry(4)]), writer.record([entry(5)])]);
    await settle();
    commits[0]!.resolve();
    await settle();
    commits[1]!.resolve();
    await all;
    expect(commits.map((c) => c.entries.length)).toEqual([2, 3]);
  });

  it('resolves at once for nothing to record, and flush waits for what is under way', async () => {
    const { trail, commits } = handTrail();
    const writer = createAuditWriter(trail);
    await writer.record([]);
    expect(commits).toHaveLength(0);
    const a = tracked(writer.record([entry(1)]));
    const flushed = tracked(writer.flush());
    await settle();
    expect(flushed.state()).toBe('pending');
    commits[0]!.resolve();
    await settle();
    expect([a.state(), flushed.state()]).toEqual(['resolved', 'resolved']);
  });
});

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`group-commit audit writer on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    beforeAll(async () => {
      store = await backend.open();
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('appends many concurrent callers in few commits, as one valid chain, each committed when its caller resolves', async () => {
      const commits: number[] = [];
      const writer = createAuditWriter({
        append: async (entries) => {
          await store.audit.append(entries);
          commits.push(entries.length);
        },
      });
      await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          await writer.record([entry(i, [`p${i}`])]);
          // committed: visible to a fresh read of the trail
          expect((await store.audit.forPatient(`p${i}`, { count: 1 })).events).toHaveLength(1);
        }),
      );
      expect(commits.reduce((a, b) => a + b, 0)).toBe(200);
      expect(commits.length).toBeLessThan(200);
      expect(await store.audit.verify()).toMatchObject({ ok: true, count: 200 });
    });
  });
}
