/**
 * The one error type of Kindred, and the catalogue of every error it can raise.
 *
 * A fault is thrown as a `FhirError` where it is found, carrying an HTTP status and a FHIR
 * issue type (http://hl7.org/fhir/R4/valueset-issue-type.html); it is rendered once, at the edge,
 * as an OperationOutcome (API) or a page (web). Every code here is listed in docs/api/errors.md,
 * and a test checks that the two agree.
 */

export const IssueType = {
  invalid: 'invalid',
  structure: 'structure',
  required: 'required',
  value: 'value',
  invariant: 'invariant',
  security: 'security',
  login: 'login',
  forbidden: 'forbidden',
  processing: 'processing',
  notSupported: 'not-supported',
  duplicate: 'duplicate',
  multipleMatches: 'multiple-matches',
  notFound: 'not-found',
  deleted: 'deleted',
  tooLong: 'too-long',
  codeInvalid: 'code-invalid',
  conflict: 'conflict',
  tooCostly: 'too-costly',
  exception: 'exception',
  informational: 'informational',
  incomplete: 'incomplete',
  timeout: 'timeout',
  transient: 'transient',
} as const;
export type IssueType = (typeof IssueType)[keyof typeof IssueType];

export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

export interface Issue {
  severity: IssueSeverity;
  code: IssueType;
  diagnostics: string;
  /** FHIRPath locations, e.g. `Patient.name[0].given[1]` */
  expression?: string[];
}

/** Every error Kindred raises: its HTTP status and FHIR issue type. */
export const ErrorCatalogue = {
  MALFORMED_JSON: { status: 400, code: IssueType.structure, summary: 'The request body is not valid JSON.' },
  INVALID_REQUEST: { status: 400, code: IssueType.invalid, summary: 'The request is not a valid FHIR request.' },
  INVALID_SEARCH: { status: 400, code: IssueType.invalid, summary: 'A search parameter or value is not valid.' },
  UNKNOWN_SEARCH_PARAMETER: { status: 400, code: IssueType.notSupported, summary: 'A search parameter is not known (reported because of Prefer: handling=strict).' },
  UNSUPPORTED: { status: 400, code: IssueType.notSupported, summary: 'The request asks for something Kindred does not support.' },
  UNAUTHENTICATED: { status: 401, code: IssueType.login, summary: 'No valid bearer token was given.' },
  FORBIDDEN: { status: 403, code: IssueType.forbidden, summary: 'The token does not allow this action.' },
  ACCESS_DENIED: { status: 403, code: IssueType.forbidden, summary: 'The access policy does not allow this person to do this.' },
  NOT_FOUND: { status: 404, code: IssueType.notFound, summary: 'No such resource, version, type or route.' },
  METHOD_NOT_ALLOWED: { status: 405, code: IssueType.notSupported, summary: 'This HTTP method is not allowed here.' },
  NOT_ACCEPTABLE: { status: 406, code: IssueType.notSupported, summary: 'Kindred answers in FHIR JSON only.' },
  CONFLICT: { status: 409, code: IssueType.conflict, summary: 'The request conflicts with the current state of the resource.' },
  GONE: { status: 410, code: IssueType.deleted, summary: 'The resource has been deleted.' },
  PRECONDITION_FAILED: { status: 412, code: IssueType.conflict, summary: 'A condition (If-Match, If-None-Exist, conditional update) was not met.' },
  REQUEST_TIMEOUT: { status: 408, code: IssueType.timeout, summary: 'The request was not received in time.' },
  PAYLOAD_TOO_LARGE: { status: 413, code: IssueType.tooLong, summary: 'The request body is larger than the server accepts.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, code: IssueType.notSupported, summary: 'The request body must be FHIR JSON (or JSON Patch for PATCH).' },
  HEADERS_TOO_LARGE: { status: 431, code: IssueType.tooLong, summary: 'The url and headers are longer than the server accepts; send long searches as POST _search.' },
  UNPROCESSABLE: { status: 422, code: IssueType.processing, summary: 'The resource is well-formed but not valid FHIR R4 (see the issues).' },
  TOO_COSTLY: { status: 422, code: IssueType.tooCostly, summary: 'The request would cost too much to answer.' },
  INTERNAL: { status: 500, code: IssueType.exception, summary: 'Something went wrong inside Kindred.' },
  UNAVAILABLE: { status: 503, code: IssueType.transient, summary: 'The server is busy or its database is unavailable; try again.' },
} as const satisfies Record<string, { status: number; code: IssueType; summary: string }>;
export type ErrorName = keyof typeof ErrorCatalogue;

export class FhirError extends Error {
  readonly status: number;
  readonly errorName: ErrorName;
  readonly issues: Issue[];

  constructor(name: ErrorName, diagnostics: string, options: { issues?: Issue[]; expression?: string[]; cause?: unknown } = {}) {
    super(diagnostics, options.cause === undefined ? undefined : { cause: options.cause });
    const entry = ErrorCatalogue[name];
    this.name = 'FhirError';
    this.errorName = name;
    this.status = entry.status;
    this.issues =
      options.issues && options.issues.length > 0
        ? options.issues
        : [{ severity: 'error', code: entry.code, diagnostics, ...(options.expression ? { expression: options.expression } : {}) }];
  }
}

export function isFhirError(e: unknown): e is FhirError {
  return e instanceof FhirError;
}
