/**
 * The record with an audit trail: a Repository that records an AuditEvent for every read, vread,
 * search (the resources it returned and the query), history, write, import and export, and for
 * every refusal by the layer beneath (FhirError FORBIDDEN or NOT_FOUND: outcome 4, then rethrown).
 *
 * Writes and their events commit in one database transaction (`tx.appendAudit`), so neither is
 * ever kept without the other. Reads answer only once their event is committed, through the
 * group-commit writer. Inside `transaction(…)` every event joins the transaction instead; when it
 * rolls back, the events of what was read or refused before the failure are still recorded (the
 * writes' events are dropped with the writes). This module must not decide what a caller may see:
 * it wraps the access-checked repository and records what that one did.
 */
import { isFhirError, type Resource, type SearchFilter, type SearchRequest, type StoredResource } from '@kindred/fhir';
import {
  canonicalJson,
  type AuditEventInput,
  type CreateOptions,
  type DeleteResult,
  type ExportOptions,
  type HistoryPage,
  type HistoryRequest,
  type ImportLineResult,
  type PreparedImport,
  type Repository,
  type SearchPage,
  type UpdateOptions,
  type WriteResult,
} from '@kindred/store';
import type { AccessContext } from '../access-context.ts';
import {
  AuditAction,
  AuditEventType,
  AuditOutcome,
  DEFAULT_AUDIT_SOURCE,
  RestInteraction,
  auditEvent,
  restSubtype,
  type AuditActor,
  type AuditEventDetails,
  type AuditQuery,
  type AuditSource,
} from './audit-event.ts';
import type { AuditWriter } from './audit-writer.ts';
import { patientIdsOf, patientIdsOfAll } from './patients-of.ts';
import { ConsentChange, consentChangeEvent } from './security-events.ts';

export interface AuditedRepositoryOptions {
  /** this installation, as AuditEvent.source names it */
  source?: AuditSource;
  /** the caller broke the glass for this request */
  breakGlass?: { reason?: string };
  /** the person the caller acts for ("Patient/…"); see AuditActor.onBehalfOf */
  onBehalfOf?: string;
  /** the clock, for tests */
  now?: () => Date;
}

/** Where a repository's events go: the writer outside a transaction, the open transaction inside one. */
interface AuditSink {
  readonly inTransaction: boolean;
  /** events of reads and refusals */
  record(entries: readonly AuditEventInput[]): Promise<void>;
  /** runs a write and records its events in the same transaction */
  write<T>(repository: Repository, work: (repo: Repository) => Promise<T>, events: (result: T) => AuditEventInput[]): Promise<T>;
}

/** The refusals the audit trail records: the layer beneath said no, or that it would not say. */
function isDenial(error: unknown): boolean {
  return isFhirError(error) && (error.errorName === 'FORBIDDEN' || error.errorName === 'NOT_FOUND');
}

function versionReference(resource: StoredResource): string {
  return `${resource.resourceType}/${resource.id}/_history/${resource.meta.versionId}`;
}

function filterLabel(filter: SearchFilter): string {
  if (filter.kind === 'id') return '_id';
  if (filter.kind === 'last-updated') return '_lastUpdated';
  if (filter.kind === 'compartment') return `Patient/${filter.id} compartment`;
  if (filter.kind === 'has') return `_has:${filter.sourceType}`;
  if (filter.kind === 'all' || filter.kind === 'any') return filter.filters.map(filterLabel).join(filter.kind === 'all' ? ' and ' : ' or ');
  return filter.param.code;
}

/** Patients a search names in its parameters, so that looking for someone is on their log even when nothing is found. */
function patientsNamedBy(filters: readonly SearchFilter[]): string[] {
  return filters.flatMap((filter): string[] => {
    if (filter.kind === 'compartment') return [filter.id];
    if (filter.kind === 'reference') return filter.values.flatMap((v) => (v.type === 'Patient' && v.id !== undefined ? [v.id] : []));
    if (filter.kind === 'all' || filter.kind === 'any') return patientsNamedBy(filter.filters);
    return [];
  });
}

function searchQuery(request: SearchRequest): AuditQuery {
  const { resourceType, filters, sort, include, revinclude, count, cursor } = request;
  const labels = filters.map(filterLabel);
  return {
    description: `search of ${resourceType}${labels.length > 0 ? ` by ${labels.join(', ')}` : ''}`,
    text: canonicalJson({ resourceType, filters, sort, include, revinclude, count, ...(cursor !== undefined ? { cursor } : {}) }),
  };
}

