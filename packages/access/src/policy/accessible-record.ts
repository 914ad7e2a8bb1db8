/**
 * The one way everything above the access layer gets the record: resolves who is asking (the
 * principal, from the token and the record), puts the access policy around the store's
 * repository, and the token's SMART scopes around that, so that scopes narrow the policy and
 * never widen it.
 *
 * Composition only: the decisions are in rules.ts (policy) and scoped-repository.ts (scopes).
 */
import type { Repository } from '@kindred/store';
import type { AccessContext } from '../access-context.ts';
import { scopedRepository } from '../scoped-repository.ts';
import type { AccessPolicy } from './policy-config.ts';
import { policyRepository } from './policy-repository.ts';
import { resolvePrincipal, type Principal } from './principal.ts';
import type { PrincipalCache } from './principal-cache.ts';

const INTERACTIONS = ['c', 'r', 'u', 'd', 's'] as const;

export interface AccessibleRecord {
  readonly principal: Principal;
  /** the record as this caller may see and change it */
  readonly repository: Repository;
}

export async function accessibleRecord(
  repository: Repository,
  access: AccessContext,
  policy: AccessPolicy,
  now: number = Date.now(),
  principals?: PrincipalCache,
): Promise<AccessibleRecord> {
  const principal = principals ? await principals.resolve(access, repository, now) : await resolvePrincipal(access, repository, now);
  const { scopes, patient } = access;
  // A type the token reaches only through patient/ scopes stays in the launch patient's compartment.
  const viaPatientScopesOnly = (type: string): boolean => INTERACTIONS.every((i) => !scopes.allows(type, i)) && INTERACTIONS.some((i) => scopes.allowsForPatient(type, i));
  const patientContext = patient !== undefined && scopes.hasPatientScopes ? { patientContext: { patient, applies: viaPatientScopesOnly } } : {};
  return { principal, repository: scopedRepository(policyRepository(repository, principal, policy, { now, ...patientContext }), access) };
}
