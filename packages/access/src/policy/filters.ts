/**
 * Small builders of the search filters the access policy is written in. The policy says who may
 * see what as FHIR search criteria ("patients with an active EpisodeOfCare at this
 * organisation"), so the store enforces it in the same SQL as every search, count and include.
 *
 * Pure: every builder returns a new value. An unknown parameter is a programming error here (the
 * policy only names published R4 parameters), so it throws at once.
 */
import { patientCompartmentParams, searchParametersOf, type ParamKey, type SearchFilter } from '@kindred/fhir';

export function paramKey(resourceType: string, code: string): ParamKey {
  const definition = searchParametersOf(resourceType).get(code);
  if (!definition) throw new Error(`The access policy names "${code}" on ${resourceType}, which is not an R4 search parameter.`);
  return { resourceType, code, type: definition.type };
}

/** `code` refers to one of `references` ("Type/id"). */
export function refersTo(resourceType: string, code: string, references: readonly string[]): SearchFilter {
  return {
    kind: 'reference',
    param: paramKey(resourceType, code),
    values: references.map((r) => {
      const [type, id] = r.split('/');
      return { type: type!, id: id! };
    }),
  };
}

export function hasCode(resourceType: string, code: string, values: readonly string[], system?: string): SearchFilter {
  return { kind: 'token', param: paramKey(resourceType, code), values: values.map((c) => ({ code: c, ...(system !== undefined ? { system } : {}) })) };
}

/** Any code of `system` (`identifier=system|`). */
export function inSystem(resourceType: string, code: string, system: string): SearchFilter {
  return { kind: 'token', param: paramKey(resourceType, code), values: [{ system }] };
}

/** The resource carries none of these security labels (meta.security). */
export function withoutLabel(resourceType: string, label: { system: string; code: string }): SearchFilter {
  return { kind: 'token', param: paramKey(resourceType, '_security'), modifier: 'not', values: [{ system: label.system, code: label.code }] };
}

export function idIs(ids: readonly string[]): SearchFilter {
  return { kind: 'id', values: [...ids] };
}

export function all(filters: readonly SearchFilter[]): SearchFilter {
  return filters.length === 1 ? filters[0]! : { kind: 'all', filters: [...filters] };
}

export function any(filters: readonly SearchFilter[]): SearchFilter {
  return filters.length === 1 ? filters[0]! : { kind: 'any', filters: [...filters] };
}

/** `_has:<sourceType>:<code>:…`: a `sourceType` resource matching `filter` refers to this one through `code`. */
export function referredToBy(sourceType: string, code: string, filter: SearchFilter): SearchFilter {
  return { kind: 'has', sourceType, referenceParam: paramKey(sourceType, code), filter };
}

/** `<code>:<targetType>.…`: this resource refers through `code` to a `targetType` matching `filter`. */
export function refersToMatching(resourceType: string, code: string, targetType: string, filter: SearchFilter): SearchFilter {
  return { kind: 'chain', param: paramKey(resourceType, code), targets: [{ type: targetType, filter }] };
}

/**
 * A Period-valued (or date) parameter that covers `now`, or is absent: start ≤ now ≤ end, with an
 * open end lasting for ever (R4 search §3.1.1.4: `ge` and `le` against a range).
 */
export function coversNow(resourceType: string, code: string, now: number): SearchFilter {
  const param = paramKey(resourceType, code);
  return any([
    { kind: 'missing', param, missing: true },
    all([
      { kind: 'date', param, values: [{ prefix: 'ge', low: now, high: now }] },
      { kind: 'date', param, values: [{ prefix: 'le', low: now, high: now }] },
    ]),
  ]);
}

/** The parameters that make a resource of `resourceType` about a person: the Patient compartment's, and the policy's extra links. */
export function personLinks(resourceType: string, extra: Readonly<Record<string, readonly string[]>>): readonly string[] {
  return [...patientCompartmentParams(resourceType), ...(extra[resourceType] ?? [])];
}

/**
 * Resources in the record of a patient matching `patient` (a filter on Patient). For Patient
 * itself that is the patient; for other types, a reference through one of `links`. A filter on
 * the patient's id becomes plain references, which the store finds straight from its index.
 */
export function aboutPatient(resourceType: string, links: readonly string[], patient: SearchFilter): SearchFilter {
  if (resourceType === 'Patient') return patient;
  if (patient.kind === 'id' && !patient.not) {
    return any(links.map((code) => refersTo(resourceType, code, patient.values.map((id) => `Patient/${id}`))));
  }
  return any(links.map((code) => refersToMatching(resourceType, code, 'Patient', patient)));
}
