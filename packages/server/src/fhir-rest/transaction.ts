/**
 * transaction (http://hl7.org/fhir/R4/http.html#transaction): all entries succeed together or
 * none does, in ONE repository transaction. Processed in the order of
 * http://hl7.org/fhir/R4/http.html#trules: DELETE, then POST, then PUT and PATCH, then GET and
 * HEAD (and other operations); the response lists the entries in the request's order. Before any
 * write, every created or updated resource gets its id, so a reference to an entry's fullUrl can
 * be replaced wherever it appears, even between resources that refer to each other. Conditional
 * references are resolved just before the resource holding them is written, against the record as
 * the transaction has left it so far. Any failure fails the whole transaction with that entry's
 * status and an OperationOutcome naming the entry.
 */
import { FhirError, type BundleEntry, type Issue, type Resource } from '@kindred/fhir';
import type { FhirContext, FhirRequest, FhirResponse } from './fhir-request.ts';
import {
  entryRequest,
  patchOperationsOf,
  responseBundle,
  responseEntry,
  writeEntry,
  type PlannedEntry,
} from './bundle-entries.ts';
import { parsePrefer, parseVersionTag, type ReturnPreference } from './headers.ts';
import { patchResource, readPatchDocument } from './patch.ts';
import { conditionalCriteria, parseQueryString, requireId, requireResourceBody, requireResourceType, shown } from './request-checks.ts';
import { replaceReferences, resolveConditionalReferences } from './transaction-references.ts';
import { createResource, deleteResource, findSingleMatch, newResourceId, updateResource, type WriteOutcome } from './write.ts';

/** Runs one entry's request through the router (for reads and operations inside a transaction or batch). */
export type EntryDispatcher = (request: FhirRequest, context: FhirContext) => Promise<FhirResponse>;

/** `Patient.name[0]` in an entry's resource → `Bundle.entry[3].resource.name[0]`. */
function relocate(expression: string, index: number, resourceType: string | undefined): string {
  const prefix = `Bundle.entry[${index}]`;
  if (resourceType !== undefined && (expression === resourceType || expression.startsWith(`${resourceType}.`))) {
    return `${prefix}.resource${expression.slice(resourceType.length)}`;
  }
  return prefix;
}

/** The error of one entry as the error of the whole Bundle: same status, every issue naming the entry. */
export function atEntry(index: number, entry: PlannedEntry | undefined, error: unknown): unknown {
  if (!(error instanceof FhirError)) return error;
  const what = entry ? `Bundle.entry[${index}] (${entry.method} ${shown(entry.url)})` : `Bundle.entry[${index}]`;
  const type = typeof entry?.resource?.resourceType === 'string' ? entry.resource.resourceType : undefined;
  const issues: Issue[] = error.issues.map((issue) => ({
    ...issue,
    diagnostics: `${what}: ${issue.diagnostics}`,
    expression: [...new Set([`Bundle.entry[${index}]`, ...(issue.expression ?? []).map((e) => relocate(e, index, type))])],
  }));
  return new FhirError(error.errorName, `${what}: ${error.message}`, { issues, cause: error });
}

async function step<T>(entry: PlannedEntry, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw atEntry(entry.index, entry, error);
  }
}

/** A write the transaction has planned: what to write and under which id. */
interface PlannedWrite {
  entry: PlannedEntry;
  type: string;
  id: string;
  /** a conditional create that matched: nothing is written, the match is the answer */
  existing?: WriteOutcome;
  resource?: Resource;
}

class TransactionRun {
  readonly results: BundleEntry[] = [];
  /** fullUrls and conditional references → `Type/id` */
  private readonly replacements = new Map<string, string>();
  /** `Type/id` → the entry acting on it; two entries may not act on one resource (trules) */
  private readonly identities = new Map<string, number>();

  constructor(
    private readonly context: FhirContext,
    private readonly outer: FhirRequest,
    private readonly preference: ReturnPreference,
    private readonly dispatch: EntryDispatcher,
  ) {}

