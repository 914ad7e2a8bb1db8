/**
 * The `password_reset` table: one-time password reset tokens, kept only as hashes, each with an
 * expiry. The store never sees a token itself, and a token is used at most once: `consume` marks
 * it used in the same statement that finds it.
 */
import type { SqlDriver } from '../sql/driver.ts';

export interface PasswordResetTable {
  insert(tokenHash: string, accountId: string, expiresAt: number, now: number): Promise<void>;
  /** the account of an unexpired, unused token (marking it used), or undefined */
  consume(tokenHash: string, now: number): Promise<string | undefined>;
  /** the account of an unexpired, unused token, without using it (to show the form) */
  peek(tokenHash: string, now: number): Promise<string | undefined>;
  /** deletes tokens that expired before `before`; returns how many */
  purge(before: number): Promise<number>;
}

export function sqlPasswordResetTable(driver: SqlDriver): PasswordResetTable {
  return {
    async insert(tokenHash, accountId, expiresAt, now) {
      await driver.execute('INSERT INTO password_reset (token_hash, account_id, expires_at, created_at) VALUES (?, ?, ?, ?)', [tokenHash, accountId, expiresAt, now]);
    },
    async consume(tokenHash, now) {
      const rows = await driver.transaction((tx) => tx.query<{ account_id: string }>(
        'UPDATE password_reset SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING account_id',
        [now, tokenHash, now],
      ));
      return rows[0]?.account_id;
    },
    async peek(tokenHash, now) {
      const rows = await driver.query<{ account_id: string }>('SELECT account_id FROM password_reset WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?', [tokenHash, now]);
      return rows[0]?.account_id;
    },
    purge: (before) => driver.execute('DELETE FROM password_reset WHERE expires_at < ?', [before]),
  };
}
