/**
 * The codes and extension urls the demo area writes, as decision 0013 (online requests, triage,
 * booking and access needs) and decision 0011 (the access policy) name them. One place, so the
 * demo and the workflows that read it agree.
 *
 * Constants only.
 */
import { ACCESS_ROLE_SYSTEM, CARER_ACTION_SYSTEM, KINDRED_CANONICAL, REVIEW_TASK_SYSTEM } from '@kindred/access';

export { ACCESS_ROLE_SYSTEM, CARER_ACTION_SYSTEM };

const SD = `${KINDRED_CANONICAL}/StructureDefinition`;

export const EXT = {
  accessNeeds: `${SD}/access-needs`,
  lsoa: `${SD}/lsoa`,
  redFlag: `${SD}/red-flag`,
  onlineRequestCapacity: `${SD}/online-request-capacity`,
  requestRoute: `${SD}/request-route`,
  submittedBy: `${SD}/submitted-by`,
  submittedForReason: `${SD}/submitted-for-reason`,
  requestCategory: `${SD}/request-category`,
  preferredModality: `${SD}/preferred-modality`,
  modalityGiven: `${SD}/modality-given`,
  /** the standard extension (http://hl7.org/fhir/R4/extension-patient-interpreterrequired.html) */
  interpreterRequired: 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired',
  /** UK Core ethnic category (NHS Data Dictionary ethnic category, England) */
  ethnicCategory: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory',
} as const;

export const SYSTEM = {
  accessRole: ACCESS_ROLE_SYSTEM,
  carerAction: CARER_ACTION_SYSTEM,
  taskCode: REVIEW_TASK_SYSTEM,
  lsoa2021: `${KINDRED_CANONICAL}/CodeSystem/lsoa-2021`,
  modality: `${KINDRED_CANONICAL}/CodeSystem/consultation-modality`,
  triageOutcome: `${KINDRED_CANONICAL}/CodeSystem/triage-outcome`,
  requestStage: `${KINDRED_CANONICAL}/CodeSystem/request-stage`,
  schedulePurpose: `${KINDRED_CANONICAL}/CodeSystem/schedule-purpose`,
  submissionToken: `${KINDRED_CANONICAL}/sid/request-submission`,
  messageReference: `${KINDRED_CANONICAL}/sid/message-reference`,
  messageTemplate: `${KINDRED_CANONICAL}/CodeSystem/message-template`,
  ethnicCategory: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  participationMode: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode',
  bcp47: 'urn:ietf:bcp:47',
  appointmentCancellationReason: 'http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason',
} as const;

/** PractitionerRole.code values the access policy reads (decision 0011). */
export const Role = {
  clinician: 'clinician',
  socialWorker: 'social-worker',
  careCoordinator: 'care-coordinator',
  receptionist: 'receptionist',
  privacyOfficer: 'privacy-officer',
  volunteer: 'volunteer',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const Modality = { video: 'video', phone: 'phone', faceToFace: 'face-to-face', homeVisit: 'home-visit' } as const;
export type Modality = (typeof Modality)[keyof typeof Modality];

export const RequestRoute = { onlineSelf: 'online-self', onlineAssisted: 'online-assisted', phone: 'phone', inPerson: 'in-person' } as const;
export type RequestRoute = (typeof RequestRoute)[keyof typeof RequestRoute];

export const RequestOutcome = { book: 'book', reply: 'reply', signPost: 'sign-post', refer: 'refer', close: 'close' } as const;
export type RequestOutcome = (typeof RequestOutcome)[keyof typeof RequestOutcome];
