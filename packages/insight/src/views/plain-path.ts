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
 * Each value of `name` in the items, arrays flattened. A null inside an array (a primitive that has
 * only an extension, http://hl7.org/fhir/R4/json.html#primitive) is kept in its place, as
 * fhirpath.js keeps a node for it, so that first() and exists() agree; values drop it at the end.
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
    }
  }
  return out;
}

const present = (value: unknown): boolean => value !== null;

/** Types that other types specialise (code is a string, Age a Quantity): ofType() would match those too. */
const HAS_SUBTYPES = new Set(['string', 'uri', 'integer', 'Quantity', 'Element', 'BackboneElement', 'DataType', 'Resource', 'DomainResource']);

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
  if (!SEGMENT.test(text)) return undefined;
  const path = at.prefix === '' ? text : `${at.prefix}.${text}`;
  const element = getElement(at.type, path);
  if (element?.choice === true) {
    // value.ofType(Coding) is the JSON key valueCoding (http://hl7.org/fhir/R4/formats.html#choice).
    const ofType = next === undefined ? null : /^ofType\(([A-Za-z]+)\)$/.exec(next);
    const type = ofType?.[1];
    if (type === undefined || !element.types.includes(type) || HAS_SUBTYPES.has(type)) return undefined;
    const key = choiceJsonName(text, type);
    return { at: isPrimitiveType(type) ? 'primitive' : { type, prefix: '' }, consumed: 2, step: (items) => child(items, key) };
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
