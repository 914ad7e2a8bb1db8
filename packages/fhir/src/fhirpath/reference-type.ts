/**
 * What `resolve() is Patient` means in Kindred's search expressions: the type a Reference names
 * literally, without fetching anything. Both engines (the compiled one and the fhirpath.js
 * fallback) ask this module, so they agree. It must not look anything up in a store.
 */
import { isResourceType } from '../model.ts';
import { isValidId, parseReference, type ParsedReference } from '../references.ts';
import { isPlainObject } from '../types.ts';

/**
 * parseReference (references.ts) with a shortcut for the commonest shape by far, "Type/id": the
 * same result, without the general parsing that every write would otherwise pay for several times.
 */
export function parseLiteralReference(literal: string): ParsedReference {
  const slash = literal.indexOf('/');
  if (slash > 0 && literal.indexOf('/', slash + 1) < 0 && !literal.includes('|')) {
    const type = literal.slice(0, slash);
    const id = literal.slice(slash + 1);
    if (isResourceType(type) && isValidId(id)) return { type, id };
  }
  return parseReference(literal);
}

const STRUCTURE_DEFINITION_BASE = 'http://hl7.org/fhir/StructureDefinition/';

/**
 * The resource type a Reference points to, from `reference` ("Patient/1", ".../fhir/Patient/1",
 * or a conditional "Patient?identifier=…" as transactions allow) or else from `type`
 * (http://hl7.org/fhir/R4/references.html#Reference). Contained ("#x") and logical references
 * name no type unless `type` does.
 */
export function referenceTargetType(reference: unknown): string | undefined {
  if (!isPlainObject(reference)) return undefined;
  const literal = reference.reference;
  if (typeof literal === 'string') {
    const query = literal.indexOf('?');
    if (query >= 0) {
      const type = literal.slice(0, query);
      if (isResourceType(type)) return type;
    } else {
      const type = parseLiteralReference(literal).type;
      if (type !== undefined) return type;
    }
  }
  const type = reference.type;
  if (typeof type !== 'string') return undefined;
  // Reference.type is a uri: "Patient", or the absolute form http://hl7.org/fhir/StructureDefinition/Patient
  const name = type.startsWith(STRUCTURE_DEFINITION_BASE) ? type.slice(STRUCTURE_DEFINITION_BASE.length) : type;
  return isResourceType(name) ? name : undefined;
}
