/**
 * Literal references (http://hl7.org/fhir/R4/references.html#literal): "Patient/123",
 * "Patient/123/_history/2", "http://server/fhir/Patient/123", "#contained", "urn:uuid:…",
 * and canonical urls ("http://…/ValueSet/x|1.2"). Pure parsing; no knowledge of this server's base.
 */
import { isResourceType } from './model.ts';

export interface ParsedReference {
  /** a relative reference, or an absolute one ending in Type/id */
  type?: string;
  id?: string;
  version?: string;
  /** the reference as written when absolute, a urn, or a canonical; with `|version` removed */
  url?: string;
  /** "#id" references to contained resources */
  contained?: string;
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** Splits "Type/id[/_history/vid]" at the end of `path`; undefined when it does not end that way. */
function typeAndId(path: string): { type: string; id: string; version?: string } | undefined {
  const parts = path.split('/');
  let end = parts.length;
  let version: string | undefined;
  if (end >= 4 && parts[end - 2] === '_history') {
    version = parts[end - 1];
    end -= 2;
  }
  const type = parts[end - 2];
  const id = parts[end - 1];
  if (type === undefined || id === undefined || !isResourceType(type) || !ID.test(id)) return undefined;
  return version === undefined ? { type, id } : { type, id, version };
}

export function parseReference(reference: string): ParsedReference {
  if (reference.startsWith('#')) return { contained: reference.slice(1) };
  const bar = reference.indexOf('|');
  const withoutVersion = bar >= 0 ? reference.slice(0, bar) : reference;
  if (/^[a-z][a-z0-9+.-]*:/i.test(withoutVersion)) {
    // absolute url or urn: keep it, and note Type/id when the url ends that way
    const tail = withoutVersion.startsWith('urn:') ? undefined : typeAndId(withoutVersion);
    return tail ? { url: withoutVersion, ...tail } : { url: withoutVersion };
  }
  const relative = typeAndId(withoutVersion);
  if (relative && withoutVersion.split('/').length <= 4) return relative;
  return { url: withoutVersion };
}

/** True when `value` is a valid FHIR id (http://hl7.org/fhir/R4/datatypes.html#id). */
export function isValidId(value: string): boolean {
  return ID.test(value);
}
