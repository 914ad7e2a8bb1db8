/**
 * The `account` table: people who sign in to Kindred (staff, volunteers, patients, carers). Rows
 * only: this module stores what it is given and must not hash, verify or decide anything (that is
 * @kindred/access identity). Usernames are stored as given; callers compare them case-folded.
 */
import { FhirError } from '@kindred/fhir';
import type { SqlDriver } from '../sql/driver.ts';

export interface AccountRecord {
  accountId: string;
  /** unique, already normalised (lower case) by the caller */
  username: string;
  displayName: string;
  /** "Practitioner/…", "Patient/…" or "RelatedPerson/…" (SMART fhirUser) */
  fhirUser?: string;
  /** where password reset messages go */
  email?: string;
  /** an encoded password hash (never the password) */
  passwordHash?: string;
  /** the TOTP shared secret, base32 (RFC 6238) */
  totpSecret?: string;
  /** whether sign-in asks for a TOTP code */
  totpRequired: boolean;
  /** the last TOTP time step accepted, so a code cannot be used twice */
  totpLastStep?: number;
  failedAttempts: number;
  /** epoch ms until which sign-in is refused */
  lockedUntil?: number;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export type AccountChanges = Partial<Pick<AccountRecord, 'displayName' | 'fhirUser' | 'email' | 'passwordHash' | 'totpSecret' | 'totpRequired' | 'disabled'>>;

export interface AccountTable {
  /** adds an account; FhirError CONFLICT (409) when the username is taken */
  insert(record: AccountRecord): Promise<void>;
  byId(accountId: string): Promise<AccountRecord | undefined>;
  byUsername(username: string): Promise<AccountRecord | undefined>;
  /** the account whose fhirUser is `fhirUser` (the first made, when several share it) */
  byFhirUser(fhirUser: string): Promise<AccountRecord | undefined>;
  /** applies `changes`; false when there is no such account */
  update(accountId: string, changes: AccountChanges, now: number): Promise<boolean>;
  /**
   * Counts one failed sign-in, atomically; at `maxAttempts` the account is locked until
   * `now + lockMs` and the count starts again. Returns the state after the failure.
   */
  recordFailure(accountId: string, now: number, maxAttempts: number, lockMs: number): Promise<{ failedAttempts: number; lockedUntil?: number } | undefined>;
  /** a successful sign-in: the failure count and any lock are cleared */
  recordSuccess(accountId: string, now: number): Promise<void>;
  /** accepts TOTP time step `step` only if it is later than the last one accepted (RFC 6238 §5.2: no replay) */
  useTotpStep(accountId: string, step: number): Promise<boolean>;
}

interface AccountRow {
  account_id: string;
  username: string;
  display_name: string;
  fhir_user: string | null;
  email: string | null;
  password_hash: string | null;
  totp_secret: string | null;
  totp_required: number;
  totp_last_step: number | string | null;
  failed_attempts: number;
  locked_until: number | string | null;
  disabled: number;
  created_at: number | string;
  updated_at: number | string;
}

const COLUMNS =
  'account_id, username, display_name, fhir_user, email, password_hash, totp_secret, totp_required, totp_last_step, failed_attempts, locked_until, disabled, created_at, updated_at';

function toRecord(row: AccountRow): AccountRecord {
  return {
    accountId: row.account_id,
    username: row.username,
    displayName: row.display_name,
    ...(row.fhir_user !== null ? { fhirUser: row.fhir_user } : {}),
    ...(row.email !== null ? { email: row.email } : {}),
    ...(row.password_hash !== null ? { passwordHash: row.password_hash } : {}),
    ...(row.totp_secret !== null ? { totpSecret: row.totp_secret } : {}),
    totpRequired: Number(row.totp_required) === 1,
    ...(row.totp_last_step !== null ? { totpLastStep: Number(row.totp_last_step) } : {}),
    failedAttempts: Number(row.failed_attempts),
    ...(row.locked_until !== null ? { lockedUntil: Number(row.locked_until) } : {}),
    disabled: Number(row.disabled) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

const CHANGE_COLUMNS: Readonly<Record<keyof AccountChanges, string>> = {
  displayName: 'display_name',
  fhirUser: 'fhir_user',
  email: 'email',
  passwordHash: 'password_hash',
  totpSecret: 'totp_secret',
  totpRequired: 'totp_required',
  disabled: 'disabled',
};

function columnValue(value: string | boolean | undefined): string | number | null {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

export function sqlAccountTable(driver: SqlDriver): AccountTable {
  const one = async (where: string, value: string): Promise<AccountRecord | undefined> => {
    const rows = await driver.query<AccountRow>(`SELECT ${COLUMNS} FROM account WHERE ${where} ORDER BY created_at LIMIT 1`, [value]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  };
  return {
    async insert(r) {
      const changed = await driver.execute(
        `INSERT INTO account (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING`,
        [
          r.accountId,
          r.username,
          r.displayName,
          r.fhirUser ?? null,
          r.email ?? null,
          r.passwordHash ?? null,
          r.totpSecret ?? null,
          r.totpRequired ? 1 : 0,
          r.totpLastStep ?? null,
          r.failedAttempts,
          r.lockedUntil ?? null,
          r.disabled ? 1 : 0,
          r.createdAt,
          r.updatedAt,
        ],
      );
      if (changed === 0) throw new FhirError('CONFLICT', `There is already an account with the username "${r.username}".`);
    },
    byId: (accountId) => one('account_id = ?', accountId),
    byUsername: (username) => one('username = ?', username),
    byFhirUser: (fhirUser) => one('fhir_user = ?', fhirUser),
    async update(accountId, changes, now) {
      const entries = (Object.keys(CHANGE_COLUMNS) as (keyof AccountChanges)[]).filter((key) => key in changes);
      const sets = [...entries.map((key) => `${CHANGE_COLUMNS[key]} = ?`), 'updated_at = ?'];
      const values = [...entries.map((key) => columnValue(changes[key])), now];
      return (await driver.execute(`UPDATE account SET ${sets.join(', ')} WHERE account_id = ?`, [...values, accountId])) === 1;
    },
    async recordFailure(accountId, now, maxAttempts, lockMs) {
      const rows = await driver.transaction((tx) => tx.query<{ failed_attempts: number; locked_until: number | string | null }>(
        `UPDATE account SET
           failed_attempts = CASE WHEN failed_attempts + 1 >= ? THEN 0 ELSE failed_attempts + 1 END,
           locked_until = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE locked_until END,
           updated_at = ?
         WHERE account_id = ? RETURNING failed_attempts, locked_until`,
        [maxAttempts, maxAttempts, now + lockMs, now, accountId],
      ));
      const row = rows[0];
      if (!row) return undefined;
      return { failedAttempts: Number(row.failed_attempts), ...(row.locked_until !== null ? { lockedUntil: Number(row.locked_until) } : {}) };
    },
    async recordSuccess(accountId, now) {
      await driver.execute('UPDATE account SET failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE account_id = ?', [now, accountId]);
    },
    async useTotpStep(accountId, step) {
      const changed = await driver.execute('UPDATE account SET totp_last_step = ? WHERE account_id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)', [
        step,
        accountId,
        step,
      ]);
      return changed === 1;
    },
  };
}
