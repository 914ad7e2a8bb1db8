/**
 * Which patients a resource is about, for the audit trail's patient index: a Patient is about
 * itself; any other resource is about the Patients its Patient-compartment parameters refer to
 * (http://hl7.org/fhir/R4/compartmentdefinition-patient.html), e.g. Observation.subject and
 * Observation.performer when they are Patient references. Pure: reads the resource, never changes it.
 */
import { compileFhirPath, getSearchParameter, isPlainObject, parseReference, patientCompartmentParams, type CompiledFhirPath, type Resource } from '@kindred/fhir';

/** Per resource type, the compiled expressions of its compartment parameters (definitions never change while running). */
const expressions = new Map<string, readonly CompiledFhirPath[]>();

function compartmentExpressions(resourceType: string): readonly CompiledFhirPath[] {
  let compiled = expressions.get(resourceType);
  if (compiled === undefined) {
    compiled = patientCompartmentParams(resourceType).flatMap((code) => {
      const expression = getSearchParameter(resourceType, code)?.expression;
      return expression === undefined ? [] : [compileFhirPath(expression)];
    });
    // only types with a compartment are remembered, so input cannot grow the map
    if (patientCompartmentParams(resourceType).length > 0) expressions.set(resourceType, compiled);
  }
  return compiled;
}

function patientIdOf(value: unknown): string | undefined {
  const reference = isPlainObject(value) ? value.reference : value;
  if (typeof reference !== 'string') return undefined;
  const parsed = parseReference(reference);
  return parsed.type === 'Patient' ? parsed.id : undefined;
}

/** The ids of the patients `resource` is about, without repeats, in the order found. */
export function patientIdsOf(resource: Resource): string[] {
  const ids = new Set<string>();
  if (resource.resourceType === 'Patient' && typeof resource.id === 'string') ids.add(resource.id);
  for (const expression of compartmentExpressions(resource.resourceType)) {
    for (const { value } of expression.evaluate(resource)) {
      const id = patientIdOf(value);
      if (id !== undefined) ids.add(id);
    }
  }
  return [...ids];
}

/** The same for many resources at once (a search page, a history page, an import). */
export function patientIdsOfAll(resources: Iterable<Resource>): string[] {
  const ids = new Set<string>();
  for (const resource of resources) for (const id of patientIdsOf(resource)) ids.add(id);
  return [...ids];
}
