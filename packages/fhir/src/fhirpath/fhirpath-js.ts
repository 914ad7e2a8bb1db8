/**
 * The one door to fhirpath.js (https://github.com/HL7/fhirpath.js) with its R4 model: full FHIRPath
 * for whatever the compiler (compile.ts) does not take, and the reference the compiler is tested
 * against. fhirpath.js is typed loosely (`any`), so it is described here by the little we use.
 *
 * `resolve()` is replaced: fhirpath.js would fetch the target over HTTP, while in Kindred's
 * expressions `resolve() is Patient` asks only for the type the reference names (reference-type.ts).
 * Nothing here performs I/O or changes the resource it is given.
 */
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4';
import type { Resource } from '../types.ts';
import type { TypedValue } from './nodes.ts';
import { referenceTargetType } from './reference-type.ts';

/** A fhirpath.js ResourceNode, as far as `resolve()` needs one. */
interface ResourceNodeLike {
  readonly data: unknown;
  readonly constructor: { makeResNode(context: unknown, data: unknown, parent: null, path: null, extra: null, type: null): unknown };
}

interface UserFunction {
  fn: (this: unknown, collection: ResourceNodeLike[]) => unknown[];
  arity: Record<number, string[]>;
  internalStructures: boolean;
}

interface FhirPathJs {
  compile(
    expression: string,
    model: unknown,
    options: { resolveInternalTypes: false; userInvocationTable: Record<string, UserFunction> },
  ): (resource: unknown) => unknown[];
  types(nodes: readonly unknown[]): string[];
  resolveInternalTypes(value: readonly unknown[]): unknown[];
}

// The module's own declarations use `any` throughout; this is the typed view of the parts we call.
const engine = fhirpath as unknown as FhirPathJs;

const resolveByLiteralType: UserFunction = {
  // internalStructures: the nodes come in as ResourceNodes, so that a stand-in resource can be made
  // as one; fhirpath.js exports no constructor for it, hence the node's own class.
  internalStructures: true,
  arity: { 0: [] },
  fn(collection) {
    const resolved: unknown[] = [];
    for (const node of collection) {
      const type = referenceTargetType(node.data);
      if (type !== undefined) resolved.push(node.constructor.makeResNode(this, { resourceType: type }, null, null, null, null));
    }
    return resolved;
  },
};

const OPTIONS = { resolveInternalTypes: false, userInvocationTable: { resolve: resolveByLiteralType } } as const;

/** Compiled fhirpath.js expressions; bounded, since callers may evaluate expressions of their own. */
const cache = new Map<string, (resource: unknown) => unknown[]>();
const CACHE_LIMIT = 2000;

function compiled(expression: string): (resource: unknown) => unknown[] {
  let evaluate = cache.get(expression);
  if (!evaluate) {
    evaluate = engine.compile(expression, r4Model, { ...OPTIONS });
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(expression, evaluate);
  }
  return evaluate;
}

/** The FHIR type fhirpath.js names ("FHIR.HumanName", "System.Boolean"), as a FHIR type code. */
const SYSTEM_TYPES: Readonly<Record<string, string>> = {
  'System.Boolean': 'boolean',
  'System.String': 'string',
  'System.Integer': 'integer',
  'System.Decimal': 'decimal',
  'System.Date': 'date',
  'System.DateTime': 'dateTime',
  'System.Time': 'time',
  'System.Quantity': 'Quantity',
};

/** A value's FHIR type guessed from its JSON shape, for values fhirpath.js cannot type from the model. */
function typeFromShape(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'decimal';
  if (typeof value !== 'object' || value === null) return 'Element';
  const keys = new Set(Object.keys(value));
  if (typeof (value as { resourceType?: unknown }).resourceType === 'string') return (value as { resourceType: string }).resourceType;
  if (keys.has('reference') || (keys.has('identifier') && !keys.has('system'))) return 'Reference';
  if (keys.has('coding')) return 'CodeableConcept';
  if (keys.has('family') || keys.has('given')) return 'HumanName';
  if (keys.has('line') || keys.has('city') || keys.has('postalCode')) return 'Address';
  if (keys.has('start') || keys.has('end')) return 'Period';
  if (keys.has('currency')) return 'Money';
  if (keys.has('value') && (keys.has('unit') || keys.has('code'))) return 'Quantity';
  if (keys.has('code')) return 'Coding';
  if (keys.has('value')) return keys.has('use') && !keys.has('type') ? 'ContactPoint' : 'Identifier';
  return 'Element';
}

