/**
 * Matching a request against the operation routes the app was given ($export and the like):
 * each pattern segment is a literal or a ":name" placeholder. Says which route matches, or that
 * the path is served with other methods (for a 405). It runs nothing.
 */
import type { FhirMethod, OperationRoute } from './fhir-request.ts';

export type RouteMatch =
  | { kind: 'match'; route: OperationRoute; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: FhirMethod[] };

function matchPattern(pattern: readonly string[], path: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] ?? '';
    const actual = path[i] ?? '';
    if (expected.startsWith(':')) params[expected.slice(1)] = actual;
    else if (expected !== actual) return undefined;
  }
  return params;
}

/** HEAD is served by a GET route, as for every other read (http://hl7.org/fhir/R4/http.html#read). */
function methodMatches(route: OperationRoute, method: FhirMethod): boolean {
  return route.method === method || (method === 'HEAD' && route.method === 'GET');
}

export function matchOperationRoute(routes: readonly OperationRoute[], method: FhirMethod, path: readonly string[]): RouteMatch | undefined {
  const allowed = new Set<FhirMethod>();
  for (const route of routes) {
    const params = matchPattern(route.pattern, path);
    if (params === undefined) continue;
    if (methodMatches(route, method)) return { kind: 'match', route, params };
    allowed.add(route.method);
    if (route.method === 'GET') allowed.add('HEAD');
  }
  return allowed.size > 0 ? { kind: 'wrong-method', allowed: [...allowed] } : undefined;
}
