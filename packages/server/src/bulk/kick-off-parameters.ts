/**
 * Reads the parameters of a Bulk Data kick-off request, from the query string of a GET or the
 * Parameters body of a POST (Bulk Data STU2 export.html, "Bulk Data Kick-off Request" and its
 * "Query Parameters" table), into one checked value.
 *
 * Every parameter is either honoured exactly or refused with a 400 that says why: the spec lets a
 * server refuse what it does not support ("SHOULD return an error and FHIR OperationOutcome"), and
 * a silently ignored filter would hand a client more, or less, than it asked for. Only under
 * `Prefer: handling=lenient` are unsupported parameters dropped, and then each is listed for the
 * manifest's error file. This module reads the request only: no database, no access decisions.
 */
import { FhirError, getElement, isPlainObject, isResourceType, patientCompartmentParams, resourceTypes } from '@kindred/fhir';
import type { FhirRequest } from '../fhir-rest/fhir-request.ts';
import type { ExportLevel } from './bulk-export-job.ts';
import { parseTypeFilters, type TypeFilters } from './type-filter.ts';
import { parsePatientReference, parseInstant } from './kick-off-values.ts';

export interface KickOffParameters {
  since?: { text: string; millis: number };
  types?: string[];
  elements?: string[];
  /** `patient` ids (POST only) */
  patients?: string[];
  typeFilters?: TypeFilters;
  relevantProvenance: boolean;
  /** what was dropped under handling=lenient, one sentence each */
  ignored: string[];
}

/** "The server SHALL accept the full content type of application/fhir+ndjson as well as … application/ndjson and ndjson" (_outputFormat). */
const NDJSON_FORMATS: ReadonlySet<string> = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);

/** Parameters of every FHIR interaction (http://hl7.org/fhir/R4/http.html#parameters), not of the export. */
const GENERAL_PARAMETERS: ReadonlySet<string> = new Set(['_format', '_pretty']);

/** Parameters that take one value; the rest accept comma-delimited lists and may repeat ("Bulk Data Kick-off Request"). */
const SINGLE: ReadonlySet<string> = new Set(['_outputFormat', '_since']);

const SPEC = 'Bulk Data STU2 export.html';

/** One parameter as sent, with the value[x] it came in for POST. */
interface RawParameter {
  name: string;
  value: string;
  /** for POST: the value[x] element it came in (valueString, valueInstant, valueReference) */
  valueType?: string;
}

interface Reader {
  level: ExportLevel;
  lenient: boolean;
  baseUrl: string;
  method: 'GET' | 'POST';
  result: KickOffParameters;
}

/** Refuses, or under handling=lenient notes and goes on. */
function unsupported(reader: Reader, message: string): void {
  if (!reader.lenient) throw new FhirError('UNSUPPORTED', message);
  reader.result.ignored.push(message);
}

function invalid(message: string): FhirError {
  return new FhirError('INVALID_REQUEST', message);
}

