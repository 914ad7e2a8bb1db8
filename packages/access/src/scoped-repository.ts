/**
 * The record as one caller may see it: a Repository that checks the caller's SMART scopes on
 * every method and every path into the data (reads, searches and what they reach through chains,
 * `_has` and includes, writes, history, transactions, import, export, counts) before it passes
 * the call on. Everything above the store gets its repository from here.
 *
 * A refusal is FhirError FORBIDDEN (403) naming the scope that is missing, thrown before anything
 * is written. Where FHIR says to return only what the client may see (includes, system history,
 * export without types, counts) it filters silently instead. Inputs are never changed: narrowed
 * requests are new objects. This module must not run SQL or know about tokens.
 */
import { FhirError, isFhirError, isPlainObject, isResourceType, resourceTypes, type Resource, type SearchRequest, type StoredResource } from '@kindred/fhir';
import type {
  CreateOptions,
  DeleteResult,
  ExportOptions,
  HistoryEntry,
  HistoryPage,
  HistoryRequest,
  ImportLineResult,
  PreparedImport,
  Repository,
  SearchPage,
  UpdateOptions,
  WriteResult,
} from '@kindred/store';
import type { AccessContext } from './access-context.ts';
import { scopeSetOf, type Interaction, type ScopeSet } from './scopes.ts';
import { narrowIncludes, typesReachedByFilters } from './search-reach.ts';

/**
 * System history is filtered page by page; a page that is mostly unreadable types is topped up
 * from the next one, at most this many times, so one request stays bounded. Paging stays exact:
 * every later page starts where the last one read stopped.
 */
const MAX_HISTORY_ROUNDS = 8;

function forbidden(scopes: ScopeSet, action: string, missing: readonly string[]): FhirError {
  const has = scopes.toString();
  const patientNote = scopes.hasPatientScopes ? ' (patient/ scopes grant only with a patient in context, from a SMART launch with launch/patient)' : '';
  return new FhirError(
    'FORBIDDEN',
    `${action} needs the scope${missing.length === 1 ? '' : 's'} ${missing.join(', ')}; this token has ${has === '' ? 'no scopes' : `"${has}"`}${patientNote}.`,
  );
}

function assertKnownType(resourceType: string): void {
  // The same answer the store gives: an unknown type is not a question of permission.
  if (!isResourceType(resourceType)) throw new FhirError('NOT_FOUND', `"${resourceType}" is not a FHIR R4 resource type.`);
}

function typeOf(resource: Resource): string {
  if (!isPlainObject(resource) || typeof resource.resourceType !== 'string') {
    throw new FhirError('INVALID_REQUEST', 'The body is not a FHIR resource: it has no resourceType, so Kindred cannot tell what it would write.');
  }
  assertKnownType(resource.resourceType);
  return resource.resourceType;
}

async function isLive(repository: Repository, resourceType: string, id: string): Promise<boolean> {
  try {
    await repository.read(resourceType, id);
    return true;
  } catch (error) {
    if (isFhirError(error) && (error.errorName === 'NOT_FOUND' || error.errorName === 'GONE')) return false;
    throw error;
  }
}

async function* onlyTypes(source: AsyncIterable<StoredResource>, allowed: (type: string) => boolean): AsyncGenerator<StoredResource> {
  for await (const resource of source) if (allowed(resource.resourceType)) yield resource;
}

