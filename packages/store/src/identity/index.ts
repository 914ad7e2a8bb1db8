/**
 * The tables behind accounts and sign-in, as one object the store hands out. Each table is a small
 * interface over rows; @kindred/access gives them meaning.
 */
import type { SqlDriver } from '../sql/driver.ts';
import { sqlAccountTable, type AccountTable } from './accounts-table.ts';
import { sqlOAuthClientTable, type OAuthClientTable } from './oauth-client-table.ts';
import { sqlOidcRecordTable, type OidcRecordTable } from './oidc-records.ts';
import { sqlPasswordResetTable, type PasswordResetTable } from './password-reset-table.ts';
import { sqlRateLimitTable, type RateLimitTable } from './rate-limits.ts';

export interface IdentityTables {
  readonly accounts: AccountTable;
  readonly clients: OAuthClientTable;
  readonly passwordResets: PasswordResetTable;
  readonly oidcRecords: OidcRecordTable;
  readonly rateLimits: RateLimitTable;
}

export function sqlIdentityTables(driver: SqlDriver): IdentityTables {
  return Object.freeze({
    accounts: sqlAccountTable(driver),
    clients: sqlOAuthClientTable(driver),
    passwordResets: sqlPasswordResetTable(driver),
    oidcRecords: sqlOidcRecordTable(driver),
    rateLimits: sqlRateLimitTable(driver),
  });
}

export type { AccountChanges, AccountRecord, AccountTable } from './accounts-table.ts';
export type { OAuthClientRecord, OAuthClientTable } from './oauth-client-table.ts';
export type { OidcRecordTable } from './oidc-records.ts';
export type { PasswordResetTable } from './password-reset-table.ts';
export type { RateLimitTable } from './rate-limits.ts';
