/**
 * Compiles the FHIRPath subset of the R4 SearchParameter expressions (see parse.ts) into plain
 * JavaScript closures over FHIR JSON, each value carrying its FHIR type from the element model.
 * It must agree with fhirpath.js on everything it accepts (differential.test.ts checks this);
 * whatever it cannot compile faithfully it refuses with UnsupportedFhirPath, never guesses.
 *
 * Semantics follow FHIRPath N1 (http://hl7.org/fhirpath/N1/) with one deliberate difference:
 * `x as T` filters a collection of any size, like `ofType(T)`. N1 §6.3 wants a single item on the
 * left, but the R4 expressions (`(ActivityDefinition.useContext.value as Quantity)`) are meant as a
 * filter over repeating elements, and R5 rewrote them with ofType() for that reason.
 */
import { FhirError } from '../errors.ts';
import { isResourceType } from '../model.ts';
import type { Resource } from '../types.ts';
import { childStep, isKnownType, isTypeOf, nodeTypeOf, type NodeType } from './node-types.ts';
import { distinct, isObject, Node, pushBranch, type TypedValue } from './nodes.ts';
import { parseFhirPath, UnsupportedFhirPath, type FhirPathAst } from './parse.ts';
import { referenceTargetType } from './reference-type.ts';

type Evaluate = (focus: readonly Node[]) => readonly Node[];

/** The focus itself: `exists()` on its own, or the start of a path inside where(). */
const identity: Evaluate = (focus) => focus;

interface Compiled {
  readonly evaluate: Evaluate;
  /** every type the values may have, known at compile time */
  readonly types: readonly NodeType[];
}

const BOOLEAN = nodeTypeOf('boolean');
const TRUE = new Node(true, 'boolean', BOOLEAN);
const FALSE = new Node(false, 'boolean', BOOLEAN);
const ANY_RESOURCE = nodeTypeOf('Resource');
const STRING_LIKE = new Set(['string', 'code', 'id', 'markdown', 'uri', 'url', 'canonical', 'oid', 'uuid']);
const NUMERIC = new Set(['integer', 'decimal', 'positiveInt', 'unsignedInt']);

function unsupported(message: string): never {
  throw new UnsupportedFhirPath(message);
}

function union(a: readonly NodeType[], b: readonly NodeType[]): NodeType[] {
  return [...new Set([...a, ...b])];
}

/** Static types that may pass a type test for `typeName`; abstract resource types narrow to it. */
function narrowTypes(types: readonly NodeType[], typeName: string): NodeType[] {
  const narrowed = new Set<NodeType>();
  for (const type of types) {
    if (isTypeOf(type.code, typeName)) narrowed.add(type);
    else if (type.kind === 'resource' && isTypeOf(typeName, type.code)) narrowed.add(nodeTypeOf(typeName));
  }
  return [...narrowed];
}

function typeArgument(args: readonly FhirPathAst[], name: string): string {
  const [arg] = args;
  if (args.length !== 1 || arg?.kind !== 'identifier') return unsupported(`${name}() needs one type name`);
  if (!isKnownType(arg.name)) return unsupported(`unknown type ${arg.name}`);
  return arg.name;
}

function filterByType(source: Compiled, typeName: string): Compiled {
  const types = narrowTypes(source.types, typeName);
  // nothing to test at run time when every possible value already has the type
  if (source.types.every((type) => type.kind !== 'resource' && isTypeOf(type.code, typeName))) return { evaluate: source.evaluate, types };
  return {
    evaluate: (focus) => {
      const nodes = source.evaluate(focus);
      let kept: Node[] | undefined;
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i] as Node;
        if (isTypeOf(node.type, typeName)) kept?.push(node);
        else kept ??= nodes.slice(0, i);
      }
      return kept ?? nodes;
    },
    types,
  };
}

