/**
 * Walks FHIR JSON against the compiled structures: names, cardinality and JSON shape
 * (http://hl7.org/fhir/R4/json.html), primitives and their `_name` extensions, choice elements,
 * ele-1, nested resources, and the data-type rules. One pass, no FHIRPath, nothing compiled per call.
 *
 * Reads its input only; must never change it. Reports through Findings; never throws for bad data.
 */
import { isResourceType, resourceTypes } from '../model.ts';
import { isPlainObject } from '../types.ts';
import { describeAllowedCodes } from './bindings.ts';
import { checkCodedBinding, checkContainedResource, checkReferenceTarget } from './datatype-rules.ts';
import { addError, addWarning, childPath, isFull, type Findings } from './findings.ts';
import { describeJson } from './primitives.ts';
import { structureFor, type CompiledStructure, type PropertyRule } from './structure.ts';
import { describeUnknownProperty, didYouMean } from './unknown-property.ts';

/** Deeper than any real resource; stops hostile nesting before it exhausts the stack. */
const MAX_DEPTH = 256;

const JSON_SPEC = 'http://hl7.org/fhir/R4/json.html';

/** Validates a value that must be a resource (of `expected` type when given) found at `path`. */
export function checkResource(value: unknown, expected: string | undefined, path: string, findings: Findings, depth: number, contained: boolean): void {
  if (!isPlainObject(value)) {
    addError(findings, 'structure', path, `${path} must be a JSON object holding a resource, not ${describeJson(value)}.`);
    return;
  }
  const resourceType = value.resourceType;
  if (typeof resourceType !== 'string') {
    addError(findings, 'structure', path, `${path} has no resourceType; every resource must say its type, e.g. "resourceType": "Patient".`);
    return;
  }
  if (!isResourceType(resourceType)) {
    const hint = didYouMean(resourceType, resourceTypes);
    addError(findings, 'value', `${path}.resourceType`, `'${resourceType}' is not a FHIR R4 resource type, so ${path} cannot be validated.${hint}`);
    return;
  }
  if (expected !== undefined && resourceType !== expected) {
    addError(findings, 'structure', `${path}.resourceType`, `${path} must be a ${expected} resource, not a ${resourceType}.`);
    return;
  }
  const structure = structureFor(resourceType);
  if (structure === undefined) return;
  checkObject(value, structure, path, findings, depth);
  if (contained) checkContainedResource(value, path, findings);
}

/**
 * `primitiveHasValue` is set for the `_name` object of a primitive that has a value: the element
 * then has a value, so an id alone is enough for ele-1.
 */
