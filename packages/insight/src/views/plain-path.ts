/**
 * A shortcut for the commonest column paths: plain element navigation such as `period.start` or
 * `subject.getReferenceKey(Patient)`, read straight from the JSON instead of through fhirpath.js,
 * which costs some microseconds per call and matters when a view runs over a million resources.
 * A path is taken only when the R4 element model says every step is an ordinary element (no choice
 * type, no resource inside a resource), so the result is exactly fhirpath.js's; anything else, or
 * a focus whose type is not known when the view is compiled, goes to fhirpath.js as before.
 */
import { getElement, isPrimitiveType, isResourceType } from '@kindred/fhir';
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

type Finish = (values: unknown[]) => unknown[];

/** The trailing functions the shortcut takes, given the type the navigation ends on. */
function finisher(call: string | undefined, end: StaticType | 'primitive'): Finish | undefined {
  if (call === undefined) return (values) => values.filter(present);
  if (call === 'first()') return (values) => values.slice(0, 1).filter(present);
  if (call === 'exists()') return (values) => [values.length > 0];
  if (call === 'empty()') return (values) => [values.length === 0];
  const reference = /^getReferenceKey\(\s*([A-Z][A-Za-z]*)?\s*\)$/.exec(call);
  if (reference && end !== 'primitive' && end.type === 'Reference' && end.prefix === '') {
    const wanted = reference[1];
    if (wanted !== undefined && !isResourceType(wanted)) return undefined;
    return (values) => values.map((value) => referenceKey(value, wanted)).filter((key) => key !== undefined);
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
  const segments = trimmed.split('.');
  const last = segments[segments.length - 1] ?? '';
  const call = last.endsWith(')') ? segments.pop() : undefined;
  if (segments.length === 0 || !segments.every((segment) => SEGMENT.test(segment))) return undefined;
  let type: StaticType | 'primitive' = at;
  for (const segment of segments) {
    if (type === 'primitive') return undefined;
    const next = step(type, segment);
    if (next === undefined) return undefined;
    type = next;
  }
  const finish = finisher(call, type);
  if (finish === undefined) return undefined;
  return {
    type,
    evaluate: (data) => {
      let items: unknown[] = [data];
      for (const segment of segments) items = child(items, segment);
      return finish(items);
    },
  };
}