function testType(source: Compiled, typeName: string): Compiled {
  return {
    evaluate: (focus) => {
      const nodes = source.evaluate(focus);
      if (nodes.length === 0) return [];
      const [node] = nodes;
      // N1 §6.3.1: `is` takes a single item
      if (nodes.length > 1 || !node) throw new FhirError('UNPROCESSABLE', `FHIRPath "is ${typeName}" needs a single item, found ${nodes.length}`);
      return [isTypeOf(node.type, typeName) ? TRUE : FALSE];
    },
    types: [BOOLEAN],
  };
}

function member(source: Compiled, name: string): Compiled {
  const types = new Set<NodeType>();
  for (const type of source.types) {
    for (const branch of childStep(type, name)?.branches ?? []) types.add(branch.type);
  }
  if (types.size === 0) return unsupported(`no element "${name}" on ${source.types.map((t) => t.code).join(', ')}`);
  const [onlyType, ...otherTypes] = source.types;
  const staticStep = onlyType && otherTypes.length === 0 ? childStep(onlyType, name) : undefined;
  if (staticStep) {
    // One possible type: every value steps the same way, so the step is looked up once, here.
    // (A resource known only as "Resource" has the same children, of non-backbone types, as any.)
    const { branches } = staticStep;
    return {
      evaluate: (focus) => {
        const nodes = source.evaluate(focus);
        if (nodes.length === 0) return nodes;
        const out: Node[] = [];
        for (const node of nodes) {
          const { value } = node;
          if (isObject(value)) for (const branch of branches) pushBranch(out, value, branch);
        }
        return out;
      },
      types: [...types],
    };
  }
  return {
    evaluate: (focus) => {
      const nodes = source.evaluate(focus);
      if (nodes.length === 0) return nodes;
      const out: Node[] = [];
      // values of one collection mostly share a node type: remember the last lookup
      let lastType: NodeType | undefined;
      let step: ReturnType<typeof childStep>;
      for (const node of nodes) {
        const { value } = node;
        if (!isObject(value)) continue;
        if (node.nt !== lastType) {
          lastType = node.nt;
          step = childStep(node.nt, name);
        }
        if (step) for (const branch of step.branches) pushBranch(out, value, branch);
      }
      return out;
    },
    types: [...types],
  };
}

/** `resolve()` without fetching: a stand-in resource of the type the Reference names (reference-type.ts). */
function resolveReferences(source: Compiled): Compiled {
  return {
    evaluate: (focus) => {
      const out: Node[] = [];
      for (const node of source.evaluate(focus)) {
        if (node.type !== 'Reference') continue;
        const target = referenceTargetType(node.value);
        if (target !== undefined) out.push(new Node({ resourceType: target }, target, nodeTypeOf(target)));
      }
      return out;
    },
    types: [ANY_RESOURCE],
  };
}

function isBooleanTyped(compiled: Compiled): boolean {
  return compiled.types.every((type) => type === BOOLEAN);
}

/** `where(resolve() is T)`, the commonest criterion of all, as a direct test on each Reference. */
function referencePredicate(criteria: FhirPathAst): ((node: Node) => boolean) | undefined {
  if (criteria.kind !== 'type' || criteria.op !== 'is') return undefined;
  const { base, typeName } = criteria;
  if (base.kind !== 'call' || base.base !== undefined || base.name !== 'resolve' || base.args.length > 0) return undefined;
  if (!isKnownType(typeName)) return undefined;
  return (node) => {
    if (node.type !== 'Reference') return false;
    const target = referenceTargetType(node.value);
    return target !== undefined && isTypeOf(target, typeName);
  };
}

function where(source: Compiled, args: readonly FhirPathAst[]): Compiled {
  const [criteria] = args;
  if (args.length !== 1 || !criteria) return unsupported('where() needs one criterion');
  let test = referencePredicate(criteria);
  if (!test) {
    const compiled = compileAst(criteria, source.types);
    if (!isBooleanTyped(compiled)) return unsupported('where() with a criterion that is not boolean');
    test = (node) => {
      const result = compiled.evaluate([node]);
      return result.length === 1 && result[0]?.value === true;
    };
  }
  const keep = test;
  return {
    evaluate: (focus) => {
      const nodes = source.evaluate(focus);
      return nodes.length === 0 ? nodes : nodes.filter(keep);
    },
    types: source.types,
  };
}

