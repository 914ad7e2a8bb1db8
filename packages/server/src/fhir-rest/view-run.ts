/**
 * `$run` on ViewDefinition, after the SQL on FHIR v2 operation
 * (https://sql-on-fhir.org/ig/OperationDefinition-ViewDefinitionRun.html): a view applied to
 * resources and its rows returned at once, as a JSON array, NDJSON or CSV.
 *
 * - `POST [base]/ViewDefinition/$run` with a Parameters body naming the view: `viewResource` (the
 *   view inline) or `viewReference` (a ViewDefinition of the record, `ViewDefinition/[id]` or its url);
 * - `GET|POST [base]/ViewDefinition/[id]/$run` runs the stored view `id`.
 *
 * The view runs over the `resource` parts when given, else over the record as the caller may read
 * it (the request's repository is access-checked and audited, so rows come only from what the
 * caller may see). Other inputs: `_format` (json | ndjson | csv, also from Accept), `_limit`, and
 * `header` (CSV header line, default true). Bad parameters are a 400, a view the engine rejects a
 * 422, an unknown view a 404. The operation's `patient`, `group`, `source` and `_since` inputs are
 * refused as unsupported rather than ignored.
 */
import { FhirError, isPlainObject, parseSearchRequest } from '@kindred/fhir';
import { checkViewDefinition, rowsToCsv, runViewOverRecord, ViewDefinitionError, type CompiledView } from '@kindred/insight';
import type { FhirContext, FhirRequest, FhirResponse, OperationCapability } from './fhir-request.ts';
import { RESOURCE_MEDIA_TYPES, requireId, requireMediaType, shown } from './request-checks.ts';
import { errorResponse } from './responses.ts';

export const VIEW_RUN_OPERATION: OperationCapability = {
  name: 'run',
  definition: 'http://sql-on-fhir.org/OperationDefinition/$run',
  documentation:
    'POST [base]/ViewDefinition/$run with a Parameters body (viewResource or viewReference; resource parts to run over instead of the record; _format json, ndjson or csv; _limit; header), or GET|POST [base]/ViewDefinition/[id]/$run; answers with the rows.',
  resourceType: 'ViewDefinition',
};

const Format = { json: 'json', ndjson: 'ndjson', csv: 'csv' } as const;
type Format = (typeof Format)[keyof typeof Format];

const CONTENT_TYPES: Record<Format, string> = { json: 'application/json', ndjson: 'application/x-ndjson', csv: 'text/csv' };

/** `_format` values and Accept media types for each output (the operation's output format codes, and their media types). */
const FORMAT_NAMES: ReadonlyMap<string, Format> = new Map([
  ['json', Format.json],
  ['application/json', Format.json],
  ['application/fhir+json', Format.json],
  ['ndjson', Format.ndjson],
  ['application/x-ndjson', Format.ndjson],
  ['application/ndjson', Format.ndjson],
  ['application/fhir+ndjson', Format.ndjson],
  ['csv', Format.csv],
  ['text/csv', Format.csv],
]);

const UNSUPPORTED_INPUTS = new Set(['patient', 'group', 'source', '_since']);
const KNOWN_INPUTS = new Set(['viewResource', 'viewReference', 'resource', '_format', '_limit', 'header']);

interface RunInput {
  viewResource?: Record<string, unknown>;
  viewReference?: string;
  resources: Record<string, unknown>[];
  format?: string;
  limit?: string;
  header?: string;
}

function badRequest(message: string): never {
  throw new FhirError('INVALID_REQUEST', message);
}

function checkName(name: string): void {
  if (UNSUPPORTED_INPUTS.has(name)) throw new FhirError('UNSUPPORTED', `$run's ${shown(name)} input is not supported here; leave it out (the view runs over everything the caller may read, or over the resource parts given).`);
  if (!KNOWN_INPUTS.has(name)) badRequest(`$run has no input named ${shown(name)}; it takes viewResource, viewReference, resource, _format, _limit and header.`);
}

/** The value of a Parameters part as text (valueCode, valueString, valueInteger …), or undefined. */
function partText(part: Record<string, unknown>): string | undefined {
  for (const [key, value] of Object.entries(part)) {
    if (!key.startsWith('value')) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (isPlainObject(value) && typeof value.reference === 'string') return value.reference;
  }
  return undefined;
}

/** The inputs from a Parameters body (http://hl7.org/fhir/R4/operations.html#request). */
function fromParameters(body: unknown, input: RunInput): void {
  if (!isPlainObject(body) || body.resourceType !== 'Parameters') badRequest('$run takes a Parameters resource as its request body.');
  const parts = body.parameter ?? [];
  if (!Array.isArray(parts)) badRequest('Parameters.parameter must be a list of parts.');
  for (const [index, part] of parts.entries()) {
    if (!isPlainObject(part) || typeof part.name !== 'string') badRequest(`Parameters.parameter[${index}] needs a name.`);
    const name = part.name;
    checkName(name);
    if (name === 'viewResource' || name === 'resource') {
      if (!isPlainObject(part.resource)) badRequest(`The ${name} part (parameter[${index}]) must hold a resource in "resource".`);
      if (name === 'resource') input.resources.push(part.resource);
      else if (input.viewResource !== undefined) badRequest('Give one viewResource.');
      else input.viewResource = part.resource;
      continue;
    }
    const text = partText(part);
    if (text === undefined) badRequest(`The ${name} part (parameter[${index}]) has no value.`);
    setText(input, name, text);
  }
}

/** Inputs given as simple values, and where each is kept. */
const TEXT_INPUTS: ReadonlyMap<string, 'viewReference' | 'format' | 'limit' | 'header'> = new Map([
  ['viewReference', 'viewReference'],
  ['_format', 'format'],
  ['_limit', 'limit'],
  ['header', 'header'],
] as const);