function fhirTypeCode(fhirpathType: string | undefined, value: unknown): string {
  if (fhirpathType?.startsWith('FHIR.')) return fhirpathType.slice(5);
  const system = fhirpathType === undefined ? undefined : SYSTEM_TYPES[fhirpathType];
  return system ?? typeFromShape(value);
}

/**
 * Evaluates `expression` with fhirpath.js and returns each value with its FHIR type. Primitives
 * that have only an extension ("_birthDate" without "birthDate") give no value.
 */
export function evaluateFhirPathTyped(expression: string, resource: Resource): TypedValue[] {
  const nodes = compiled(expression)(resource);
  const typed: TypedValue[] = [];
  for (const node of nodes) {
    const [value] = engine.resolveInternalTypes([node]);
    if (value == null) continue;
    typed.push({ value, type: fhirTypeCode(engine.types([node])[0], value) });
  }
  return typed;
}

/** Evaluates a FHIRPath expression with fhirpath.js (R4 model); the values as plain JSON. */
export function evaluateFhirPath(expression: string, resource: Resource): unknown[] {
  return evaluateFhirPathTyped(expression, resource).map((typed) => typed.value);
}

/** fhirpath.js's compile as used with environment variables and functions of the caller's. */
interface FhirPathJsWithVariables {
  util: { valData(item: unknown): unknown };
  compile(
    expression: string,
    model: unknown,
    options: { resolveInternalTypes: false; userInvocationTable: Record<string, unknown> },
  ): (context: unknown, variables?: Readonly<Record<string, unknown>>) => unknown[];
}

const engineWithVariables = fhirpath as unknown as FhirPathJsWithVariables;

/**
 * A function added to FHIRPath for one compiled expression (for example SQL on FHIR's
 * getResourceKey()). `arity` maps a number of arguments to their kinds as fhirpath.js names them
 * ('TypeSpecifier', 'String', 'Integer', 'Expr', ...). With `items: true` the function is given
 * the evaluation's own items (see FhirPathItems) instead of plain values.
 */
export interface FhirPathFunction {
  readonly arity: Readonly<Record<number, readonly string[]>>;
  readonly items?: boolean;
  readonly fn: (input: unknown[], ...args: unknown[]) => unknown[];
}

/**
 * An expression compiled once and evaluated many times. `context` is a resource, or items that an
 * earlier evaluation returned (so that their FHIR types are kept, as `value.ofType(Quantity)` on
 * an element needs); `variables` are the environment variables named `%name` in the expression.
 * The items it returns are opaque: turn them into plain JSON with fhirPathItemValues.
 */
export type FhirPathEvaluator = (context: unknown, variables?: Readonly<Record<string, unknown>>) => unknown[];

/**
 * Compiles `expression` with fhirpath.js (R4 model) and the given extra functions; throws when the
 * expression does not parse. Nothing is cached here: the caller keeps the evaluator.
 */
export function compileFhirPathEvaluator(
  expression: string,
  functions: Readonly<Record<string, FhirPathFunction>> = {},
): FhirPathEvaluator {
  const table: Record<string, unknown> = { resolve: resolveByLiteralType };
  for (const [name, fn] of Object.entries(functions)) {
    table[name] = {
      internalStructures: fn.items === true,
      arity: fn.arity,
      fn: (collection: unknown[], ...args: unknown[]) => fn.fn(collection, ...args),
    };
  }
  const evaluate = engineWithVariables.compile(expression, r4Model, { resolveInternalTypes: false, userInvocationTable: table });
  return (context, variables) => evaluate(context, variables);
}

/** The plain JSON values of items a FhirPathEvaluator returned (dates as their strings). */
export function fhirPathItemValues(items: readonly unknown[]): unknown[] {
  return engine.resolveInternalTypes(items);
}

/** The FHIRPath type of each item a FhirPathEvaluator returned ("FHIR.decimal", "System.DateTime"). */
export function fhirPathItemTypes(items: readonly unknown[]): string[] {
  return engine.types(items);
}

/**
 * The JSON an item a FhirPathEvaluator returned stands for, not copied (so it must not be changed);
 * date and time values that FHIRPath computed stay as fhirpath.js objects.
 */
export function fhirPathItemData(item: unknown): unknown {
  return engineWithVariables.util.valData(item);
}
