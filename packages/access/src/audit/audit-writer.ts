/**
 * Group commit for the audit trail. Every read and search is audited, and a request may answer
 * only once its entry is committed (so an answered request is never missing from the trail, even
 * if the process is killed the moment after). One transaction per read would make the database's
 * commit rate the server's read rate; instead entries that arrive while a commit is under way wait
 * for it and then go together in the next one, and each caller's promise settles with the commit
 * that carried its entries: resolved once committed, rejected with the error when it failed.
 *
 * No timers: a lone request is committed at once; batches grow only when commits are the
 * bottleneck. Must not be awaited inside a database transaction on SQLite (the commit needs the
 * writer that the open transaction holds): inside one, append with `tx.appendAudit` instead.
 */
import type { AuditEventInput, AuditTrail } from '@kindred/store';

export interface AuditWriter {
  /** resolves once `entries` are committed to the trail; rejects when their commit fails */
  record(entries: readonly AuditEventInput[]): Promise<void>;
  /** resolves once everything recorded so far has been committed or has failed */
  flush(): Promise<void>;
}

export interface AuditWriterOptions {
  /** the most entries in one commit (default 500); more wait for the next one */
  maxBatch?: number;
}

interface Waiting {
  entries: readonly AuditEventInput[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** A writer appending to `trail` (normally `store.audit`) in group commits. */
export function createAuditWriter(trail: Pick<AuditTrail, 'append'>, options: AuditWriterOptions = {}): AuditWriter {
  const maxBatch = Math.max(1, options.maxBatch ?? 500);
  const queue: Waiting[] = [];
  let draining: Promise<void> | undefined;

  /** The callers whose entries go in the next commit: at least one, then whole callers up to maxBatch entries. */
  function nextBatch(): Waiting[] {
    const batch: Waiting[] = [];
    let size = 0;
    while (queue.length > 0 && (batch.length === 0 || size + queue[0]!.entries.length <= maxBatch)) {
      const next = queue.shift()!;
      batch.push(next);
      size += next.entries.length;
    }
    return batch;
  }

  async function drain(): Promise<void> {
    // Let the requests that finish in this turn of the event loop join the first commit.
    await Promise.resolve();
    while (queue.length > 0) {
      const batch = nextBatch();
      try {
        await trail.append(batch.flatMap((w) => w.entries));
        for (const waiting of batch) waiting.resolve();
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
  }

  function start(): void {
    if (draining !== undefined) return;
    draining = drain().finally(() => {
      draining = undefined;
      // entries queued while the last commit settled start the next round
      if (queue.length > 0) start();
    });
  }

  return Object.freeze({
    record(entries: readonly AuditEventInput[]): Promise<void> {
      if (entries.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ entries, resolve, reject });
        start();
      });
    },
    async flush(): Promise<void> {
      while (draining !== undefined) await draining;
    },
  });
}
