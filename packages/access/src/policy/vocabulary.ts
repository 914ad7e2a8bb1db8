/**
 * The codes Kindred's access policy reads from the record: staff access roles (on
 * PractitionerRole.code), what a carer's consent lets them do (Consent.provision.action), the
 * identifier that marks a break-glass Flag, and the task code of a break-glass review. Published
 * HL7 codes are used where one exists (sensitivity labels, purpose of use).
 *
 * Constants only: nothing here decides anything.
 */

/** Kindred's own code systems live under this canonical base. */
export const KINDRED_CANONICAL = 'https://kindred.health/fhir';

/** PractitionerRole.code: the access role a member of staff or a volunteer holds at an organisation. */
export const ACCESS_ROLE_SYSTEM = `${KINDRED_CANONICAL}/CodeSystem/access-role`;

/** Consent.provision.action for a carer's (proxy) consent: what they may do for the person. */
export const CARER_ACTION_SYSTEM = `${KINDRED_CANONICAL}/CodeSystem/carer-action`;
export const CarerAction = { viewRecord: 'view-record', book: 'book', message: 'message', manageRequests: 'manage-requests' } as const;
export type CarerAction = (typeof CarerAction)[keyof typeof CarerAction];

/** Flag.identifier.system of a break-glass access; the Flag's period is how long it lasts. */
export const BREAK_GLASS_SYSTEM = `${KINDRED_CANONICAL}/break-glass`;
/** Task.code of the review a privacy officer does after a break-glass access. */
export const REVIEW_TASK_SYSTEM = `${KINDRED_CANONICAL}/CodeSystem/task-code`;
export const BREAK_GLASS_REVIEW = 'break-glass-review';

/** HL7 v3 ActCode: confidentiality and sensitivity labels (http://hl7.org/fhir/R4/security-labels.html). */
export const V3_ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
/** HL7 v3 ActReason: purpose of use, including emergency treatment and break-the-glass. */
export const V3_ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

/** Subsetted resources carry this tag (http://hl7.org/fhir/R4/search.html#summary). */
export const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' } as const;