function checkObject(value: Record<string, unknown>, structure: CompiledStructure, path: string, findings: Findings, depth: number, primitiveHasValue = false): void {
  if (depth > MAX_DEPTH) {
    addError(findings, 'structure', path, `${path} is nested more than ${MAX_DEPTH} levels deep; Kindred does not accept resources this deep.`);
    return;
  }
  let choicesSeen: Record<string, string> | undefined;
  let hasContent = false;
  let hasId = false;
  // for…in rather than Object.keys: no array per object; JSON.parse output has no inherited keys
  for (const key in value) {
    const item = value[key];
    if (item === undefined) continue; // not JSON: absent, as JSON.stringify would make it
    if (key === 'resourceType' && structure.isResource) continue; // checked by checkResource
    if (key === 'id') hasId = true;
    else hasContent = true;
    const rule = structure.properties.get(key);
    if (rule === undefined) {
      if (!isFull(findings)) addError(findings, 'structure', `${path}.${key}`, describeUnknownProperty(key, structure, path));
      continue;
    }
    if (rule.choiceBase !== undefined) {
      const variant = rule.extensionOf?.jsonName ?? rule.jsonName;
      choicesSeen ??= {};
      const seen = choicesSeen[rule.choiceBase];
      if (seen === undefined) {
        choicesSeen[rule.choiceBase] = variant;
      } else if (seen !== variant) {
        addError(findings, 'structure', `${path}.${key}`, `${path} has both ${seen} and ${key}, but ${rule.elementName} takes exactly one type; keep one of them.`);
      }
    }
    if (rule.extensionOf !== undefined) checkPrimitiveExtensions(value, item, rule, rule.extensionOf, path, findings, depth);
    else checkProperty(value, item, rule, path, findings, depth);
  }
  // ele-1 (http://hl7.org/fhir/R4/element.html#invs): an element has a value or children besides id.
  // Nothing else is worth saying about an empty element, so the check stops here.
  if (!hasContent && !structure.isResource) {
    if (primitiveHasValue && hasId) return;
    const what = hasId ? 'holds only an id' : 'is an empty object';
    addError(findings, 'invariant', path, `${path} ${what}; an element must have a value or child elements, so leave it out instead (ele-1).`);
    return;
  }
  for (const required of structure.required) {
    if (!isPresent(value, required.jsonNames)) {
      addError(findings, 'required', `${path}.${required.elementName}`, `${path}.${required.elementName} is required in ${structure.name} but is missing.`);
    }
  }
  structure.typeRule?.(value, path, findings);
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function isPresent(value: Record<string, unknown>, names: readonly string[]): boolean {
  for (const name of names) if (value[name] !== undefined) return true;
  return false;
}

function checkProperty(owner: Record<string, unknown>, value: unknown, rule: PropertyRule, path: string, findings: Findings, depth: number): void {
  const name = rule.jsonName;
  if (value === null) {
    addError(findings, 'structure', `${path}.${name}`, `${path}.${name} is null; leave the element out instead (null is only allowed inside arrays of primitives, see ${JSON_SPEC}#primitive).`);
    return;
  }
  if (!rule.array) {
    if (Array.isArray(value)) {
      addError(findings, 'structure', `${path}.${name}`, `${path}.${name} must be a single value, not an array: ${rule.elementName} occurs at most once in FHIR R4.`);
      return;
    }
    checkItem(value, rule, path, -1, findings, depth);
    return;
  }
  if (!Array.isArray(value)) {
    addError(findings, 'structure', `${path}.${name}`, `${path}.${name} must be a JSON array because ${rule.elementName} can repeat; write [ … ] even for a single value (${JSON_SPEC}#arrays).`);
    return;
  }
  if (value.length === 0) {
    addError(findings, 'structure', `${path}.${name}`, `${path}.${name} is an empty array; leave the element out when it has no values (${JSON_SPEC}).`);
    return;
  }
  if (rule.max > 0 && value.length > rule.max) {
    addError(findings, 'structure', `${path}.${name}`, `${path}.${name} has ${count(value.length, 'value', 'values')} but allows at most ${rule.max}.`);
  }
  if (value.length < rule.min) {
    addError(findings, 'required', `${path}.${name}`, `${path}.${name} has ${count(value.length, 'value', 'values')} but needs at least ${rule.min}.`);
  }
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (item !== null) {
      checkItem(item, rule, path, i, findings, depth);
      continue;
    }
    // json.html#primitive: null only holds a place so that a `_name` entry can line up with it
    const extensions = rule.kind === 'primitive' ? owner[`_${name}`] : undefined;
    if (!Array.isArray(extensions) || !isPlainObject(extensions[i])) {
      const why = rule.kind === 'primitive'
        ? `null is only allowed where _${name}[${i}] holds an id or extensions for this position`
        : 'null is not allowed in an array of complex values; remove the entry';
      addError(findings, 'structure', childPath(path, name, i), `${childPath(path, name, i)} is null: ${why}.`);
    }
  }
}

