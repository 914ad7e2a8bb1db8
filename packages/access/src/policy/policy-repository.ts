/**
 * The record as the access policy lets one principal see and change it: a Repository that puts
 * the policy's restriction on every search (matches, `_total`, includes, chains, `_has`,
 * compartments), checks reads, versions and history against it, judges every write before it
 * happens (policy-writes.ts) and narrows exports and counts. Below it is the store; above it, the
 * SMART scopes (scoped-repository.ts), which can only narrow further.
 *
 * A type the principal may never see is refused with ACCESS_DENIED (403); a resource of a type
 * they may see but not this one is NOT_FOUND (404), as for one that does not exist, so that its
 * existence is not revealed (http://hl7.org/fhir/R4/security.html#AccessDenied).
 *
 * It must not write SQL, know about tokens, or change the requests it is given.
 */
import { FhirError, isFhirError, resourceTypes, type Resource, type SearchFilter, type SearchRequest, type SearchRestriction, type StoredResource } from '@kindred/fhir';
import type { CreateOptions, DeleteResult, ExportOptions, HistoryEntry, HistoryPage, HistoryRequest, ImportLineResult, PreparedImport, Repository, SearchPage, UpdateOptions, WriteResult } from '@kindred/store';
import { aboutPatient, all, idIs, personLinks } from './filters.ts';
import type { AccessPolicy } from './policy-config.ts';
import type { Principal } from './principal.ts';
import { heldRoles, readRestriction, writeRule, type Restriction } from './rules.ts';
import { judgeWrite, patientsOf, refuseDenyingConsent, satisfies } from './policy-writes.ts';
import { minimalContact } from './project.ts';
import { fastPath, pinnedPatients } from './fast-path.ts';

const CHUNK = 500;
const EXPORT_PAGE = 500;

function whoIs(principal: Principal): string {
  switch (principal.kind) {
    case 'staff':
      return `Practitioner/${principal.practitioner}`;
    case 'patient':
      return `Patient/${principal.patient}`;
    case 'carer':
      return `RelatedPerson/${principal.relatedPerson}`;
    case 'nobody':
      return `This token (${principal.reason})`;
    case 'system':
      return principal.label;
  }
}

