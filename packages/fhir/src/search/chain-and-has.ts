/**
 * Chained parameters (http://hl7.org/fhir/R4/search.html#chaining), one level deep:
 * `subject:Patient.name=peter`, `subject.name=peter`; and reverse chains
 * (http://hl7.org/fhir/R4/search.html#has), one level deep: `_has:Observation:patient:code=1234`.
 * Deeper chains and nested `_has` are refused with a message rather than half-answered.
 */
import { isResourceType } from '../model.ts';
import { getSearchParameter, isSupportedSearchParameter, type SearchParameterDefinition } from '../search-parameters.ts';
import { parseFilter, type FilterOptions } from './parse-filter.ts';
import { aOrAn, invalidSearch, quote } from './search-errors.ts';
import type { SearchFilter } from './search-request.ts';

/** `code[:modifier]`; more than one modifier is refused ("only a single modifier is allowed"). */
export function splitModifier(part: string, label: string): { code: string; modifier?: string } {
  const [code = '', modifier, ...rest] = part.split(':');
  if (rest.length > 0) {
    throw invalidSearch(`Search parameter ${quote(label)}: only one modifier may follow a parameter name (http://hl7.org/fhir/R4/search.html#modifiers).`);
  }
  return modifier === undefined ? { code } : { code, modifier };
}

function supported(resourceType: string, code: string): SearchParameterDefinition | undefined {
  const def = getSearchParameter(resourceType, code);
  return def !== undefined && isSupportedSearchParameter(def) ? def : undefined;
}

/**
 * `name` is `code[:Type].rest`, where `def` is the (known, supported) definition of `code` on
 * `resourceType`. Returns undefined when the value holds nothing to search for.
 */
export function parseChain(
  resourceType: string,
  def: SearchParameterDefinition,
  name: string,
  raw: string,
  options: FilterOptions,
): SearchFilter | undefined {
  const dot = name.indexOf('.');
  const head = splitModifier(name.slice(0, dot), name);
  const rest = name.slice(dot + 1);
  if (def.type !== 'reference') {
    throw invalidSearch(`Search parameter ${quote(name)}: '${def.code}' is a ${def.type} parameter; only reference parameters can be chained.`);
  }
  if (rest.includes('.')) {
    throw invalidSearch(
      `Search parameter ${quote(name)}: only one level of chaining is supported; search in two steps, or use _has from the other side.`,
    );
  }
  const typeModifier = head.modifier;
  if (typeModifier !== undefined && !isResourceType(typeModifier)) {
    throw invalidSearch(
      `Search parameter ${quote(name)}: a chain may only be narrowed by a resource type, as in ${def.code}:Patient.name; ` +
        `${quote(typeModifier)} is not one (and :identifier cannot be chained).`,
    );
  }
  const declared = def.target ?? [];
  if (typeModifier !== undefined && declared.length > 0 && !declared.includes(typeModifier)) {
    throw invalidSearch(`Search parameter ${quote(name)}: ${def.code} cannot refer to ${aOrAn(typeModifier)}; it refers to ${declared.join(', ')}.`);
  }
  const candidates = typeModifier !== undefined ? [typeModifier] : declared;
  if (candidates.length === 0) {
    throw invalidSearch(`Search parameter ${quote(name)}: ${def.code} may refer to any type; name one, as in ${def.code}:Patient.${rest}.`);
  }
  const chained = splitModifier(rest, name);
  if (chained.code === '_has') throw invalidSearch(`Search parameter ${quote(name)}: _has cannot be used inside a chain.`);
  const targets = candidates.flatMap((type) => {
    const targetDef = supported(type, chained.code);
    return targetDef === undefined ? [] : [{ type, targetDef }];
  });
  if (targets.length === 0) {
    throw invalidSearch(
      `Search parameter ${quote(name)}: ${candidates.length === 1 ? candidates.join('') : `none of ${candidates.join(', ')}`} ` +
        `has a supported search parameter ${quote(chained.code)}.`,
    );
  }
  const filters: { type: string; filter: SearchFilter }[] = [];
  for (const { type, targetDef } of targets) {
    const filter = parseFilter({ resourceType: type, def: targetDef, label: name.replace(/:[^.:]*$/, '') }, chained.modifier, raw, options);
    if (filter === undefined) return undefined;
    filters.push({ type, filter });
  }
  return { kind: 'chain', param: { resourceType, code: def.code, type: 'reference' }, targets: filters };
}

const HAS_FORM = 'Write _has:[type]:[reference parameter]:[parameter]=[value], e.g. _has:Observation:patient:code=1234-5 (http://hl7.org/fhir/R4/search.html#has).';

/** `_has:Source:reference:param[:modifier]=raw` on a search of `resourceType`. */
export function parseHas(resourceType: string, name: string, raw: string, options: FilterOptions): SearchFilter | undefined {
  const [, sourceType = '', referenceCode = '', paramPart = '', ...modifiers] = name.split(':');
  if (paramPart === '_has') throw invalidSearch(`Search parameter ${quote(name)}: nested _has is not supported; only one level of reverse chaining is.`);
  if (paramPart === '' || modifiers.length > 1) throw invalidSearch(`Search parameter ${quote(name)} is malformed. ${HAS_FORM}`);
  if (!isResourceType(sourceType)) throw invalidSearch(`Search parameter ${quote(name)}: ${quote(sourceType)} is not a FHIR resource type. ${HAS_FORM}`);
  const referenceDef = supported(sourceType, referenceCode);
  if (referenceDef?.type !== 'reference') {
    throw invalidSearch(`Search parameter ${quote(name)}: ${sourceType} has no reference search parameter ${quote(referenceCode)}. ${HAS_FORM}`);
  }
  const targets = referenceDef.target ?? [];
  if (targets.length > 0 && !targets.includes(resourceType)) {
    throw invalidSearch(
      `Search parameter ${quote(name)}: ${sourceType}.${referenceCode} cannot refer to ${aOrAn(resourceType)}; it refers to ${targets.join(', ')}.`,
    );
  }
  if (paramPart.includes('.')) throw invalidSearch(`Search parameter ${quote(name)}: a chain inside _has is not supported; only one level is.`);
  const def = supported(sourceType, paramPart);
  if (def === undefined) throw invalidSearch(`Search parameter ${quote(name)}: ${sourceType} has no supported search parameter ${quote(paramPart)}.`);
  const label = `_has:${sourceType}:${referenceCode}:${paramPart}`;
  const filter = parseFilter({ resourceType: sourceType, def, label }, modifiers[0], raw, options);
  if (filter === undefined) return undefined;
  return { kind: 'has', sourceType, referenceParam: { resourceType: sourceType, code: referenceCode, type: 'reference' }, filter };
}
