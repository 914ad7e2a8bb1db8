/** FHIR R4 validation of resources against the generated definitions. */
export { validateResource, assertValidResource } from './validate-resource.ts';