  private claim(entry: PlannedEntry, type: string, id: string): void {
    const identity = `${type}/${id}`;
    const earlier = this.identities.get(identity);
    if (earlier !== undefined) {
      throw new FhirError('INVALID_REQUEST', `Entries ${earlier} and ${entry.index} both act on ${identity}; a transaction may act on each resource once (http://hl7.org/fhir/R4/http.html#trules).`);
    }
    this.identities.set(identity, entry.index);
    if (entry.fullUrl !== undefined && entry.fullUrl !== identity) this.replacements.set(entry.fullUrl, identity);
  }

  private ifMatch(entry: PlannedEntry): string | undefined {
    return entry.ifMatch === undefined ? undefined : parseVersionTag(entry.ifMatch, 'If-Match');
  }

  async runDelete(entry: PlannedEntry): Promise<void> {
    const [type = '', id] = entry.path;
    requireResourceType(type);
    let outcome: WriteOutcome;
    if (entry.path.length === 2 && id !== undefined) {
      requireId(id);
      this.claim(entry, type, id);
      outcome = await deleteResource(this.context, type, id);
    } else if (entry.path.length === 1) {
      const match = await findSingleMatch(this.context, conditionalCriteria(type, entry.query, this.context.baseUrl, 'Conditional delete'), 'Conditional delete');
      if (match) this.claim(entry, type, match.id);
      outcome = match ? await deleteResource(this.context, type, match.id) : { status: 204, message: 'Nothing matched; nothing was deleted.' };
    } else {
      throw new FhirError('INVALID_REQUEST', 'A DELETE entry names Type/id or Type?criteria.');
    }
    this.results[entry.index] = writeEntry(outcome, this.preference, this.context.baseUrl);
  }

  async planCreate(entry: PlannedEntry): Promise<PlannedWrite> {
    const [type = ''] = entry.path;
    requireResourceType(type);
    const resource = requireResourceBody(entryRequest(entry, this.outer), type, 'create');
    if (entry.ifNoneExist !== undefined) {
      const text = entry.ifNoneExist.startsWith(`${type}?`) ? entry.ifNoneExist.slice(type.length + 1) : entry.ifNoneExist;
      const match = await findSingleMatch(this.context, conditionalCriteria(type, parseQueryString(text), this.context.baseUrl, 'If-None-Exist'), 'If-None-Exist');
      if (match) {
        this.claim(entry, type, match.id);
        return { entry, type, id: match.id, existing: { status: 200, resource: match, message: `${type}/${match.id} already matches ifNoneExist; nothing was created.` } };
      }
    }
    const id = newResourceId();
    this.claim(entry, type, id);
    return { entry, type, id, resource };
  }

  async planUpdate(entry: PlannedEntry): Promise<PlannedWrite> {
    const [type = '', urlId] = entry.path;
    requireResourceType(type);
    const resource = requireResourceBody(entryRequest(entry, this.outer), type, 'update');
    let id: string;
    if (entry.path.length === 2 && urlId !== undefined) {
      requireId(urlId);
      if (resource.id !== urlId) {
        const has = resource.id === undefined ? 'no id' : `id ${shown(resource.id)}`;
        throw new FhirError('INVALID_REQUEST', `The url names ${type}/${urlId} but the resource has ${has}; they must be the same.`);
      }
      id = urlId;
    } else if (entry.path.length === 1) {
      // conditional update (http://hl7.org/fhir/R4/http.html#cond-update), resolved before any write
      const match = await findSingleMatch(this.context, conditionalCriteria(type, entry.query, this.context.baseUrl, 'Conditional update'), 'Conditional update');
      if (match && resource.id !== undefined && resource.id !== match.id) {
        throw new FhirError('INVALID_REQUEST', `The criteria match ${type}/${match.id} but the resource has id ${shown(resource.id)}.`);
      }
      id = match?.id ?? resource.id ?? newResourceId();
    } else {
      throw new FhirError('INVALID_REQUEST', 'A PUT entry names Type/id or Type?criteria.');
    }
    this.claim(entry, type, id);
    return { entry, type, id, resource };
  }

