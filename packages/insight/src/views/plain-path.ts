/**
 * A shortcut for the commonest column paths: element navigation such as `period.start`,
 * `subject.getReferenceKey(Patient).first()` or `extension('url').value.ofType(Coding).code`, read straight from the JSON instead of through fhirpath.js,
 * which costs some microseconds per call and matters when a view runs over a million resources.
 * A path is taken only when the R4 element model says every step is an ordinary element (no choice
 * type, no resource inside a resource), so the result is exactly fhirpath.js's; anything else, or
 * a focus whose type is not known when the view is compiled, goes to fhirpath.js as before.
 */
import { choiceJsonName, getElement, isPrimitiveType, isResourceType } from '@kindred/fhir';
import { referenceKey } from './functions.ts';

/** Where a focus sits in the model: a type, and the path of a backbone element inside it ("contact"). */
export interface StaticType {
  readonly type: string;
  readonly prefix: string;
}

export type PlainPath = (data: unknown) => unknown[];

const SEGMENT = /^[a-z][A-Za-z0-9]*$/;

/** The type of the element `name` under `at`; 'primitive' for a leaf; undefined when not plain. */
function step(at: StaticType, name: string): StaticType | 'primitive' | undefined {
  const path = at.prefix === '' ? name : `${at.prefix}.${name}`;
  const element = getElement(at.type, path);
  if (element === undefined || element.choice === true) return undefined;
  if (element.contentReference !== undefined) return { type: at.type, prefix: element.contentReference };
  const [code, other] = element.types;
  if (code === undefined || other !== undefined) return undefined;
  if (code === 'BackboneElement' || code === 'Element') return { type: at.type, prefix: path };
  if (isPrimitiveType(code)) return 'primitive';
  if (code === 'Resource' || isResourceType(code)) return undefined;
  return { type: code, prefix: '' };
}

/**
 * Each value of `name` in the items, arrays flattened. A primitive that has only an extension
 * (null in an array, or just "_name"; http://hl7.org/fhir/R4/json.html#primitive) stays as a null
 * in its place, as fhirpath.js keeps a node for it, so that first(), exists() and = agree; values
 * drop it at the end.
 */
function child(items: readonly unknown[], name: string): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    const value = (item as Record<string, unknown>)[name];
    if (Array.isArray(value)) {
      for (const entry of value) out.push(entry ?? null);
    } else if (value !== null && value !== undefined) {
      out.push(value);
    } else {
      const extension = (item as Record<string, unknown>)[`_${name}`];
      if (Array.isArray(extension)) for (let i = 0; i < extension.length; i++) out.push(null);
      else if (extension !== null && extension !== undefined) out.push(null);
    }
  }
  return out;
}

/** Primitive types whose values are JSON strings compared exactly by FHIRPath's = . */
const STRING_TYPES = new Set(['string', 'code', 'id', 'uri', 'url', 'canonical', 'oid', 'uuid', 'markdown']);

/** The type code of a single-valued, string-typed element `name` under `at`, else undefined. */
function singleStringElement(at: StaticType, name: string): string | undefined {
  if (!SEGMENT.test(name)) return undefined;
  const element = getElement(at.type, at.prefix === '' ? name : `${at.prefix}.${name}`);
  const [code, other] = element?.types ?? [];
  return element !== undefined && element.max === 1 && element.choice !== true && code !== undefined && other === undefined && STRING_TYPES.has(code) ? code : undefined;
}

/**
 * `where(a = 'x' and b = 'y')` over single-valued string elements: keeps the items whose elements
 * hold exactly those strings (an absent or extension-only element is not equal).
 */
function whereEquals(text: string, at: StaticType): Step | undefined {
  const inner = /^where\((.*)\)$/.exec(text)?.[1];
  if (inner === undefined) return undefined;
  const conditions: [string, string][] = [];
  const condition = /^\s*([a-z][A-Za-z0-9]*)\s*=\s*'([^'\\]*)'\s*(?:and\s+(?=\S)|$)/;
  let rest = inner;
  while (rest.trim() !== '') {
    const match = condition.exec(rest);
    if (!match) return undefined;
    const [whole, field, literal] = match as unknown as [string, string, string];
    if (singleStringElement(at, field) === undefined) return undefined;
    conditions.push([field, literal]);
    rest = rest.slice(whole.length);
  }
  if (conditions.length === 0) return undefined;
  return (items) => items.filter((item) => typeof item === 'object' && item !== null && conditions.every(([field, literal]) => (item as Record<string, unknown>)[field] === literal));
}

const present = (value: unknown): boolean => value !== null;

/**
 * The types ofType(T) matches besides T itself, for the R4 types others specialise (code is a
 * string, url a uri, Age a Quantity), as fhirpath.js follows the model's hierarchy.
 */
const SUBTYPES: Readonly<Record<string, readonly string[]>> = {
  string: ['string', 'code', 'id', 'markdown'],
  uri: ['uri', 'url', 'canonical', 'oid', 'uuid'],
  integer: ['integer', 'positiveInt', 'unsignedInt'],
  Quantity: ['Quantity', 'Age', 'Count', 'Distance', 'Duration', 'MoneyQuantity', 'SimpleQuantity'],
};
const TOO_GENERAL = new Set(['Element', 'BackboneElement', 'DataType', 'Resource', 'DomainResource']);