/** `repository` as the holder of `access` may use it. */
export function scopedRepository(repository: Repository, access: AccessContext): Repository {
  // With a patient in context, patient/ scopes count; the policy layer keeps them inside that patient's compartment.
  const scopes = access.patient !== undefined && access.scopes.hasPatientScopes ? scopeSetOf(access.scopes.scopes, { patientInContext: true }) : access.scopes;
  const readable = (type: string): boolean => scopes.allows(type, 'r');

  const need = (resourceType: string, interaction: Interaction, action: string): void => {
    assertKnownType(resourceType);
    if (!scopes.allows(resourceType, interaction)) throw forbidden(scopes, action, [scopes.scopeNeededFor(resourceType, interaction)]);
  };

  /** A search's own type needs `own`; every type its chains and `_has` look into needs `s`. */
  const needSearch = (request: SearchRequest, own: Interaction, action: string): void => {
    need(request.resourceType, own, action);
    for (const type of typesReachedByFilters(request.filters)) {
      need(type, 's', `${action} with a chained or _has parameter that looks into ${type}`);
    }
  };

  async function systemHistory(request: HistoryRequest): Promise<HistoryPage> {
    const types = scopes.typesAllowing('r');
    if (types === '*') return repository.history(request);
    if (types.size === 0) return { entries: [] };
    const { cursor: first, ...rest } = request;
    const entries: HistoryEntry[] = [];
    let cursor = first;
    let nextCursor: string | undefined;
    for (let round = 0; round < MAX_HISTORY_ROUNDS; round++) {
      const page = await repository.history({ ...rest, count: request.count - entries.length, ...(cursor !== undefined ? { cursor } : {}) });
      entries.push(...page.entries.filter((e) => types.has(e.resourceType)));
      nextCursor = page.nextCursor;
      if (nextCursor === undefined || entries.length >= request.count) break;
      cursor = nextCursor;
    }
    // No total: the store's would count versions of types this token cannot see.
    return { entries, ...(nextCursor !== undefined ? { nextCursor } : {}) };
  }

  /**
   * Import creates or updates each resource with its own id, so every type in the batch needs both;
   * one missing scope refuses the whole call before anything is written.
   */
  const assertMayImport = (found: readonly string[]): void => {
    const types = new Set(found);
    const ordered = resourceTypes.filter((t) => types.has(t));
    const missing = ordered.flatMap((t) => (['c', 'u'] as const).filter((i) => !scopes.allows(t, i)).map((i) => scopes.scopeNeededFor(t, i)));
    if (missing.length > 0) throw forbidden(scopes, `Importing ${ordered.join(', ')} (nothing was imported; import creates and updates)`, missing);
  };

  const scoped: Repository = {
    async read(resourceType: string, id: string): Promise<StoredResource> {
      need(resourceType, 'r', `Reading ${resourceType}/${id}`);
      return repository.read(resourceType, id);
    },

    async vread(resourceType: string, id: string, versionId: string): Promise<StoredResource> {
      need(resourceType, 'r', `Reading version ${versionId} of ${resourceType}/${id}`);
      return repository.vread(resourceType, id, versionId);
    },

    async search(request: SearchRequest): Promise<SearchPage> {
      needSearch(request, 's', `Searching ${request.resourceType}`);
      const narrowed = narrowIncludes(request, scopes.typesAllowing('r'));
      const page = await repository.search(narrowed.changed ? { ...request, include: narrowed.include, revinclude: narrowed.revinclude } : request);
      // The rules already keep unreadable types out; filtering again costs little and holds if they ever do not.
      const included = page.included.filter((r) => readable(r.resourceType));
      return included.length === page.included.length ? page : { ...page, included };
    },

    async create(resource: Resource, options?: CreateOptions): Promise<WriteResult> {
      const type = typeOf(resource);
      need(type, 'c', `Creating a ${type}`);
      // If-None-Exist answers with the resource it finds (http://hl7.org/fhir/R4/http.html#ccreate), so the condition is a search that must be readable.
      if (options?.ifNoneExist) needSearch(options.ifNoneExist, 'r', `A conditional create (If-None-Exist) on ${options.ifNoneExist.resourceType}, which returns the match it finds,`);
      return repository.create(resource, options);
    },

    async update(resource: Resource, options?: UpdateOptions): Promise<WriteResult> {
      const type = typeOf(resource);
      const id = typeof resource.id === 'string' ? resource.id : undefined;
      // The store refuses this too; saying it here keeps the scope checks below about one known resource.
      if (id === undefined) throw new FhirError('INVALID_REQUEST', 'An update needs the resource id (in the URL and in the body).');
      const label = `${type}/${id}`;
      const mayUpdate = scopes.allows(type, 'u');
      const mayCreate = scopes.allows(type, 'c');
      if (mayUpdate && mayCreate) return repository.update(resource, options);
      if (!mayUpdate && !mayCreate) throw forbidden(scopes, `Updating ${label}`, [scopes.scopeNeededFor(type, 'u')]);
      const createAction = `Creating ${label} (an update of an id that does not exist creates it)`;
      // Create-on-update (http://hl7.org/fhir/R4/http.html#upsert): whether this update creates
      // decides the scope it needs, so look in the same transaction as the write.
      return repository.transaction(async (tx) => {
        const live = await isLive(tx, type, id);
        if (live && !mayUpdate) throw forbidden(scopes, `Updating ${label}`, [scopes.scopeNeededFor(type, 'u')]);
        if (!live && !mayCreate) throw forbidden(scopes, createAction, [scopes.scopeNeededFor(type, 'c')]);
        const result = await tx.update(resource, options);
        // Another writer may have created or deleted it in between; throwing here rolls the write back.
        if (result.created && !mayCreate) throw forbidden(scopes, createAction, [scopes.scopeNeededFor(type, 'c')]);
        if (!result.created && !mayUpdate) throw forbidden(scopes, `Updating ${label}`, [scopes.scopeNeededFor(type, 'u')]);
        return result;
      });
    },

    async delete(resourceType: string, id: string): Promise<DeleteResult> {
      need(resourceType, 'd', `Deleting ${resourceType}/${id}`);
      return repository.delete(resourceType, id);
    },

    async history(request: HistoryRequest): Promise<HistoryPage> {
      if (request.resourceType === undefined) return systemHistory(request);
      const of = request.id === undefined ? request.resourceType : `${request.resourceType}/${request.id}`;
      need(request.resourceType, 'r', `Reading the history of ${of}`);
      return repository.history(request);
    },

    transaction<T>(work: (tx: Repository) => Promise<T>): Promise<T> {
      // Everything inside runs under the same scopes; a refusal throws and so rolls back the whole transaction.
      return repository.transaction((tx) => work(scopedRepository(tx, access)));
    },

    async importResources(resources: readonly unknown[]): Promise<ImportLineResult[]> {
      // Values that are not resources of a known type are left for the store to reject line by line.
      assertMayImport(resources.flatMap((v) => (isPlainObject(v) && typeof v.resourceType === 'string' && isResourceType(v.resourceType) ? [v.resourceType] : [])));
      return repository.importResources(resources);
    },

    async importPrepared(items: readonly PreparedImport[]): Promise<ImportLineResult[]> {
      assertMayImport(items.flatMap((item) => (item.ok ? [item.version.resourceType] : [])));
      return repository.importPrepared(items);
    },

    exportResources(options: ExportOptions): AsyncIterable<StoredResource> {
      // Checked when called, before the first resource is read: a refused export writes no file.
      if (options.types !== undefined) {
        options.types.forEach(assertKnownType);
        const missing = options.types.filter((t) => !readable(t));
        if (missing.length > 0) throw forbidden(scopes, `Exporting ${missing.join(', ')}`, missing.map((t) => scopes.scopeNeededFor(t, 'r')));
        return onlyTypes(repository.exportResources(options), readable);
      }
      // No types asked for means every type the token may read (Bulk Data: without `_type`, the types within the client's authorisation).
      const allowed = scopes.typesAllowing('r');
      const types = allowed === '*' ? undefined : resourceTypes.filter((t) => allowed.has(t));
      return onlyTypes(repository.exportResources(types === undefined ? options : { ...options, types }), readable);
    },

    async countByType(): Promise<Record<string, number>> {
      const counts = await repository.countByType();
      return Object.fromEntries(Object.entries(counts).filter(([type]) => readable(type)));
    },
    appendAudit: (entries) => repository.appendAudit(entries),
  };
  return Object.freeze(scoped);
}