function search(resourceType: string, filters: SearchFilter[], count: number, restriction?: SearchRestriction, cursor?: string): SearchRequest {
  return {
    resourceType,
    filters,
    sort: [],
    count,
    total: 'none',
    include: [],
    revinclude: [],
    ignored: [],
    ...(restriction ? { restriction } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
  };
}

function typeOf(resource: Resource): string {
  return typeof resource.resourceType === 'string' ? resource.resourceType : '';
}

export interface PolicyRepositoryOptions {
  /** the clock, epoch ms (fixed for the life of this repository: one request) */
  now?: number;
  /**
   * A SMART launch's patient in context: types for which `applies` holds (those the token reaches
   * only through patient/ scopes) are kept to that patient's compartment, on top of the policy.
   */
  patientContext?: { patient: string; applies: (resourceType: string) => boolean };
}

/** `repository` as `principal` may use it under `policy`. */
export function policyRepository(repository: Repository, principal: Principal, policy: AccessPolicy, options: PolicyRepositoryOptions = {}): Repository {
  const context = options.patientContext;
  if (principal.kind === 'system' && context === undefined) return repository;
  const now = options.now ?? Date.now();
  const memo = new Map<string, Restriction>();
  /** The policy's restriction, kept to the patient in context where the token reaches the type only through patient/ scopes. */
  const decide = (type: string): Restriction => {
    const base = readRestriction(principal, type, policy, now);
    if (context === undefined || !context.applies(type) || base === 'none') return base;
    const links = personLinks(type, policy.patientLinks);
    if (links.length === 0 && type !== 'Patient') return policy.referenceTypes.has(type) ? base : 'none';
    const inContext = aboutPatient(type, links, idIs([context.patient]));
    return base === undefined ? inContext : all([base, inContext]);
  };
  const restrictionOf = (type: string): Restriction => {
    if (!memo.has(type)) memo.set(type, decide(type));
    return memo.get(type);
  };
  const restriction: SearchRestriction = restrictionOf;

  const deniedType = (type: string, action: string): FhirError =>
    new FhirError('ACCESS_DENIED', `${whoIs(principal)} may not ${action} ${type} resources under the access policy (version ${policy.version}).`);
  const notFound = (type: string, id: string): FhirError =>
    new FhirError('NOT_FOUND', `${type}/${id} is not known, or is not part of a record you may see.`);

  // Volunteers see only minimal contact details of the people their tasks are for.
  const staffRoles = principal.kind === 'staff' ? heldRoles(principal, policy) : [];
  const volunteerOnlyForPatients = staffRoles.some((h) => h.policy.volunteer) && !staffRoles.some((h) => !h.policy.volunteer && (h.policy.read === '*' || h.policy.read.includes('Patient')));
  const project = (resource: StoredResource): StoredResource =>
    volunteerOnlyForPatients && resource.resourceType === 'Patient' ? minimalContact(resource, policy.volunteerPatientElements) : resource;

  /** The ids among `ids` of `type` that the principal may see now. */
  async function visible(type: string, ids: readonly string[]): Promise<Set<string>> {
    const r = restrictionOf(type);
    if (r === undefined) return new Set(ids);
    if (r === 'none' || ids.length === 0) return new Set();
    const out = new Set<string>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const part = unique.slice(i, i + CHUNK);
      const page = await repository.search(search(type, [idIs(part), r], part.length));
      for (const m of page.matches) out.add(m.id);
    }
    return out;
  }

  // With a launch patient in context the exact filters decide alone.
  const fast = context === undefined ? fastPath(repository, principal, policy, now) : undefined;

  /** The current version when the principal may see it (undefined when unrestricted: read it as usual). */
  async function visibleVersion(type: string, id: string): Promise<StoredResource | undefined> {
    const r = restrictionOf(type);
    if (r === 'none') throw deniedType(type, 'read');
    if (r === undefined) return undefined;
    if (fast) {
      let current: StoredResource | undefined;
      try {
        current = await repository.read(type, id);
      } catch (error) {
        // gone or never there: the same answer as for a resource they may not see
        if (isFhirError(error) && (error.errorName === 'NOT_FOUND' || error.errorName === 'GONE')) throw notFound(type, id);
        throw error;
      }
      if (await fast.mayRead(current)) return current;
    }
    const page = await repository.search(search(type, [idIs([id]), r], 1));
    const found = page.matches[0];
    if (found === undefined) throw notFound(type, id);
    return found;
  }

  /**
   * Whether every Task this search can match is one the staff member may read whatever it is about:
   * its own filters keep the owner to them, their organisation, or a colleague's role there (the
   * policy's rule for Tasks, rules.ts staffRead), so the rest of the policy need not be checked row by row.
   */
  async function ownedTasksOnly(request: SearchRequest): Promise<boolean> {
    if (request.resourceType !== 'Task' || context !== undefined || staffRoles.length === 0) return false;
    const readers = staffRoles.filter((h) => !h.policy.volunteer && (h.policy.read === '*' || h.policy.read.includes('Task')));
    if (readers.length === 0) return false;
    const owners = request.filters.find((f): f is Extract<SearchFilter, { kind: 'reference' }> => f.kind === 'reference' && f.param.code === 'owner');
    if (owners === undefined || owners.values.length === 0 || owners.values.some((v) => v.type === undefined || v.id === undefined || v.url !== undefined)) return false;
    const mine = new Set(readers.flatMap((h) => h.refs));
    const organisations = new Set(readers.flatMap((h) => h.organisationRefs));
    const roleIds = owners.values.filter((v) => !mine.has(`${v.type}/${v.id}`)).map((v) => (v.type === 'PractitionerRole' ? v.id! : undefined));
    if (roleIds.some((id) => id === undefined)) return false;
    if (roleIds.length === 0) return true;
    const roles = await repository.search(search('PractitionerRole', [idIs(roleIds as string[])], roleIds.length));
    const atMine = roles.matches.filter((r) => organisations.has((r.organization as { reference?: string } | undefined)?.reference ?? ''));
    return new Set(atMine.map((r) => r.id)).size === new Set(roleIds).size;
  }

  /** The restriction for this search: the exact policy, or its equivalent for one person's record when the fast path knows it. */
  async function restrictionForSearch(request: SearchRequest): Promise<SearchRestriction> {
    if (await ownedTasksOnly(request)) return (type) => (type === 'Task' ? undefined : restrictionOf(type));
    const patients = fast ? pinnedPatients(request, policy) : undefined;
    if (!fast || patients === undefined) return restriction;
    const pinned = await fast.pinnedRestriction(request.resourceType, patients);
    if (pinned === 'unknown') return restriction;
    return (type) => (type === request.resourceType ? pinned : restrictionOf(type));
  }

  async function assertVisible(type: string, id: string): Promise<void> {
    await visibleVersion(type, id);
  }

  async function filterHistory(page: HistoryPage): Promise<HistoryPage> {
    const byType = new Map<string, string[]>();
    for (const e of page.entries) byType.set(e.resourceType, [...(byType.get(e.resourceType) ?? []), e.id]);
    const allowed = new Set<string>();
    for (const [type, ids] of byType) for (const id of await visible(type, ids)) allowed.add(`${type}/${id}`);
    const entries: HistoryEntry[] = page.entries
      .filter((e) => allowed.has(`${e.resourceType}/${e.id}`))
      .map((e) => (e.resource ? { ...e, resource: project(e.resource) } : e));
    // No total: the store's would count versions the principal cannot see.
    return { entries, ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}) };
  }

  async function liveIn(tx: Repository, type: string, id: string | undefined): Promise<boolean> {
    if (id === undefined) return false;
    const page = await tx.search(search(type, [idIs([id])], 1));
    return page.matches.length > 0;
  }

  async function judged(tx: Repository, type: string, id: string | undefined, resource: Resource | undefined, deleting: boolean): Promise<void> {
    const exists = await liveIn(tx, type, id);
    if (exists && id !== undefined) await assertVisibleIn(tx, type, id);
    if (context !== undefined && context.applies(type) && resource !== undefined) {
      const about = patientsOf(resource, policy);
      if (about.length === 0 || about.some((p) => p !== context.patient)) {
        throw new FhirError('ACCESS_DENIED', `This app may write ${type} only about the patient in context (Patient/${context.patient}).`);
      }
    }
    const reason = await judgeWrite(tx, writeRule(principal, type, policy, now), { type, ...(id !== undefined ? { id } : {}), ...(resource ? { resource } : {}), exists, deleting }, policy);
    if (reason !== undefined) throw new FhirError('ACCESS_DENIED', `${whoIs(principal)} may not write ${type}${id !== undefined ? `/${id}` : ''}: ${reason}.`);
  }

  async function assertVisibleIn(tx: Repository, type: string, id: string): Promise<void> {
    const r = restrictionOf(type);
    // A resource they cannot see is answered as not found, for writes too.
    if (r === 'none') throw deniedType(type, 'change');
    if (r !== undefined && !(await satisfies(tx, type, id, r))) throw notFound(type, id);
  }

  const wrapped: Repository = {
    async read(resourceType, id) {
      // the search that checks the policy already holds the current version
      return project((await visibleVersion(resourceType, id)) ?? (await repository.read(resourceType, id)));
    },

    async vread(resourceType, id, versionId) {
      await assertVisible(resourceType, id);
      return project(await repository.vread(resourceType, id, versionId));
    },

    async search(request: SearchRequest): Promise<SearchPage> {
      if (restrictionOf(request.resourceType) === 'none') throw deniedType(request.resourceType, 'search');
      const page = await repository.search({ ...request, restriction: await restrictionForSearch(request) });
      return { ...page, matches: page.matches.map(project), included: page.included.map(project) };
    },

    async create(resource: Resource, options?: CreateOptions): Promise<WriteResult> {
      refuseDenyingConsent(resource);
      return repository.transaction(async (tx) => {
        await judged(tx, typeOf(resource), undefined, resource, false);
        const conditional = options?.ifNoneExist ? { ifNoneExist: { ...options.ifNoneExist, restriction } } : undefined;
        return tx.create(resource, conditional);
      });
    },

    async update(resource: Resource, options?: UpdateOptions): Promise<WriteResult> {
      refuseDenyingConsent(resource);
      return repository.transaction(async (tx) => {
        await judged(tx, typeOf(resource), typeof resource.id === 'string' ? resource.id : undefined, resource, false);
        return tx.update(resource, options);
      });
    },

    async delete(resourceType, id): Promise<DeleteResult> {
      return repository.transaction(async (tx) => {
        if (!(await liveIn(tx, resourceType, id))) {
          // Nothing live to delete; say so only about what they could see.
          if (restrictionOf(resourceType) === 'none') throw deniedType(resourceType, 'delete');
          return tx.delete(resourceType, id);
        }
        await judged(tx, resourceType, id, undefined, true);
        return tx.delete(resourceType, id);
      });
    },

    async history(request: HistoryRequest): Promise<HistoryPage> {
      if (request.resourceType !== undefined && request.id !== undefined) {
        await assertVisible(request.resourceType, request.id);
        const page = await repository.history(request);
        return { ...page, entries: page.entries.map((e) => (e.resource ? { ...e, resource: project(e.resource) } : e)) };
      }
      if (request.resourceType !== undefined && restrictionOf(request.resourceType) === 'none') throw deniedType(request.resourceType, 'read the history of');
      return filterHistory(await repository.history(request));
    },

    transaction<T>(work: (tx: Repository) => Promise<T>): Promise<T> {
      return repository.transaction((tx) => work(policyRepository(tx, principal, policy, { ...options, now })));
    },

    async importResources(_resources: readonly unknown[]): Promise<ImportLineResult[]> {
      throw new FhirError('ACCESS_DENIED', `${whoIs(principal)} may not import: bulk import is for system clients and the administrator.`);
    },

    async importPrepared(_items: readonly PreparedImport[]): Promise<ImportLineResult[]> {
      throw new FhirError('ACCESS_DENIED', `${whoIs(principal)} may not import: bulk import is for system clients and the administrator.`);
    },

    exportResources(options: ExportOptions): AsyncIterable<StoredResource> {
      const types = options.types ?? resourceTypes.filter((t) => restrictionOf(t) !== 'none');
      const denied = types.filter((t) => restrictionOf(t) === 'none');
      if (denied.length > 0) throw deniedType(denied.join(', '), 'export');
      return exportVisible(repository, types, options, restriction, project);
    },

    // The audit trail records what everyone does; appending to it is not reading the record.
    appendAudit: (entries) => repository.appendAudit(entries),

    async countByType(): Promise<Record<string, number>> {
      const counts = await repository.countByType();
      const out: Record<string, number> = {};
      for (const type of Object.keys(counts)) {
        const r = restrictionOf(type);
        if (r === 'none') continue;
        if (r === undefined) {
          out[type] = counts[type]!;
          continue;
        }
        const page = await repository.search({ ...search(type, [], 0, restriction), total: 'accurate' });
        if ((page.total ?? 0) > 0) out[type] = page.total!;
      }
      return out;
    },
  };
  return Object.freeze(wrapped);
}

/** Export as searches under the restriction, type by type, page by page. */
async function* exportVisible(
  repository: Repository,
  types: readonly string[],
  options: ExportOptions,
  restriction: SearchRestriction,
  project: (r: StoredResource) => StoredResource,
): AsyncGenerator<StoredResource> {
  for (const type of types) {
    const filters: SearchFilter[] = [];
    if (options.since !== undefined) filters.push({ kind: 'last-updated', values: [{ prefix: 'gt', low: options.since, high: options.since }] });
    if (options.patientIds !== undefined) {
      const links = personLinks(type, {});
      if (links.length === 0 && type !== 'Patient') continue;
      filters.push(aboutPatient(type, links, idIs(options.patientIds)));
    }
    let cursor: string | undefined;
    do {
      const page = await repository.search(search(type, filters.length > 0 ? [all(filters)] : [], EXPORT_PAGE, restriction, cursor));
      for (const resource of page.matches) yield project(resource);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }
}
