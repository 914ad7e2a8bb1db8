/**
 * The Bulk Data kick-off (Bulk Data STU2 export.html, "Bulk Data Kick-off Request"): checks the
 * headers and parameters, decides which patients and types the export covers for this caller,
 * and queues a job in the database that any node's worker can run. The answer is 202 Accepted
 * with the polling location in Content-Location ("Response - Success").
 *
 * It must not export anything itself (the worker does, later, under the same rights), and it
 * never stores the caller's bearer token: only who they are and the scopes they hold.
 */
import type { AccessContext } from '@kindred/access';
import { FhirError, informationOutcome, isFhirError, operationOutcome, parseReference, type Issue, type Resource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { FhirContext, FhirRequest, FhirResponse } from '../fhir-rest/fhir-request.ts';
import { BULK_EXPORT_JOB, ExportLevel, type ExportJobRequest } from './bulk-export-job.ts';
import { inPatientCompartment, readKickOffParameters, type KickOffParameters } from './kick-off-parameters.ts';
import { accepts, kickOffUrl, readPrefer } from './kick-off-values.ts';
import { readableTypes, requesterOf, scopeNeededToRead } from './requester-access.ts';

const SPEC = 'Bulk Data STU2 export.html';

/** Patients read at once when verifying the `patient` parameter. */
const PATIENT_CHECK_CHUNK = 20;

/** "Prefer … Currently, only a value of respond-async is supported"; "Accept … only application/fhir+json" ("Headers"). */
function checkHeaders(request: FhirRequest): { lenient: boolean } {
  const prefer = readPrefer(request.headers.prefer);
  if (!prefer.respondAsync) {
    // The spec lets the server refuse a kick-off without Prefer: respond-async; an export is never synchronous here.
    throw new FhirError('INVALID_REQUEST', `$export runs asynchronously: send the header "Prefer: respond-async" (${SPEC}, "Headers").`);
  }
  if (!accepts(request.headers.accept, ['application/fhir+json', 'application/json'])) {
    throw new FhirError('NOT_ACCEPTABLE', `The kick-off answers in application/fhir+json only; send "Accept: application/fhir+json" (${SPEC}, "Headers").`);
  }
  return { lenient: prefer.lenient };
}

/** Whether a Group.member is a member now: not flagged inactive and its period, if any, not over. */
function isCurrentMember(member: Record<string, unknown>, now: number): boolean {
  if (member.inactive === true) return false;
  const period = member.period;
  if (typeof period === 'object' && period !== null && 'end' in period && typeof period.end === 'string') {
    const end = Date.parse(period.end);
    if (!Number.isNaN(end) && end < now) return false;
  }
  return true;
}

/**
 * The Patients of a Group, from `Group.member.entity` (http://hl7.org/fhir/R4/group.html).
 * Members that are not Patients (practitioners, devices, nested groups) and references to
 * other servers have no Patient compartment here and are left out.
 */
function groupPatientIds(group: Resource, baseUrl: string, now: number): string[] {
  const members = Array.isArray(group.member) ? (group.member as unknown[]) : [];
  const ids = new Set<string>();
  for (const member of members) {
    if (typeof member !== 'object' || member === null || Array.isArray(member)) continue;
    const entry = member as Record<string, unknown>;
    if (!isCurrentMember(entry, now)) continue;
    const entity = entry.entity;
    if (typeof entity !== 'object' || entity === null || !('reference' in entity) || typeof entity.reference !== 'string') continue;
    const ref = parseReference(entity.reference);
    if (ref.type !== 'Patient' || ref.id === undefined) continue;
    if (ref.url !== undefined && !ref.url.startsWith(`${baseUrl}/`)) continue;
    ids.add(ref.id);
  }
  return [...ids];
}

/**
 * The `patient` ids that are not on this server ("patients who are not present on the server").
 * Each is read, not searched: exporting needs read rights, not search rights. A patient the
 * caller may not read is the access layer's answer (403), not a missing patient.
 */
async function missingPatients(repository: Repository, ids: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (let i = 0; i < ids.length; i += PATIENT_CHECK_CHUNK) {
    const chunk = ids.slice(i, i + PATIENT_CHECK_CHUNK);
    const found = await Promise.all(
      chunk.map((id) =>
        repository.read('Patient', id).then(
          () => true,
          (error: unknown) => {
            if (isFhirError(error) && (error.errorName === 'NOT_FOUND' || error.errorName === 'GONE')) return false;
            throw error;
          },
        ),
      ),
    );
    chunk.forEach((id, index) => {
      if (found[index] !== true) missing.push(id);
    });
  }
  return missing;
}

/** Which patients the export covers: undefined for all (Patient export without `patient`). */
async function patientsFor(
  level: ExportLevel,
  params: KickOffParameters,
  context: FhirContext,
  groupId: string | undefined,
  now: number,
): Promise<string[] | undefined> {
  if (level === 'system') return undefined;
  if (level === 'group') {
    if (groupId === undefined) throw new FhirError('NOT_FOUND', 'No Group id was given.');
    // Read through the caller's scoped repository: an unknown group is a 404, one the caller may not read is the access layer's answer.
    const group = await context.repository.read('Group', groupId);
    const members = groupPatientIds(group, context.baseUrl, now);
    if (params.patients === undefined) return members;
    const memberSet = new Set(members);
    const outside = params.patients.filter((id) => !memberSet.has(id));
    if (outside.length > 0) {
      // "If a client requests patients who … are not members of the group, the server SHOULD return details via a FHIR OperationOutcome"
      throw new FhirError('INVALID_REQUEST', `patient: ${outside.map((id) => `Patient/${id}`).join(', ')} ${outside.length === 1 ? 'is not a member' : 'are not members'} of Group/${groupId}.`);
    }
    return params.patients;
  }
  if (params.patients === undefined) return undefined;
  const missing = await missingPatients(context.repository, params.patients);
  if (missing.length > 0) {
    throw new FhirError('INVALID_REQUEST', `patient: ${missing.map((id) => `Patient/${id}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not on this server.`);
  }
  return params.patients;
}

/**
 * The types to export, within what the token may read. Explicitly requested types the token
 * cannot read are refused (403) rather than quietly left out, so the client learns which scope
 * to ask for; without `_type`, the export covers every type the level and the token allow.
 */
function typesFor(level: ExportLevel, params: KickOffParameters, access: AccessContext): string[] | undefined {
  const readable = readableTypes(access);
  if (params.types !== undefined) {
    if (readable === '*') return params.types;
    const refused = params.types.filter((type) => !readable.has(type));
    if (refused.length > 0) {
      throw new FhirError('FORBIDDEN', `This token may not read ${refused.join(', ')}; an export of them needs ${refused.map((t) => scopeNeededToRead(access, t)).join(' ')}.`);
    }
    return params.types;
  }
  if (readable === '*') return undefined;
  const types = [...readable].filter((type) => level === 'system' || inPatientCompartment(type));
  if (types.length === 0) {
    throw new FhirError('FORBIDDEN', `This token may read no resource type that a ${level}-level export returns (for example ${scopeNeededToRead(access, 'Patient')}).`);
  }
  return types.sort();
}

function ignoredIssues(ignored: readonly string[]): Issue[] {
  return ignored.map((diagnostics) => ({ severity: 'warning', code: 'not-supported', diagnostics }));
}

/** Handles a kick-off at `level`; `groupId` for Group/[id]/$export. */
export async function kickOff(level: ExportLevel, request: FhirRequest, context: FhirContext, groupId?: string): Promise<FhirResponse> {
  const { lenient } = checkHeaders(request);
  const now = Date.now();
  const params = readKickOffParameters(request, level, { lenient, baseUrl: context.baseUrl });
  const types = typesFor(level, params, context.access);
  let patientIds: string[] | undefined;
  try {
    patientIds = await patientsFor(level, params, context, groupId, now);
  } catch (error) {
    if (isFhirError(error) && error.errorName === 'NOT_FOUND' && level === ExportLevel.group) {
      throw new FhirError('NOT_FOUND', `Group/${groupId ?? ''} is not known here, so it has no members to export.`);
    }
    throw error;
  }
  const job: ExportJobRequest = {
    level,
    ...(groupId !== undefined ? { groupId } : {}),
    requestUrl: kickOffUrl(request, context.baseUrl),
    baseUrl: context.baseUrl,
    // "transactionTime … the server's time when the query is run": the worker exports the record as it stood at this instant.
    transactionTime: new Date(now).toISOString(),
    ...(params.since !== undefined ? { since: params.since } : {}),
    ...(types !== undefined ? { types } : {}),
    ...(patientIds !== undefined ? { patientIds } : {}),
    ...(params.elements !== undefined ? { elements: params.elements } : {}),
    ...(params.typeFilters !== undefined ? { typeFilters: params.typeFilters } : {}),
    relevantProvenance: params.relevantProvenance,
    ignored: params.ignored,
    requester: requesterOf(context.access),
  };
  const jobId = await context.jobs.enqueue(BULK_EXPORT_JOB, job);
  const accepted = informationOutcome(`Export ${jobId} accepted; poll the Content-Location for its status.`);
  return {
    status: 202,
    headers: { 'Content-Location': `${context.baseUrl}/$export-status/${jobId}` },
    body: params.ignored.length === 0 ? accepted : operationOutcome([...accepted.issue, ...ignoredIssues(params.ignored)]),
  };
}
