/**
 * What the compiled FHIRPath evaluator knows about the type of each value it walks over, taken from
 * the R4 element model (model.ts): which JSON keys hold a child element, the child's FHIR type,
 * choice types ("value[x]" → valueQuantity …), contentReference, and the type hierarchy used by
 * `is`, `as` and `ofType()`. Model lookups only: no evaluation here, and no I/O.
 *
 * Every NodeType is interned and its child lookups are memoised on it. The model never changes at
 * run time, so sharing these memos across calls is safe (like the model itself).
 */
import { choiceJsonName, getElement, getTypeDefinition, isPrimitiveType, isResourceType } from '../model.ts';

export interface NodeType {
  /** the FHIR type reported for values of this node type: "HumanName", "BackboneElement", "Patient", "Resource" */
  readonly code: string;
  /** the type whose element table lists the children, e.g. "Patient" for Patient.contact */
  readonly owner: string;
  /** the path of a backbone element inside `owner` ("contact"); "" for a type's own root */
  readonly path: string;
  readonly kind: 'primitive' | 'complex' | 'resource';
  /** memo of childStep(); null records "no such element" */
  readonly children: Map<string, ChildStep | null>;
}

/** One way a child element may appear in JSON: its key and the type of what it holds. */
export interface ChildBranch {
  readonly key: string;
  /** for primitives: the "_key" that carries id and extensions (http://hl7.org/fhir/R4/json.html#primitive) */
  readonly extKey: string;
  readonly type: NodeType;
}

/** How to step from a node to a named child: one branch, or one per type of a choice element. */
export interface ChildStep {
  readonly branches: readonly ChildBranch[];
}

const interned = new Map<string, NodeType>();

function intern(code: string, owner: string, path: string, kind: NodeType['kind']): NodeType {
  const key = `${code}|${owner}|${path}`;
  let type = interned.get(key);
  if (!type) {
    type = { code, owner, path, kind, children: new Map() };
    interned.set(key, type);
  }
  return type;
}

const byCode = new Map<string, NodeType>();

/** The node type of a value whose declared FHIR type is `code` (a data type or resource type). */
export function nodeTypeOf(code: string): NodeType {
  let type = byCode.get(code);
  if (!type) {
    const kind = isPrimitiveType(code) ? 'primitive' : code === 'Resource' || code === 'DomainResource' || isResourceType(code) ? 'resource' : 'complex';
    type = intern(code, code, '', kind);
    byCode.set(code, type);
  }
  return type;
}

/** The node type of a resource found inside another one (contained, Bundle.entry.resource): its own type. */
export function resourceNodeType(value: unknown, declared: NodeType): NodeType {
  const resourceType = (value as { resourceType?: unknown } | null)?.resourceType;
  return typeof resourceType === 'string' && isResourceType(resourceType) ? nodeTypeOf(resourceType) : declared;
}

function lookUpChild(parent: NodeType, name: string): ChildStep | null {
  if (parent.kind === 'primitive') return null;
  const path = parent.path === '' ? name : `${parent.path}.${name}`;
  const element = getTypeDefinition(parent.owner)?.elements[path];
  if (!element) return null;
  // contentReference (e.g. Questionnaire.item.item → item): the child is typed by the referenced
  // backbone definition, so later steps look children up under that path.
  if (element.contentReference !== undefined) {
    const target = getElement(parent.owner, element.contentReference);
    const code = target?.types[0] ?? 'BackboneElement';
    const type = intern(code, parent.owner, element.contentReference, 'complex');
    return { branches: [{ key: name, extKey: `_${name}`, type }] };
  }
  if (element.choice) {
    // http://hl7.org/fhir/R4/formats.html#choice: the JSON name carries the type, value[x] → valueQuantity
    return {
      branches: element.types.map((code) => {
        const key = choiceJsonName(name, code);
        return { key, extKey: `_${key}`, type: nodeTypeOf(code) };
      }),
    };
  }
  const code = element.types[0];
  if (code === undefined) return null;
  // BackboneElement (and Element inside data types, e.g. Timing.repeat) define their children inline
  const type = code === 'BackboneElement' || code === 'Element' ? intern(code, parent.owner, path, 'complex') : nodeTypeOf(code);
  return { branches: [{ key: name, extKey: `_${name}`, type }] };
}

/** How to step from `parent` to its child `name`; undefined when the model has no such element. */
export function childStep(parent: NodeType, name: string): ChildStep | undefined {
  let step = parent.children.get(name);
  if (step === undefined) {
    step = lookUpChild(parent, name);
    parent.children.set(name, step);
  }
  return step ?? undefined;
}

/** Each type with the types it derives from (itself included), e.g. Age → Age, Quantity, Element. */
const ancestry = new Map<string, ReadonlySet<string>>();

/**
 * FHIRPath type test (http://hl7.org/fhirpath/N1/#is-type-specifier): true when `actual` is
 * `target` or derives from it (Age is a Quantity, code is a string, Patient is a DomainResource).
 */
export function isTypeOf(actual: string, target: string): boolean {
  if (actual === target) return true;
  let ancestors = ancestry.get(actual);
  if (!ancestors) {
    // a name the model does not know (a made-up resourceType) derives from nothing; not memoised,
    // so that input cannot grow the memo
    if (!getTypeDefinition(actual)) return false;
    const found = new Set([actual]);
    for (let base = getTypeDefinition(actual)?.base; base !== undefined; base = getTypeDefinition(base)?.base) found.add(base);
    ancestors = found;
    ancestry.set(actual, ancestors);
  }
  return ancestors.has(target);
}

/** True when `name` names a FHIR type (resource, data type or primitive) that `is`/`as` can test for. */
export function isKnownType(name: string): boolean {
  return getTypeDefinition(name) !== undefined;
}
