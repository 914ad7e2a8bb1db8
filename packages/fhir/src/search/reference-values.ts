/**
 * Reference values (http://hl7.org/fhir/R4/search.html#reference): `[id]`, `[type]/[id]`, an
 * absolute url, and a canonical `[url]|[version]`. An absolute url on this server (it starts with
 * the base url) is the same as the relative reference; any other stays a url. Pure: the base url
 * comes in as an argument.
 */
import { isResourceType } from '../model.ts';
import { isValidId } from '../references.ts';
import { splitUnescaped, unescapeValue } from './escaping.ts';
import { aOrAn, invalidSearch, quote } from './search-errors.ts';
import type { ReferenceValue } from './search-request.ts';

export interface ReferenceContext {
  /** the parameter as written, for messages */
  label: string;
  /** the types the parameter may point at; empty when the definition does not restrict them */
  targets: readonly string[];
  /** the `:[type]` modifier, when given */
  typeModifier?: string;
  baseUrl?: string;
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:/i;
/** Type/id or Type/id/_history/version after the base url */
const LOCAL_PATH = /^[^/]+\/[^/]+(\/_history\/[^/]+)?$/;
const FORMS = 'Write [id], [type]/[id] or an absolute url (http://hl7.org/fhir/R4/search.html#reference).';

/** "http://x/fhir/Patient/1" → "Patient/1" when the base is "http://x/fhir" (with or without a final slash). */
function onThisServer(value: string, baseUrl: string | undefined): string | undefined {
  if (baseUrl === undefined || baseUrl === '') return undefined;
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return value.startsWith(base) ? value.slice(base.length) : undefined;
}

function relativeReference(path: string, shown: string, ctx: ReferenceContext): ReferenceValue {
  const parts = path.split('/');
  if (parts.length === 1) {
    const [id = ''] = parts;
    if (!isValidId(id)) throw invalidSearch(`Search parameter '${ctx.label}': ${quote(shown)} is not a valid id or reference. ${FORMS}`);
    const only = ctx.targets.length === 1 ? ctx.targets[0] : undefined;
    const type = ctx.typeModifier ?? only;
    return type === undefined ? { id } : { type, id };
  }
  if (parts.length === 4 && parts[2] === '_history') {
    // R4 lets a server refuse version-specific references; the index keeps type and id only
    throw invalidSearch(
      `Search parameter '${ctx.label}': ${quote(shown)} names a version; this server searches references by ` +
        `[type]/[id] only, so write ${quote(parts.slice(0, 2).join('/'))}.`,
    );
  }
  const [type = '', id = ''] = parts;
  if (parts.length !== 2 || !isResourceType(type) || !isValidId(id)) {
    const why = parts.length === 2 && !isResourceType(type) ? ` ${quote(type)} is not a FHIR resource type.` : '';
    throw invalidSearch(`Search parameter '${ctx.label}': ${quote(shown)} is not a valid reference.${why} ${FORMS}`);
  }
  if (ctx.typeModifier !== undefined && ctx.typeModifier !== type) {
    throw invalidSearch(
      `Search parameter '${ctx.label}': ${quote(shown)} is ${aOrAn(type)}, but the modifier asks for ${aOrAn(ctx.typeModifier)}. ` +
        `Write the id alone (${quote(id)}) or drop the modifier.`,
    );
  }
  if (ctx.targets.length > 0 && !ctx.targets.includes(type)) {
    throw invalidSearch(
      `Search parameter '${ctx.label}': cannot refer to ${aOrAn(type)}; it refers to ${ctx.targets.join(', ')}.`,
    );
  }
  return { type, id };
}

/** One OR value of a reference parameter (escaped piece). */
export function parseReferenceValue(piece: string, ctx: ReferenceContext): ReferenceValue {
  const parts = splitUnescaped(piece, '|', ctx.label);
  const [first = '', versionPart] = parts;
  const value = unescapeValue(first, ctx.label);
  if (parts.length > 2) {
    throw invalidSearch(`Search parameter '${ctx.label}': ${quote(unescapeValue(piece, ctx.label))} has more than one '|'. ${FORMS}`);
  }
  if (value.startsWith('#')) {
    throw invalidSearch(`Search parameter '${ctx.label}': ${quote(value)} refers to a contained resource, which cannot be searched. ${FORMS}`);
  }
  if (versionPart !== undefined) {
    // http://hl7.org/fhir/R4/search.html#versions: `|version` belongs to canonical urls only
    if (!ABSOLUTE.test(value)) {
      throw invalidSearch(
        `Search parameter '${ctx.label}': ${quote(unescapeValue(piece, ctx.label))} has a '|version', which only a canonical ` +
          '(absolute) url may carry, e.g. http://example.org/fhir/Questionnaire/intake|3.0.',
      );
    }
    const version = unescapeValue(versionPart, ctx.label);
    if (ctx.typeModifier !== undefined) throw typeModifierOnUrl(ctx, value);
    return version === '' ? { url: value } : { url: value, version };
  }
  if (!ABSOLUTE.test(value)) return relativeReference(value, value, ctx);
  // "a relative reference resolving to the same value as a specified absolute URL ... qualifies as a match"
  const local = onThisServer(value, ctx.baseUrl);
  if (local !== undefined && LOCAL_PATH.test(local)) return relativeReference(local, value, ctx);
  // "the [type] modifier can't be used with a reference to a resource found on another server"
  if (ctx.typeModifier !== undefined) throw typeModifierOnUrl(ctx, value);
  return { url: value };
}

function typeModifierOnUrl(ctx: ReferenceContext, value: string): Error {
  return invalidSearch(
    `Search parameter '${ctx.label}': ${quote(value)} is a url on another server, so the :${ctx.typeModifier ?? ''} ` +
      'modifier cannot apply to it; drop the modifier (http://hl7.org/fhir/R4/search.html#reference).',
  );
}
