/**
 * Errors raised by Fastify itself (a body too large, a media type with no parser, a malformed
 * url …) as the FhirErrors of Kindred's catalogue, so the FHIR API answers them with an
 * OperationOutcome and the pages with a page, never with Fastify's own error shape. Anything
 * unrecognised is left undefined for the caller to treat as a fault of the server.
 */
import { FhirError, isFhirError, type ErrorName } from '@kindred/fhir';

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
}

function isFrameworkError(error: unknown): error is Error & FrameworkError {
  return error instanceof Error && ('code' in error || 'statusCode' in error);
}

const BY_CODE: Readonly<Record<string, [ErrorName, string]>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'The request body is larger than this server accepts'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'UNSUPPORTED_MEDIA_TYPE',
    'The request body must be application/fhir+json (or application/json; application/json-patch+json for PATCH; application/x-www-form-urlencoded for _search)',
  ],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['INVALID_REQUEST', 'The Content-Length header does not match the body'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['INVALID_REQUEST', 'The request says it has a JSON body but the body is empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['MALFORMED_JSON', 'The request body is not valid JSON'],
  FST_ERR_BAD_URL: ['INVALID_REQUEST', 'The url is not valid (bad percent-encoding)'],
  FST_ERR_VALIDATION: ['INVALID_REQUEST', 'The request does not have the expected form'],
};

const BY_STATUS: Readonly<Record<number, ErrorName>> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** The FhirError for `error`, or undefined when it is not something the client caused. */
export function asClientError(error: unknown, limitBytes?: number): FhirError | undefined {
  if (isFhirError(error)) return error;
  if (!isFrameworkError(error)) return undefined;
  const known = typeof error.code === 'string' ? BY_CODE[error.code] : undefined;
  if (known) {
    const [name, message] = known;
    const limit = name === 'PAYLOAD_TOO_LARGE' && limitBytes !== undefined ? ` (at most ${limitBytes} bytes; load bigger data with \`kindred import\`)` : '';
    return new FhirError(name, `${message}${limit}.`);
  }
  const status = typeof error.statusCode === 'number' ? error.statusCode : undefined;
  const name = status === undefined ? undefined : BY_STATUS[status];
  return name === undefined ? undefined : new FhirError(name, 'The request could not be handled as sent.');
}
