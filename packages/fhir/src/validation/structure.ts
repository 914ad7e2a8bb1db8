/**
 * Compiles the generated model into one lookup table per structure (a resource, a data type, or a
 * BackboneElement inside one, e.g. "Patient.contact"): JSON property name → what may stand there.
 * Compiled lazily, once per structure, so validation itself is only map look-ups and type tests.
 *
 * Knows the model and the JSON rules for naming properties (http://hl7.org/fhir/R4/json.html);
 * must not look at instance data.
 */
import { choiceJsonName, getTypeDefinition, type ElementDefinition, type TypeDefinition } from '../model.ts';
import { requiredBinding, type RequiredBinding } from './bindings.ts';
import { datatypeRules, type DatatypeRule } from './datatype-rules.ts';
import { primitiveChecker, type PrimitiveChecker } from './primitives.ts';

export type ValueKind = 'primitive' | 'complex' | 'resource';

/** What one JSON property of a structure may hold. */
export interface PropertyRule {
  /** "valueQuantity", "given", or "_given" for the extensions of `given` */
  readonly jsonName: string;
  /** the element as the specification names it, "value[x]" or "given" */
  readonly elementName: string;
  /** max cardinality above 1: the JSON value is an array (json.html#arrays) */
  readonly array: boolean;
  readonly min: number;
  /** -1 when unbounded */
  readonly max: number;
  /** the FHIR type of this property, e.g. "Quantity" for valueQuantity */
  readonly type: string;
  readonly kind: ValueKind;
  readonly primitive: PrimitiveChecker | undefined;
  /** key of the structure a complex value must follow, compiled on first use */
  readonly structureKey: string | undefined;
  /** for choice variants: the element name without [x], e.g. "value" */
  readonly choiceBase: string | undefined;
  /** required binding of a code, Coding or CodeableConcept, when its value set was expanded */
  readonly binding: RequiredBinding | undefined;
  /** resource types a Reference may point to; undefined when any */
  readonly targets: ReadonlySet<string> | undefined;
  /** for resource-valued elements: the one resource type allowed, undefined for any */
  readonly resourceType: string | undefined;
  /** DomainResource.contained: resources here follow dom-2/4/5 */
  readonly contained: boolean;
  /** for `_name` properties: the rule of the primitive the extensions belong to */
  readonly extensionOf: PropertyRule | undefined;
}

export interface RequiredElement {
  readonly elementName: string;
  /** any of these JSON properties satisfies it (variants of a choice, and `_name` forms) */
  readonly jsonNames: readonly string[];
}

export interface ChoiceElement {
  readonly base: string;
  readonly types: readonly string[];
}

export interface CompiledStructure {
  /** "Patient", "Patient.contact", "HumanName": used in messages */
  readonly name: string;
  /** the resource or data type this structure belongs to */
  readonly typeName: string;
  /** the rule for the data type as a whole (ext-1, NHS number), at the root of that type only */
  readonly typeRule: DatatypeRule | undefined;
  readonly isResource: boolean;
  readonly properties: ReadonlyMap<string, PropertyRule>;
  readonly required: readonly RequiredElement[];
  readonly choices: readonly ChoiceElement[];
}

/** Compiled structures by key ("Patient", "Patient.contact"); a memo over the immutable model. */
const structures = new Map<string, CompiledStructure>();
/** Child element names by parent path, per type: built once so compiling a structure is linear. */
const childIndex = new Map<string, Map<string, string[]>>();

function childrenOf(typeName: string, type: TypeDefinition, prefix: string): string[] {
  let index = childIndex.get(typeName);
  if (index === undefined) {
    index = new Map();
    for (const path of Object.keys(type.elements)) {
      const dot = path.lastIndexOf('.');
      const parent = dot < 0 ? '' : path.slice(0, dot);
      const list = index.get(parent) ?? [];
      list.push(path);
      index.set(parent, list);
    }
    childIndex.set(typeName, index);
  }
  return index.get(prefix) ?? [];
}

function isPrimitive(type: string): boolean {
  return getTypeDefinition(type)?.kind === 'primitive-type';
}

function isResourceTypeCode(type: string): boolean {
  return type === 'Resource' || getTypeDefinition(type)?.kind === 'resource';
}

interface VariantInput {
  readonly typeName: string;
  readonly type: TypeDefinition;
  readonly path: string;
  readonly element: ElementDefinition;
  readonly elementName: string;
  readonly isResourceRoot: boolean;
}

