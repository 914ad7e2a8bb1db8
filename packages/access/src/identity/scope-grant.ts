/**
 * Which requested SMART scopes a client may be given: a requested scope is allowed when one of the
 * client's registered scopes covers it (same context, the same type or `*`, and every permission
 * asked for). This is how a client registered for `patient/*.rs` may ask for
 * `patient/Observation.rs` but never `patient/Observation.cruds` or `user/…`
 * (SMART App Launch 2.0, "Scopes and Launch Context"). Pure: no I/O.
 */
import { parseScope, type Scope } from '../scopes.ts';

function covers(allowed: Scope, wanted: Scope): boolean {
  if (wanted.kind !== 'resource' || allowed.kind !== 'resource') return allowed.text === wanted.text;
  return (
    allowed.context === wanted.context &&
    (allowed.resourceType === '*' || allowed.resourceType === wanted.resourceType) &&
    wanted.interactions.every((i) => allowed.interactions.includes(i))
  );
}

export interface ScopeDecision {
  granted: string[];
  /** requested scopes the client may not have (or that are not SMART scopes at all) */
  refused: string[];
}

/** Splits `requested` (space-separated) into what `allowed` (the client's registered scopes) covers and what it does not. */
export function decideScopes(requested: string, allowed: string): ScopeDecision {
  const allowedScopes = allowed.split(' ').filter((s) => s !== '').map(parseScope);
  const granted: string[] = [];
  const refused: string[] = [];
  for (const text of new Set(requested.split(' ').filter((s) => s !== ''))) {
    let scope: Scope;
    try {
      scope = parseScope(text);
    } catch {
      refused.push(text);
      continue;
    }
    (allowedScopes.some((a) => covers(a, scope)) ? granted : refused).push(text);
  }
  return { granted, refused };
}