function listValues(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** POST: the Parameters resource's parameters as name/value pairs, with the value[x] they used. */
function fromParametersBody(body: unknown): RawParameter[] {
  if (!isPlainObject(body) || body.resourceType !== 'Parameters') {
    throw invalid(`A POST kick-off carries its parameters in a Parameters resource (${SPEC}, "Bulk Data Kick-off Request").`);
  }
  const parameters = body.parameter ?? [];
  if (!Array.isArray(parameters)) throw invalid('Parameters.parameter must be an array.');
  return parameters.map((parameter: unknown, index): RawParameter => {
    if (!isPlainObject(parameter) || typeof parameter.name !== 'string') throw invalid(`Parameters.parameter[${index}] has no name.`);
    const name = parameter.name;
    const valueKeys = Object.keys(parameter).filter((key) => key.startsWith('value'));
    const valueType = valueKeys[0];
    if (valueKeys.length !== 1 || valueType === undefined || 'part' in parameter || 'resource' in parameter) {
      throw invalid(`Parameters.parameter[${index}] (${name}) must have exactly one value[x] and no part or resource.`);
    }
    const value = parameter[valueType];
    if (valueType === 'valueReference') {
      if (!isPlainObject(value) || typeof value.reference !== 'string') throw invalid(`Parameter ${name}: valueReference needs a reference.`);
      return { name, value: value.reference, valueType };
    }
    if (typeof value !== 'string') throw invalid(`Parameter ${name}: ${valueType} must be a string.`);
    return { name, value, valueType };
  });
}

function expectValueType(parameter: RawParameter, expected: string): void {
  if (parameter.valueType !== undefined && parameter.valueType !== expected) {
    throw invalid(`Parameter ${parameter.name} takes ${expected}, not ${parameter.valueType} (${SPEC}, OperationDefinition export).`);
  }
}

/** Types a Patient or Group export can return: the Patient compartment ("Bulk Data Kick-off Request"). */
export function inPatientCompartment(type: string): boolean {
  return type === 'Patient' || patientCompartmentParams(type).length > 0;
}

function readTypes(reader: Reader, values: string[]): void {
  const types = new Set(reader.result.types ?? []);
  for (const type of values) {
    if (!isResourceType(type)) {
      // "If the client explicitly asks for export of resources that the Bulk Data server doesn't support … SHOULD return … an error"
      unsupported(reader, `_type: "${type}" is not a FHIR R4 resource type (types are case-sensitive, e.g. Observation).`);
    } else if (reader.level !== 'system' && !inPatientCompartment(type)) {
      unsupported(reader, `_type: ${type} is outside the Patient compartment, so a ${reader.level}-level export has none to return; use the system-level $export.`);
    } else {
      types.add(type);
    }
  }
  reader.result.types = [...types];
}

/** A root element of `type`, by its name or a choice's JSON name (valueQuantity). */
function isRootElement(type: string, name: string): boolean {
  if (name === 'id' || name === 'meta' || getElement(type, name) !== undefined) return true;
  for (let cut = name.length - 1; cut > 0; cut--) {
    if (getElement(type, name.slice(0, cut))?.choice) return true;
  }
  return false;
}

function readElements(reader: Reader, values: string[]): void {
  const elements = new Set(reader.result.elements ?? []);
  for (const value of values) {
    // "Elements SHOULD be of the form [resource type].[element name] … or [element name] … and only root elements … are permitted" (_elements)
    const parts = value.split('.');
    const [first, second] = parts;
    const typed = parts.length === 2 && first !== undefined && second !== undefined && isResourceType(first);
    const known = typed ? isRootElement(first, second) : parts.length === 1 && resourceTypes.some((type) => isRootElement(type, value));
    if (!known) {
      unsupported(reader, `_elements: "${value}" is not a root element (write Type.element such as Patient.birthDate, or element such as id).`);
    } else {
      elements.add(value);
    }
  }
  if (elements.size > 0) reader.result.elements = [...elements];
}

function readAssociatedData(reader: Reader, values: string[]): void {
  // "If multiple conflicting values are included, the server SHALL apply the least restrictive value":
  // RelevantProvenanceResources (all Provenance of the returned resources) covers LatestProvenanceResources.
  if (values.includes('RelevantProvenanceResources')) reader.result.relevantProvenance = true;
  for (const value of values) {
    if (value === 'RelevantProvenanceResources') continue;
    if (value === 'LatestProvenanceResources' && reader.result.relevantProvenance) continue;
    if (value === 'LatestProvenanceResources') {
      unsupported(reader, 'includeAssociatedData: LatestProvenanceResources is not supported; ask for RelevantProvenanceResources (all Provenance of the exported resources).');
    } else if (value.startsWith('_')) {
      unsupported(reader, `includeAssociatedData: "${value}" is not a value this server defines.`);
    } else {
      throw invalid(`includeAssociatedData: "${value}" is not LatestProvenanceResources, RelevantProvenanceResources or a custom _value (${SPEC}, "Query Parameters").`);
    }
  }
}

function readPatients(reader: Reader, parameter: RawParameter): void {
  if (reader.level === 'system') {
    unsupported(reader, `patient: "Not applicable to system level export requests" (${SPEC}, "Query Parameters"); use Patient/$export or Group/[id]/$export.`);
    return;
  }
  if (reader.method !== 'POST') {
    unsupported(reader, `patient is accepted only as a valueReference in a POST Parameters body ("patient (POST requests only)", ${SPEC}).`);
    return;
  }
  expectValueType(parameter, 'valueReference');
  const id = parsePatientReference(parameter.value, reader.baseUrl);
  if (id === undefined) throw invalid(`patient: "${parameter.value}" is not a reference to a Patient on this server (Patient/[id]).`);
  reader.result.patients = [...new Set([...(reader.result.patients ?? []), id])];
}

function readParameter(reader: Reader, parameter: RawParameter, typeFilterValues: string[]): void {
  const { name, value } = parameter;
  switch (name) {
    case '_outputFormat':
      expectValueType(parameter, 'valueString');
      if (!NDJSON_FORMATS.has(value)) {
        throw new FhirError('UNSUPPORTED', `_outputFormat "${value}" is not supported; Kindred writes application/fhir+ndjson (also accepted as application/ndjson or ndjson).`);
      }
      return;
    case '_since': {
      expectValueType(parameter, 'valueInstant');
      reader.result.since = { text: value, millis: parseInstant('_since', value) };
      return;
    }
    case '_type':
      expectValueType(parameter, 'valueString');
      return readTypes(reader, listValues(value));
    case '_elements':
      expectValueType(parameter, 'valueString');
      return readElements(reader, listValues(value));
    case 'includeAssociatedData':
      expectValueType(parameter, 'valueString');
      return readAssociatedData(reader, listValues(value));
    case '_typeFilter':
      expectValueType(parameter, 'valueString');
      typeFilterValues.push(value);
      return;
    case 'patient':
      return readPatients(reader, parameter);
    default:
      unsupported(reader, `"${name}" is not a Bulk Data kick-off parameter this server supports (_outputFormat, _since, _type, _elements, _typeFilter, patient, includeAssociatedData).`);
  }
}

/**
 * The kick-off's parameters. `lenient` is `Prefer: handling=lenient`. Throws FhirError
 * INVALID_REQUEST for values that cannot be read and UNSUPPORTED for what this server does not do.
 */
export function readKickOffParameters(request: FhirRequest, level: ExportLevel, options: { lenient: boolean; baseUrl: string }): KickOffParameters {
  const method = request.method === 'POST' ? 'POST' : 'GET';
  const fromQuery = request.query.filter(([name]) => !GENERAL_PARAMETERS.has(name));
  if (method === 'POST' && fromQuery.length > 0) {
    throw invalid(`A POST kick-off takes its parameters in the Parameters body, not the url (found ${fromQuery.map(([n]) => n).join(', ')}).`);
  }
  const raw: RawParameter[] = method === 'POST' ? fromParametersBody(request.body) : fromQuery.map(([name, value]) => ({ name, value }));
  for (const name of SINGLE) {
    if (raw.filter((p) => p.name === name).length > 1) throw invalid(`${name} may be given only once.`);
  }
  const reader: Reader = { level, method, lenient: options.lenient, baseUrl: options.baseUrl, result: { relevantProvenance: false, ignored: [] } };
  const typeFilterValues: string[] = [];
  for (const parameter of raw) readParameter(reader, parameter, typeFilterValues);
  if (raw.some((p) => p.name === '_type') && (reader.result.types ?? []).length === 0) {
    throw invalid('_type names no resource type this export can return.');
  }
  if (typeFilterValues.length > 0) {
    const { filters, ignored } = parseTypeFilters(typeFilterValues, { types: reader.result.types, lenient: options.lenient, baseUrl: options.baseUrl });
    if (Object.keys(filters).length > 0) reader.result.typeFilters = filters;
    reader.result.ignored.push(...ignored);
  }
  return reader.result;
}