function setText(input: RunInput, name: string, text: string): void {
  const key = TEXT_INPUTS.get(name);
  if (key === undefined) badRequest(`${name} cannot be given in the URL; send it in a Parameters body with POST.`);
  if (input[key] !== undefined && input[key] !== text) badRequest(`${name} is given twice with different values.`);
  input[key] = text;
}

/** Query parameters: those of the operation that are simple values (http://hl7.org/fhir/R4/operations.html#request). */
function fromQuery(query: readonly (readonly [string, string])[], input: RunInput): void {
  for (const [name, value] of query) {
    if (name === '_pretty') continue;
    checkName(name);
    setText(input, name, value);
  }
}

function formatOf(input: RunInput, accept: string | undefined): Format {
  if (input.format !== undefined) {
    const format = FORMAT_NAMES.get(input.format.trim().toLowerCase().replace(/ /g, '+'));
    if (format === undefined) badRequest(`_format ${shown(input.format)} is not offered by $run: use json, ndjson or csv.`);
    return format;
  }
  // Without _format, the first media type the client names that $run offers
  for (const range of (accept ?? '').split(',')) {
    const format = FORMAT_NAMES.get((range.split(';', 1)[0] ?? '').trim().toLowerCase());
    if (format !== undefined) return format;
  }
  return Format.json;
}

function limitOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(text.trim())) badRequest(`_limit must be a whole number of rows above 0, not ${shown(text)}.`);
  return Number(text);
}

function headerOf(text: string | undefined): boolean {
  if (text === undefined || text === 'true') return true;
  if (text === 'false') return false;
  return badRequest(`header must be true or false, not ${shown(text)}.`);
}

/** The stored view named by `reference`: "ViewDefinition/[id]", or its canonical url. */
async function storedView(context: FhirContext, reference: string): Promise<Record<string, unknown>> {
  const relative = /^ViewDefinition\/([^/]+)$/.exec(reference);
  if (relative !== null) return context.repository.read('ViewDefinition', requireId(relative[1] ?? ''));
  if (!/^[a-z][a-z0-9+.-]*:/i.test(reference)) badRequest(`viewReference must be ViewDefinition/[id] or the view's url, not ${shown(reference)}.`);
  const page = await context.repository.search({ ...parseSearchRequest('ViewDefinition', [['url', reference]], { handling: 'strict' }), count: 2 });
  const [found, other] = page.matches;
  if (found === undefined) throw new FhirError('NOT_FOUND', `No ViewDefinition with the url ${shown(reference)} is in the record.`);
  if (other !== undefined) throw new FhirError('CONFLICT', `More than one ViewDefinition has the url ${shown(reference)}; name one by ViewDefinition/[id].`);
  return found;
}

function rowsOfInline(compiled: CompiledView, resources: readonly Record<string, unknown>[], limit: number | undefined): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const resource of resources) {
    try {
      rows.push(...compiled.rows(resource));
    } catch (error) {
      if (!(error instanceof ViewDefinitionError)) throw error;
      throw new FhirError('UNPROCESSABLE', `The view "${compiled.name}" failed on a resource given to it: ${error.message}`);
    }
    if (limit !== undefined && rows.length >= limit) return rows.slice(0, limit);
  }
  return rows;
}

function render(format: Format, compiled: CompiledView, rows: readonly Record<string, unknown>[], header: boolean): string {
  switch (format) {
    case Format.json:
      return JSON.stringify(rows);
    case Format.ndjson:
      return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
    case Format.csv: {
      const csv = rowsToCsv(compiled.columns, rows);
      // RFC 4180: the header is the first line; without it the rows start after its CRLF
      return header ? csv : csv.slice(csv.indexOf('\r\n') + 2);
    }
  }
}

/** `[base]/ViewDefinition/$run` (no `id`) and `[base]/ViewDefinition/[id]/$run`. */
export async function handleViewRun(request: FhirRequest, context: FhirContext, id?: string): Promise<FhirResponse> {
  if (!['GET', 'HEAD', 'POST'].includes(request.method)) {
    return errorResponse(new FhirError('METHOD_NOT_ALLOWED', `${request.method} is not allowed on $run; use GET or POST.`), { Allow: 'GET, HEAD, POST' });
  }
  const input: RunInput = { resources: [] };
  fromQuery(request.query, input);
  if (request.method === 'POST' && request.body !== undefined) {
    requireMediaType(request, RESOURCE_MEDIA_TYPES, '$run');
    fromParameters(request.body, input);
  }
  const format = formatOf(input, request.headers.accept);
  const limit = limitOf(input.limit);
  const header = headerOf(input.header);
  if (id !== undefined) {
    requireId(id);
    if (input.viewResource !== undefined || input.viewReference !== undefined) badRequest(`ViewDefinition/${id}/$run runs that view; leave out viewResource and viewReference.`);
  } else if ((input.viewResource === undefined) === (input.viewReference === undefined)) {
    badRequest('ViewDefinition/$run needs exactly one of viewResource (the view inline) and viewReference (a ViewDefinition of the record).');
  }
  const view = id !== undefined ? await context.repository.read('ViewDefinition', id) : (input.viewResource ?? (await storedView(context, input.viewReference ?? '')));
  const compiled = checkViewDefinition(view);
  let rows: Record<string, unknown>[];
  if (input.resources.length > 0) {
    rows = rowsOfInline(compiled, input.resources, limit);
  } else {
    rows = [];
    for await (const row of runViewOverRecord(context.repository, view, limit === undefined ? {} : { limit })) rows.push(row);
  }
  return { status: 200, text: { contentType: `${CONTENT_TYPES[format]}; charset=utf-8`, content: render(format, compiled, rows, header) } };
}