function checkItem(value: unknown, rule: PropertyRule, path: string, index: number, findings: Findings, depth: number): void {
  if (rule.kind === 'primitive') {
    const problem = rule.primitive?.check(value);
    if (problem !== undefined) {
      const at = childPath(path, rule.jsonName, index);
      (problem.warning ? addWarning : addError)(findings, problem.code, at, `${at} ${problem.text}`);
    } else if (rule.binding !== undefined && typeof value === 'string' && !rule.binding.codeSet.has(value)) {
      const at = childPath(path, rule.jsonName, index);
      addError(findings, 'code-invalid', at, `${at} '${value}' is not an allowed code: ${describeAllowedCodes(rule.binding, value)}`);
    }
    return;
  }
  const at = childPath(path, rule.jsonName, index);
  if (rule.kind === 'resource') {
    checkResource(value, rule.resourceType, at, findings, depth + 1, rule.contained);
    return;
  }
  if (!isPlainObject(value)) {
    addError(findings, 'structure', at, `${at} must be a JSON object (${rule.type}), not ${describeJson(value)}.`);
    return;
  }
  const structure = rule.structureKey === undefined ? undefined : structureFor(rule.structureKey);
  if (structure === undefined) return;
  checkObject(value, structure, at, findings, depth + 1);
  if (rule.binding !== undefined) checkCodedBinding(value, rule.type, rule.binding, at, findings);
  if (rule.targets !== undefined) checkReferenceTarget(value, rule.targets, at, findings);
}

/**
 * `_name` beside a primitive holds its id and extensions (json.html#primitive). For repeating
 * elements both arrays line up by position, with null where one side has nothing.
 */
function checkPrimitiveExtensions(owner: Record<string, unknown>, value: unknown, rule: PropertyRule, primitive: PropertyRule, path: string, findings: Findings, depth: number): void {
  const name = rule.jsonName;
  const structure = structureFor(primitive.type);
  if (structure === undefined) return;
  if (!primitive.array) {
    const hasValue = owner[primitive.jsonName] !== undefined && owner[primitive.jsonName] !== null;
    if (isPlainObject(value)) checkObject(value, structure, childPath(path, primitive.jsonName, -1), findings, depth + 1, hasValue);
    else addError(findings, 'structure', `${path}.${name}`, `${path}.${name} must be a JSON object holding the id and extensions of ${primitive.jsonName}, not ${describeJson(value)}.`);
    return;
  }
  if (!Array.isArray(value)) {
    addError(findings, 'structure', `${path}.${name}`, `${path}.${name} must be an array lined up with ${primitive.jsonName} (one entry per value, null where a value has no extensions), not ${describeJson(value)}.`);
    return;
  }
  if (value.length === 0) {
    addError(findings, 'structure', `${path}.${name}`, `${path}.${name} is an empty array; leave it out when no value has extensions.`);
    return;
  }
  const values = owner[primitive.jsonName];
  if (Array.isArray(values) && values.length !== value.length) {
    addError(findings, 'structure', `${path}.${name}`, `${path}.${name} has ${count(value.length, 'entry', 'entries')} but ${primitive.jsonName} has ${count(values.length, 'value', 'values')}; the two arrays must line up one to one, with null where one side has nothing.`);
  }
  let allNull = true;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (item === null) {
      if (!Array.isArray(values)) {
        addError(findings, 'structure', `${path}.${name}[${i}]`, `${path}.${name}[${i}] is null and ${primitive.jsonName} has no values, so position ${i} holds nothing; remove it.`);
      }
      continue;
    }
    allNull = false;
    const at = childPath(path, primitive.jsonName, i);
    const hasValue = Array.isArray(values) && values[i] !== undefined && values[i] !== null;
    if (isPlainObject(item)) checkObject(item, structure, at, findings, depth + 1, hasValue);
    else addError(findings, 'structure', `${path}.${name}[${i}]`, `${path}.${name}[${i}] must be a JSON object holding the id and extensions of ${at} (or null), not ${describeJson(item)}.`);
  }
  if (allNull && Array.isArray(values)) {
    addError(findings, 'structure', `${path}.${name}`, `${path}.${name} holds only nulls; leave it out when no value has extensions.`);
  }
}
