/**
 * batch (http://hl7.org/fhir/R4/http.html#transaction): every entry is its own interaction, run
 * in the request's order. An entry that fails answers with its status and an OperationOutcome in
 * response.outcome; it never fails the batch, which is answered 200. Entries may not depend on
 * each other, so nothing is resolved between them.
 */
import { FhirError, type BundleEntry } from '@kindred/fhir';
import type { FhirContext, FhirRequest, FhirResponse } from './fhir-request.ts';
import { entryRequest, responseBundle, responseEntry, type PlannedEntry } from './bundle-entries.ts';
import { errorResponse, internalErrorResponse } from './responses.ts';
import type { EntryDispatcher } from './transaction.ts';
import { atEntry } from './transaction.ts';

async function runEntry(entry: PlannedEntry | FhirError, index: number, request: FhirRequest, context: FhirContext, dispatch: EntryDispatcher): Promise<BundleEntry> {
  let response: FhirResponse;
  const method = entry instanceof FhirError ? 'GET' : entry.method;
  try {
    if (entry instanceof FhirError) throw entry;
    response = await dispatch(entryRequest(entry, request), context);
  } catch (error) {
    const located = atEntry(index, entry instanceof FhirError ? undefined : entry, error);
    response = located instanceof FhirError ? errorResponse(located) : internalErrorResponse(error, context.logger);
  }
  return responseEntry(response, context.baseUrl, method);
}

export async function processBatch(
  request: FhirRequest,
  context: FhirContext,
  entries: readonly (PlannedEntry | FhirError)[],
  dispatch: EntryDispatcher,
): Promise<FhirResponse> {
  const results: BundleEntry[] = [];
  for (const [index, entry] of entries.entries()) results.push(await runEntry(entry, index, request, context, dispatch));
  return { status: 200, body: responseBundle('batch-response', results) };
}
