/**
 * The writes: create (with If-None-Exist), update (with If-Match and create-on-update),
 * conditional update, delete and conditional delete (http://hl7.org/fhir/R4/http.html#create,
 * #update, #cond-update, #delete, #cdelete). Each write is one WriteOutcome, which the single
 * interaction turns into a response and a transaction into a Bundle entry. Validation of the
 * resource is the repository's: every write goes through it, so nothing here can skip it.
 */
import { randomUUID } from 'node:crypto';
import { FhirError, type Resource, type SearchRequest, type StoredResource } from '@kindred/fhir';
import type { FhirContext, FhirRequest, FhirResponse } from './fhir-request.ts';
import { parsePrefer, parseVersionTag, versionEtag } from './headers.ts';
import {
  conditionalCriteria,
  parseQueryString,
  requireId,
  requireResourceBody,
  requireResourceType,
  shown,
} from './request-checks.ts';
import { writeResponse } from './responses.ts';

/** What a write did: the status it answers with and the version it left (absent for a delete). */
export interface WriteOutcome {
  status: 200 | 201 | 204;
  resource?: StoredResource;
  /** the deletion's version id, for the ETag of a delete (http://hl7.org/fhir/R4/http.html#delete) */
  deletedVersion?: string;
  /** what happened, in words, for `Prefer: return=OperationOutcome` */
  message: string;
}

function label(resource: StoredResource): string {
  return `${resource.resourceType}/${resource.id} (version ${resource.meta.versionId})`;
}

/** A WriteOutcome as the answer to a single interaction, shaped by `Prefer: return`. */
export function writeOutcomeResponse(outcome: WriteOutcome, request: FhirRequest, context: FhirContext): FhirResponse {
  if (outcome.resource === undefined || outcome.status === 204) {
    return { status: 204, ...(outcome.deletedVersion !== undefined ? { headers: { ETag: versionEtag(outcome.deletedVersion) } } : {}) };
  }
  return writeResponse(outcome.resource, outcome.status, parsePrefer(request.headers.prefer).return, context.baseUrl, outcome.message);
}

/**
 * create: the server assigns the id (an id in the body is ignored, http://hl7.org/fhir/R4/http.html#create).
 * `assignedId` is for transactions, which must know a new resource's id before writing the
 * resources that refer to it: the resource is then written as a create-on-update with a fresh uuid.
 */
export async function createResource(
  context: FhirContext,
  resource: Resource,
  options: { ifNoneExist?: SearchRequest; assignedId?: string } = {},
): Promise<WriteOutcome> {
  if (options.assignedId !== undefined) {
    const { resource: stored } = await context.repository.update({ ...resource, id: options.assignedId });
    return { status: 201, resource: stored, message: `Created ${label(stored)}.` };
  }
  const result = await context.repository.create(resource, options.ifNoneExist ? { ifNoneExist: options.ifNoneExist } : {});
  // http://hl7.org/fhir/R4/http.html#ccreate: one match → "ignore the post and return 200 OK"
  return result.created
    ? { status: 201, resource: result.resource, message: `Created ${label(result.resource)}.` }
    : { status: 200, resource: result.resource, message: `${label(result.resource)} already matches If-None-Exist; nothing was created.` };
}

/** update, or create with the client's id when it does not exist (updateCreate, http://hl7.org/fhir/R4/http.html#update). */
export async function updateResource(context: FhirContext, resource: Resource, ifMatchVersion?: string): Promise<WriteOutcome> {
  const result = await context.repository.update(resource, ifMatchVersion !== undefined ? { ifMatchVersion } : {});
  if (result.created) return { status: 201, resource: result.resource, message: `Created ${label(result.resource)}.` };
  const message = result.changed ? `Updated ${label(result.resource)}.` : `${label(result.resource)} was already identical; no new version was written.`;
  return { status: 200, resource: result.resource, message };
}

/** The one resource `criteria` match, or undefined for none; 412 for several (http://hl7.org/fhir/R4/http.html#cond-update). */
export async function findSingleMatch(context: FhirContext, criteria: SearchRequest, what: string): Promise<StoredResource | undefined> {
  const page = await context.repository.search({ ...criteria, count: 2, total: 'none' });
  if (page.matches.length > 1) {
    throw new FhirError('PRECONDITION_FAILED', `${what}: the criteria match more than one ${criteria.resourceType}; make them more specific.`);
  }
  return page.matches[0];
}

/**
 * Conditional update (http://hl7.org/fhir/R4/http.html#cond-update): no match → create (with the
 * body's id when it has one); one match → update it (400 when the body names another id);
 * several → 412. Search and write share one transaction.
 */
