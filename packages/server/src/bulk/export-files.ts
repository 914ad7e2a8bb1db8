/**
 * Writes an export's ndjson files into the job's file store (so every node can serve them), one
 * resource type per file and at most `fileLines` resources each ("Each file SHALL contain
 * resources of only one type, but a server MAY create more than one file for each resource type",
 * Bulk Data STU2 export.html, "Response - Complete Status").
 *
 * It must not choose what is exported; it only batches lines into files and numbers them.
 */
import type { Jobs } from '@kindred/store';
import type { ExportFileEntry } from './bulk-export-job.ts';
import type { JobLease } from './job-lease.ts';

/**
 * File numbers of one run of a job start at a multiple of this. A worker that takes over a job
 * after a lapsed lease starts in a fresh range, so that files the previous worker wrote (or is
 * still writing, if it was only slow) can never collide with its own; the manifest lists only
 * the files of the run that completed the job.
 */
export const FILE_NUMBERS_PER_RUN = 1_000_000;

/** The first file number for a new run of a job, past any files an earlier run left. */
export async function firstFileNumber(jobs: Jobs, jobId: string): Promise<number> {
  const existing = await jobs.files(jobId);
  const highest = existing.reduce((max, file) => Math.max(max, file.fileNo), 0);
  return highest === 0 ? 1 : (Math.floor(highest / FILE_NUMBERS_PER_RUN) + 1) * FILE_NUMBERS_PER_RUN + 1;
}

export class ExportFiles {
  private nextFileNo: number;
  private lines: string[] = [];
  private currentType: string | undefined;
  private readonly written: ExportFileEntry[] = [];

  constructor(
    private readonly jobs: Jobs,
    private readonly jobId: string,
    firstFileNo: number,
    private readonly fileLines: number,
    private readonly lease: JobLease,
  ) {
    this.nextFileNo = firstFileNo;
  }

  /** Adds one resource (already serialised, without the newline) to the current file of `type`. */
  async add(type: string, line: string): Promise<void> {
    if (this.currentType !== undefined && this.currentType !== type) await this.flush();
    this.currentType = type;
    this.lines.push(line);
    if (this.lines.length >= this.fileLines) await this.flush();
  }

  /** Writes what is buffered as a file. */
  async flush(): Promise<void> {
    const type = this.currentType;
    if (type === undefined || this.lines.length === 0) return;
    const fileNo = this.nextFileNo;
    const content = `${this.lines.join('\n')}\n`;
    const count = this.lines.length;
    // Renew first: a job cancelled or taken over meanwhile must not gain files from this worker.
    await this.lease.confirm();
    await this.jobs.addFile(this.jobId, { fileNo, resourceType: type, lineCount: count }, content);
    this.written.push({ type, fileNo, count });
    this.nextFileNo += 1;
    this.lines = [];
  }

  /** The files written so far, in order. */
  files(): ExportFileEntry[] {
    return this.written.map((entry) => ({ ...entry }));
  }
}