function historyInteraction(request: HistoryRequest): RestInteraction {
  if (request.resourceType === undefined) return RestInteraction.historySystem;
  return request.id === undefined ? RestInteraction.historyType : RestInteraction.historyInstance;
}

/** `repository` with every use by the holder of `access` recorded in the audit trail through `writer`. */
export function auditedRepository(repository: Repository, access: AccessContext, writer: AuditWriter, options: AuditedRepositoryOptions = {}): Repository {
  const actor: AuditActor = {
    access,
    ...(options.breakGlass !== undefined ? { breakGlass: options.breakGlass } : {}),
    ...(options.onBehalfOf !== undefined ? { onBehalfOf: options.onBehalfOf } : {}),
  };
  const source = options.source ?? DEFAULT_AUDIT_SOURCE;
  const now = options.now ?? (() => new Date());
  const event = (details: AuditEventDetails): AuditEventInput => auditEvent(actor, source, details, now());
  const rest = (interaction: RestInteraction, action: AuditAction, details: Omit<AuditEventDetails, 'type' | 'subtype' | 'action' | 'outcome'>): AuditEventInput =>
    event({ type: AuditEventType.rest, subtype: [restSubtype(interaction)], action, outcome: AuditOutcome.success, ...details });

  /** A Consent granted, changed or withdrawn is also its own event, for the person's consent ledger. */
  const consentEvents = (result: WriteResult): AuditEventInput[] => {
    const written = result.resource;
    if (written.resourceType !== 'Consent' || !result.changed) return [];
    const change = written.status !== 'active' ? ConsentChange.withdrawn : result.created ? ConsentChange.granted : ConsentChange.changed;
    return patientIdsOf(written).map((patientId) => consentChangeEvent(access, { patientId, consent: versionReference(written), change }, source, now()));
  };

  const outside: AuditSink = {
    inTransaction: false,
    record: (entries) => writer.record(entries),
    write: (repo, work, events) =>
      repo.transaction(async (tx) => {
        const result = await work(tx);
        await tx.appendAudit(events(result));
        return result;
      }),
  };

  function build(repo: Repository, sink: AuditSink): Repository {
    /** Records a refusal (and rethrows whatever was thrown). */
    async function refused(error: unknown, details: AuditEventDetails): Promise<never> {
      if (isDenial(error) && isFhirError(error)) {
        await sink.record([event({ ...details, outcome: AuditOutcome.minorFailure, outcomeDesc: `${error.errorName}: ${error.message}` })]);
      }
      throw error;
    }
    const denial = (type: AuditEventDetails['type'], interaction: RestInteraction | undefined, action: AuditAction, extra: Partial<AuditEventDetails> = {}): AuditEventDetails => ({
      type,
      ...(interaction !== undefined ? { subtype: [restSubtype(interaction)] } : {}),
      action,
      outcome: AuditOutcome.minorFailure,
      ...extra,
    });
    const patientOf = (resourceType: string, id: string): string[] => (resourceType === 'Patient' ? [id] : []);

    /** The patients a resource about to be deleted concerns, read in the delete's transaction; none when it cannot be read. */
    async function patientsBeforeDelete(tx: Repository, resourceType: string, id: string): Promise<string[]> {
      try {
        return patientIdsOf(await tx.read(resourceType, id));
      } catch {
        return patientOf(resourceType, id);
      }
    }

    const audited: Repository = {
      async read(resourceType: string, id: string): Promise<StoredResource> {
        let resource: StoredResource;
        try {
          resource = await repo.read(resourceType, id);
        } catch (error) {
          return refused(error, denial(AuditEventType.rest, RestInteraction.read, AuditAction.read, { resources: [`${resourceType}/${id}`], patientIds: patientOf(resourceType, id) }));
        }
        await sink.record([rest(RestInteraction.read, AuditAction.read, { resources: [versionReference(resource)], patientIds: patientIdsOf(resource) })]);
        return resource;
      },

      async vread(resourceType: string, id: string, versionId: string): Promise<StoredResource> {
        let resource: StoredResource;
        try {
          resource = await repo.vread(resourceType, id, versionId);
        } catch (error) {
          return refused(
            error,
            denial(AuditEventType.rest, RestInteraction.vread, AuditAction.read, { resources: [`${resourceType}/${id}/_history/${versionId}`], patientIds: patientOf(resourceType, id) }),
          );
        }
        await sink.record([rest(RestInteraction.vread, AuditAction.read, { resources: [versionReference(resource)], patientIds: patientIdsOf(resource) })]);
        return resource;
      },

      async search(request: SearchRequest): Promise<SearchPage> {
        const query = searchQuery(request);
        const named = patientsNamedBy(request.filters);
        let page: SearchPage;
        try {
          page = await repo.search(request);
        } catch (error) {
          return refused(error, denial(AuditEventType.rest, RestInteraction.searchType, AuditAction.execute, { query, patientIds: named }));
        }
        const returned = [...page.matches, ...page.included];
        await sink.record([
          rest(RestInteraction.searchType, AuditAction.execute, {
            resources: returned.map(versionReference),
            patientIds: [...new Set([...named, ...patientIdsOfAll(returned)])],
            query,
          }),
        ]);
        return page;
      },

      async history(request: HistoryRequest): Promise<HistoryPage> {
        const interaction = historyInteraction(request);
        const subject = request.resourceType === undefined ? undefined : request.id === undefined ? request.resourceType : `${request.resourceType}/${request.id}`;
        const named = request.resourceType !== undefined && request.id !== undefined ? patientOf(request.resourceType, request.id) : [];
        let page: HistoryPage;
        try {
          page = await repo.history(request);
        } catch (error) {
          return refused(error, denial(AuditEventType.rest, interaction, AuditAction.read, { ...(subject !== undefined ? { resources: [subject] } : {}), patientIds: named }));
        }
        const shown = page.entries.flatMap((entry) => (entry.resource ? [entry.resource] : []));
        await sink.record([
          rest(interaction, AuditAction.read, {
            resources: page.entries.map((e) => `${e.resourceType}/${e.id}/_history/${e.versionId}`),
            patientIds: [...new Set([...named, ...patientIdsOfAll(shown)])],
          }),
        ]);
        return page;
      },

      async create(resource: Resource, createOptions?: CreateOptions): Promise<WriteResult> {
        try {
          return await sink.write(
            repo,
            (tx) => tx.create(resource, createOptions),
            (result) => [
              rest(RestInteraction.create, result.created ? AuditAction.create : AuditAction.read, { resources: [versionReference(result.resource)], patientIds: patientIdsOf(result.resource) }),
              ...consentEvents(result),
            ],
          );
        } catch (error) {
          return refused(error, denial(AuditEventType.rest, RestInteraction.create, AuditAction.create, { description: `create of a ${String(resource.resourceType)}` }));
        }
      },

      async update(resource: Resource, updateOptions?: UpdateOptions): Promise<WriteResult> {
        try {
          return await sink.write(
            repo,
            (tx) => tx.update(resource, updateOptions),
            (result) => [
              rest(RestInteraction.update, result.created ? AuditAction.create : AuditAction.update, { resources: [versionReference(result.resource)], patientIds: patientIdsOf(result.resource) }),
              ...consentEvents(result),
            ],
          );
        } catch (error) {
          const label = `${String(resource.resourceType)}/${String(resource.id)}`;
          return refused(error, denial(AuditEventType.rest, RestInteraction.update, AuditAction.update, { resources: [label], patientIds: patientIdsOf(resource) }));
        }
      },

      async delete(resourceType: string, id: string): Promise<DeleteResult> {
        try {
          return await sink.write(
            repo,
            async (tx) => ({ patients: await patientsBeforeDelete(tx, resourceType, id), result: await tx.delete(resourceType, id) }),
            ({ patients, result }) => [
              rest(RestInteraction.delete, AuditAction.delete, {
                resources: [result.versionId !== undefined ? `${resourceType}/${id}/_history/${result.versionId}` : `${resourceType}/${id}`],
                patientIds: patients,
              }),
            ],
          ).then(({ result }) => result);
        } catch (error) {
          return refused(error, denial(AuditEventType.rest, RestInteraction.delete, AuditAction.delete, { resources: [`${resourceType}/${id}`], patientIds: patientOf(resourceType, id) }));
        }
      },

      transaction<T>(work: (tx: Repository) => Promise<T>): Promise<T> {
        if (sink.inTransaction) return repo.transaction((tx) => work(build(tx, sink)));
        return inOneTransaction(repo, work);
      },

      async importResources(resources: readonly unknown[]): Promise<ImportLineResult[]> {
        const byKey = new Map<string, Resource>();
        for (const value of resources) {
          const r = value as Resource | null;
          if (r && typeof r.resourceType === 'string' && typeof r.id === 'string') byKey.set(`${r.resourceType}/${r.id}`, r);
        }
        return imported(
          (tx) => tx.importResources(resources),
          (key) => {
            const found = byKey.get(key);
            return found ? patientIdsOf(found) : [];
          },
        );
      },

      async importPrepared(items: readonly PreparedImport[]): Promise<ImportLineResult[]> {
        // Prepared resources carry index rows, not their JSON: only a Patient's own id is known here.
        return imported(
          (tx) => tx.importPrepared(items),
          (key) => (key.startsWith('Patient/') ? [key.slice('Patient/'.length)] : []),
        );
      },

      exportResources(exportOptions: ExportOptions): AsyncIterable<StoredResource> {
        const details: AuditEventDetails = {
          type: AuditEventType.export,
          action: AuditAction.read,
          outcome: AuditOutcome.success,
          patientIds: exportOptions.patientIds ?? [],
          query: {
            description: `export${exportOptions.types ? ` of ${exportOptions.types.join(', ')}` : ''}`,
            text: canonicalJson(exportOptions),
          },
        };
        let exported: AsyncIterable<StoredResource>;
        try {
          exported = repo.exportResources(exportOptions);
        } catch (error) {
          // refused when called, before anything is read: recorded without waiting, since the refusal must be thrown now
          if (isDenial(error) && isFhirError(error)) {
            sink.record([event({ ...details, outcome: AuditOutcome.minorFailure, outcomeDesc: `${error.errorName}: ${error.message}` })]).catch(() => undefined);
          }
          throw error;
        }
        const entry = event(details);
        return (async function* auditedExport(): AsyncGenerator<StoredResource> {
          // recorded before the first resource leaves
          await sink.record([entry]);
          yield* exported;
        })();
      },

      countByType: () => repo.countByType(),

      appendAudit: (entries) => repo.appendAudit(entries),
    };

    async function imported(work: (tx: Repository) => Promise<ImportLineResult[]>, patientsOf: (key: string) => string[]): Promise<ImportLineResult[]> {
      try {
        return await sink.write(repo, work, (results) => {
          const written = results.filter((r) => (r.outcome === 'created' || r.outcome === 'updated') && r.resourceType !== undefined && r.id !== undefined);
          if (written.length === 0) return [];
          const keys = written.map((r) => `${r.resourceType}/${r.id}`);
          return [
            event({
              type: AuditEventType.import,
              action: written.some((r) => r.outcome === 'created') ? AuditAction.create : AuditAction.update,
              outcome: AuditOutcome.success,
              resources: keys,
              patientIds: [...new Set(keys.flatMap(patientsOf))],
            }),
          ];
        });
      } catch (error) {
        return refused(error, { type: AuditEventType.import, action: AuditAction.create, outcome: AuditOutcome.minorFailure });
      }
    }

    return Object.freeze(audited);
  }

  /**
   * The outermost transaction: every event of the work is appended in it, just before it commits.
   * On failure the writes' events go with the writes, and the events of reads and refusals made
   * before the failure are recorded on their own.
   */
  async function inOneTransaction<T>(repo: Repository, work: (tx: Repository) => Promise<T>): Promise<T> {
    const seen: { entry: AuditEventInput; write: boolean }[] = [];
    const inside: AuditSink = {
      inTransaction: true,
      record: async (entries) => {
        for (const entry of entries) seen.push({ entry, write: false });
      },
      write: async (tx, step, events) => {
        const result = await step(tx);
        for (const entry of events(result)) seen.push({ entry, write: true });
        return result;
      },
    };
    try {
      return await repo.transaction(async (tx) => {
        const result = await work(build(tx, inside));
        await tx.appendAudit(seen.map((s) => s.entry));
        return result;
      });
    } catch (error) {
      const survivors = seen.filter((s) => !s.write).map((s) => s.entry);
      // the transaction's own failure is what the caller needs to hear; a failure to record here must not replace it
      if (survivors.length > 0) await writer.record(survivors).catch(() => undefined);
      throw error;
    }
  }

  return build(repository, outside);
}
