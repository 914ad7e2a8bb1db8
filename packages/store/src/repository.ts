/**
 * The repository: the only way Kindred reads and writes the record. Everything above the store
 * (the access layer, capabilities, the FHIR REST router, the CLI) depends on this interface, never
 * on a database. Both backends (SQLite, PostgreSQL) implement it and pass one contract suite.
 *
 * Every write validates the resource against the R4 definitions, assigns meta.versionId and
 * meta.lastUpdated, keeps the previous version in history and updates the search indexes in the
 * same database transaction. Inputs are never mutated: writes return the stored copy.
 */
import type { Resource, StoredResource } from '@kindred/fhir';
import type { SearchRequest } from '@kindred/fhir';
import type { PreparedImport } from './write/prepare-import.ts';
import type { AuditEventInput } from './audit/audit-chain.ts';

export interface WriteResult {
  resource: StoredResource;
  /** true when a new resource was created (POST, or PUT on an id that did not exist) */
  created: boolean;
  /** false when an identical resource was already current and nothing was written (import, conditional create) */
  changed: boolean;
}

export interface DeleteResult {
  /** false when there was nothing to delete (unknown or already deleted) */
  deleted: boolean;
  versionId?: string;
}

export interface CreateOptions {
  /** conditional create (If-None-Exist): when this search matches one resource, return it instead; more than one → 412 */
  ifNoneExist?: SearchRequest;
}

export interface UpdateOptions {
  /** If-Match: the version the client last saw; any other current version → 412 */
  ifMatchVersion?: string;
}

export interface SearchPage {
  /** the matches of this page, in order */
  matches: StoredResource[];
  /** resources added by _include/_revinclude (deduplicated, not repeating matches) */
  included: StoredResource[];
  /** total number of matches, when asked for (or cheap) */
  total?: number;
  /** opaque cursor for the next page; absent on the last page */
  nextCursor?: string;
}

export interface HistoryEntry {
  resourceType: string;
  id: string;
  versionId: string;
  lastUpdated: string;
  method: 'create' | 'update' | 'delete';
  /** the version's content; absent for a delete */
  resource?: StoredResource;
}

export interface HistoryRequest {
  /** system history when both absent; type history with only resourceType; instance history with both */
  resourceType?: string;
  id?: string;
  /** only versions changed at or after this instant (epoch ms) */
  since?: number;
  /** only versions current at this instant (epoch ms): `_at` */
  at?: number;
  count: number;
  cursor?: string;
}

export interface HistoryPage {
  entries: HistoryEntry[];
  total?: number;
  nextCursor?: string;
}

export interface ImportLineResult {
  /** the resource written or left unchanged, or the error that rejected it */
  outcome: 'created' | 'updated' | 'unchanged' | 'rejected';
  resourceType?: string;
  id?: string;
  reason?: string;
}

export interface ExportOptions {
  types?: string[];
  /** only resources last updated after this instant (epoch ms): `_since` */
  since?: number;
  /** only resources in the compartments of these patients (Patient and Group export) */
  patientIds?: string[];
}

export interface Repository {
  create(resource: Resource, options?: CreateOptions): Promise<WriteResult>;
  /** update, or create with the given id when it does not exist (create-on-update) */
  update(resource: Resource, options?: UpdateOptions): Promise<WriteResult>;
  delete(resourceType: string, id: string): Promise<DeleteResult>;
  /** the current version; FhirError NOT_FOUND, or GONE when deleted */
  read(resourceType: string, id: string): Promise<StoredResource>;
  /** a version; FhirError NOT_FOUND, or GONE when that version is a deletion */
  vread(resourceType: string, id: string, versionId: string): Promise<StoredResource>;
  search(request: SearchRequest): Promise<SearchPage>;
  history(request: HistoryRequest): Promise<HistoryPage>;
  /**
   * Runs `work` in one database transaction: every write inside commits together or not at all.
   * Nested calls join the outer transaction.
   */
  transaction<T>(work: (tx: Repository) => Promise<T>): Promise<T>;
  /**
   * Bulk import: writes resources with their own ids, as updates, in one transaction per call.
   * Identical resources are left unchanged (import is idempotent). Each resource is validated
   * on its own: a rejected one does not stop the others.
   */
  importResources(resources: readonly unknown[]): Promise<ImportLineResult[]>;
  /**
   * The same, for resources already prepared with `prepareImport` (in worker threads, for speed):
   * only writes. What was prepared is trusted, so only code of this process may call it.
   */
  importPrepared(items: readonly PreparedImport[]): Promise<ImportLineResult[]>;
  /** current resources, in a stable order, for Bulk Data export and `kindred export` */
  exportResources(options: ExportOptions): AsyncIterable<StoredResource>;
  /** the number of current (not deleted) resources of each type */
  countByType(): Promise<Record<string, number>>;
  /**
   * Appends AuditEvents to the store's audit trail. Inside `transaction(tx => …)`, `tx.appendAudit`
   * joins that transaction, so a write and its audit entry commit together or not at all;
   * outside one it runs in a transaction of its own.
   */
  appendAudit(entries: readonly AuditEventInput[]): Promise<void>;
}
