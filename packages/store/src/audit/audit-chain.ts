/**
 * The hash chain of the audit trail: how an entry is serialised and hashed, and how entries are
 * appended to the one chain of a store inside the caller's transaction. Each entry's hash is
 * SHA-256 (hex) of the previous entry's hash followed by the entry's canonical content, so changing,
 * removing, inserting or reordering any entry breaks every link after it (docs/decisions/0009).
 *
 * This module must not decide what is audited (the access layer does) and must never update or
 * delete a row: the trail is append-only, and the database refuses anything else.
 */
import { createHash } from 'node:crypto';
import { isPlainObject, type Resource } from '@kindred/fhir';
import type { SqlDriver, SqlValue } from '../sql/driver.ts';

/** The predecessor of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The advisory lock that serialises appenders on PostgreSQL: this key with the store's schema, so
 * that one chain per store holds even when several stores share a database (two-key advisory locks
 * never collide with the one-key lock of the migrations).
 */
const AUDIT_CHAIN_LOCK = 4_242_002;

/** What the access layer hands the store to append: an AuditEvent and the patients it concerns. */
export interface AuditEventInput {
  /** an AuditEvent without id (the trail numbers it); `recorded` must be a FHIR instant */
  readonly event: Resource;
  /** the ids of the patients the event is about, so `forPatient` finds it by index */
  readonly patientIds: readonly string[];
}

/**
 * JSON with object keys in code-point order at every level and no insignificant whitespace, so
 * the same content always hashes the same, whoever serialised it (in the spirit of RFC 8785).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function chainHash(prevHash: string, content: string): string {
  return createHash('sha256').update(prevHash).update(content).digest('hex');
}

function recordedMillis(event: Resource): number {
  const recorded = event.recorded;
  const millis = typeof recorded === 'string' ? Date.parse(recorded) : Number.NaN;
  if (!Number.isFinite(millis)) throw new Error('an AuditEvent to append needs `recorded`, a FHIR instant');
  return millis;
}

/**
 * Appends `entries` to the chain, in order, inside `tx` (which must be a transaction): they commit
 * or roll back with whatever else the transaction wrote. The last hash is read only once the chain
 * is held: by the advisory lock on PostgreSQL, by the single writer on SQLite.
 */
export async function appendAuditEntries(tx: SqlDriver, entries: readonly AuditEventInput[]): Promise<void> {
  if (entries.length === 0) return;
  if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(?::integer, hashtext(current_schema()))', [AUDIT_CHAIN_LOCK]);
  const last = (await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1'))[0];
  let seq = last === undefined ? 0 : Number(last.seq);
  let prevHash = last?.hash ?? GENESIS_HASH;
  const rows: SqlValue[] = [];
  const patients: SqlValue[] = [];
  for (const entry of entries) {
    seq += 1;
    const recorded = recordedMillis(entry.event);
    const { id: _ignored, ...event } = entry.event;
    const content = canonicalJson({ ...event, id: String(seq) });
    const hash = chainHash(prevHash, content);
    rows.push(seq, recorded, content, prevHash, hash);
    for (const patientId of new Set(entry.patientIds)) patients.push(patientId, seq);
    prevHash = hash;
  }
  await insertRows(tx, 'audit_entry (seq, recorded, content, prev_hash, hash)', 5, rows);
  await insertRows(tx, 'audit_patient (patient_id, seq)', 2, patients);
}

/** Rows per INSERT: well within both databases' limits on parameters. */
const ROWS_PER_INSERT = 200;

/**
 * Plain multi-row INSERTs rather than the driver's insertMany, whose PostgreSQL column casts are
 * made for the record's tables (a 32-bit `seq`) and would cap the trail's numbering.
 */
async function insertRows(tx: SqlDriver, into: string, width: number, values: readonly SqlValue[]): Promise<void> {
  const tuple = `(${Array.from({ length: width }, () => '?').join(', ')})`;
  for (let i = 0; i < values.length; i += ROWS_PER_INSERT * width) {
    const part = values.slice(i, i + ROWS_PER_INSERT * width);
    await tx.execute(`INSERT INTO ${into} VALUES ${Array.from({ length: part.length / width }, () => tuple).join(', ')}`, part);
  }
}