  planPatch(entry: PlannedEntry): PlannedWrite {
    const [type = '', id] = entry.path;
    requireResourceType(type);
    if (entry.path.length !== 2 || id === undefined) throw new FhirError('INVALID_REQUEST', 'A PATCH entry names Type/id.');
    requireId(id);
    this.claim(entry, type, id);
    return { entry, type, id };
  }

  /** A copy of `value` with fullUrls and conditional references replaced. */
  private async resolve<T>(value: T): Promise<T> {
    await resolveConditionalReferences(value, (type, criteria) => this.conditionalSearch(type, criteria), this.replacements);
    return replaceReferences(value, this.replacements);
  }

  private async conditionalSearch(type: string, criteria: string): Promise<string[]> {
    requireResourceType(type);
    const search = conditionalCriteria(type, parseQueryString(criteria), this.context.baseUrl, 'A conditional reference');
    return (await this.context.repository.search(search)).matches.map((match) => match.id);
  }

  async write(plan: PlannedWrite): Promise<void> {
    const { entry } = plan;
    let outcome: WriteOutcome;
    if (plan.existing) {
      outcome = plan.existing;
    } else if (entry.method === 'PATCH') {
      const operations = await this.resolve(readPatchDocument(patchOperationsOf(entry)));
      outcome = await patchResource(this.context, plan.type, plan.id, operations, this.ifMatch(entry));
    } else {
      const resource = await this.resolve({ ...plan.resource, resourceType: plan.type, id: plan.id });
      outcome =
        entry.method === 'POST'
          ? await createResource(this.context, resource, { assignedId: plan.id })
          : await updateResource(this.context, resource, this.ifMatch(entry));
    }
    this.results[entry.index] = writeEntry(outcome, this.preference, this.context.baseUrl);
  }

  async read(entry: PlannedEntry): Promise<void> {
    const query = entry.query.map(([name, value]): [string, string] => [name, this.replacements.get(value) ?? value]);
    const response = await this.dispatch({ ...entryRequest(entry, this.outer), query }, this.context);
    this.results[entry.index] = responseEntry(response, this.context.baseUrl, entry.method);
  }
}

const isCreate = (entry: PlannedEntry): boolean => entry.method === 'POST' && entry.path.length === 1;

/** Runs a transaction whose entries have been read (see bundle-entries.ts). */
export async function processTransaction(
  request: FhirRequest,
  context: FhirContext,
  entries: readonly (PlannedEntry | FhirError)[],
  dispatch: EntryDispatcher,
): Promise<FhirResponse> {
  const planned = entries.map((entry, index) => {
    if (entry instanceof FhirError) throw atEntry(index, undefined, entry);
    return entry;
  });
  const preference = parsePrefer(request.headers.prefer).return;
  const results = await context.repository.transaction(async (tx) => {
    const run = new TransactionRun({ ...context, repository: tx }, request, preference, dispatch);
    for (const entry of planned.filter((e) => e.method === 'DELETE')) await step(entry, () => run.runDelete(entry));
    const writes: PlannedWrite[] = [];
    for (const entry of planned.filter(isCreate)) writes.push(await step(entry, () => run.planCreate(entry)));
    for (const entry of planned.filter((e) => e.method === 'PUT')) writes.push(await step(entry, () => run.planUpdate(entry)));
    for (const entry of planned.filter((e) => e.method === 'PATCH')) writes.push(await step(entry, async () => run.planPatch(entry)));
    // writes holds POSTs first, then PUTs and PATCHes: the order of trules
    for (const plan of writes) await step(plan.entry, () => run.write(plan));
    for (const entry of planned.filter((e) => e.method === 'GET' || e.method === 'HEAD' || (e.method === 'POST' && !isCreate(e)))) {
      await step(entry, () => run.read(entry));
    }
    return run.results;
  });
  return { status: 200, body: responseBundle('transaction-response', results) };
}
