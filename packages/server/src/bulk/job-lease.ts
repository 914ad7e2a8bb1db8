/**
 * A worker's hold on one claimed job. A timer renews the lease in the database while the export
 * runs (so a slow query does not let the lease lapse); checkpoints in the export loop ask whether
 * the job is still this worker's, so that a job cancelled meanwhile, taken over by another worker
 * after a lapse, or abandoned because the worker is stopping, stops at once.
 *
 * It must not decide what the export does; it only says whether to go on.
 */
import type { Jobs } from '@kindred/store';

/** Thrown at a checkpoint when the job is no longer this worker's to finish (or the worker is stopping). */
export class JobReleased extends Error {
  constructor(readonly reason: 'lost' | 'stopping') {
    super(reason === 'lost' ? 'the job was cancelled or taken over by another worker' : 'the worker is stopping');
    this.name = 'JobReleased';
  }
}

export interface JobLease {
  /** Notes progress and throws JobReleased when the job is lost or the worker stops; cheap, no database round trip. */
  note(progress: string): void;
  /** Renews the lease now (before writing a file or completing) and throws JobReleased when the job is not ours any more. */
  confirm(progress?: string): Promise<void>;
  /** Whether the job is still ours, asking the database; for deciding whether a failure may be recorded. */
  stillOurs(): Promise<boolean>;
  end(): void;
}

/** The shortest renewal interval, so that a tiny lease (tests) does not spin the database. */
const MIN_RENEW_MS = 10;

export function holdLease(jobs: Jobs, jobId: string, workerId: string, leaseMs: number, stopping: () => boolean): JobLease {
  let progress = 'starting';
  let lost = false;
  let renewing: Promise<void> | undefined;

  const renew = async (): Promise<boolean> => {
    const ours = await jobs.heartbeat(jobId, workerId, progress, leaseMs);
    if (!ours) lost = true;
    return ours;
  };
  const check = (): void => {
    if (lost) throw new JobReleased('lost');
    if (stopping()) throw new JobReleased('stopping');
  };

  const timer = setInterval(
    () => {
      // One renewal at a time; a failed renewal (database briefly away) is retried by the next tick or confirm().
      if (renewing !== undefined) return;
      renewing = renew()
        .then(() => undefined)
        .catch(() => undefined)
        .finally(() => {
          renewing = undefined;
        });
    },
    Math.max(MIN_RENEW_MS, Math.floor(leaseMs / 3)),
  );
  timer.unref();

  return {
    note(text) {
      progress = text;
      check();
    },
    async confirm(text) {
      if (text !== undefined) progress = text;
      check();
      if (!(await renew())) throw new JobReleased('lost');
      check();
    },
    async stillOurs() {
      if (lost) return false;
      return renew().catch(() => false);
    },
    end() {
      clearInterval(timer);
    },
  };
}
