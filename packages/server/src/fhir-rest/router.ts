/**
 * The FHIR router: one FhirRequest in, one FhirResponse out, with no HTTP in sight (the HTTP app,
 * the CLI and the tests all call it). It decides which interaction of
 * http://hl7.org/fhir/R4/http.html a method and path stand for and hands over to the module that
 * does it. It never throws: a FhirError becomes its OperationOutcome and status; anything else is
 * logged and answered with a generic 500.
 */
import { FhirError, isFhirError } from '@kindred/fhir';
import type { FhirContext, FhirMethod, FhirRequest, FhirResponse, OperationRoute } from './fhir-request.ts';
import { processBatch } from './batch.ts';
import { readBundleEntries } from './bundle-entries.ts';
import { handleCapabilities, type CapabilityOptions } from './capability-statement.ts';
import { handleInstanceHistory, handleSystemHistory, handleTypeHistory } from './history.ts';
import { matchOperationRoute } from './operation-routes.ts';
import { handlePatch } from './patch.ts';
import { readResource, readVersion } from './read.ts';
import { requireResourceType, shown } from './request-checks.ts';
import { errorResponse, internalErrorResponse } from './responses.ts';
import { handleCompartmentSearch, handleTypeSearch } from './search.ts';
import { processTransaction } from './transaction.ts';
import { handleValidate } from './validate-operation.ts';
import { handleViewRun } from './view-run.ts';
import { handleConditionalDelete, handleConditionalUpdate, handleCreate, handleDelete, handleUpdate } from './write.ts';

const READS: readonly FhirMethod[] = ['GET', 'HEAD'];

/** 405 with the methods this path does take (RFC 9110 §15.5.6: a 405 carries Allow). */
function notAllowed(request: FhirRequest, allowed: readonly FhirMethod[]): FhirResponse {
  const error = new FhirError('METHOD_NOT_ALLOWED', `${request.method} is not allowed on /${request.path.join('/')}; use ${allowed.join(', ')}.`);
  return errorResponse(error, { Allow: allowed.join(', ') });
}

function unknownOperation(name: string): never {
  throw new FhirError('NOT_FOUND', `There is no operation ${shown(name)} here; the CapabilityStatement (GET metadata) lists the operations this server has.`);
}

const isOperation = (segment: string): boolean => segment.startsWith('$');

interface Routing {
  routes: readonly OperationRoute[];
  /** false inside a batch or transaction: a Bundle may not hold another */
  bundles: boolean;
}

