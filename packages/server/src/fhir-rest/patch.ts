/**
 * patch with JSON Patch (http://hl7.org/fhir/R4/http.html#patch, RFC 6902): the operations are
 * applied to a copy of the current version and the result is written as an update, so it is
 * validated like any write and If-Match is honoured. The stored object is never changed in place.
 * A patch that is not a valid JSON Patch document is a 400; a failing `test` operation is a 422,
 * as the specification says.
 */
import jsonpatch, { type Operation } from 'fast-json-patch';
import { FhirError, isPlainObject, type Resource, type StoredResource } from '@kindred/fhir';
import type { FhirContext, FhirRequest, FhirResponse } from './fhir-request.ts';
import { MediaType, requireId, requireMediaType, requireResourceType } from './request-checks.ts';
import { ifMatchVersion, updateResource, writeOutcomeResponse, type WriteOutcome } from './write.ts';

const OPS: ReadonlySet<string> = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Elements a patch may not touch: the identity of the resource is the URL's, not the patch's. */
const IDENTITY_PATHS = ['/id', '/resourceType'];

function touchesIdentity(pointer: string): boolean {
  return pointer === '' || IDENTITY_PATHS.some((path) => pointer === path || pointer.startsWith(`${path}/`));
}

/** Checks the shape of the document (RFC 6902 §4) before anything is applied; 400 when it is not a patch. */
export function readPatchDocument(body: unknown): Operation[] {
  if (!Array.isArray(body)) {
    throw new FhirError('INVALID_REQUEST', 'A JSON Patch document is a JSON array of operations, e.g. [{"op": "replace", "path": "/active", "value": false}] (RFC 6902).');
  }
  body.forEach((op: unknown, index) => {
    const where = `JSON Patch operation ${index}`;
    if (!isPlainObject(op)) throw new FhirError('INVALID_REQUEST', `${where} is not a JSON object.`);
    if (typeof op.op !== 'string' || !OPS.has(op.op)) {
      throw new FhirError('INVALID_REQUEST', `${where}: "op" must be one of add, remove, replace, move, copy, test.`);
    }
    if (typeof op.path !== 'string') throw new FhirError('INVALID_REQUEST', `${where}: "path" must be a JSON Pointer string, e.g. "/name/0/family".`);
    const from = op.op === 'move' || op.op === 'copy' ? op.from : undefined;
    if ((op.op === 'move' || op.op === 'copy') && typeof from !== 'string') {
      throw new FhirError('INVALID_REQUEST', `${where}: "${op.op}" needs a "from" JSON Pointer.`);
    }
    const writes = op.op !== 'test';
    if ((writes && touchesIdentity(op.path)) || (op.op === 'move' && typeof from === 'string' && touchesIdentity(from))) {
      throw new FhirError('INVALID_REQUEST', `${where} would change the resource's id or resourceType (${JSON.stringify(op.path)}); a patch may not change either.`);
    }
  });
  return body as Operation[];
}

/** RFC 6902 errors from fast-json-patch, in words a client can act on (never echoing the document). */
function patchFailure(error: unknown): FhirError {
  const name = error instanceof Error ? error.name : '';
  const index = isPlainObject(error) || error instanceof Error ? (error as { index?: unknown }).index : undefined;
  const where = typeof index === 'number' ? `JSON Patch operation ${index}` : 'The JSON Patch';
  if (name === 'TEST_OPERATION_FAILED') {
    return new FhirError('UNPROCESSABLE', `${where}: the "test" operation failed, so nothing was changed (http://hl7.org/fhir/R4/http.html#patch).`);
  }
  const reasons: Record<string, string> = {
    OPERATION_PATH_UNRESOLVABLE: 'its path does not exist in the resource',
    OPERATION_FROM_UNRESOLVABLE: 'its "from" path does not exist in the resource',
    OPERATION_PATH_CANNOT_ADD: 'its path cannot be added to (the parent does not exist)',
    OPERATION_PATH_ILLEGAL_ARRAY_INDEX: 'its path has an array index that is not a number',
    OPERATION_VALUE_OUT_OF_BOUNDS: 'its array index is past the end of the array',
    OPERATION_VALUE_REQUIRED: 'it needs a "value"',
    OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED: 'its value is not plain JSON',
    OPERATION_PATH_INVALID: 'its path is not a JSON Pointer',
  };
  return new FhirError('INVALID_REQUEST', `${where} cannot be applied: ${reasons[name] ?? 'it is not a valid JSON Patch operation'} (RFC 6902).`);
}

/** Applies `operations` to a deep copy of `current`; the stored object stays as it was. */
export function applyJsonPatch(current: StoredResource, operations: Operation[]): Resource {
  let patched: unknown;
  try {
    // validate = true checks each operation against the document; banPrototypeModifications keeps __proto__ out
    patched = jsonpatch.applyPatch(structuredClone(current), operations, true, true, true).newDocument;
  } catch (error) {
    throw patchFailure(error);
  }
  if (!isPlainObject(patched) || patched.resourceType !== current.resourceType || patched.id !== current.id) {
    throw new FhirError('INVALID_REQUEST', "The patch would change the resource's id or resourceType; a patch may not change either.");
  }
  return patched as Resource;
}

/**
 * Reads, patches and writes in one transaction. If-Match names the version the patch was made
 * for (412 when another is current); without it the version read here is the condition, so a
 * write that overtakes this one between read and write makes it fail with 409 rather than be lost.
 */
export async function patchResource(context: FhirContext, type: string, id: string, operations: Operation[], ifMatch: string | undefined): Promise<WriteOutcome> {
  return context.repository.transaction(async (tx) => {
    const current = await tx.read(type, id);
    if (ifMatch !== undefined && ifMatch !== current.meta.versionId) {
      throw new FhirError('PRECONDITION_FAILED', `If-Match asked for version ${ifMatch} of ${type}/${id}, but version ${current.meta.versionId} is current; read it again and retry.`);
    }
    const patched = applyJsonPatch(current, operations);
    try {
      return await updateResource({ ...context, repository: tx }, patched, current.meta.versionId);
    } catch (error) {
      if (error instanceof FhirError && error.errorName === 'PRECONDITION_FAILED' && ifMatch === undefined) {
        throw new FhirError('CONFLICT', `${type}/${id} was changed by another request while this patch was applied; read it again and retry.`);
      }
      throw error;
    }
  });
}

/** `PATCH [base]/[type]/[id]` with `Content-Type: application/json-patch+json` */
export async function handlePatch(request: FhirRequest, context: FhirContext, type: string, id: string): Promise<FhirResponse> {
  requireResourceType(type);
  requireId(id);
  requireMediaType(request, [MediaType.jsonPatch], 'PATCH');
  if (request.body === undefined) throw new FhirError('INVALID_REQUEST', 'PATCH needs a JSON Patch document in the request body.');
  const operations = readPatchDocument(request.body);
  return writeOutcomeResponse(await patchResource(context, type, id, operations, ifMatchVersion(request)), request, context);
}
