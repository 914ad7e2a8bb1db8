/**
 * The polling location and the files of a Bulk Data export (Bulk Data STU2 export.html, "Bulk
 * Data Status Request", "Bulk Data Delete Request", "Bulk Data Output File Request"), answered
 * from the job in the database so that any node can answer for any job.
 *
 * Only the subject that started an export may see it: for anyone else the job does not exist
 * (404, so that job ids reveal nothing). This module must not run or change an export, except to
 * cancel it on DELETE.
 */
import { FhirError, operationOutcome } from '@kindred/fhir';
import type { Job } from '@kindred/store';
import type { FhirContext, FhirRequest, FhirResponse } from '../fhir-rest/fhir-request.ts';
import { BULK_EXPORT_JOB, NDJSON, readJobRequest, readJobResult, type ExportFileEntry, type ExportJobRequest, type ExportJobResult } from './bulk-export-job.ts';
import { accepts } from './kick-off-values.ts';
import { mayRead, sameRequester, scopeNeededToRead } from './requester-access.ts';

/** Seconds a client should wait between polls ("A server SHOULD supply a Retry-After header"). */
const RETRY_AFTER_SECONDS = 2;

/** "X-Progress header with a text description of the status of the request that is less than 100 characters". */
const MAX_PROGRESS = 99;

interface OwnedJob {
  job: Job;
  request: ExportJobRequest;
}

function unknownJob(jobId: string): FhirError {
  return new FhirError('NOT_FOUND', `No export ${jobId} is known here: it never existed, was cancelled or deleted, has expired, or belongs to someone else.`);
}

/** The job, if it is a Bulk export started by this caller and still on offer; 404 otherwise. */
async function ownedJob(jobId: string, context: FhirContext): Promise<OwnedJob> {
  const job = await context.jobs.get(jobId);
  const request = job?.kind === BULK_EXPORT_JOB ? readJobRequest(job.request) : undefined;
  if (!job || !request || !sameRequester(context.access, request.requester) || job.status === 'cancelled') throw unknownJob(jobId);
  return { job, request };
}

/** The result of a completed job that has not expired yet, or a 404. */
function liveResult(owned: OwnedJob, jobId: string, now: number): ExportJobResult {
  const result = readJobResult(owned.job.result);
  if (!result) throw new FhirError('INTERNAL', `Export ${jobId} completed without a readable manifest.`);
  if (result.expiresAt <= now) throw unknownJob(jobId);
  return result;
}

export function fileUrl(baseUrl: string, jobId: string, fileNo: number): string {
  return `${baseUrl}/$export-file/${jobId}/${fileNo}`;
}

function manifestEntries(entries: readonly ExportFileEntry[], baseUrl: string, jobId: string): { type: string; url: string; count: number }[] {
  return entries.map((entry) => ({ type: entry.type, url: fileUrl(baseUrl, jobId, entry.fileNo), count: entry.count }));
}

function progressText(job: Job): string {
  const text = job.status === 'queued' ? 'queued' : (job.progress ?? 'in progress');
  return text.length > MAX_PROGRESS ? `${text.slice(0, MAX_PROGRESS - 1)}…` : text;
}

/** GET [polling location]: in progress (202), complete (200 and the manifest), or failed (500 and an OperationOutcome). */
export async function exportStatus(_request: FhirRequest, context: FhirContext, params: Record<string, string>): Promise<FhirResponse> {
  const jobId = params.jobId ?? '';
  const owned = await ownedJob(jobId, context);
  const { job, request } = owned;
  switch (job.status) {
    case 'queued':
    case 'running':
      // "Response - In-Progress Status": 202, with X-Progress and Retry-After.
      return { status: 202, headers: { 'X-Progress': progressText(job), 'Retry-After': String(RETRY_AFTER_SECONDS) } };
    case 'failed':
      // "Response - Error Status": 4XX or 5XX with an OperationOutcome. The job failed on our side, hence 500.
      return {
        status: 500,
        headers: { 'Content-Type': 'application/fhir+json' },
        body: operationOutcome([{ severity: 'error', code: 'exception', diagnostics: `Export ${jobId} failed: ${job.error ?? 'no reason was recorded'}` }]),
      };
    case 'completed': {
      const result = liveResult(owned, jobId, Date.now());
      // "Response - Complete Status": 200, Content-Type application/json, Expires, and the manifest.
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json', Expires: new Date(result.expiresAt).toUTCString() },
        body: {
          transactionTime: result.transactionTime,
          request: request.requestUrl,
          // The files are served by this FHIR server behind the same bearer tokens: "Value SHALL be true".
          requiresAccessToken: true,
          output: manifestEntries(result.output, context.baseUrl, jobId),
          error: manifestEntries(result.error, context.baseUrl, jobId),
        },
      };
    }
    case 'cancelled':
      throw unknownJob(jobId);
  }
}

/**
 * DELETE [polling location]: cancels a running export, or releases a finished one's files ("a
 * server MAY use the request as a signal that a client is done retrieving files"). Afterwards the
 * polling location answers 404, as "Bulk Data Delete Request" requires.
 */
export async function deleteExport(_request: FhirRequest, context: FhirContext, params: Record<string, string>): Promise<FhirResponse> {
  const jobId = params.jobId ?? '';
  await ownedJob(jobId, context);
  if (!(await context.jobs.cancel(jobId))) throw unknownJob(jobId);
  return {
    status: 202,
    body: operationOutcome([{ severity: 'information', code: 'informational', diagnostics: `Export ${jobId} is cancelled and its files deleted.` }]),
  };
}

/**
 * GET [file url]: one ndjson file ("Bulk Data Output File Request"). The manifest says
 * requiresAccessToken: true, so the file needs a token of the same subject, whose scopes still
 * cover the file's type ("an access token with scopes that cover all resources being exported").
 */
export async function exportFile(request: FhirRequest, context: FhirContext, params: Record<string, string>): Promise<FhirResponse> {
  const jobId = params.jobId ?? '';
  const fileNo = Number(params.fileNo);
  const owned = await ownedJob(jobId, context);
  const notFound = new FhirError('NOT_FOUND', `Export ${jobId} has no file ${params.fileNo ?? ''}.`);
  if (owned.job.status !== 'completed' || !Number.isSafeInteger(fileNo)) throw notFound;
  const result = liveResult(owned, jobId, Date.now());
  // Only files the manifest lists: a worker that lost its job may have left others behind.
  const entry = [...result.output, ...result.error].find((e) => e.fileNo === fileNo);
  if (!entry) throw notFound;
  // "Accept (optional, defaults to application/fhir+ndjson)". Clients that send their usual FHIR
  // JSON Accept on every request get the ndjson too (RFC 9110 §12.5.1 lets a server disregard
  // Accept); only a request for another format altogether (XML, CSV…) is refused.
  if (!accepts(request.headers.accept, [NDJSON, 'application/ndjson', 'application/fhir+json', 'application/json'])) {
    throw new FhirError('NOT_ACCEPTABLE', `Export files are ${NDJSON} ("Bulk Data Output File Request"); send Accept: ${NDJSON} or leave Accept out.`);
  }
  if (entry.type !== 'OperationOutcome' && !mayRead(context.access, entry.type)) {
    throw new FhirError('FORBIDDEN', `This token may not read ${entry.type}; the file needs ${scopeNeededToRead(context.access, entry.type)}.`);
  }
  const content = await context.jobs.fileContent(jobId, fileNo);
  if (content === undefined) throw notFound;
  return { status: 200, text: { contentType: NDJSON, content } };
}