/** The path's steps, split on the dots that are not inside parentheses or quotes. */
function splitSteps(path: string): string[] | undefined {
  const steps: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i] as string;
    if (quoted) {
      if (c === '\\') return undefined;
      if (c === "'") quoted = false;
    } else if (c === "'") {
      quoted = true;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (c === '.' && depth === 0) {
      steps.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  if (quoted || depth !== 0) return undefined;
  steps.push(current);
  return steps;
}

type Step = (items: unknown[]) => unknown[];
type Position = StaticType | 'primitive';

/** One navigation step the shortcut takes: an element, extension('url'), or a choice element's ofType(T). */
function navigation(text: string, next: string | undefined, at: Position): { step: Step; at: Position; consumed: number } | undefined {
  if (at === 'primitive') return undefined;
  const extension = /^extension\('([^'\\]*)'\)$/.exec(text);
  if (extension) {
    const url = extension[1];
    return {
      at: { type: 'Extension', prefix: '' },
      consumed: 1,
      step: (items) => child(items, 'extension').filter((item) => (item as { url?: unknown } | null)?.url === url),
    };
  }
  const where = whereEquals(text, at);
  if (where !== undefined) return { at, consumed: 1, step: where };
  if (!SEGMENT.test(text)) return undefined;
  const path = at.prefix === '' ? text : `${at.prefix}.${text}`;
  const element = getElement(at.type, path);
  if (element?.choice === true) {
    // value.ofType(Coding) is the JSON key valueCoding (http://hl7.org/fhir/R4/formats.html#choice).
    const ofType = next === undefined ? null : /^ofType\(([A-Za-z]+)\)$/.exec(next);
    const type = ofType?.[1];
    if (type === undefined || TOO_GENERAL.has(type)) return undefined;
    const keys = (SUBTYPES[type] ?? [type]).filter((code) => element.types.includes(code)).map((code) => choiceJsonName(text, code));
    if (keys.length === 0) return undefined;
    const [only] = keys;
    const read: Step = keys.length === 1 && only !== undefined ? (items) => child(items, only) : (items) => items.flatMap((item) => keys.flatMap((key) => child([item], key)));
    return { at: isPrimitiveType(type) ? 'primitive' : { type, prefix: '' }, consumed: 2, step: read };
  }
  const found = step(at, text);
  if (found === undefined) return undefined;
  return { at: found, consumed: 1, step: (items) => child(items, text) };
}

/** The functions the shortcut takes at the end of a path, each given the position before it. */
function finisher(call: string, at: Position): { finish: Step; at: Position } | undefined {
  if (call === 'first()') return { at, finish: (values) => values.slice(0, 1) };
  if (call === 'exists()') return { at: 'primitive', finish: (values) => [values.length > 0] };
  if (call === 'empty()') return { at: 'primitive', finish: (values) => [values.length === 0] };
  const reference = /^getReferenceKey\(\s*([A-Z][A-Za-z]*)?\s*\)$/.exec(call);
  if (reference && at !== 'primitive' && at.type === 'Reference' && at.prefix === '') {
    const wanted = reference[1];
    if (wanted !== undefined && !isResourceType(wanted)) return undefined;
    return {
      at: 'primitive',
      finish: (values) => values.map((value) => (value === null ? undefined : referenceKey(value, wanted))).filter((key) => key !== undefined),
    };
  }
  return undefined;
}

/**
 * The shortcut for `path` on a focus of type `at`, with the type its values have; undefined when
 * the path is not plain navigation the model vouches for.
 */
export function plainPath(path: string, at: StaticType | undefined): { evaluate: PlainPath; type: StaticType | 'primitive' } | undefined {
  if (at === undefined) return undefined;
  const trimmed = path.trim();
  if (trimmed === 'getResourceKey()' && at.prefix === '' && isResourceType(at.type)) {
    return {
      type: 'primitive',
      evaluate: (data) => {
        const { resourceType, id } = data as { resourceType?: unknown; id?: unknown };
        return typeof resourceType === 'string' && typeof id === 'string' ? [`${resourceType}/${id}`] : [];
      },
    };
  }
  const equality = /^(.*?)\s*=\s*'([^'\\]*)'$/.exec(trimmed);
  if (equality) return plainEquality(equality[1] as string, equality[2] as string, at);
  const texts = splitSteps(trimmed);
  if (texts === undefined) return undefined;
  const steps: Step[] = [];
  let position: Position = at;
  let i = 0;
  while (i < texts.length) {
    const nav = navigation(texts[i] as string, texts[i + 1], position);
    if (nav === undefined) break;
    steps.push(nav.step);
    position = nav.at;
    i += nav.consumed;
  }
  if (steps.length === 0) return undefined;
  for (; i < texts.length; i++) {
    const fin = finisher(texts[i] as string, position);
    if (fin === undefined) return undefined;
    steps.push(fin.finish);
    position = fin.at;
  }
  const type = position;
  return {
    type,
    evaluate: (data) => {
      let items: unknown[] = [data];
      for (const each of steps) items = each(items);
      return items.filter(present);
    },
  };
}

/**
 * `a.b = 'x'` where b is a single-valued string element: FHIRPath equality of collections
 * (http://hl7.org/fhirpath/N1/#equality): empty when the left is empty, else true only for one
 * value equal to the string.
 */
function plainEquality(left: string, literal: string, at: StaticType): { evaluate: PlainPath; type: 'primitive' } | undefined {
  const texts = splitSteps(left.trim());
  const last = texts?.pop();
  if (texts === undefined || last === undefined) return undefined;
  let position: Position = at;
  const steps: Step[] = [];
  for (let i = 0; i < texts.length; ) {
    const nav = navigation(texts[i] as string, texts[i + 1], position);
    if (nav === undefined) return undefined;
    steps.push(nav.step);
    position = nav.at;
    i += nav.consumed;
  }
  if (position === 'primitive' || singleStringElement(position, last) === undefined) return undefined;
  return {
    type: 'primitive',
    evaluate: (data) => {
      let items: unknown[] = [data];
      for (const each of steps) items = each(items);
      const values = child(items, last);
      if (values.length === 0) return [];
      return [values.length === 1 && values[0] === literal];
    },
  };
}
