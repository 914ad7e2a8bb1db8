/**
 * Who a fhirUser is (their roles at organisations) changes rarely, but every request would ask:
 * two queries before any work. The app keeps one cache of resolved principals, each for a few
 * seconds, so a change of role takes effect within that time on every node. What a principal may
 * see (care relationships, consents, break-glass) is never cached: the policy's filters read the
 * record on every request, so a revoked consent stops access at once.
 */
import type { Repository } from '@kindred/store';
import type { AccessContext } from '../access-context.ts';
import { resolvePrincipal, type Principal } from './principal.ts';

export const DEFAULT_PRINCIPAL_TTL_MS = 10_000;
const DEFAULT_MAX_ENTRIES = 10_000;

export interface PrincipalCache {
  resolve(access: AccessContext, repository: Repository, now: number): Promise<Principal>;
}

export function createPrincipalCache(options: { ttlMs?: number; maxEntries?: number } = {}): PrincipalCache {
  const ttl = options.ttlMs ?? DEFAULT_PRINCIPAL_TTL_MS;
  const max = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const entries = new Map<string, { principal: Promise<Principal>; until: number }>();
  return {
    resolve(access, repository, now) {
      // Tokens without a person are decided from the token alone: nothing to cache.
      if (access.fhirUser === undefined) return resolvePrincipal(access, repository, now);
      const key = access.fhirUser;
      const known = entries.get(key);
      if (known && now < known.until) return known.principal;
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      const principal = resolvePrincipal(access, repository, now);
      entries.set(key, { principal, until: now + ttl });
      // a failure is not remembered
      principal.catch(() => entries.delete(key));
      return principal;
    },
  };
}
