/**
 * Code systems, identifier systems and extension urls used by the synthetic area, in one place so
 * a reviewer can check them against the specifications, plus tiny builders for the FHIR data types
 * every module writes (Coding, CodeableConcept, Reference, Quantity). Builders return new objects.
 */
import { ACCESS_ROLE_SYSTEM } from '@kindred/access';

export const System = {
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  cvx: 'http://hl7.org/fhir/sid/cvx',
  language: 'urn:ietf:bcp:47',
  actCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  roleCode: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  maritalStatus: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus',
  interpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  identifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  appointmentReason: 'http://terminology.hl7.org/CodeSystem/v2-0276',
  organizationType: 'http://terminology.hl7.org/CodeSystem/organization-type',
  practitionerRole: 'http://terminology.hl7.org/CodeSystem/practitioner-role',
  locationPhysicalType: 'http://terminology.hl7.org/CodeSystem/location-physical-type',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  allergyClinical: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  allergyVerification: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
  admitSource: 'http://terminology.hl7.org/CodeSystem/admit-source',
  dischargeDisposition: 'http://terminology.hl7.org/CodeSystem/discharge-disposition',
  taskCode: 'http://hl7.org/fhir/CodeSystem/task-code',
  routeOfAdministration: 'http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration',
  ethnicCategory: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland',
  /** Kindred's own code system for how a contact happens; canonical base to be settled by the project */
  contactModality: 'https://fhir.kindred.example/CodeSystem/contact-modality',
  /** Kindred's access roles (PractitionerRole.code), as the access policy reads them */
  accessRole: ACCESS_ROLE_SYSTEM,
} as const;

export const IdentifierSystem = {
  nhsNumber: 'https://fhir.nhs.uk/Id/nhs-number',
  odsOrganisation: 'https://fhir.nhs.uk/Id/ods-organization-code',
  odsSite: 'https://fhir.nhs.uk/Id/ods-site-code',
  sdsUser: 'https://fhir.nhs.uk/Id/sds-user-id',
  gmc: 'https://fhir.hl7.org.uk/Id/gmc-number',
  nmc: 'https://fhir.hl7.org.uk/Id/nmc-number',
  hcpc: 'https://fhir.hl7.org.uk/Id/hcpc-number',
  /** the hospital's local patient number; one system per trust, keyed by its ODS code */
  hospitalNumber: (odsCode: string): string => `https://fhir.kindred.example/Id/${odsCode}/hospital-number`,
  volunteer: 'https://fhir.kindred.example/Id/volunteer-number',
} as const;

export const ExtensionUrl = {
  ethnicCategory: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory',
  interpreterRequired: 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired',
  /** Kindred extension on Appointment: face to face, telephone, video or home visit */
  contactModality: 'https://fhir.kindred.example/StructureDefinition/contact-modality',
} as const;

export interface CodingValue {
  system: string;
  code: string;
  display?: string;
}

/** A CodeableConcept; coding is absent (never an empty array, which FHIR forbids) when only text is known. */
export interface ConceptValue {
  coding?: CodingValue[];
  text?: string;
}

export interface ReferenceValue {
  reference: string;
  display?: string;
}

export function coding(system: string, code: string, display?: string): CodingValue {
  return display === undefined ? { system, code } : { system, code, display };
}

/** A CodeableConcept with one coding; text repeats the display, as most UK systems send it. */
export function concept(system: string, code: string, display?: string): ConceptValue {
  return display === undefined ? { coding: [coding(system, code)] } : { coding: [coding(system, code, display)], text: display };
}

export function snomed(code: string, display: string): ConceptValue {
  return concept(System.snomed, code, display);
}

export function reference(type: string, id: string, display?: string): ReferenceValue {
  return display === undefined ? { reference: `${type}/${id}` } : { reference: `${type}/${id}`, display };
}

/** A UCUM Quantity rounded to `decimals` places (lab systems report fixed precision). */
export function ucumQuantity(value: number, unit: string, code: string, decimals: number): Record<string, unknown> {
  const factor = 10 ** decimals;
  return { value: Math.round(value * factor) / factor, unit, system: System.ucum, code };
}