function call(source: Compiled, name: string, args: readonly FhirPathAst[]): Compiled {
  switch (name) {
    case 'where':
      return where(source, args);
    case 'exists': {
      const filtered = args.length === 0 ? source : where(source, args);
      return { evaluate: (focus) => [filtered.evaluate(focus).length > 0 ? TRUE : FALSE], types: [BOOLEAN] };
    }
    case 'empty':
      if (args.length > 0) return unsupported('empty() takes no arguments');
      return { evaluate: (focus) => [source.evaluate(focus).length === 0 ? TRUE : FALSE], types: [BOOLEAN] };
    case 'first':
      if (args.length > 0) return unsupported('first() takes no arguments');
      return { evaluate: (focus) => source.evaluate(focus).slice(0, 1), types: source.types };
    case 'ofType':
    case 'as':
      return filterByType(source, typeArgument(args, name));
    case 'is':
      return testType(source, typeArgument(args, name));
    case 'resolve':
      if (args.length > 0) return unsupported('resolve() takes no arguments');
      return resolveReferences(source);
    default:
      return unsupported(`function ${name}()`);
  }
}

/** `x = literal` / `x != literal` over primitives, where JSON equality is FHIRPath equality. */
function compare(op: '=' | '!=', left: FhirPathAst, right: FhirPathAst, focusTypes: readonly NodeType[]): Compiled {
  const literalSide = right.kind === 'literal' ? right : left.kind === 'literal' ? left : undefined;
  const other = literalSide === right ? left : right;
  if (!literalSide || other.kind === 'literal') return unsupported(`"${op}" other than between a path and a literal`);
  const literal = literalSide.value;
  const compiled = compileAst(other, focusTypes);
  const families = typeof literal === 'string' ? STRING_LIKE : typeof literal === 'number' ? NUMERIC : undefined;
  for (const type of compiled.types) {
    if (type.kind !== 'primitive') return unsupported(`"${op}" on ${type.code}`);
    // booleans compare with anything (a dateTime is simply not equal to false); strings and numbers
    // only within their own family, since FHIRPath converts between the others (dates, quantities)
    if (families && !families.has(type.code)) return unsupported(`"${op}" between ${type.code} and a ${typeof literal} literal`);
  }
  const [whenEqual, whenUnequal] = op === '=' ? [TRUE, FALSE] : [FALSE, TRUE];
  return {
    evaluate: (focus) => {
      const nodes = compiled.evaluate(focus);
      const [node] = nodes;
      if (!node) return [];
      // N1 §6.1.1: collections of different sizes are not equal
      if (nodes.length > 1) return [whenUnequal];
      if (node.value == null) return [];
      return [node.value === literal ? whenEqual : whenUnequal];
    },
    types: [BOOLEAN],
  };
}

/** N1 §6.5 three-valued logic: undefined stands for the empty collection. */
function truth(nodes: readonly Node[]): boolean | undefined {
  if (nodes.length === 0) return undefined;
  if (nodes.length > 1) throw new FhirError('UNPROCESSABLE', `FHIRPath "and"/"or" needs a single boolean, found ${nodes.length} items`);
  return nodes[0]?.value === true;
}

function logic(op: 'and' | 'or', left: Compiled, right: Compiled): Compiled {
  if (!isBooleanTyped(left) || !isBooleanTyped(right)) return unsupported(`"${op}" on values that are not boolean`);
  const decisive = op === 'or';
  return {
    evaluate: (focus) => {
      const a = truth(left.evaluate(focus));
      if (a === decisive) return [a ? TRUE : FALSE];
      const b = truth(right.evaluate(focus));
      if (b === decisive) return [b ? TRUE : FALSE];
      if (a === undefined || b === undefined) return [];
      return [a ? TRUE : FALSE];
    },
    types: [BOOLEAN],
  };
}

