/**
 * The Repository over a SqlDriver: one implementation for SQLite and PostgreSQL. Reads, versioned
 * writes with validation, conditional create, If-Match, search and transactions. History, import
 * and export live in their own modules and are wired in here.
 */
import { randomUUID } from 'node:crypto';
import { FhirError, assertValidResource, isResourceType, type Resource, type SearchFilter, type SearchRequest, type StoredResource } from '@kindred/fhir';
import type {
  CreateOptions,
  DeleteResult,
  ExportOptions,
  HistoryPage,
  HistoryRequest,
  ImportLineResult,
  Repository,
  SearchPage,
  UpdateOptions,
  WriteResult,
} from './repository.ts';
import type { SqlDriver } from './sql/driver.ts';
import type { SearchParamIds } from './search-param-ids.ts';
import { prepareVersion } from './write/prepare-version.ts';
import { currentRows, writeVersions } from './write/write-versions.ts';
import { compileCountQuery, compileFilters, compilePageQuery, decodeCursor, encodeCursor } from './search/compile-search.ts';
import { chooseLead } from './search/choose-lead.ts';
import { loadIncludes, type Located } from './search/includes.ts';
import { readHistory } from './history.ts';
import { importPrepared } from './write/import-resources.ts';
import { prepareImport, type PreparedImport } from './write/prepare-import.ts';
import { exportResources } from './export-resources.ts';
import { appendAuditEntries, type AuditEventInput } from './audit/audit-chain.ts';

/**
 * The lock name for a conditional create: the resource type and the condition's filters in a
 * stable order, so the same condition written in another parameter order takes the same lock.
 */
function conditionKey(condition: SearchRequest): string {
  const filters = condition.filters.map((f) => JSON.stringify(f)).sort();
  return `if-none-exist:${condition.resourceType}?${filters.join('&')}`;
}

function assertKnownType(resourceType: string): void {
  if (!isResourceType(resourceType)) throw new FhirError('NOT_FOUND', `"${resourceType}" is not a FHIR R4 resource type.`);
}

export class SqlRepository implements Repository {
  constructor(
    private readonly driver: SqlDriver,
    private readonly pids: SearchParamIds,
  ) {}

  transaction<T>(work: (tx: Repository) => Promise<T>): Promise<T> {
    return this.inTransaction((repo) => work(repo));
  }

  /** Runs `work` in a transaction with the repository and driver bound to it (joining an open one). */
  private inTransaction<T>(work: (repo: SqlRepository, driver: SqlDriver) => Promise<T>): Promise<T> {
    return this.driver.transaction((tx) => work(tx === this.driver ? this : new SqlRepository(tx, this.pids), tx));
  }

  async read(resourceType: string, id: string): Promise<StoredResource> {
    assertKnownType(resourceType);
    const rows = await this.driver.query<{ deleted: number; content: string | null }>(
      'SELECT r.deleted, v.content FROM resource r JOIN resource_version v ON v.rid = r.rid AND v.version = r.version WHERE r.type = ? AND r.id = ?',
      [resourceType, id],
    );
    const row = rows[0];
    if (!row) throw new FhirError('NOT_FOUND', `${resourceType}/${id} is not known.`);
    if (Number(row.deleted) === 1 || row.content === null) throw new FhirError('GONE', `${resourceType}/${id} has been deleted.`);
    return JSON.parse(row.content) as StoredResource;
  }

  async vread(resourceType: string, id: string, versionId: string): Promise<StoredResource> {
    assertKnownType(resourceType);
    const version = Number(versionId);
    if (!Number.isSafeInteger(version) || version < 1) throw new FhirError('NOT_FOUND', `${resourceType}/${id} has no version "${versionId}".`);
    const rows = await this.driver.query<{ method: string; content: string | null }>(
      'SELECT v.method, v.content FROM resource r JOIN resource_version v ON v.rid = r.rid WHERE r.type = ? AND r.id = ? AND v.version = ?',
      [resourceType, id, version],
    );
    const row = rows[0];
    if (!row) throw new FhirError('NOT_FOUND', `${resourceType}/${id} has no version ${versionId}.`);
    if (row.content === null) throw new FhirError('GONE', `Version ${versionId} of ${resourceType}/${id} is its deletion.`);
    return JSON.parse(row.content) as StoredResource;
  }

  async create(resource: Resource, options: CreateOptions = {}): Promise<WriteResult> {
    const valid = assertValidResource(resource);
    return this.inTransaction(async (tx, driver) => {
      if (options.ifNoneExist) {
        // Two creates with one condition must make one resource (http://hl7.org/fhir/R4/http.html#ccreate):
        // writers with the same condition take turns from before the search to the commit.
        await driver.lockUntilCommit(conditionKey(options.ifNoneExist));
        const existing = await tx.search({ ...options.ifNoneExist, count: 2, total: 'none', include: [], revinclude: [], sort: [] });
        if (existing.matches.length > 1) {
          throw new FhirError('PRECONDITION_FAILED', 'If-None-Exist matched more than one resource; make the condition more specific.');
        }
        const match = existing.matches[0];
        if (match) return { resource: match, created: false, changed: false };
      }
      // The server assigns the id of a created resource and ignores one in the body (http://hl7.org/fhir/R4/http.html#create).
      const version = prepareVersion(valid, randomUUID(), this.pids);
      const [written] = await writeVersions(driver, [{ kind: 'put', version, method: 'create' }]);
      return { resource: JSON.parse(written!.json!) as StoredResource, created: true, changed: true };
    });
  }

