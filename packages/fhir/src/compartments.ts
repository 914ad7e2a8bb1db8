/**
 * The Patient compartment (http://hl7.org/fhir/R4/compartmentdefinition-patient.html): for each
 * resource type, the search parameters that put a resource in a patient's compartment.
 */
import { readFileSync } from 'node:fs';

const generated = JSON.parse(readFileSync(new URL('./generated/compartment-patient.json', import.meta.url), 'utf8')) as {
  resources: Record<string, string[]>;
};

/** Parameter codes linking `resourceType` to a Patient, or [] when the type is not in the compartment. */
export function patientCompartmentParams(resourceType: string): readonly string[] {
  return generated.resources[resourceType] ?? [];
}

export function patientCompartmentTypes(): readonly string[] {
  return Object.keys(generated.resources);
}
