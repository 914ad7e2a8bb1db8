/**
 * @kindred/access: who may do what. Verifies bearer tokens, parses SMART scopes, and wraps the
 * store's repository so that everything above it sees only what the caller may see.
 */
export { ADMINISTRATOR, localAdministratorAccess, type AccessContext } from './access-context.ts';
export {
  ADMINISTRATOR_SCOPE,
  INTERACTION_NAMES,
  Interaction,
  ScopeContext,
  parseScope,
  parseScopes,
  scopeSetOf,
  type NonResourceScope,
  type ResourceScope,
  type Scope,
  type ScopeSet,
} from './scopes.ts';
export {
  ACCESS_TOKEN_TYPE,
  CLOCK_TOLERANCE_SECONDS,
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  bearerFromAuthorization,
  createTokenService,
  type IssueOptions,
  type SignInTrust,
  type TokenService,
  type TokenServiceOptions,
} from './token-service.ts';
export { TOKEN_ALG, loadProviderSigningJwk } from './signing-key.ts';
export { scopedRepository } from './scoped-repository.ts';
export * from './identity/index.ts';
export * from './policy/index.ts';
export * from './audit/index.ts';
