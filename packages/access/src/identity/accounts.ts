/**
 * Accounts of the people who sign in to Kindred: staff and volunteers (fhirUser Practitioner/…),
 * patients (Patient/…) and carers (RelatedPerson/…). Creates them, checks a password and then a
 * TOTP code with lockout after repeated failures, and resets forgotten passwords through a
 * one-time, expiring token whose link goes out through the message outbox.
 *
 * Works over the store's small identity tables; no SQL here. It must never log, return or store a
 * password, a reset token (only its hash is kept) or a TOTP secret (except the one otpauth:// URI
 * returned when the account is made). Decisions about what a person may see are not made here.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { FhirError } from '@kindred/fhir';
import type { AccountRecord, IdentityTables, MessageOutbox } from '@kindred/store';
import { DECOY_HASH, MAX_PASSWORD_LENGTH, hashPassword, verifyPassword } from './password-hash.ts';
import { checkTotp, newTotpSecret, totpUri } from './totp.ts';

/** Who an account is, from its fhirUser (SMART App Launch 2.0 §"fhirUser"). */
export const AccountKind = { staff: 'staff', volunteer: 'volunteer', patient: 'patient', carer: 'carer', other: 'other' } as const;
export type AccountKind = (typeof AccountKind)[keyof typeof AccountKind];

export const DEFAULT_MAX_FAILED_ATTEMPTS = 5;
export const DEFAULT_LOCK_MS = 15 * 60 * 1000;
export const DEFAULT_RESET_LIFETIME_MS = 60 * 60 * 1000;
/** NIST SP 800-63B §5.1.1.2: at least 8 characters, long passphrases allowed, no composition rules. */
export const MIN_PASSWORD_LENGTH = 8;

const FHIR_USER = /^(Practitioner|PractitionerRole|Patient|RelatedPerson|Person)\/[A-Za-z0-9\-.]{1,64}$/;
const USERNAME = /^[a-z0-9][a-z0-9._@+-]{1,63}$/;

export interface AccountSummary {
  accountId: string;
  username: string;
  displayName: string;
  fhirUser?: string;
  kind: AccountKind;
  totpRequired: boolean;
  disabled: boolean;
}

export interface NewAccount {
  username: string;
  displayName: string;
  /** "Practitioner/123", "Patient/456", "RelatedPerson/789" */
  fhirUser?: string;
  email?: string;
  password?: string;
  /** set up TOTP (required for staff) */
  totp?: boolean;
  /** a Practitioner account that is a volunteer, for whom TOTP is optional */
  volunteer?: boolean;
}

export type PasswordCheck =
  | { ok: true; account: AccountSummary; needsTotp: boolean }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; lockedUntil: number; account: AccountSummary; justLocked: boolean }
  | { ok: false; reason: 'disabled'; account: AccountSummary };

export type TotpCheck =
  | { ok: true; account: AccountSummary }
  | { ok: false; reason: 'invalid' | 'disabled' }
  | { ok: false; reason: 'locked'; lockedUntil: number; account: AccountSummary; justLocked: boolean };

export interface Accounts {
  /** adds an account; returns the TOTP otpauth:// URI once when TOTP was set up (show it, never store it elsewhere) */
  add(account: NewAccount): Promise<{ account: AccountSummary; totpUri?: string }>;
  byId(accountId: string): Promise<AccountSummary | undefined>;
  byUsername(username: string): Promise<AccountSummary | undefined>;
  /** the account of the person `fhirUser` ("Practitioner/…"), for sign-in through an external identity provider */
  byFhirUser(fhirUser: string): Promise<AccountSummary | undefined>;
  /** step one of sign-in; a wrong password counts towards lockout */
  checkPassword(username: string, password: string): Promise<PasswordCheck>;
  /** step two for accounts with TOTP; a wrong or reused code counts towards lockout */
  checkTotp(accountId: string, code: string): Promise<TotpCheck>;
  setPassword(accountId: string, password: string): Promise<void>;
  /** stops (or allows again) an account signing in; false when there is no such username */
  setDisabled(username: string, disabled: boolean): Promise<boolean>;
  /**
   * Makes a one-time reset token and queues a message with the link `linkFor(token)` to the
   * account's email address. Says nothing about whether the username exists (no enumeration).
   */
  requestPasswordReset(username: string, linkFor: (token: string) => string): Promise<void>;
  /** whether `token` is a live reset token (to show the form) */
  resetTokenIsLive(token: string): Promise<boolean>;
  /** sets a new password with a reset token, using the token up; false when the token is unknown, used or expired */
  resetPassword(token: string, newPassword: string): Promise<boolean>;
}

