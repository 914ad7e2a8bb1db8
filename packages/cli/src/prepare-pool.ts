/**
 * Worker threads that do the CPU half of an import (parse, validate, extract index rows, hash,
 * serialise: @kindred/store's prepareImport) while the main thread writes to the database, so an
 * import uses every core instead of one. Results come back in the order batches were sent.
 * With no workers (one core, or `--workers 0`) the same preparation runs on the main thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { prepareImport, prepareImportLine, type PreparedImport, type SearchParamIds } from '@kindred/store';

/** What a worker is given for one item: an ndjson line, or an already parsed value. */
export type PrepareInput = { text: string } | { value: unknown };

export interface PreparePool {
  prepare(items: readonly PrepareInput[]): Promise<PreparedImport[]>;
  close(): Promise<void>;
}

interface Reply {
  id: number;
  results?: PreparedImport[];
  error?: string;
}

export function prepareOne(item: PrepareInput, pids: SearchParamIds): PreparedImport {
  return 'text' in item ? prepareImportLine(item.text, pids) : prepareImport(item.value, pids);
}

/** One worker per core beyond the one that writes. */
export function defaultWorkerCount(): number {
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

/** `pids`: the store's search parameter ids, which index rows are prepared with. */
export function createPreparePool(size: number, pids: SearchParamIds): PreparePool {
  if (size <= 0) {
    return {
      prepare: async (items) => items.map((item) => prepareOne(item, pids)),
      close: async () => undefined,
    };
  }
  const pending = new Map<number, { resolve: (r: PreparedImport[]) => void; reject: (e: Error) => void }>();
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(new URL('./prepare-worker.js', import.meta.url), { workerData: { searchParamIds: pids.entries() } });
    worker.on('message', (reply: Reply) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      if (reply.results) waiting.resolve(reply.results);
      else waiting.reject(new Error(reply.error ?? 'a preparation worker failed'));
    });
    worker.on('error', (error) => {
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
    });
    return worker;
  });
  let next = 0;
  return {
    prepare(items) {
      const id = next++;
      const worker = workers[id % workers.length]!;
      return new Promise<PreparedImport[]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, items });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
