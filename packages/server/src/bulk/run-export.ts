/**
 * Runs one claimed Bulk Data export job: reads the record through the requester's scoped
 * repository (never more than they may read), as it stood at the export's transactionTime, and
 * writes ndjson files per type into the job, renewing the lease as it goes; then completes the
 * job with the manifest's data, or records why it failed.
 *
 * It must not answer HTTP or decide access: the stored request says what to export and the
 * access package says what the requester may see.
 */
import { auditedRepository, defaultAccessPolicy, type AccessPolicy, type AuditWriter } from '@kindred/access';
import { instantMillis, isFhirError, type StoredResource } from '@kindred/fhir';
import type { Job, Jobs, Repository } from '@kindred/store';
import { readJobRequest, type ExportJobRequest, type ExportJobResult } from './bulk-export-job.ts';
import { ExportFiles, firstFileNumber } from './export-files.ts';
import { elementsFor, patientsCovered, planExport, provenanceTargets, shapeResource, versionAt } from './export-scope.ts';
import { holdLease, JobReleased, type JobLease } from './job-lease.ts';
import { mayRead, rebuildAccess, repositoryFor } from './requester-access.ts';
import { idsMatchingFilters } from './type-filter.ts';

export interface RunExportOptions {
  /** the whole record; the export reads it only through the requester's scoped view */
  record: Repository;
  /** the access policy the requester's view obeys; default Kindred's */
  accessPolicy?: AccessPolicy;
  /** records the requester's reads in the audit trail (docs/decisions/0009); the worker always passes it */
  audit?: AuditWriter;
  jobs: Jobs;
  workerId: string;
  leaseMs: number;
  fileLines: number;
  retentionMs: number;
  stopping: () => boolean;
  onError: (error: unknown) => void;
}

/** Resources between progress notes. */
const NOTE_EVERY = 500;

/** How long the rebuilt access lasts: longer than any export runs, shorter than forever. */
const ACCESS_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

interface Run {
  request: ExportJobRequest;
  scoped: Repository;
  files: ExportFiles;
  lease: JobLease;
  transactionTime: number;
  /** "Type/id" of what was written, when Provenance has to be matched to it */
  written: Set<string> | undefined;
  estimates: Record<string, number>;
  /** messages for the manifest's error file */
  notes: string[];
}

function formatCount(n: number): string {
  return n.toLocaleString('en-GB');
}

/** "Observation: 1,200 of ~5,000 resources (type 3 of 12)": short enough for X-Progress. */
function progressOf(type: string, done: number, estimate: number | undefined, index: number, total: number): string {
  const of = estimate === undefined ? '' : ` of ~${formatCount(Math.max(estimate, done))}`;
  return `${type}: ${formatCount(done)}${of} resources (type ${index + 1} of ${total})`;
}

/** The resource as it stood at transactionTime, if it still matches `_since`; undefined to leave it out. */
async function exportable(run: Run, current: StoredResource): Promise<StoredResource | undefined> {
  const resource = await versionAt(run.scoped, current, run.transactionTime);
  if (resource === undefined) return undefined;
  const since = run.request.since;
  // The version at transactionTime may be older than the current one, and older than _since.
  if (since !== undefined && (instantMillis(resource.meta.lastUpdated) ?? 0) <= since.millis) return undefined;
  return resource;
}

async function write(run: Run, resource: StoredResource, elements: readonly string[]): Promise<void> {
  run.written?.add(`${resource.resourceType}/${resource.id}`);
  await run.files.add(resource.resourceType, JSON.stringify(shapeResource(resource, elements)));
}

async function exportType(run: Run, type: string, patientIds: string[] | undefined, index: number, total: number): Promise<void> {
  const { request, scoped, lease } = run;
  const queries = request.typeFilters?.[type];
  const checkpoint = (): Promise<void> => lease.confirm(`${type}: applying _typeFilter`);
  const wanted = queries === undefined ? undefined : await idsMatchingFilters(scoped, type, queries, request.baseUrl, checkpoint);
  const elements = elementsFor(request, type);
  const estimate = run.estimates[type];
  let done = 0;
  lease.note(progressOf(type, done, estimate, index, total));
  const options = { types: [type], ...(request.since !== undefined ? { since: request.since.millis } : {}), ...(patientIds !== undefined ? { patientIds } : {}) };
  for await (const current of scoped.exportResources(options)) {
    if (wanted !== undefined && !wanted.has(current.id)) continue;
    const resource = await exportable(run, current);
    if (resource === undefined) continue;
    await write(run, resource, elements);
    done += 1;
    if (done % NOTE_EVERY === 0) lease.note(progressOf(type, done, estimate, index, total));
  }
  await run.files.flush();
}

