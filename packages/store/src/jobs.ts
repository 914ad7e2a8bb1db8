/**
 * Background jobs kept in the database (Bulk Data exports now; notifications and view refreshes
 * later), so that any process or node can run them and a restart loses nothing. A worker claims
 * a queued job with a lease; if it dies, the lease runs out and another worker takes the job over.
 * Job output files are stored with the job so every node can serve them.
 */
import { randomUUID } from 'node:crypto';
import type { SqlDriver } from './sql/driver.ts';

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface Job {
  jobId: string;
  kind: string;
  status: JobStatus;
  request: unknown;
  progress?: string;
  result?: unknown;
  error?: string;
  createdAt: number;
  updatedAt: number;
}

export interface JobFile {
  fileNo: number;
  resourceType: string;
  lineCount: number;
}

export interface Jobs {
  enqueue(kind: string, request: unknown): Promise<string>;
  get(jobId: string): Promise<Job | undefined>;
  /** takes the oldest queued job of `kind` (or one whose worker's lease ran out) for `workerId` */
  claim(kind: string, workerId: string, leaseMs: number): Promise<Job | undefined>;
  /** records progress and extends the lease; false when the job was cancelled meanwhile */
  heartbeat(jobId: string, workerId: string, progress: string, leaseMs: number): Promise<boolean>;
  /** records the result; only the worker holding the job may (false otherwise: it was cancelled or taken over) */
  complete(jobId: string, workerId: string, result: unknown): Promise<boolean>;
  fail(jobId: string, workerId: string, error: string): Promise<boolean>;
  /** gives a running job back to the queue at once (a worker that is stopping) */
  release(jobId: string, workerId: string): Promise<void>;
  /** cancels a queued or running job and deletes its files; false when there is no such job */
  cancel(jobId: string): Promise<boolean>;
  addFile(jobId: string, file: JobFile, content: string): Promise<void>;
  files(jobId: string): Promise<JobFile[]>;
  fileContent(jobId: string, fileNo: number): Promise<string | undefined>;
  /** deletes finished jobs of `kind` (and their files) last changed before `before` (epoch ms); returns how many */
  purge(kind: string, before: number): Promise<number>;
}

interface JobRow {
  job_id: string;
  kind: string;
  status: JobStatus;
  request: string;
  progress: string | null;
  result: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

function toJob(row: JobRow): Job {
  return {
    jobId: row.job_id,
    kind: row.kind,
    status: row.status,
    request: JSON.parse(row.request) as unknown,
    ...(row.progress !== null ? { progress: row.progress } : {}),
    ...(row.result !== null ? { result: JSON.parse(row.result) as unknown } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

const COLUMNS = 'job_id, kind, status, request, progress, result, error, created_at, updated_at';

export function sqlJobs(driver: SqlDriver): Jobs {
  return {
    async enqueue(kind, request) {
      const jobId = randomUUID();
      const now = Date.now();
      await driver.execute('INSERT INTO job (job_id, kind, status, request, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [
        jobId,
        kind,
        'queued',
        JSON.stringify(request),
        now,
        now,
      ]);
      return jobId;
    },

    async get(jobId) {
      const rows = await driver.query<JobRow>(`SELECT ${COLUMNS} FROM job WHERE job_id = ?`, [jobId]);
      return rows[0] ? toJob(rows[0]) : undefined;
    },

    claim(kind, workerId, leaseMs) {
      return driver.transaction(async (tx) => {
        const now = Date.now();
        const lock = tx.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
        const candidates = await tx.query<JobRow>(
          `SELECT ${COLUMNS} FROM job WHERE kind = ? AND (status = 'queued' OR (status = 'running' AND locked_until < ?)) ORDER BY created_at LIMIT 1${lock}`,
          [kind, now],
        );
        const row = candidates[0];
        if (!row) return undefined;
        await tx.execute("UPDATE job SET status = 'running', locked_by = ?, locked_until = ?, updated_at = ? WHERE job_id = ?", [
          workerId,
          now + leaseMs,
          now,
          row.job_id,
        ]);
        return { ...toJob(row), status: 'running' as const, updatedAt: now };
      });
    },

    async heartbeat(jobId, workerId, progress, leaseMs) {
      const now = Date.now();
      const changed = await driver.execute(
        "UPDATE job SET progress = ?, locked_until = ?, updated_at = ? WHERE job_id = ? AND locked_by = ? AND status = 'running'",
        [progress, now + leaseMs, now, jobId, workerId],
      );
      return changed === 1;
    },

    async complete(jobId, workerId, result) {
      const changed = await driver.execute(
        "UPDATE job SET status = 'completed', result = ?, locked_by = NULL, locked_until = NULL, updated_at = ? WHERE job_id = ? AND locked_by = ? AND status = 'running'",
        [JSON.stringify(result), Date.now(), jobId, workerId],
      );
      return changed === 1;
    },

    async fail(jobId, workerId, error) {
      const changed = await driver.execute(
        "UPDATE job SET status = 'failed', error = ?, locked_by = NULL, locked_until = NULL, updated_at = ? WHERE job_id = ? AND locked_by = ? AND status = 'running'",
        [error, Date.now(), jobId, workerId],
      );
      return changed === 1;
    },

    async release(jobId, workerId) {
      await driver.execute("UPDATE job SET status = 'queued', locked_by = NULL, locked_until = NULL, updated_at = ? WHERE job_id = ? AND locked_by = ? AND status = 'running'", [
        Date.now(),
        jobId,
        workerId,
      ]);
    },

    cancel(jobId) {
      return driver.transaction(async (tx) => {
        const changed = await tx.execute("UPDATE job SET status = 'cancelled', updated_at = ? WHERE job_id = ? AND status <> 'cancelled'", [Date.now(), jobId]);
        await tx.execute('DELETE FROM job_file WHERE job_id = ?', [jobId]);
        return changed === 1;
      });
    },

    async addFile(jobId, file, content) {
      await driver.execute('INSERT INTO job_file (job_id, file_no, resource_type, line_count, content) VALUES (?, ?, ?, ?, ?)', [
        jobId,
        file.fileNo,
        file.resourceType,
        file.lineCount,
        content,
      ]);
    },

    async files(jobId) {
      const rows = await driver.query<{ file_no: number; resource_type: string; line_count: number }>(
        'SELECT file_no, resource_type, line_count FROM job_file WHERE job_id = ? ORDER BY file_no',
        [jobId],
      );
      return rows.map((r) => ({ fileNo: Number(r.file_no), resourceType: r.resource_type, lineCount: Number(r.line_count) }));
    },

    async fileContent(jobId, fileNo) {
      const rows = await driver.query<{ content: string }>('SELECT content FROM job_file WHERE job_id = ? AND file_no = ?', [jobId, fileNo]);
      return rows[0]?.content;
    },

    purge(kind, before) {
      return driver.transaction(async (tx) => {
        const old = await tx.query<{ job_id: string }>(
          "SELECT job_id FROM job WHERE kind = ? AND status IN ('completed', 'failed', 'cancelled') AND updated_at < ?",
          [kind, before],
        );
        for (const { job_id } of old) {
          await tx.execute('DELETE FROM job_file WHERE job_id = ?', [job_id]);
          await tx.execute('DELETE FROM job WHERE job_id = ?', [job_id]);
        }
        return old.length;
      });
    },
  };
}
