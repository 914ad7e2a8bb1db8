/**
 * What a Bulk Data export job stores in the database: the request the kick-off accepted (read
 * back by whichever worker claims the job, on any node) and the result the worker completes it
 * with (read back by the status and file routes). Both cross a process boundary as JSON, so both
 * are checked on the way back in rather than trusted.
 *
 * This module is data only: it must not read the record, talk HTTP or hold a bearer token. The
 * requester is kept as subject and scope string (enough to rebuild the same rights), never as the
 * token itself.
 */
import { isPlainObject } from '@kindred/fhir';

/** The job kind in the job queue. */
export const BULK_EXPORT_JOB = 'bulk-export';

/** The three kick-off endpoints (Bulk Data STU2 export.html, "Bulk Data Kick-off Request"). */
export const ExportLevel = { system: 'system', patient: 'patient', group: 'group' } as const;
export type ExportLevel = (typeof ExportLevel)[keyof typeof ExportLevel];

/** Canonical urls of the operations, for the CapabilityStatement (Bulk Data STU2 "Server Capability Documentation"). */
export const OperationDefinitionUrl = {
  system: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export',
  patient: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export',
  group: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export',
} as const satisfies Record<ExportLevel, string>;

/** The only output format: "The server SHALL support Newline Delimited JSON" (_outputFormat). */
export const NDJSON = 'application/fhir+ndjson';

/** Who asked, as much as the worker needs to act with the same rights and the routes need to recognise them. */
export interface ExportRequester {
  subject: string;
  /** the token's scopes, space-separated, exactly as granted */
  scopes: string;
  /** the token's id and issuer, so that the audit trail can tie the export to the token that asked */
  tokenId: string;
  issuer: string;
  /** the person the token speaks for (SMART fhirUser), whose access policy the export obeys */
  fhirUser?: string;
  /** the patient in context of the token's SMART launch */
  patient?: string;
  clientId?: string;
}

export interface ExportJobRequest {
  level: ExportLevel;
  /** Group export: the group's id */
  groupId?: string;
  /** the kick-off url for the manifest's `request` (without parameters for POST) */
  requestUrl: string;
  /** the FHIR base the kick-off came in on: absolute references to it in _typeFilter are local */
  baseUrl: string;
  /** the manifest's transactionTime: the kick-off instant (FHIR instant) */
  transactionTime: string;
  /** _since, as written, and the instant it stands for (epoch ms) */
  since?: { text: string; millis: number };
  /** _type: the types to export; absent means every type the level covers */
  types?: string[];
  /**
   * Patient and Group export: the patients whose compartments are exported. Absent for a
   * Patient export without `patient`: then every patient the requester may read, found by the worker.
   */
  patientIds?: string[];
  /** _elements, as written ("Patient.id", "id") */
  elements?: string[];
  /** _typeFilter: per type, the search queries (as parameter pairs) any one of which a resource must match */
  typeFilters?: Record<string, [string, string][][]>;
  /** includeAssociatedData=RelevantProvenanceResources: add Provenance of the exported resources */
  relevantProvenance: boolean;
  /** parameters ignored under Prefer: handling=lenient, reported as OperationOutcomes in the manifest's error files */
  ignored: string[];
  requester: ExportRequester;
}

/** One file of the manifest, by number; the routes turn numbers into urls under the current base. */
export interface ExportFileEntry {
  type: string;
  fileNo: number;
  count: number;
}

export interface ExportJobResult {
  transactionTime: string;
  output: ExportFileEntry[];
  error: ExportFileEntry[];
  /** when the files stop being served (epoch ms): the manifest's Expires header */
  expiresAt: number;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isString);
}

function isPairs(value: unknown): value is [string, string][] {
  return Array.isArray(value) && value.every((pair) => isStringArray(pair) && pair.length === 2);
}

function isRequester(value: unknown): value is ExportRequester {
  const optional = (v: unknown): boolean => v === undefined || isString(v);
  return (
    isPlainObject(value) &&
    isString(value.subject) &&
    isString(value.scopes) &&
    isString(value.tokenId) &&
    isString(value.issuer) &&
    optional(value.fhirUser) &&
    optional(value.patient) &&
    optional(value.clientId)
  );
}

function isTypeFilters(value: unknown): value is Record<string, [string, string][][]> {
  return isPlainObject(value) && Object.values(value).every((queries) => Array.isArray(queries) && queries.every(isPairs));
}

function isFileEntry(value: unknown): value is ExportFileEntry {
  return isPlainObject(value) && isString(value.type) && Number.isInteger(value.fileNo) && Number.isInteger(value.count);
}

/** The stored request, or undefined when the JSON is not one (a job of another version, or damaged). */
export function readJobRequest(value: unknown): ExportJobRequest | undefined {
  if (!isPlainObject(value)) return undefined;
  const v = value;
  const levelOk = v.level === 'system' || v.level === 'patient' || v.level === 'group';
  const sinceOk = v.since === undefined || (isPlainObject(v.since) && isString(v.since.text) && typeof v.since.millis === 'number');
  if (
    !levelOk ||
    !sinceOk ||
    !isString(v.requestUrl) ||
    !isString(v.baseUrl) ||
    !isString(v.transactionTime) ||
    (v.groupId !== undefined && !isString(v.groupId)) ||
    (v.types !== undefined && !isStringArray(v.types)) ||
    (v.patientIds !== undefined && !isStringArray(v.patientIds)) ||
    (v.elements !== undefined && !isStringArray(v.elements)) ||
    (v.typeFilters !== undefined && !isTypeFilters(v.typeFilters)) ||
    typeof v.relevantProvenance !== 'boolean' ||
    !isStringArray(v.ignored) ||
    !isRequester(v.requester)
  ) {
    return undefined;
  }
  return value as unknown as ExportJobRequest;
}

/** The stored result, or undefined when it is not one. */
export function readJobResult(value: unknown): ExportJobResult | undefined {
  if (!isPlainObject(value)) return undefined;
  const { transactionTime, output, error, expiresAt } = value;
  if (!isString(transactionTime) || typeof expiresAt !== 'number') return undefined;
  if (!Array.isArray(output) || !output.every(isFileEntry) || !Array.isArray(error) || !error.every(isFileEntry)) return undefined;
  return { transactionTime, output, error, expiresAt };
}