function variantRule(input: VariantInput, variantType: string, jsonName: string, choiceBase: string | undefined): PropertyRule {
  const { typeName, type, path, element, elementName, isResourceRoot } = input;
  // Resource.id is an `id` (http://hl7.org/fhir/R4/resource.html#id) though the definitions carry it
  // as a FHIRPath System.String; element ids elsewhere are plain strings.
  const fhirType = isResourceRoot && elementName === 'id' ? 'id' : variantType;
  let kind: ValueKind;
  let structureKey: string | undefined;
  if (element.contentReference !== undefined) {
    kind = 'complex';
    structureKey = `${typeName}.${element.contentReference}`;
  } else if (isPrimitive(fhirType)) {
    kind = 'primitive';
  } else if (isResourceTypeCode(fhirType)) {
    kind = 'resource';
  } else if ((fhirType === 'BackboneElement' || fhirType === 'Element') && childrenOf(typeName, type, path).length > 0) {
    kind = 'complex';
    structureKey = `${typeName}.${path}`;
  } else {
    kind = 'complex';
    structureKey = fhirType;
  }
  const binding = element.requiredBinding !== undefined && (fhirType === 'code' || fhirType === 'Coding' || fhirType === 'CodeableConcept')
    ? requiredBinding(element.requiredBinding)
    : undefined;
  return {
    jsonName,
    elementName: choiceBase === undefined ? elementName : `${choiceBase}[x]`,
    array: element.max !== 1,
    min: element.min,
    max: element.max,
    type: fhirType,
    kind,
    primitive: kind === 'primitive' ? primitiveChecker(fhirType) : undefined,
    structureKey,
    choiceBase,
    binding,
    targets: fhirType === 'Reference' && element.targets !== undefined ? new Set(element.targets) : undefined,
    resourceType: kind === 'resource' && fhirType !== 'Resource' ? fhirType : undefined,
    contained: isResourceRoot && elementName === 'contained',
    extensionOf: undefined,
  };
}

function compile(key: string): CompiledStructure | undefined {
  const dot = key.indexOf('.');
  const typeName = dot < 0 ? key : key.slice(0, dot);
  const prefix = dot < 0 ? '' : key.slice(dot + 1);
  const type = getTypeDefinition(typeName);
  if (type === undefined) return undefined;
  const isResourceRoot = type.kind === 'resource' && prefix === '';

  const properties = new Map<string, PropertyRule>();
  const required: RequiredElement[] = [];
  const choices: ChoiceElement[] = [];
  for (const path of childrenOf(typeName, type, prefix)) {
    const element = type.elements[path];
    if (element === undefined || element.max === 0) continue;
    const elementName = prefix === '' ? path : path.slice(prefix.length + 1);
    const input: VariantInput = { typeName, type, path, element, elementName, isResourceRoot };
    const variants: PropertyRule[] = [];
    if (element.choice === true) {
      for (const variantType of element.types) variants.push(variantRule(input, variantType, choiceJsonName(elementName, variantType), elementName));
      choices.push({ base: elementName, types: element.types });
    } else {
      const referenced = element.contentReference === undefined ? undefined : type.elements[element.contentReference];
      variants.push(variantRule(input, element.types[0] ?? referenced?.types[0] ?? 'BackboneElement', elementName, undefined));
    }
    const jsonNames: string[] = [];
    for (const rule of variants) {
      properties.set(rule.jsonName, rule);
      jsonNames.push(rule.jsonName);
      // json.html#primitive: a primitive's id and extensions go in a sibling property named `_name`
      if (rule.primitive?.allowsExtension === true) {
        const extensionName = `_${rule.jsonName}`;
        properties.set(extensionName, { ...rule, jsonName: extensionName, extensionOf: rule });
        jsonNames.push(extensionName);
      }
    }
    if (element.min > 0) required.push({ elementName: element.choice === true ? `${elementName}[x]` : elementName, jsonNames });
  }
  return {
    name: key,
    typeName,
    typeRule: prefix === '' ? datatypeRules[typeName] : undefined,
    isResource: isResourceRoot,
    properties,
    required,
    choices,
  };
}

/** The compiled structure for a key such as "Patient", "HumanName" or "Patient.contact". */
export function structureFor(key: string): CompiledStructure | undefined {
  let structure = structures.get(key);
  if (structure === undefined) {
    structure = compile(key);
    if (structure === undefined) return undefined;
    structures.set(key, structure);
  }
  return structure;
}
