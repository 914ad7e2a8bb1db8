/**
 * The values a compiled FHIRPath expression works on: JSON values paired with their type from the
 * element model, how they are read from FHIR JSON (primitives with their "_" siblings, choice
 * elements, contained resources), and FHIRPath equality for `|`. Reads JSON only; never changes it.
 */
import { resourceNodeType, type ChildBranch, type NodeType } from './node-types.ts';

/** A value found by a FHIRPath expression, with its FHIR type ("HumanName", "dateTime", "Patient"…). */
export interface TypedValue {
  readonly value: unknown;
  readonly type: string;
}

/**
 * A value while evaluating, with the node type that says how to step into it. Primitives that
 * carry only an extension ("_birthDate") are nodes with a null value, as in fhirpath.js: they count
 * for indexers and exists(), and are dropped from the result. Nodes are handed out as TypedValues;
 * the node type is a private field, so callers see (and compare, and serialise) value and type only.
 */
export class Node implements TypedValue {
  readonly #nodeType: NodeType;

  constructor(
    readonly value: unknown,
    readonly type: string,
    nodeType: NodeType,
  ) {
    this.#nodeType = nodeType;
  }

  get nt(): NodeType {
    return this.#nodeType;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function pushChild(out: Node[], value: unknown, nt: NodeType): void {
  if (nt.kind === 'resource') {
    const concrete = resourceNodeType(value, nt);
    out.push(new Node(value, concrete.code, concrete));
  } else {
    out.push(new Node(value, nt.code, nt));
  }
}

/** The children under one JSON key, primitives paired with their "_key" (http://hl7.org/fhir/R4/json.html#primitive). */
export function pushBranch(out: Node[], object: Record<string, unknown>, branch: ChildBranch): void {
  const raw = object[branch.key];
  const nt = branch.type;
  if (nt.kind === 'primitive') {
    const extension = object[branch.extKey];
    if (Array.isArray(raw) || Array.isArray(extension)) {
      const values: readonly unknown[] = Array.isArray(raw) ? raw : [];
      const extensions: readonly unknown[] = Array.isArray(extension) ? extension : [];
      const length = Math.max(values.length, extensions.length);
      for (let i = 0; i < length; i++) {
        const value = values[i];
        if (value != null || extensions[i] != null) out.push(new Node(value ?? null, nt.code, nt));
      }
    } else if (raw != null || extension != null) {
      out.push(new Node(raw ?? null, nt.code, nt));
    }
    return;
  }
  if (raw == null) return;
  if (Array.isArray(raw)) {
    for (const item of raw as unknown[]) if (item != null) pushChild(out, item, nt);
  } else {
    pushChild(out, raw, nt);
  }
}

/** FHIRPath equality of two JSON values, as distinct() and `|` use it: structural, key order ignored. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null || b == null) return a == null && b == null;
  if (!isObject(a) || !isObject(b)) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && jsonEqual(a[key], b[key]));
}

export function distinct(nodes: readonly Node[]): readonly Node[] {
  if (nodes.length < 2) return nodes;
  const unique: Node[] = [];
  for (const node of nodes) if (!unique.some((seen) => jsonEqual(seen.value, node.value))) unique.push(node);
  return unique;
}
