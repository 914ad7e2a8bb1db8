/**
 * Data minimisation for volunteers: a volunteer sees only the contact details they need for the
 * tasks offered to them, so the Patient resources they are shown are cut down to those elements
 * (and tagged SUBSETTED, as `_elements` does: http://hl7.org/fhir/R4/search.html#elements).
 *
 * Pure: returns new resources, never changes the ones it is given.
 */
import type { StoredResource } from '@kindred/fhir';
import { SUBSETTED } from './vocabulary.ts';

const ALWAYS = new Set(['resourceType', 'id', 'meta']);

export function minimalContact(resource: StoredResource, elements: readonly string[]): StoredResource {
  const kept = Object.fromEntries(Object.entries(resource).filter(([name]) => ALWAYS.has(name) || elements.includes(name)));
  const meta = (resource.meta ?? {}) as Record<string, unknown>;
  const tags = Array.isArray(meta.tag) ? (meta.tag as unknown[]) : [];
  return { ...kept, meta: { ...meta, tag: [...tags, { ...SUBSETTED }] } } as StoredResource;
}