export async function conditionalUpdate(context: FhirContext, criteria: SearchRequest, resource: Resource, ifMatchVersion?: string): Promise<WriteOutcome> {
  return context.repository.transaction(async (tx) => {
    const inTx: FhirContext = { ...context, repository: tx };
    const match = await findSingleMatch(inTx, criteria, 'Conditional update');
    if (match === undefined) {
      if (resource.id === undefined) return createResource(inTx, resource);
      return updateResource(inTx, resource, ifMatchVersion);
    }
    if (resource.id !== undefined && resource.id !== match.id) {
      throw new FhirError('INVALID_REQUEST', `The criteria match ${match.resourceType}/${match.id} but the body has id ${shown(resource.id)}; leave the id out or make them agree.`, {
        expression: [`${resource.resourceType}.id`],
      });
    }
    return updateResource(inTx, { ...resource, id: match.id }, ifMatchVersion);
  });
}

/** delete: 204 whether or not the resource existed (Kindred's choice among the answers http://hl7.org/fhir/R4/http.html#delete allows). */
export async function deleteResource(context: FhirContext, type: string, id: string): Promise<WriteOutcome> {
  const result = await context.repository.delete(type, id);
  return result.deleted && result.versionId !== undefined
    ? { status: 204, deletedVersion: result.versionId, message: `Deleted ${type}/${id}.` }
    : { status: 204, message: `${type}/${id} did not exist or was already deleted; nothing changed.` };
}

/** Conditional delete (http://hl7.org/fhir/R4/http.html#cdelete): none or one match → an ordinary delete; several → 412 (conditionalDelete "single"). */
export async function conditionalDelete(context: FhirContext, criteria: SearchRequest): Promise<WriteOutcome> {
  return context.repository.transaction(async (tx) => {
    const inTx: FhirContext = { ...context, repository: tx };
    const match = await findSingleMatch(inTx, criteria, 'Conditional delete');
    if (match === undefined) return { status: 204, message: `No ${criteria.resourceType} matched; nothing was deleted.` };
    return deleteResource(inTx, match.resourceType, match.id);
  });
}

/** The version If-Match names, when given. */
export function ifMatchVersion(request: FhirRequest): string | undefined {
  return request.headers.ifMatch === undefined ? undefined : parseVersionTag(request.headers.ifMatch, 'If-Match');
}

// ---- the interactions as the router calls them ----

/** `POST [base]/[type]` */
export async function handleCreate(request: FhirRequest, context: FhirContext, type: string): Promise<FhirResponse> {
  requireResourceType(type);
  const resource = requireResourceBody(request, type, 'create');
  const ifNoneExist =
    request.headers.ifNoneExist === undefined
      ? undefined
      : conditionalCriteria(type, parseQueryString(stripTypePrefix(request.headers.ifNoneExist, type)), context.baseUrl, 'If-None-Exist');
  const outcome = await createResource(context, resource, ifNoneExist ? { ifNoneExist } : {});
  return writeOutcomeResponse(outcome, request, context);
}

/** If-None-Exist holds "[search parameters]"; a client that writes "Patient?identifier=…" means the same. */
function stripTypePrefix(criteria: string, type: string): string {
  return criteria.startsWith(`${type}?`) ? criteria.slice(type.length + 1) : criteria;
}

/** `PUT [base]/[type]/[id]`: the body's id must be present and equal the URL's (400 otherwise). */
export async function handleUpdate(request: FhirRequest, context: FhirContext, type: string, id: string): Promise<FhirResponse> {
  requireResourceType(type);
  requireId(id);
  const resource = requireResourceBody(request, type, 'update');
  if (resource.id === undefined) {
    throw new FhirError('INVALID_REQUEST', `The ${type} in the body has no id; an update must carry the id of the URL (${shown(id)}).`, { expression: [`${type}.id`] });
  }
  if (resource.id !== id) {
    throw new FhirError('INVALID_REQUEST', `The URL names ${type}/${id} but the body has id ${shown(resource.id)}; they must be the same.`, {
      expression: [`${type}.id`],
    });
  }
  return writeOutcomeResponse(await updateResource(context, resource, ifMatchVersion(request)), request, context);
}

/** `PUT [base]/[type]?[search parameters]` */
export async function handleConditionalUpdate(request: FhirRequest, context: FhirContext, type: string): Promise<FhirResponse> {
  requireResourceType(type);
  const resource = requireResourceBody(request, type, 'conditional update');
  const criteria = conditionalCriteria(type, request.query, context.baseUrl, 'Conditional update');
  return writeOutcomeResponse(await conditionalUpdate(context, criteria, resource, ifMatchVersion(request)), request, context);
}

/** `DELETE [base]/[type]/[id]` */
export async function handleDelete(request: FhirRequest, context: FhirContext, type: string, id: string): Promise<FhirResponse> {
  requireResourceType(type);
  requireId(id);
  return writeOutcomeResponse(await deleteResource(context, type, id), request, context);
}

/** `DELETE [base]/[type]?[search parameters]` */
export async function handleConditionalDelete(request: FhirRequest, context: FhirContext, type: string): Promise<FhirResponse> {
  requireResourceType(type);
  const criteria = conditionalCriteria(type, request.query, context.baseUrl, 'Conditional delete');
  return writeOutcomeResponse(await conditionalDelete(context, criteria), request, context);
}

/** A fresh server-assigned id, for transaction creates (see createResource). */
export function newResourceId(): string {
  return randomUUID();
}