/** Provenance whose target is a written resource or one of the patients (see ProvenanceMode). */
async function exportRelatedProvenance(run: Run, patientIds: readonly string[] | undefined): Promise<void> {
  const { request, scoped, lease } = run;
  const targets = new Set([...(run.written ?? []), ...(patientIds ?? []).map((id) => `Patient/${id}`)]);
  const elements = elementsFor(request, 'Provenance');
  let done = 0;
  lease.note('Provenance of the exported resources');
  const options = { types: ['Provenance'], ...(request.since !== undefined ? { since: request.since.millis } : {}) };
  for await (const current of scoped.exportResources(options)) {
    if (!provenanceTargets(current, request.baseUrl).some((key) => targets.has(key))) continue;
    const resource = await exportable(run, current);
    if (resource === undefined) continue;
    await write(run, resource, elements);
    done += 1;
    if (done % NOTE_EVERY === 0) lease.note(`Provenance: ${formatCount(done)} resources`);
  }
  await run.files.flush();
}

/** The manifest's error file: "If the request contained invalid or unsupported parameters along with a Prefer: handling=lenient header … SHOULD include a FHIR OperationOutcome resource for each". */
async function writeNotes(run: Run): Promise<void> {
  for (const diagnostics of run.notes) {
    await run.files.add('OperationOutcome', JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'warning', code: 'not-supported', diagnostics }] }));
  }
  await run.files.flush();
}

async function countsOf(repository: Repository): Promise<Record<string, number>> {
  try {
    return await repository.countByType();
  } catch {
    // Estimates only feed X-Progress; an export does not need them.
    return {};
  }
}

async function exportRecord(jobId: string, request: ExportJobRequest, options: RunExportOptions, lease: JobLease): Promise<ExportJobResult> {
  const access = rebuildAccess(request.requester, new Date(Date.now() + ACCESS_LIFETIME_MS));
  const allowed = await repositoryFor(options.record, access, options.accessPolicy ?? defaultAccessPolicy());
  const scoped = options.audit !== undefined ? auditedRepository(allowed, access, options.audit) : allowed;
  const plan = planExport(request);
  const notes = [...request.ignored];
  let provenance = plan.provenance;
  if (provenance === 'related' && !mayRead(access, 'Provenance')) {
    notes.push('Provenance is not included: this token may not read Provenance.');
    provenance = 'none';
  }
  const files = new ExportFiles(options.jobs, jobId, await firstFileNumber(options.jobs, jobId), options.fileLines, lease);
  const run: Run = {
    request,
    scoped,
    files,
    lease,
    transactionTime: instantMillis(request.transactionTime) ?? Date.now(),
    written: provenance === 'related' ? new Set() : undefined,
    estimates: await countsOf(scoped),
    notes,
  };
  await lease.confirm('listing patients');
  const patientIds = await patientsCovered(request, options.record);
  for (const [index, type] of plan.types.entries()) await exportType(run, type, patientIds, index, plan.types.length);
  if (provenance === 'related') await exportRelatedProvenance(run, patientIds);
  const outputs = files.files();
  await writeNotes(run);
  const errors = files.files().slice(outputs.length);
  return { transactionTime: request.transactionTime, output: outputs, error: errors, expiresAt: Date.now() + options.retentionMs };
}

/** What a failed job tells its requester: our own errors speak for themselves; anything else stays in the log. */
function publicMessage(error: unknown): string {
  if (isFhirError(error)) return error.message;
  return 'an internal error stopped the export; start it again, and tell the administrator if it keeps failing';
}

/**
 * Runs `job` to completion or failure. Returns without touching the job when it was cancelled,
 * taken over, or the worker is stopping: then it is someone else's (or, after the lease, any
 * worker's) to finish.
 */
export async function runExportJob(job: Job, options: RunExportOptions): Promise<void> {
  const request = readJobRequest(job.request);
  if (request === undefined) {
    await options.jobs.fail(job.jobId, options.workerId, 'the export request stored with this job cannot be read');
    return;
  }
  const lease = holdLease(options.jobs, job.jobId, options.workerId, options.leaseMs, options.stopping);
  try {
    const result = await exportRecord(job.jobId, request, options, lease);
    await lease.confirm('complete');
    await options.jobs.complete(job.jobId, options.workerId, result);
  } catch (error) {
    if (error instanceof JobReleased) return;
    if (isFhirError(error) && error.errorName === 'UNAVAILABLE') {
      // The database was busy or away: not the export's fault. Leave the job running; when its
      // lease runs out a worker (this one, likely) starts it again.
      options.onError(error);
      return;
    }
    // Recorded only while the job is still ours: a job taken over must not be failed by its old worker.
    await options.jobs.fail(job.jobId, options.workerId, publicMessage(error));
    if (!isFhirError(error)) options.onError(error);
  } finally {
    lease.end();
  }
}