async function dispatch(request: FhirRequest, context: FhirContext, routing: Routing): Promise<FhirResponse> {
  const { method, path } = request;
  const match = matchOperationRoute(routing.routes, method, path);
  if (match?.kind === 'match') return match.route.handle(request, context, match.params);
  if (match?.kind === 'wrong-method') return notAllowed(request, match.allowed);

  const read = READS.includes(method);
  const [first = '', second = '', third = '', fourth = ''] = path;
  switch (path.length) {
    case 0:
      if (method === 'POST') return routing.bundles ? handleBundle(request, context, routing) : nestedBundle();
      if (read) throw new FhirError('UNSUPPORTED', 'Searching across all resource types is not supported; search one type, e.g. GET Patient?name=smith.');
      if (method === 'DELETE') throw new FhirError('UNSUPPORTED', 'Conditional delete across all resource types is not supported; name the type, e.g. DELETE Patient?identifier=…');
      return notAllowed(request, ['POST']);
    case 1:
      if (first === 'metadata') return read ? handleCapabilities(request, capabilityOptions(context, routing)) : notAllowed(request, READS);
      if (first === '_history') return read ? handleSystemHistory(request, context) : notAllowed(request, READS);
      if (isOperation(first)) unknownOperation(first);
      requireResourceType(first);
      if (read) return handleTypeSearch(request, context, first, false);
      if (method === 'POST') return handleCreate(request, context, first);
      if (method === 'PUT') return handleConditionalUpdate(request, context, first);
      if (method === 'DELETE') return handleConditionalDelete(request, context, first);
      return notAllowed(request, ['GET', 'HEAD', 'POST', 'PUT', 'DELETE']);
    case 2:
      requireResourceType(first);
      if (second === '_search') return method === 'POST' ? handleTypeSearch(request, context, first, true) : notAllowed(request, ['POST']);
      if (second === '_history') return read ? handleTypeHistory(request, context, first) : notAllowed(request, READS);
      if (second === '$validate') return method === 'POST' ? handleValidate(request, first) : notAllowed(request, ['POST']);
      if (second === '$run' && first === 'ViewDefinition') return handleViewRun(request, context);
      if (isOperation(second)) unknownOperation(second);
      if (read) return readResource(request, context, first, second);
      if (method === 'PUT') return handleUpdate(request, context, first, second);
      if (method === 'PATCH') return handlePatch(request, context, first, second);
      if (method === 'DELETE') return handleDelete(request, context, first, second);
      return notAllowed(request, ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE']);
    case 3:
      requireResourceType(first);
      if (third === '_history') return read ? handleInstanceHistory(request, context, first, second) : notAllowed(request, READS);
      if (third === '$validate') return method === 'POST' ? handleValidate(request, first, second) : notAllowed(request, ['POST']);
      if (third === '$run' && first === 'ViewDefinition') return handleViewRun(request, context, second);
      if (isOperation(third)) unknownOperation(third);
      // compartment search: Patient/123/Observation (http://hl7.org/fhir/R4/search.html#searchcontexts)
      if (third !== '*') requireResourceType(third);
      return read ? handleCompartmentSearch(request, context, { type: first, id: second }, third, false) : notAllowed(request, READS);
    case 4:
      requireResourceType(first);
      if (third === '_history') return read ? readVersion(request, context, first, second, fourth) : notAllowed(request, READS);
      if (fourth === '_search') {
        if (third !== '*') requireResourceType(third);
        return method === 'POST' ? handleCompartmentSearch(request, context, { type: first, id: second }, third, true) : notAllowed(request, ['POST']);
      }
      break;
  }
  throw new FhirError('NOT_FOUND', `There is nothing at /${path.map((segment) => shown(segment).slice(1, -1)).join('/')} in the FHIR API.`);
}

function nestedBundle(): never {
  throw new FhirError('INVALID_REQUEST', 'A batch or transaction cannot contain another batch or transaction.');
}

/** `POST [base]` with a batch or transaction Bundle; entries are run through this router again, without Bundles. */
function handleBundle(request: FhirRequest, context: FhirContext, routing: Routing): Promise<FhirResponse> {
  const { type, entries } = readBundleEntries(request.body, context.baseUrl);
  const inner: Routing = { ...routing, bundles: false };
  const run = (entryRequest: FhirRequest, entryContext: FhirContext): Promise<FhirResponse> => dispatch(entryRequest, entryContext, inner);
  return type === 'transaction' ? processTransaction(request, context, entries, run) : processBatch(request, context, entries, run);
}

function capabilityOptions(context: FhirContext, routing: Routing): CapabilityOptions {
  return { baseUrl: context.baseUrl, version: context.serverVersion ?? 'unknown', routes: routing.routes };
}

/** Turns whatever was thrown into the response the client gets. */
function failure(error: unknown, logger: FhirContext['logger']): FhirResponse {
  return isFhirError(error) ? errorResponse(error) : internalErrorResponse(error, logger);
}

/**
 * Answers one FHIR request. `routes` are operation routes served beside the core interactions
 * (Bulk Data $export …); they are matched first. Never throws.
 */
export async function handleFhirRequest(request: FhirRequest, context: FhirContext, routes: readonly OperationRoute[] = []): Promise<FhirResponse> {
  try {
    return await dispatch(request, context, { routes, bundles: true });
  } catch (error) {
    return failure(error, context.logger);
  }
}

/**
 * `GET [base]/metadata` without a caller: the CapabilityStatement is public (as SMART asks of
 * metadata), so the HTTP layer answers it before authentication. Never throws.
 */
export function handleMetadataRequest(request: FhirRequest, options: CapabilityOptions & { logger?: FhirContext['logger'] }): FhirResponse {
  try {
    if (!READS.includes(request.method)) return notAllowed(request, READS);
    return handleCapabilities(request, options);
  } catch (error) {
    return failure(error, options.logger);
  }
}
