/**
 * The FHIR R4 structure model: resource types, data types and their elements, as generated from
 * the published StructureDefinitions (see scripts/generate-definitions.ts), plus the one documented
 * supplement in supplements/ (SQL on FHIR's ViewDefinition, stored as a resource). Pure lookups; loaded
 * once when the module is first imported (the data is immutable, so sharing it is safe).
 */
import { readFileSync } from 'node:fs';
import { SUPPLEMENT_TYPES } from './supplements/view-definition.ts';

export interface ElementDefinition {
  min: number;
  /** -1 means unbounded ("*") */
  max: number;
  /** FHIR type codes (e.g. "HumanName", "string", "BackboneElement"); several only for choice elements */
  types: string[];
  choice?: true;
  summary?: true;
  modifier?: true;
  /** url of the value set bound with strength "required" */
  requiredBinding?: string;
  /** path (relative to the same type) whose definition this element reuses, e.g. Questionnaire.item.item → "item" */
  contentReference?: string;
  /** permitted target resource types of a Reference/canonical, when restricted */
  targets?: string[];
}

export interface TypeDefinition {
  kind: 'resource' | 'complex-type' | 'primitive-type';
  abstract?: true;
  base?: string;
  /** regex from the specification that a primitive's value must match */
  regex?: string;
  /** keyed by path relative to the type, e.g. "contact.name"; choice elements without "[x]" */
  elements: Record<string, ElementDefinition>;
}

interface GeneratedModel {
  fhirVersion: string;
  resourceTypes: string[];
  types: Record<string, TypeDefinition>;
}

function loadGenerated<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./generated/${name}`, import.meta.url), 'utf8')) as T;
}

const loaded = loadGenerated<GeneratedModel>('model.json');
/** The generated R4 model with Kindred's supplement types (ViewDefinition) merged in. */
const generated: GeneratedModel = {
  ...loaded,
  resourceTypes: [...loaded.resourceTypes, ...Object.keys(SUPPLEMENT_TYPES)].sort(),
  types: { ...loaded.types, ...SUPPLEMENT_TYPES },
};
const resourceTypeSet: ReadonlySet<string> = new Set(generated.resourceTypes);

export const FHIR_VERSION = generated.fhirVersion;

/** Every concrete R4 resource type and Kindred's supplement types (ViewDefinition), sorted. */
export const resourceTypes: readonly string[] = generated.resourceTypes;

export function isResourceType(name: string): boolean {
  return resourceTypeSet.has(name);
}

export function getTypeDefinition(name: string): TypeDefinition | undefined {
  return Object.hasOwn(generated.types, name) ? generated.types[name] : undefined;
}

export function isPrimitiveType(name: string): boolean {
  return getTypeDefinition(name)?.kind === 'primitive-type';
}

/**
 * The definition of the element at `path` (relative to `typeName`), following contentReference
 * so that e.g. ("Questionnaire", "item.item.text") resolves.
 */
export function getElement(typeName: string, path: string): ElementDefinition | undefined {
  const type = getTypeDefinition(typeName);
  if (!type) return undefined;
  // own properties only: a path such as "constructor" must not find Object's
  const direct = Object.hasOwn(type.elements, path) ? type.elements[path] : undefined;
  if (direct) return direct;
  // Resolve through a contentReference somewhere along the path.
  const parts = path.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const prefix = parts.slice(0, i).join('.');
    const el = Object.hasOwn(type.elements, prefix) ? type.elements[prefix] : undefined;
    if (el?.contentReference) {
      return getElement(typeName, [el.contentReference, ...parts.slice(i)].join('.'));
    }
  }
  return undefined;
}

/** Choice element JSON names: "value" + "Quantity" → "valueQuantity". */
export function choiceJsonName(base: string, typeCode: string): string {
  return base + typeCode.charAt(0).toUpperCase() + typeCode.slice(1);
}

/** Elements of a type in the order the specification defines them. */
export function elementPaths(typeName: string): string[] {
  return Object.keys(getTypeDefinition(typeName)?.elements ?? {});
}
