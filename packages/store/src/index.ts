/** @kindred/store: persistence of the record on SQLite or PostgreSQL, behind the Repository interface. */
export * from './repository.ts';
export { openStore, SQLITE_FILE, type Store, type StoreConfig } from './open-store.ts';
export type { Settings } from './settings.ts';
export type { Job, JobFile, JobStatus, Jobs } from './jobs.ts';
export type * from './identity/index.ts';
export { MessageChannel, type MessageOutbox, type NewOutboxMessage, type OutboxMessage } from './message-outbox.ts';
export { canonicalJson, type AuditEventInput } from './audit/audit-chain.ts';
export type { AuditPage, AuditTrail, AuditVerification } from './audit/audit-trail.ts';
export type { SqlDriver, SqlValue } from './sql/driver.ts';
export { prepareImport, prepareImportLine, type PreparedImport } from './write/prepare-import.ts';
export type { PreparedVersion } from './write/prepare-version.ts';
export { termKey } from './write/term-key.ts';
export { searchParamIdsFrom, type SearchParamIds } from './search-param-ids.ts';
export { IMD_CSV_COLUMNS, LSOA_CODE, parseImdCsv, type ImdEdition, type ImdRow, type ImdTable, type LoadImdOptions, type ReferenceTables } from './reference/index.ts';
