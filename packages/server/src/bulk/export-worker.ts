/**
 * The Bulk Data export worker: polls the job queue in the database for `bulk-export` jobs,
 * runs each one it claims, and purges expired exports. "Background work is a job in the
 * database, so any node can pick it up": any number of workers, in one process or many, may
 * share a database; the queue gives each job to one of them, and a job whose worker dies is taken
 * over when its lease runs out.
 *
 * All state lives in the closure of one started worker; nothing at module level.
 */
import { createAuditWriter, type AccessPolicy } from '@kindred/access';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from '@kindred/store';
import { BULK_EXPORT_JOB } from './bulk-export-job.ts';
import { runExportJob } from './run-export.ts';

export interface BulkExportWorkerOptions {
  store: Store;
  /** the access policy each export obeys for its requester; default Kindred's */
  accessPolicy?: AccessPolicy;
  /** names this worker in the job table; default host, process and a random suffix */
  workerId?: string;
  /** how long to wait between polls when the queue is empty (default 1 s) */
  pollMs?: number;
  /** how long a claimed job stays this worker's without a heartbeat (default 60 s) */
  leaseMs?: number;
  /** resources per ndjson file (default 10,000) */
  fileLines?: number;
  /** how long a finished export and its files are kept (default 24 h) */
  retentionMs?: number;
  /** faults that are not the requester's (database errors, bugs); default: written to stderr */
  onError?: (error: unknown) => void;
}

export interface BulkExportWorker {
  /** Stops polling; a job in progress is abandoned at its next checkpoint and left for another worker after its lease. */
  stop(): Promise<void>;
}

const DEFAULTS = { pollMs: 1000, leaseMs: 60_000, fileLines: 10_000, retentionMs: 24 * 60 * 60 * 1000 } as const;

/** Purge at most this often: it is a sweep of the job table, not work for every poll. */
const PURGE_EVERY_MS = 60_000;

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`startBulkExportWorker: ${name} must be a positive number, not ${value}.`);
  return value;
}

function reportToStderr(error: unknown): void {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`bulk export worker: ${text}\n`);
}

export function startBulkExportWorker(options: BulkExportWorkerOptions): BulkExportWorker {
  const config = Object.freeze({
    store: options.store,
    ...(options.accessPolicy !== undefined ? { accessPolicy: options.accessPolicy } : {}),
    workerId: options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    pollMs: positive('pollMs', options.pollMs ?? DEFAULTS.pollMs),
    leaseMs: positive('leaseMs', options.leaseMs ?? DEFAULTS.leaseMs),
    fileLines: Math.floor(positive('fileLines', options.fileLines ?? DEFAULTS.fileLines)),
    retentionMs: positive('retentionMs', options.retentionMs ?? DEFAULTS.retentionMs),
    onError: options.onError ?? reportToStderr,
  });
  // what each export reads is recorded, in group commits like the API's reads
  const audit = createAuditWriter(config.store.audit);
  let stopping = false;
  let wake: (() => void) | undefined;

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const loop = async (): Promise<void> => {
    let lastPurge = 0;
    while (!stopping) {
      try {
        if (Date.now() - lastPurge >= PURGE_EVERY_MS) {
          lastPurge = Date.now();
          // Exports finished longer ago than the retention have expired: the status route already answers 404 for them.
          await config.store.jobs.purge(BULK_EXPORT_JOB, Date.now() - config.retentionMs);
        }
        const job = await config.store.jobs.claim(BULK_EXPORT_JOB, config.workerId, config.leaseMs);
        if (job !== undefined) {
          await runExportJob(job, {
            record: config.store.repository,
            audit,
            ...(config.accessPolicy !== undefined ? { accessPolicy: config.accessPolicy } : {}),
            jobs: config.store.jobs,
            workerId: config.workerId,
            leaseMs: config.leaseMs,
            fileLines: config.fileLines,
            retentionMs: config.retentionMs,
            stopping: () => stopping,
            onError: config.onError,
          });
          continue;
        }
      } catch (error) {
        config.onError(error);
      }
      if (!stopping) await pause(config.pollMs);
    }
  };
  const running = loop();

  return {
    async stop() {
      stopping = true;
      wake?.();
      await running;
    },
  };
}
