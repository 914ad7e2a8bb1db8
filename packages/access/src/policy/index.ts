export { accessibleRecord, type AccessibleRecord } from './accessible-record.ts';
export { accessPolicyFrom, defaultAccessPolicy, loadAccessPolicy, type AccessPolicy, type StaffRolePolicy } from './policy-config.ts';
export { policyRepository } from './policy-repository.ts';
export { resolvePrincipal, type Principal, type StaffRole } from './principal.ts';
export { readRestriction, writeRule } from './rules.ts';
export * from './vocabulary.ts';
