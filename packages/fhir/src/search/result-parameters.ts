/**
 * Search result parameters (http://hl7.org/fhir/R4/search.html#return): `_sort`, `_count`,
 * `_total`, `_summary`, `_elements`, `_include` and `_revinclude`. Each function reads one value
 * and either returns its meaning or throws INVALID_SEARCH saying what to write; none filters.
 */
import { choiceJsonName, elementPaths, getElement, isResourceType } from '../model.ts';
import { getSearchParameter, isSupportedSearchParameter, searchParametersOf } from '../search-parameters.ts';
import { aOrAn, invalidSearch, quote } from './search-errors.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type IncludeRule, type SortRule, type SummaryMode, type TotalMode } from './search-request.ts';
import { didYouMean } from './suggest.ts';

function sortableCodes(resourceType: string): string[] {
  return [...searchParametersOf(resourceType).values()].filter(isSupportedSearchParameter).map((def) => def.code);
}

/** `_sort=status,-date` (http://hl7.org/fhir/R4/search.html#sort): keys in priority order, `-` for descending. */
export function parseSort(resourceType: string, raw: string): SortRule[] {
  const rules: SortRule[] = [];
  for (const item of raw.split(',')) {
    const key = item.trim();
    if (key === '') continue;
    const descending = key.startsWith('-');
    const code = descending ? key.slice(1) : key;
    if (code === '_id' || code === '_lastUpdated') {
      rules.push({ param: code, descending });
      continue;
    }
    const def = getSearchParameter(resourceType, code);
    if (def === undefined || !isSupportedSearchParameter(def)) {
      const why = def === undefined ? `is not a search parameter of ${resourceType}` : `is a ${def.type} parameter, which cannot be sorted on`;
      throw invalidSearch(
        `Search parameter '_sort': ${quote(code)} ${why}. Sort on _id, _lastUpdated or a search parameter of ${resourceType}, ` +
          `with '-' in front for descending order (http://hl7.org/fhir/R4/search.html#sort).${didYouMean(code, ['_id', '_lastUpdated', ...sortableCodes(resourceType)])}`,
      );
    }
    rules.push({ param: { resourceType, code: def.code, type: def.type }, descending });
  }
  return rules;
}

/**
 * `_count` (http://hl7.org/fhir/R4/search.html#count): a whole number; larger than MAX_PAGE_SIZE
 * is served as MAX_PAGE_SIZE ("servers may return less than the client requested"). 0 asks for
 * the total only.
 */
export function parseCount(raw: string): number {
  const text = raw.trim();
  if (/^-\d+$/.test(text)) throw invalidSearch(`Search parameter '_count': ${quote(raw)} is negative; write a whole number from 0 to ${MAX_PAGE_SIZE}.`);
  if (!/^\d+$/.test(text)) {
    throw invalidSearch(`Search parameter '_count': ${quote(raw)} is not a whole number; write one from 0 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`);
  }
  return Math.min(Number(text), MAX_PAGE_SIZE);
}

const TOTAL_MODES: readonly TotalMode[] = ['none', 'estimate', 'accurate'];
const SUMMARY_MODES: readonly SummaryMode[] = ['true', 'text', 'data', 'count', 'false'];

/** `_total` (http://hl7.org/fhir/R4/search.html#total). */
export function parseTotal(raw: string): TotalMode {
  const mode = TOTAL_MODES.find((m) => m === raw);
  if (mode === undefined) throw invalidSearch(`Search parameter '_total': ${quote(raw)} is not allowed; write none, estimate or accurate.`);
  return mode;
}

/** `_summary` (http://hl7.org/fhir/R4/search.html#summary). */
export function parseSummary(raw: string): SummaryMode {
  const mode = SUMMARY_MODES.find((m) => m === raw);
  if (mode === undefined) throw invalidSearch(`Search parameter '_summary': ${quote(raw)} is not allowed; write true, text, data, count or false.`);
  return mode;
}

/** The names `_elements` accepts for a type: top-level elements, and the JSON names of choice elements (valueQuantity). */
export function topLevelElementNames(resourceType: string): string[] {
  return elementPaths(resourceType)
    .filter((path) => !path.includes('.'))
    .flatMap((path) => {
      const element = getElement(resourceType, path);
      return element?.choice ? [path, ...element.types.map((type) => choiceJsonName(path, type))] : [path];
    });
}