  async update(resource: Resource, options: UpdateOptions = {}): Promise<WriteResult> {
    const valid = assertValidResource(resource);
    const id = valid.id;
    if (id === undefined) throw new FhirError('INVALID_REQUEST', 'An update needs the resource id (in the URL and in the body).');
    return this.inTransaction(async (tx, driver) => {
      const current = (await currentRows(driver, [{ resourceType: valid.resourceType, id }])).get(`${valid.resourceType}/${id}`);
      const live = current !== undefined && !current.deleted;
      if (options.ifMatchVersion !== undefined && (!live || String(current.version) !== options.ifMatchVersion)) {
        const now = live ? `version ${current.version}` : 'no current version';
        throw new FhirError('PRECONDITION_FAILED', `If-Match asked for version ${options.ifMatchVersion} of ${valid.resourceType}/${id}, but it has ${now}; read it again and retry.`);
      }
      const version = prepareVersion(valid, id, this.pids);
      if (live && current.hash === version.hash) {
        // Nothing changed: keep the current version instead of writing an identical one.
        return { resource: await tx.read(valid.resourceType, id), created: false, changed: false };
      }
      const [written] = await writeVersions(driver, [{ kind: 'put', version, current, method: live ? 'update' : 'create' }]);
      return { resource: JSON.parse(written!.json!) as StoredResource, created: !live, changed: true };
    });
  }

  async delete(resourceType: string, id: string): Promise<DeleteResult> {
    assertKnownType(resourceType);
    return this.inTransaction(async (_tx, driver) => {
      const current = (await currentRows(driver, [{ resourceType, id }])).get(`${resourceType}/${id}`);
      if (!current || current.deleted) return { deleted: false };
      const [written] = await writeVersions(driver, [{ kind: 'delete', resourceType, id, current }]);
      return { deleted: true, versionId: String(written!.versionId) };
    });
  }

  async search(request: SearchRequest): Promise<SearchPage> {
    assertKnownType(request.resourceType);
    const ctx = { pids: this.pids, now: Date.now(), ...(request.restriction ? { restriction: request.restriction } : {}) };
    const compiled = compileFilters(request, ctx);
    // The access policy's searches repeat the same large statement with other values: keep its plan.
    // A search the policy leaves unrestricted (its own filters already keep it to what the caller
    // may read) is an ordinary statement: planned for its values, as the policy-free searches are.
    const planOnce = { planOnce: carriesRestriction(request) };
    const lead = await chooseLead(this.driver, request, compiled);
    // _total: counted when asked for (accurate or estimate), or for _summary=count; otherwise
    // only when it is free, i.e. the whole result is on the first page (search.html#total).
    let total: number | undefined;
    if (request.total !== 'none' || request.summary === 'count') {
      const count = compileCountQuery(request, compiled, lead);
      const rows = await this.driver.query<{ n: number }>(count.text, count.params, planOnce);
      total = Number(rows[0]?.n ?? 0);
    }
    if (request.count === 0 || request.summary === 'count') return { matches: [], included: [], ...(total !== undefined ? { total } : {}) };

    const cursor = request.cursor !== undefined ? decodeCursor(request.cursor, request.sort.length) : undefined;
    const page = compilePageQuery(request, ctx, compiled, lead, cursor, request.count + 1);
    const rows = await this.driver.query<Record<string, unknown>>(page.query.text, page.query.params, planOnce);
    const hasMore = rows.length > request.count;
    const shown = hasMore ? rows.slice(0, request.count) : rows;
    if (total === undefined && !hasMore && cursor === undefined) total = shown.length;
    const located: Located[] = shown.map((row) => ({ rid: Number(row.rid), resource: JSON.parse(String(row.content)) as StoredResource }));
    const last = shown[shown.length - 1];
    const nextCursor =
      hasMore && last
        ? encodeCursor({ rid: Number(last.rid), keys: Array.from({ length: page.keyCount }, (_, i) => (last[`k${i}`] ?? null) as string | number | null) })
        : undefined;
    const included = await loadIncludes(this.driver, ctx, located, request.include, request.revinclude);
    return {
      matches: located.map((l) => l.resource),
      included: included.map((l) => l.resource),
      ...(total !== undefined ? { total } : {}),
      ...(nextCursor !== undefined ? { nextCursor } : {}),
    };
  }

  async history(request: HistoryRequest): Promise<HistoryPage> {
    if (request.resourceType !== undefined) assertKnownType(request.resourceType);
    return readHistory(this.driver, request);
  }

  async importResources(resources: readonly unknown[]): Promise<ImportLineResult[]> {
    return importPrepared(this.driver, resources.map((r) => prepareImport(r, this.pids)));
  }

  async importPrepared(items: readonly PreparedImport[]): Promise<ImportLineResult[]> {
    return importPrepared(this.driver, items);
  }

  exportResources(options: ExportOptions): AsyncIterable<StoredResource> {
    for (const type of options.types ?? []) assertKnownType(type);
    return exportResources(this.driver, this.pids, options);
  }

  async countByType(): Promise<Record<string, number>> {
    const rows = await this.driver.query<{ type: string; n: number }>('SELECT type, COUNT(*) AS n FROM resource WHERE deleted = 0 GROUP BY type ORDER BY type');
    return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
  }

  async appendAudit(entries: readonly AuditEventInput[]): Promise<void> {
    if (entries.length === 0) return;
    await this.inTransaction((_tx, driver) => appendAuditEntries(driver, entries));
  }
}

/** Whether the policy's restriction adds to this search's statement: on its own type, or on the types its chains and `_has` reach. */
function carriesRestriction(request: SearchRequest): boolean {
  const restriction = request.restriction;
  if (restriction === undefined) return false;
  if (restriction(request.resourceType) !== undefined) return true;
  const hops = (filters: readonly SearchFilter[]): boolean =>
    filters.some((f) => f.kind === 'chain' || f.kind === 'has' || ((f.kind === 'all' || f.kind === 'any') && hops(f.filters)));
  return hops(request.filters);
}
