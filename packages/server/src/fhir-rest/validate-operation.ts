/**
 * `$validate` (http://hl7.org/fhir/R4/resource-operation-validate.html): `POST [base]/[type]/$validate`
 * and `POST [base]/[type]/[id]/$validate`, with the resource as the body or as the `resource` part
 * of a Parameters. It answers 200 with an OperationOutcome listing every issue the write would
 * meet, or one information issue when there are none; 4xx only when the request itself cannot be
 * read. It checks with the same validator as every write, and never writes.
 */
import { FhirError, informationOutcome, isPlainObject, operationOutcome, validateResource, type Issue } from '@kindred/fhir';
import type { FhirRequest, FhirResponse } from './fhir-request.ts';
import { RESOURCE_MEDIA_TYPES, requireId, requireMediaType, requireResourceType, shown } from './request-checks.ts';

const MODES = new Set(['create', 'update', 'delete']);

interface ValidateInput {
  resource: Record<string, unknown> | undefined;
  mode: string | undefined;
  profile: string | undefined;
}

/** A value from the client, for a message. */
function described(value: unknown): string {
  return shown(typeof value === 'string' ? value : JSON.stringify(value) ?? 'nothing');
}

function parameterValue(part: Record<string, unknown>): string | undefined {
  const value = part.valueCode ?? part.valueString ?? part.valueUri ?? part.valueCanonical;
  return typeof value === 'string' ? value : undefined;
}

/** The resource, mode and profile from a Parameters body (http://hl7.org/fhir/R4/operations.html#request). */
function fromParameters(body: Record<string, unknown>): ValidateInput {
  const parts = Array.isArray(body.parameter) ? body.parameter.filter(isPlainObject) : [];
  const named = (name: string): Record<string, unknown> | undefined => parts.find((part) => part.name === name);
  const resource = named('resource')?.resource;
  const mode = named('mode');
  const profile = named('profile');
  return {
    resource: isPlainObject(resource) ? resource : undefined,
    mode: mode ? parameterValue(mode) : undefined,
    profile: profile ? parameterValue(profile) : undefined,
  };
}

function readInput(request: FhirRequest, type: string): ValidateInput {
  requireMediaType(request, RESOURCE_MEDIA_TYPES, '$validate');
  const body = request.body;
  if (!isPlainObject(body)) throw new FhirError('INVALID_REQUEST', `$validate needs a ${type} resource, or a Parameters with a "resource" part, as the request body.`);
  const queryMode = request.query.find(([name]) => name === 'mode')?.[1];
  const queryProfile = request.query.find(([name]) => name === 'profile')?.[1];
  // A Parameters body is the operation's input, unless Parameters itself is what is being validated
  const wrapped = body.resourceType === 'Parameters' && (type !== 'Parameters' || fromParameters(body).resource !== undefined);
  const input = wrapped ? fromParameters(body) : { resource: body, mode: undefined, profile: undefined };
  if (input.resource === undefined) throw new FhirError('INVALID_REQUEST', 'The Parameters body has no "resource" part holding the resource to validate.');
  return { resource: input.resource, mode: input.mode ?? queryMode, profile: input.profile ?? queryProfile };
}

/** Issues about the request around the resource: its type, its id against the URL's, the mode. */
function contextIssues(resource: Record<string, unknown>, type: string, id: string | undefined, mode: string | undefined): Issue[] {
  const issues: Issue[] = [];
  if (resource.resourceType !== type) {
    issues.push({ severity: 'error', code: 'invalid', diagnostics: `The URL names ${type} but the resource is ${described(resource.resourceType)}.`, expression: ['resourceType'] });
  }
  const needsId = mode === 'update' || id !== undefined;
  if (needsId && resource.id === undefined) {
    issues.push({ severity: 'error', code: 'required', diagnostics: `An update needs the resource id${id !== undefined ? ` (${id})` : ''} in the body.`, expression: [`${type}.id`] });
  }
  if (id !== undefined && resource.id !== undefined && resource.id !== id) {
    issues.push({ severity: 'error', code: 'invalid', diagnostics: `The URL names ${type}/${id} but the resource has id ${described(resource.id)}.`, expression: [`${type}.id`] });
  }
  return issues;
}

/** `POST [base]/[type]/$validate` and `POST [base]/[type]/[id]/$validate` */
export function handleValidate(request: FhirRequest, type: string, id?: string): FhirResponse {
  requireResourceType(type);
  if (id !== undefined) requireId(id);
  const { resource, mode, profile } = readInput(request, type);
  if (mode !== undefined && !MODES.has(mode)) {
    throw new FhirError('INVALID_REQUEST', `$validate mode must be create, update or delete, not ${shown(mode)}.`);
  }
  if (resource === undefined) throw new FhirError('INVALID_REQUEST', '$validate needs a resource to validate.');
  if (mode === 'delete') {
    // Kindred refuses no delete on business rules, so any delete would be accepted
    return { status: 200, body: informationOutcome(`Deleting ${type}${id !== undefined ? `/${id}` : ''} would be accepted.`) };
  }
  const issues = [...contextIssues(resource, type, id, mode), ...validateResource(resource)];
  if (profile !== undefined) {
    issues.push({ severity: 'warning', code: 'not-supported', diagnostics: `Profiles are not checked; the resource was validated against the base R4 definition of ${type} only.` });
  }
  if (issues.length === 0) {
    return { status: 200, body: informationOutcome(`All OK: the ${type} is valid FHIR R4 and would be accepted.`) };
  }
  return { status: 200, body: operationOutcome(issues) };
}
