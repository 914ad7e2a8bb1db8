/**
 * References inside a transaction (http://hl7.org/fhir/R4/http.html#trules): a reference to
 * another entry's fullUrl (`urn:uuid:…`, `urn:oid:…`, or any fullUrl of a created resource) is
 * replaced by the `Type/id` the server gave that entry, and a conditional reference
 * (`Patient?identifier=x|y`) by the one resource its search matches. Found anywhere in a
 * resource, at any depth (every `reference` element of every Reference). Returns new values;
 * the client's resources are never changed in place.
 */
import { FhirError, isPlainObject } from '@kindred/fhir';

/** `Type?criteria`: a conditional reference (http://hl7.org/fhir/R4/http.html#trules). */
const CONDITIONAL = /^([A-Z][A-Za-z]+)\?(.+)$/;

export function conditionalReference(reference: string): { type: string; criteria: string } | undefined {
  const match = CONDITIONAL.exec(reference);
  return match?.[1] !== undefined && match[2] !== undefined ? { type: match[1], criteria: match[2] } : undefined;
}

/** Every Reference.reference string in `value`, at any depth. */
export function referencesIn(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencesIn(item, found);
  } else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'reference' && typeof child === 'string') found.add(child);
      else referencesIn(child, found);
    }
  }
  return found;
}

/** A copy of `value` with each Reference.reference found in `replacements` replaced. */
export function replaceReferences<T>(value: T, replacements: ReadonlyMap<string, string>): T {
  if (replacements.size === 0) return value;
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isPlainObject(node)) return node;
    // fromEntries defines own properties, so a key such as "__proto__" stays data, never a prototype
    return Object.fromEntries(
      Object.entries(node).map(([key, child]) => [key, key === 'reference' && typeof child === 'string' ? (replacements.get(child) ?? child) : walk(child)]),
    );
  };
  return walk(value) as T;
}

/**
 * Resolves the conditional references of `value` with `search` (which answers the ids matching
 * `Type?criteria`, at most two) and returns the replacements: exactly one match → `Type/id`;
 * none → 404; several → 412. The transaction as a whole fails on either.
 */
export async function resolveConditionalReferences(
  value: unknown,
  search: (type: string, criteria: string) => Promise<string[]>,
  known: Map<string, string>,
): Promise<Map<string, string>> {
  for (const reference of referencesIn(value)) {
    if (known.has(reference)) continue;
    const conditional = conditionalReference(reference);
    if (conditional === undefined) continue;
    const ids = await search(conditional.type, conditional.criteria);
    if (ids.length === 0) {
      throw new FhirError('NOT_FOUND', `The conditional reference ${JSON.stringify(reference)} matches no ${conditional.type}; it must match exactly one.`);
    }
    if (ids.length > 1) {
      throw new FhirError('PRECONDITION_FAILED', `The conditional reference ${JSON.stringify(reference)} matches more than one ${conditional.type}; it must match exactly one.`);
    }
    known.set(reference, `${conditional.type}/${ids[0]}`);
  }
  return known;
}