export interface AccountsOptions {
  now?: () => number;
  maxFailedAttempts?: number;
  lockMs?: number;
  resetLifetimeMs?: number;
  /** scrypt parameters (tests use cheaper ones) */
  scrypt?: { N: number; r: number; p: number };
}

export function normaliseUsername(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

export function kindOf(fhirUser: string | undefined, volunteer = false): AccountKind {
  const type = fhirUser?.split('/')[0];
  if (type === 'Practitioner' || type === 'PractitionerRole') return volunteer ? AccountKind.volunteer : AccountKind.staff;
  if (type === 'Patient') return AccountKind.patient;
  if (type === 'RelatedPerson') return AccountKind.carer;
  return AccountKind.other;
}

function summary(record: AccountRecord): AccountSummary {
  return {
    accountId: record.accountId,
    username: record.username,
    displayName: record.displayName,
    ...(record.fhirUser !== undefined ? { fhirUser: record.fhirUser } : {}),
    kind: kindOf(record.fhirUser, !record.totpRequired),
    totpRequired: record.totpRequired,
    disabled: record.disabled,
  };
}

function invalid(message: string): FhirError {
  return new FhirError('INVALID_REQUEST', message);
}

export function checkNewPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw invalid(`A password must be at least ${MIN_PASSWORD_LENGTH} characters long; three random words make a strong one.`);
  if (password.length > MAX_PASSWORD_LENGTH) throw invalid(`A password can be at most ${MAX_PASSWORD_LENGTH} characters long.`);
}

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

