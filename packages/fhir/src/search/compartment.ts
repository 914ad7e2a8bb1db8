/**
 * Compartment searches such as `GET [base]/Patient/123/Observation`
 * (http://hl7.org/fhir/R4/search.html#searchcontexts), as one more filter on the search. Only the
 * Patient compartment (http://hl7.org/fhir/R4/compartmentdefinition-patient.html) is supported.
 * Pure: which parameters link a type to a patient comes from compartments.ts.
 */
import { patientCompartmentParams } from '../compartments.ts';
import { FhirError } from '../errors.ts';
import { isResourceType } from '../model.ts';
import { isValidId } from '../references.ts';
import { getSearchParameter } from '../search-parameters.ts';
import { quote } from './search-errors.ts';
import type { ParamKey, SearchFilter } from './search-request.ts';

/** The compartments the specification defines (http://hl7.org/fhir/R4/compartmentdefinition.html). */
const DEFINED_COMPARTMENTS: ReadonlySet<string> = new Set(['Patient', 'Encounter', 'RelatedPerson', 'Practitioner', 'Device']);

/**
 * The filter for resources of `resourceType` in the compartment `compartmentType/compartmentId`.
 *
 * For `/Patient/123/Patient` the compartment holds the patient itself as well as the patients
 * linked to it (the definition lists `link` for Patient); the self-membership is carried as a
 * `_id` entry in `params` ({ code: '_id', type: 'token' }), meaning "the resource whose id is the
 * compartment id", so that the store need not know the rule.
 *
 * Throws NOT_FOUND for a compartment other than Patient and for a type outside the compartment,
 * since the url names nothing this server has; INVALID_REQUEST for a malformed id.
 */
export function compartmentFilter(compartmentType: string, compartmentId: string, resourceType: string): SearchFilter {
  if (compartmentType !== 'Patient') {
    const why = DEFINED_COMPARTMENTS.has(compartmentType)
      ? `the ${compartmentType} compartment is not supported; only the Patient compartment is`
      : `${quote(compartmentType)} is not a compartment; the supported compartment is Patient`;
    throw new FhirError('NOT_FOUND', `No such compartment: ${why} (e.g. /Patient/123/Observation).`);
  }
  if (!isValidId(compartmentId)) {
    throw new FhirError('INVALID_REQUEST', `${quote(compartmentId)} is not a valid Patient id (http://hl7.org/fhir/R4/datatypes.html#id).`);
  }
  if (!isResourceType(resourceType)) throw new FhirError('NOT_FOUND', `${quote(resourceType)} is not a FHIR R4 resource type.`);
  const codes = patientCompartmentParams(resourceType);
  if (codes.length === 0) {
    throw new FhirError(
      'NOT_FOUND',
      `${resourceType} resources are not in the Patient compartment (http://hl7.org/fhir/R4/compartmentdefinition-patient.html); ` +
        `search /${resourceType} instead.`,
    );
  }
  const params: ParamKey[] = codes.map((code) => {
    const def = getSearchParameter(resourceType, code);
    // the generated compartment lists only reference parameters; fall back to that type if one is missing
    return { resourceType, code, type: def?.type ?? 'reference' };
  });
  const self: ParamKey[] = resourceType === 'Patient' ? [{ resourceType, code: '_id', type: 'token' }] : [];
  return { kind: 'compartment', compartmentType: 'Patient', id: compartmentId, params: [...self, ...params] };
}