/** An identifier at the start of a path: a member of the focus, or a type name (`Patient.name`). */
function identifier(name: string, focusTypes: readonly NodeType[]): Compiled {
  const focus: Compiled = { evaluate: identity, types: focusTypes };
  const isMember = focusTypes.some((type) => childStep(type, name) !== undefined);
  if (!isMember && /^[A-Z]/.test(name) && isKnownType(name)) return filterByType(focus, name);
  return member(focus, name);
}

function literalNode(value: string | number | boolean): Node {
  const code = typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'boolean' : Number.isInteger(value) ? 'integer' : 'decimal';
  return new Node(value, code, nodeTypeOf(code));
}

function compileAst(ast: FhirPathAst, focusTypes: readonly NodeType[]): Compiled {
  switch (ast.kind) {
    case 'identifier':
      return identifier(ast.name, focusTypes);
    case 'literal': {
      const node = literalNode(ast.value);
      return { evaluate: () => [node], types: [node.nt] };
    }
    case 'member':
      return member(compileAst(ast.base, focusTypes), ast.name);
    case 'call': {
      const source: Compiled = ast.base ? compileAst(ast.base, focusTypes) : { evaluate: identity, types: focusTypes };
      return call(source, ast.name, ast.args);
    }
    case 'index': {
      const source = compileAst(ast.base, focusTypes);
      const { index } = ast;
      return { evaluate: (focus) => source.evaluate(focus).slice(index, index + 1), types: source.types };
    }
    case 'type': {
      const source = compileAst(ast.base, focusTypes);
      if (!isKnownType(ast.typeName)) return unsupported(`unknown type ${ast.typeName}`);
      return ast.op === 'is' ? testType(source, ast.typeName) : filterByType(source, ast.typeName);
    }
    case 'binary': {
      if (ast.op === '=' || ast.op === '!=') return compare(ast.op, ast.left, ast.right, focusTypes);
      const left = compileAst(ast.left, focusTypes);
      const right = compileAst(ast.right, focusTypes);
      if (ast.op === 'and' || ast.op === 'or') return logic(ast.op, left, right);
      return {
        evaluate: (focus) => distinct([...left.evaluate(focus), ...right.evaluate(focus)]),
        types: union(left.types, right.types),
      };
    }
  }
}

const rootTypes = new Map<string, NodeType>();

/** The node type of a resource being evaluated; an unknown resourceType is walked as a bare Resource. */
function rootType(resourceType: string): NodeType {
  let type = rootTypes.get(resourceType);
  if (!type) {
    // only real resource types are remembered, so that input cannot grow the memo
    if (!isResourceType(resourceType)) return ANY_RESOURCE;
    type = nodeTypeOf(resourceType);
    rootTypes.set(resourceType, type);
  }
  return type;
}

export interface CompiledEvaluator {
  /** evaluates on a resource and returns the values with their FHIR types */
  readonly evaluate: (resource: Resource) => readonly TypedValue[];
  /** every FHIR type a value may have, from the element model ("Resource" for any resource) */
  readonly resultTypes: readonly string[];
}

/**
 * Compiles `expression`, to be evaluated with a resource as its context; throws
 * UnsupportedFhirPath when the expression is outside the subset.
 */
export function compileToEvaluator(expression: string): CompiledEvaluator {
  const compiled = compileAst(parseFhirPath(expression), [ANY_RESOURCE]);
  const evaluate = (resource: Resource): readonly TypedValue[] => {
    const root = rootType(resource.resourceType);
    const nodes = compiled.evaluate([new Node(resource, String(resource.resourceType), root)]);
    // nodes are TypedValues already; only the extension-only primitives are left out
    for (const node of nodes) if (node.value == null) return nodes.filter((kept) => kept.value != null);
    return nodes;
  };
  return { evaluate, resultTypes: [...new Set(compiled.types.map((type) => type.code))] };
}
