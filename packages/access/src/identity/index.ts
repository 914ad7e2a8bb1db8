/** Accounts, registered clients and the rules for granting scopes: identity for the sign-in service. */
export * from './accounts.ts';
export * from './clients.ts';
export { decideScopes, type ScopeDecision } from './scope-grant.ts';
export { hashPassword, verifyPassword } from './password-hash.ts';
export { checkTotp, totpCode, totpUri } from './totp.ts';
