export { accessibleRecord, type AccessibleRecord } from './accessible-record.ts';
export { accessPolicyFrom, defaultAccessPolicy, loadAccessPolicy, type AccessPolicy, type StaffRolePolicy } from './policy-config.ts';
export { policyRepository } from './policy-repository.ts';
export { resolvePrincipal, type Principal, type StaffRole } from './principal.ts';
export { readRestriction, writeRule } from './rules.ts';
export * from './vocabulary.ts';
export { DEFAULT_BREAK_GLASS_MINUTES, openBreakGlass, type BreakGlassRequest, type BreakGlassResult } from './break-glass.ts';
export { createPrincipalCache, DEFAULT_PRINCIPAL_TTL_MS, type PrincipalCache } from './principal-cache.ts';