export function createAccounts(tables: IdentityTables, outbox: MessageOutbox, options: AccountsOptions = {}): Accounts {
  const now = options.now ?? Date.now;
  const maxFailed = options.maxFailedAttempts ?? DEFAULT_MAX_FAILED_ATTEMPTS;
  const lockMs = options.lockMs ?? DEFAULT_LOCK_MS;
  const resetLifetime = options.resetLifetimeMs ?? DEFAULT_RESET_LIFETIME_MS;
  const hash = (password: string) => hashPassword(password, options.scrypt);
  const { accounts } = tables;

  /** a failure: counted, and the lock reported when this failure set it */
  const fail = async (record: AccountRecord) => {
    const after = await accounts.recordFailure(record.accountId, now(), maxFailed, lockMs);
    const lockedUntil = after?.lockedUntil;
    if (lockedUntil !== undefined && lockedUntil > now()) {
      return { ok: false as const, reason: 'locked' as const, lockedUntil, account: summary(record), justLocked: true };
    }
    return { ok: false as const, reason: 'invalid' as const };
  };
  const lockOf = (record: AccountRecord) =>
    record.lockedUntil !== undefined && record.lockedUntil > now()
      ? { ok: false as const, reason: 'locked' as const, lockedUntil: record.lockedUntil, account: summary(record), justLocked: false }
      : undefined;

  return {
    async add(input) {
      const username = normaliseUsername(input.username);
      if (!USERNAME.test(username)) throw invalid(`"${input.username}" cannot be a username: use 2 to 64 letters, digits and . _ @ + - , starting with a letter or digit.`);
      const displayName = input.displayName.trim();
      if (displayName === '') throw invalid('An account needs a display name (the person\'s name as shown on pages).');
      if (input.fhirUser !== undefined && !FHIR_USER.test(input.fhirUser)) {
        throw invalid(`"${input.fhirUser}" is not a fhirUser: write Practitioner/<id>, Patient/<id> or RelatedPerson/<id>.`);
      }
      const kind = kindOf(input.fhirUser, input.volunteer === true);
      if (kind === AccountKind.staff && input.totp !== true) {
        throw invalid('Staff accounts (fhirUser Practitioner/…) must use a TOTP authenticator: add --totp (or mark a volunteer with --volunteer).');
      }
      if (input.password !== undefined) checkNewPassword(input.password);
      const totpSecret = input.totp === true ? newTotpSecret() : undefined;
      const at = now();
      const record: AccountRecord = {
        accountId: randomUUID(),
        username,
        displayName,
        ...(input.fhirUser !== undefined ? { fhirUser: input.fhirUser } : {}),
        ...(input.email !== undefined ? { email: input.email.trim() } : {}),
        ...(input.password !== undefined ? { passwordHash: await hash(input.password) } : {}),
        ...(totpSecret !== undefined ? { totpSecret } : {}),
        totpRequired: totpSecret !== undefined,
        failedAttempts: 0,
        disabled: false,
        createdAt: at,
        updatedAt: at,
      };
      await accounts.insert(record);
      return { account: summary(record), ...(totpSecret !== undefined ? { totpUri: totpUri(totpSecret, username) } : {}) };
    },

    async byId(accountId) {
      const record = await accounts.byId(accountId);
      return record ? summary(record) : undefined;
    },

    async byUsername(username) {
      const record = await accounts.byUsername(normaliseUsername(username));
      return record ? summary(record) : undefined;
    },

    async byFhirUser(fhirUser) {
      const record = await accounts.byFhirUser(fhirUser);
      return record ? summary(record) : undefined;
    },

    async checkPassword(username, password) {
      const record = await accounts.byUsername(normaliseUsername(username));
      if (!record || record.passwordHash === undefined) {
        await verifyPassword(password, DECOY_HASH); // same time as a real check: no username enumeration by timing
        return { ok: false, reason: 'invalid' };
      }
      const locked = lockOf(record);
      if (locked) return locked;
      if (!(await verifyPassword(password, record.passwordHash))) return fail(record);
      if (record.disabled) return { ok: false, reason: 'disabled', account: summary(record) };
      if (!record.totpRequired) await accounts.recordSuccess(record.accountId, now());
      return { ok: true, account: summary(record), needsTotp: record.totpRequired };
    },

    async checkTotp(accountId, code) {
      const record = await accounts.byId(accountId);
      if (!record || record.totpSecret === undefined) return { ok: false, reason: 'invalid' };
      if (record.disabled) return { ok: false, reason: 'disabled' };
      const locked = lockOf(record);
      if (locked) return locked;
      const step = checkTotp(record.totpSecret, code, now());
      if (step === undefined || !(await accounts.useTotpStep(accountId, step))) return fail(record);
      await accounts.recordSuccess(accountId, now());
      return { ok: true, account: summary(record) };
    },

    async setPassword(accountId, password) {
      checkNewPassword(password);
      if (!(await accounts.update(accountId, { passwordHash: await hash(password) }, now()))) throw new FhirError('NOT_FOUND', 'There is no such account.');
    },

    async setDisabled(username, disabled) {
      const record = await accounts.byUsername(normaliseUsername(username));
      return record !== undefined && (await accounts.update(record.accountId, { disabled }, now()));
    },

    async requestPasswordReset(username, linkFor) {
      const record = await accounts.byUsername(normaliseUsername(username));
      if (!record || record.disabled || record.email === undefined) return;
      const token = randomBytes(32).toString('base64url');
      const at = now();
      await tables.passwordResets.insert(tokenHash(token), record.accountId, at + resetLifetime, at);
      await outbox.add(
        {
          recipient: record.email,
          channel: 'email',
          template: 'password-reset',
          personalisation: { name: record.displayName, link: linkFor(token), expires_in: `${Math.round(resetLifetime / 60_000)} minutes` },
        },
        at,
      );
    },

    async resetTokenIsLive(token) {
      return (await tables.passwordResets.peek(tokenHash(token), now())) !== undefined;
    },

    async resetPassword(token, newPassword) {
      checkNewPassword(newPassword);
      const accountId = await tables.passwordResets.consume(tokenHash(token), now());
      if (accountId === undefined) return false;
      await accounts.update(accountId, { passwordHash: await hash(newPassword) }, now());
      await accounts.recordSuccess(accountId, now());
      return true;
    },
  };
}
