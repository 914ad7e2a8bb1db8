/**
 * The `oidc_record` table: what the OpenID Connect provider keeps between requests (sessions,
 * interactions, grants, authorization codes, refresh tokens …), one JSON payload per model and id,
 * with the secondary keys the provider looks records up by. Kept in the database so that every
 * node behind a load balancer sees the same sign-in state; nothing lives in one process's memory.
 * Plain storage: the meaning of the payloads belongs to the provider.
 */
import type { SqlDriver } from '../sql/driver.ts';

export interface OidcRecordTable {
  upsert(model: string, id: string, payload: Readonly<Record<string, unknown>>, expiresAt: number | undefined): Promise<void>;
  /** the payload, unless it has expired */
  find(model: string, id: string, now: number): Promise<Record<string, unknown> | undefined>;
  findByUid(model: string, uid: string, now: number): Promise<Record<string, unknown> | undefined>;
  findByUserCode(model: string, userCode: string, now: number): Promise<Record<string, unknown> | undefined>;
  /**
   * marks a record consumed (a used authorization code, a rotated refresh token, a one-time link);
   * true only for the one call that marked it (atomic on both databases: one UPDATE … WHERE unmarked)
   */
  consume(model: string, id: string, now: number): Promise<boolean>;
  destroy(model: string, id: string): Promise<void>;
  /** deletes every record of a grant (revocation) */
  revokeByGrantId(grantId: string): Promise<void>;
  /** deletes records that expired before `before`; returns how many */
  purge(before: number): Promise<number>;
}

interface RecordRow {
  payload: string;
  consumed_at: number | string | null;
}

function toPayload(row: RecordRow | undefined): Record<string, unknown> | undefined {
  if (!row) return undefined;
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  // oidc-provider reads `consumed` (seconds) to refuse a second use of a code or token.
  return row.consumed_at === null ? payload : { ...payload, consumed: Math.floor(Number(row.consumed_at) / 1000) };
}

const LIVE = '(expires_at IS NULL OR expires_at > ?)';

export function sqlOidcRecordTable(driver: SqlDriver): OidcRecordTable {
  const findBy = async (column: string, model: string, value: string, now: number) =>
    toPayload((await driver.query<RecordRow>(`SELECT payload, consumed_at FROM oidc_record WHERE model = ? AND ${column} = ? AND ${LIVE}`, [model, value, now]))[0]);
  return {
    async upsert(model, id, payload, expiresAt) {
      const text = (key: string): string | null => (typeof payload[key] === 'string' ? (payload[key]) : null);
      await driver.execute(
        `INSERT INTO oidc_record (model, id, payload, grant_id, user_code, uid, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id, user_code = excluded.user_code,
           uid = excluded.uid, expires_at = excluded.expires_at`,
        [model, id, JSON.stringify(payload), text('grantId'), text('userCode'), text('uid'), expiresAt ?? null],
      );
    },
    find: (model, id, now) => findBy('id', model, id, now),
    findByUid: (model, uid, now) => findBy('uid', model, uid, now),
    findByUserCode: (model, userCode, now) => findBy('user_code', model, userCode, now),
    async consume(model, id, now) {
      return (await driver.execute('UPDATE oidc_record SET consumed_at = ? WHERE model = ? AND id = ? AND consumed_at IS NULL', [now, model, id])) === 1;
    },
    async destroy(model, id) {
      await driver.execute('DELETE FROM oidc_record WHERE model = ? AND id = ?', [model, id]);
    },
    async revokeByGrantId(grantId) {
      await driver.execute('DELETE FROM oidc_record WHERE grant_id = ?', [grantId]);
    },
    purge: (before) => driver.execute('DELETE FROM oidc_record WHERE expires_at IS NOT NULL AND expires_at < ?', [before]),
  };
}
