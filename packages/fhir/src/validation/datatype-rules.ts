/**
 * The few rules the specification states for a data type as a whole, beyond its elements:
 * ext-1 on Extension, the NHS number on Identifier, reference targets, coded values against
 * required bindings, and the constraints on contained resources (dom-2, dom-4, dom-5).
 *
 * Each rule is about a data type or DomainResource, never about one resource type: per-resource
 * rules do not belong here.
 */
import { NHS_NUMBER_SYSTEM, nhsNumberProblem } from '../nhs-number.ts';
import { isResourceType } from '../model.ts';
import { parseReference } from '../references.ts';
import { isPlainObject } from '../types.ts';
import { describeAllowedCodes, type RequiredBinding } from './bindings.ts';
import { addError, childPath, type Findings } from './findings.ts';
import { quote } from './primitives.ts';

/** ext-1 (http://hl7.org/fhir/R4/extensibility.html#ext-1): a value or nested extensions, not both. */
function checkExtension(extension: Record<string, unknown>, path: string, findings: Findings): void {
  let hasValue = false;
  for (const key of Object.keys(extension)) {
    if (key.startsWith('value') || key.startsWith('_value')) hasValue = true;
  }
  const hasExtensions = extension.extension !== undefined;
  if (hasValue === hasExtensions) {
    const url = typeof extension.url === 'string' ? ` '${extension.url}'` : '';
    const problem = hasValue
      ? 'has both a value and nested extensions; an extension holds one or the other'
      : 'has neither a value nor nested extensions; give it a value[x] or nested extensions';
    addError(findings, 'invariant', path, `The extension${url} at ${path} ${problem} (ext-1).`);
  }
}

/** NHS numbers are checked wherever they are recorded as an Identifier with the NHS number system. */
function checkIdentifier(identifier: Record<string, unknown>, path: string, findings: Findings): void {
  if (identifier.system !== NHS_NUMBER_SYSTEM || typeof identifier.value !== 'string') return;
  const problem = nhsNumberProblem(identifier.value);
  if (problem !== undefined) addError(findings, 'value', `${path}.value`, `${path}.value is not a valid NHS number. ${problem}`);
}

export type DatatypeRule = (value: Record<string, unknown>, path: string, findings: Findings) => void;

/** Rules for the root of a data type, by type name; most types have none. */
export const datatypeRules: Readonly<Record<string, DatatypeRule>> = {
  Extension: checkExtension,
  Identifier: checkIdentifier,
};

/** The resource type a literal reference names, when it names one (references.html#literal). */
function referencedType(reference: string): string | undefined {
  if (reference.startsWith('#')) return undefined;
  let end = 0;
  while (end < reference.length) {
    const c = reference.charCodeAt(end);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 58 /* : */) break;
    end++;
  }
  // relative: Type/id or, in a transaction, a conditional Type?search
  if (end < reference.length && reference.charCodeAt(end) !== 58) return reference.slice(0, end);
  return parseReference(reference).type;
}

/**
 * A Reference must point to a resource type its element allows (http://hl7.org/fhir/R4/references.html).
 * Only literal references that name their type, and Reference.type, can be checked here.
 */
export function checkReferenceTarget(reference: Record<string, unknown>, targets: ReadonlySet<string>, path: string, findings: Findings): void {
  if (typeof reference.reference === 'string') {
    const type = referencedType(reference.reference);
    if (type !== undefined && type !== '' && !targets.has(type)) {
      const why = isResourceType(type) ? `it refers to a ${type}` : `'${type}' is not a FHIR R4 resource type`;
      addError(findings, 'value', `${path}.reference`, `${path}.reference ${quote(reference.reference)} may only refer to ${[...targets].join(', ')}, but ${why}.`);
    }
  }
  if (typeof reference.type === 'string' && isResourceType(reference.type) && !targets.has(reference.type)) {
    addError(findings, 'value', `${path}.type`, `${path}.type is ${reference.type}, but this reference may only point to ${[...targets].join(', ')}.`);
  }
}

function checkCoding(coding: Record<string, unknown>, binding: RequiredBinding, path: string, findings: Findings): void {
  const { system, code } = coding;
  if (typeof system !== 'string' || typeof code !== 'string' || !binding.systems.has(system) || binding.codeSet.has(code)) return;
  addError(findings, 'code-invalid', `${path}.code`, `${path}.code '${code}' is not a code of ${system} allowed here: ${describeAllowedCodes(binding, code)}`);
}

/**
 * Required bindings on Coding and CodeableConcept (terminologies.html#required): a coding from the
 * value set's own code system must hold one of its codes. Codings from other systems may be
 * translations and are not judged.
 */
export function checkCodedBinding(value: Record<string, unknown>, type: string, binding: RequiredBinding, path: string, findings: Findings): void {
  if (type === 'Coding') {
    checkCoding(value, binding, path, findings);
    return;
  }
  const codings = value.coding;
  if (!Array.isArray(codings)) return;
  for (let i = 0; i < codings.length; i++) {
    const coding: unknown = codings[i];
    if (isPlainObject(coding)) checkCoding(coding, binding, childPath(path, 'coding', i), findings);
  }
}

/** Constraints on contained resources (http://hl7.org/fhir/R4/domainresource.html#invs). */
export function checkContainedResource(resource: Record<string, unknown>, path: string, findings: Findings): void {
  if (resource.contained !== undefined) {
    addError(findings, 'invariant', `${path}.contained`, `The contained resource at ${path} contains resources of its own; put them all in the containing resource's contained list instead (dom-2).`);
  }
  const meta = resource.meta;
  if (!isPlainObject(meta)) return;
  if (meta.versionId !== undefined || meta.lastUpdated !== undefined) {
    addError(findings, 'invariant', `${path}.meta`, `The contained resource at ${path} must not have meta.versionId or meta.lastUpdated: it has no versions of its own (dom-4).`);
  }
  if (meta.security !== undefined) {
    addError(findings, 'invariant', `${path}.meta.security`, `The contained resource at ${path} must not have security labels; label the containing resource instead (dom-5).`);
  }
}
