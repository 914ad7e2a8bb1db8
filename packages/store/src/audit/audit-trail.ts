/**
 * The audit trail of a store: append AuditEvents to its one hash chain, check the whole chain
 * (`kindred audit verify`), and find the events about one patient, newest first ($access-log).
 *
 * Writes that must commit with a change to the record go through `Repository.appendAudit` inside
 * the write's transaction instead; `append` here runs in a transaction of its own. This module
 * must not decide what is audited, nor filter what a caller may see: the access layer does both.
 */
import type { Resource } from '@kindred/fhir';
import type { SqlDriver } from '../sql/driver.ts';
import { GENESIS_HASH, appendAuditEntries, chainHash, type AuditEventInput } from './audit-chain.ts';

export type AuditVerification =
  | { ok: true; count: number; /** the hash of the last entry: record it elsewhere to detect a cut-off tail later */ lastHash: string }
  | {
      ok: false;
      /** entries in the trail */
      count: number;
      /** the sequence number of the first entry that does not hold */
      firstBroken: number;
      /** when that entry says it was recorded (ISO instant) */
      recorded: string;
      reason: string;
    };

export interface AuditPage {
  /** AuditEvents, newest first */
  events: Resource[];
  /** pass as `before` for the next (older) page; absent on the last page */
  nextBefore?: number;
}

export interface AuditTrail {
  /** appends in a transaction of its own (the group-commit writer uses this) */
  append(entries: readonly AuditEventInput[]): Promise<void>;
  /** checks every link of the chain, oldest first; `onProgress` hears how many of how many are checked */
  verify(onProgress?: (checked: number, total: number) => void): Promise<AuditVerification>;
  /** the events about `patientId`, newest first, `count` at a time, older than the entry `before` */
  forPatient(patientId: string, options: { count: number; before?: number }): Promise<AuditPage>;
}

const VERIFY_PAGE = 1000;

interface EntryRow {
  seq: number;
  recorded: number;
  content: string;
  prev_hash: string;
  hash: string;
}

/** Why `row` breaks the chain after an entry numbered `previousSeq` with hash `previousHash`, or undefined when it holds. */
function breakIn(row: EntryRow, previousSeq: number, previousHash: string): string | undefined {
  const seq = Number(row.seq);
  if (seq !== previousSeq + 1) {
    const missing = seq - previousSeq - 1 === 1 ? `entry ${previousSeq + 1} is` : `entries ${previousSeq + 1} to ${seq - 1} are`;
    return `missing predecessor: ${missing} not in the trail`;
  }
  if (row.prev_hash !== previousHash) {
    const before = previousSeq === 0 ? 'the start of the chain' : `entry ${previousSeq}'s hash`;
    return `missing predecessor: its prev_hash does not match ${before} (an entry before it was removed, inserted or moved)`;
  }
  if (chainHash(row.prev_hash, row.content) !== row.hash) return 'hash mismatch: its content is not what was written';
  let event: { id?: unknown; recorded?: unknown };
  try {
    event = JSON.parse(row.content) as { id?: unknown; recorded?: unknown };
  } catch {
    return 'hash mismatch: its content is not JSON';
  }
  if (event.id !== String(seq)) return 'its sequence number does not match its content (the entry was moved)';
  if (typeof event.recorded !== 'string' || Date.parse(event.recorded) !== Number(row.recorded)) return 'its recorded time does not match its content';
  return undefined;
}

function isoOf(row: EntryRow): string {
  const millis = Number(row.recorded);
  return Number.isFinite(millis) ? new Date(millis).toISOString() : String(row.recorded);
}

export function sqlAuditTrail(driver: SqlDriver): AuditTrail {
  return Object.freeze({
    append(entries: readonly AuditEventInput[]): Promise<void> {
      if (entries.length === 0) return Promise.resolve();
      return driver.transaction((tx) => appendAuditEntries(tx, entries));
    },

    async verify(onProgress?: (checked: number, total: number) => void): Promise<AuditVerification> {
      const total = Number((await driver.query<{ n: number }>('SELECT COUNT(*) AS n FROM audit_entry'))[0]?.n ?? 0);
      let previousSeq = 0;
      let previousHash = GENESIS_HASH;
      let checked = 0;
      for (;;) {
        const rows = await driver.query<EntryRow>(
          'SELECT seq, recorded, content, prev_hash, hash FROM audit_entry WHERE seq > ? ORDER BY seq LIMIT ?',
          [previousSeq, VERIFY_PAGE],
        );
        for (const row of rows) {
          const reason = breakIn(row, previousSeq, previousHash);
          if (reason !== undefined) return { ok: false, count: total, firstBroken: Number(row.seq), recorded: isoOf(row), reason };
          previousSeq = Number(row.seq);
          previousHash = row.hash;
        }
        checked += rows.length;
        onProgress?.(checked, total);
        if (rows.length < VERIFY_PAGE) break;
      }
      return { ok: true, count: checked, lastHash: previousHash };
    },

    async forPatient(patientId: string, options: { count: number; before?: number }): Promise<AuditPage> {
      const count = Math.max(0, Math.floor(options.count));
      const before = options.before ?? Number.MAX_SAFE_INTEGER;
      const rows = await driver.query<{ seq: number; content: string }>(
        'SELECT e.seq, e.content FROM audit_patient p JOIN audit_entry e ON e.seq = p.seq WHERE p.patient_id = ? AND p.seq < ? ORDER BY p.seq DESC LIMIT ?',
        [patientId, before, count + 1],
      );
      const shown = rows.slice(0, count);
      const last = shown[shown.length - 1];
      return {
        events: shown.map((row) => JSON.parse(row.content) as Resource),
        ...(rows.length > count && last ? { nextBefore: Number(last.seq) } : {}),
      };
    },
  });
}
