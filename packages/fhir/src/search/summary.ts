/**
 * Shaping returned resources for `_summary` (http://hl7.org/fhir/R4/search.html#summary) and
 * `_elements` (http://hl7.org/fhir/R4/search.html#elements), from the element definitions in the
 * generated model. A subsetted resource is tagged SUBSETTED so that nobody writes it back over the
 * complete one. Both functions return new objects and never touch their input.
 */
import { choiceJsonName, getElement, type ElementDefinition } from '../model.ts';
import { isPlainObject, type Coding, type Resource } from '../types.ts';
import type { SummaryMode } from './search-request.ts';

/** http://terminology.hl7.org/CodeSystem/v3-ObservationValue#SUBSETTED */
export const SUBSETTED_TAG: Readonly<Coding> = Object.freeze({
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
  display: 'subsetted',
});

/**
 * Sets an own property even for keys such as "__proto__" (which JSON.parse can produce), so that
 * a hostile resource cannot change the prototype of the copy.
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** model.getElement looks paths up in a plain object, so "constructor" finds Object; only real definitions count. */
function definition(typeName: string, path: string): ElementDefinition | undefined {
  const element = getElement(typeName, path);
  return element !== undefined && Array.isArray(element.types) ? element : undefined;
}

/** Always kept: what identifies the resource. */
const IDENTITY = new Set(['resourceType', 'id', 'meta']);

/**
 * The element definition a JSON key stands for at `path` (a dotted element path, '' for the
 * root): "valueQuantity" → the choice element "value"; "_birthDate" (a primitive's extension)
 * → "birthDate".
 */
function elementOf(typeName: string, path: string, key: string): { name: string; element: ElementDefinition } | undefined {
  const name = key.startsWith('_') ? key.slice(1) : key;
  const prefix = path === '' ? '' : `${path}.`;
  const direct = definition(typeName, prefix + name);
  if (direct) return { name, element: direct };
  for (let cut = name.length - 1; cut > 0; cut--) {
    const base = name.slice(0, cut);
    const element = definition(typeName, prefix + base);
    if (element?.choice && element.types.some((type) => choiceJsonName(base, type) === name)) return { name: base, element };
  }
  return undefined;
}

/** Whether a definition has children of its own in the resource (a backbone element), rather than a data type's. */
function isBackbone(element: ElementDefinition): boolean {
  return element.types.length === 1 && (element.types[0] === 'BackboneElement' || element.types[0] === 'Element');
}

/** `summary: true` elements at `path`, recursing into backbone elements; data types are kept whole. */
function summaryOf(typeName: string, path: string, node: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (path === '' && IDENTITY.has(key)) {
      setOwn(out, key, structuredClone(value));
      continue;
    }
    const found = elementOf(typeName, path, key);
    if (!found) continue;
    const { name, element } = found;
    // mandatory top-level elements stay so that the result is still a valid resource
    if (!element.summary && !(path === '' && element.min > 0)) continue;
    if (isBackbone(element) || element.contentReference !== undefined) {
      const childPath = path === '' ? name : `${path}.${name}`;
      const shape = (item: unknown): unknown => (isPlainObject(item) ? summaryOf(typeName, childPath, item) : structuredClone(item));
      setOwn(out, key, Array.isArray(value) ? (value as unknown[]).map(shape) : shape(value));
    } else {
      setOwn(out, key, structuredClone(value));
    }
  }
  return out;
}

/** Keeps the top-level keys `keep` says yes to, each copied whole. */
function pickTopLevel(resource: Resource, keep: (key: string, element: ElementDefinition | undefined) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    const element = elementOf(resource.resourceType, '', key)?.element;
    if (IDENTITY.has(key) || keep(key, element)) setOwn(out, key, structuredClone(value));
  }
  return out;
}

function withSubsettedTag(shaped: Record<string, unknown>, resourceType: string): Resource {
  const meta = isPlainObject(shaped.meta) ? shaped.meta : {};
  const tags: unknown[] = Array.isArray(meta.tag) ? meta.tag : [];
  const tagged = tags.some((tag) => isPlainObject(tag) && tag.system === SUBSETTED_TAG.system && tag.code === SUBSETTED_TAG.code);
  const withTag: Record<string, unknown> = { ...shaped, meta: { ...meta, tag: tagged ? tags : [...tags, { ...SUBSETTED_TAG }] } };
  return { ...withTag, resourceType };
}

/**
 * The resource as `_summary=mode` returns it: `true` keeps the elements marked summary (and
 * mandatory top-level ones); `text` keeps text, id, meta and the mandatory top-level elements;
 * `data` removes text. `false` (and `count`, for which no resources are returned) keep everything
 * and add no tag.
 */
export function applySummary(resource: Resource, mode: SummaryMode): Resource {
  switch (mode) {
    case 'false':
    case 'count':
      return structuredClone(resource);
    case 'true':
      return withSubsettedTag(summaryOf(resource.resourceType, '', resource), resource.resourceType);
    case 'text':
      return withSubsettedTag(
        pickTopLevel(resource, (key, element) => key === 'text' || (element !== undefined && element.min > 0)),
        resource.resourceType,
      );
    case 'data':
      return withSubsettedTag(
        pickTopLevel(resource, (key) => key !== 'text'),
        resource.resourceType,
      );
  }
}

/**
 * The resource with only the listed top-level elements, plus resourceType, id, meta and the
 * mandatory elements ("servers SHOULD always return mandatory elements whether they are requested
 * or not"). A name may be a base element name ("value", keeping valueQuantity) or a choice's
 * JSON name ("valueQuantity"). A primitive's extension (`_birthDate`) follows its value.
 */
export function applyElements(resource: Resource, elements: readonly string[]): Resource {
  const wanted = new Set(elements);
  const shaped = pickTopLevel(resource, (key, element) => {
    const name = key.startsWith('_') ? key.slice(1) : key;
    if (wanted.has(name)) return true;
    const base = elementOf(resource.resourceType, '', key)?.name;
    return (base !== undefined && wanted.has(base)) || (element !== undefined && element.min > 0);
  });
  return withSubsettedTag(shaped, resource.resourceType);
}
