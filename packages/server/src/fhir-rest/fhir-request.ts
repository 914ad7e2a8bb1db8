/**
 * A FHIR interaction as plain data, independent of HTTP: the HTTP layer turns a request into a
 * FhirRequest and a FhirResponse back into a reply; the CLI, transactions (each Bundle entry is
 * a FhirRequest) and tests call the router directly. Nothing here knows about Fastify.
 */
import type { Resource } from '@kindred/fhir';
import type { Repository, Jobs } from '@kindred/store';
import type { AccessContext, BreakGlassRequest, BreakGlassResult } from '@kindred/access';

export type FhirMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface FhirRequest {
  method: FhirMethod;
  /** path segments after the FHIR base, decoded: `Patient/123/_history/2` → ["Patient", "123", "_history", "2"] */
  path: string[];
  /** decoded query parameters in order (repeats kept) */
  query: [string, string][];
  headers: {
    ifMatch?: string;
    ifNoneMatch?: string;
    ifNoneExist?: string;
    ifModifiedSince?: string;
    /** raw Prefer header, e.g. "return=minimal, handling=strict" */
    prefer?: string;
    /** media type of the body without parameters, e.g. "application/fhir+json" */
    contentType?: string;
    accept?: string;
  };
  /** the parsed JSON body (a resource, a Bundle, a JSON Patch array, or form pairs for _search) */
  body?: unknown;
}

export interface FhirResponse {
  status: number;
  /** a resource (or OperationOutcome), or for Bulk Data manifests a plain JSON object; absent for 204 */
  body?: Resource | Record<string, unknown>;
  /** raw text body with its media type (ndjson files) instead of `body` */
  text?: { contentType: string; content: string };
  headers?: Record<string, string>;
}

export interface FhirContext {
  /** the record as this request's caller may see it (scoped by the access layer) */
  repository: Repository;
  access: AccessContext;
  /** the public FHIR base url, without a trailing slash, e.g. "http://localhost:8080/fhir" */
  baseUrl: string;
  jobs: Jobs;
  /**
   * Opens a record in an emergency for this request's caller (break-glass), when the app offers it:
   * the access layer checks the caller's role, records the Flag, the privacy officer's review Task
   * and the audit entry together.
   */
  breakGlass?: (request: BreakGlassRequest) => Promise<BreakGlassResult>;
  /** Kindred's version, shown in the CapabilityStatement (`software.version`); "unknown" when absent */
  serverVersion?: string;
  /**
   * Where unexpected errors are reported (the HTTP layer passes its request logger). The router
   * answers such errors with a generic 500 and never puts their detail in the response.
   */
  logger?: FhirLogger;
}

/** The one logging call the router makes; matches pino's `log.error(details, message)`. */
export interface FhirLogger {
  error(details: Record<string, unknown>, message: string): void;
}

/** What an operation route declares in the CapabilityStatement (`rest.operation`, http://hl7.org/fhir/R4/capabilitystatement-definitions.html#CapabilityStatement.rest.operation). */
export interface OperationCapability {
  /** the name without `$`, e.g. "export" */
  name: string;
  /** canonical url of the OperationDefinition */
  definition: string;
  documentation?: string;
  /** the resource type it is listed under (`rest.resource.operation`); absent: the system level (`rest.operation`) */
  resourceType?: string;
}

/**
 * An operation route beside the core REST interactions ($export and its status and files, …).
 * `pattern` segments are literals or ":name" placeholders; the handler receives the placeholders.
 */
export interface OperationRoute {
  method: FhirMethod;
  pattern: string[];
  handle(request: FhirRequest, context: FhirContext, params: Record<string, string>): Promise<FhirResponse>;
  /** listed in the CapabilityStatement when present (several routes of one operation may repeat it; it is listed once) */
  capability?: OperationCapability;
}
