/**
 * Requests Node's HTTP parser rejects before Fastify sees them (headers or url past the size
 * limit, a request that is not HTTP, a client too slow to send one) answered with an
 * OperationOutcome rather than Fastify's own error shape. At this point there is no request
 * object, no route and no logger context: the answer is written to the socket directly.
 */
import type { Socket } from 'node:net';
import { ErrorCatalogue, operationOutcome, type IssueType } from '@kindred/fhir';
import { FHIR_JSON_CONTENT_TYPE } from './negotiation.ts';

/** Request line plus headers; a search url can hold a long list of values (POST _search takes any length). */
export const MAX_HEADER_BYTES = 64 * 1024;

interface ClientErrorAnswer {
  status: number;
  reason: string;
  code: IssueType;
  diagnostics: string;
}

function answerFor(code: string | undefined): ClientErrorAnswer {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: ErrorCatalogue.HEADERS_TOO_LARGE.status,
      reason: 'Request Header Fields Too Large',
      code: ErrorCatalogue.HEADERS_TOO_LARGE.code,
      diagnostics: `The url and headers are longer than this server accepts (${MAX_HEADER_BYTES} bytes); send long searches as POST [type]/_search with a form body.`,
    };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: ErrorCatalogue.REQUEST_TIMEOUT.status, reason: 'Request Timeout', code: ErrorCatalogue.REQUEST_TIMEOUT.code, diagnostics: ErrorCatalogue.REQUEST_TIMEOUT.summary };
  }
  return { status: 400, reason: 'Bad Request', code: ErrorCatalogue.INVALID_REQUEST.code, diagnostics: 'The request is not valid HTTP.' };
}

export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has no one left to answer (https://nodejs.org/api/http.html#event-clienterror)
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answer = answerFor(error.code);
  const body = JSON.stringify(operationOutcome([{ severity: 'error', code: answer.code, diagnostics: answer.diagnostics }]));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${answer.status} ${answer.reason}\r\nContent-Type: ${FHIR_JSON_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