/** `_elements=identifier,active` (http://hl7.org/fhir/R4/search.html#elements): base element names of the type. */
export function parseElements(resourceType: string, raw: string): string[] {
  const known = topLevelElementNames(resourceType);
  const names: string[] = [];
  for (const item of raw.split(',')) {
    const name = item.trim();
    if (name === '' || names.includes(name)) continue;
    if (!known.includes(name)) {
      const nested = name.includes('.') ? ' Only top-level element names are accepted.' : '';
      throw invalidSearch(
        `Search parameter '_elements': ${quote(name)} is not an element of ${resourceType}.${nested}${didYouMean(name, known)}`,
      );
    }
    names.push(name);
  }
  return names;
}

const INCLUDE_FORMS = '[type]:[parameter], [type]:[parameter]:[target type] or [type]:*';

/**
 * `_include` / `_revinclude` (http://hl7.org/fhir/R4/search.html#include), with `:iterate` (and
 * its older name `:recurse`). Without `:iterate`, an _include must start from the searched type
 * and a _revinclude must be able to point at it; otherwise it could never add anything.
 */
export function parseInclude(name: '_include' | '_revinclude', modifier: string | undefined, resourceType: string, raw: string): IncludeRule {
  if (modifier !== undefined && modifier !== 'iterate' && modifier !== 'recurse') {
    throw invalidSearch(`Search parameter '${name}:${modifier}': the only modifier is :iterate (or its older name :recurse).`);
  }
  const iterate = modifier !== undefined;
  const label = iterate ? `${name}:iterate` : name;
  if (raw.includes(',')) throw invalidSearch(`Search parameter '${label}': takes one value; repeat the parameter for each inclusion.`);
  if (raw === '*') {
    if (name === '_include' && !iterate) return { sourceType: resourceType, paramCode: '*', iterate: false };
    throw invalidSearch(`Search parameter '${label}': '*' alone is not supported here; name the source type, as in ${label}=[type]:*.`);
  }
  const parts = raw.split(':');
  const [sourceType = '', paramCode = '', targetType] = parts;
  if (parts.length < 2 || parts.length > 3 || !isResourceType(sourceType)) {
    throw invalidSearch(`Search parameter '${label}': ${quote(raw)} is not an inclusion; write ${INCLUDE_FORMS}.`);
  }
  if (name === '_include' && !iterate && sourceType !== resourceType) {
    throw invalidSearch(
      `Search parameter '_include': ${quote(raw)} starts from ${sourceType}, but this search returns ${resourceType}; ` +
        `use _include:iterate to follow references from included resources.`,
    );
  }
  const targets = paramCode === '*' ? [] : referenceTargets(sourceType, paramCode, label);
  if (targetType !== undefined) {
    if (!isResourceType(targetType) || (targets.length > 0 && !targets.includes(targetType))) {
      throw invalidSearch(`Search parameter '${label}': ${sourceType}:${paramCode} cannot refer to ${quote(targetType)}${targets.length > 0 ? `; it refers to ${targets.join(', ')}` : ''}.`);
    }
  }
  if (name === '_revinclude' && !iterate) {
    const pointsHere = targetType === undefined ? targets.length === 0 || targets.includes(resourceType) : targetType === resourceType;
    if (!pointsHere) {
      throw invalidSearch(`Search parameter '_revinclude': ${quote(raw)} cannot refer to ${aOrAn(resourceType)}, so it would include nothing.`);
    }
  }
  return { sourceType, paramCode, ...(targetType === undefined ? {} : { targetType }), iterate };
}

function referenceTargets(sourceType: string, paramCode: string, label: string): string[] {
  const def = getSearchParameter(sourceType, paramCode);
  if (def?.type !== 'reference' || !isSupportedSearchParameter(def)) {
    const references = [...searchParametersOf(sourceType).values()].filter((d) => d.type === 'reference').map((d) => d.code);
    throw invalidSearch(
      `Search parameter '${label}': ${sourceType} has no reference search parameter ${quote(paramCode)}.${didYouMean(paramCode, references)}`,
    );
  }
  return def.target ?? [];
}
