/**
 * The codes, identifier systems and extension urls of online requests (decision 0013), in one
 * place, so the form, the submission, the tracking and the triage inbox speak the same words.
 *
 * Constants and closed sets only: no logic, no record access.
 */

const SD = 'https://kindred.health/fhir/StructureDefinition';

export const REQUEST_QUESTIONNAIRE_URL = 'https://kindred.health/fhir/Questionnaire/online-request';
export const REQUEST_QUESTIONNAIRE_VERSION = '1';

/** on a red-flag question, and on a stopped QuestionnaireResponse: what to do now (valueString) */
export const RED_FLAG_EXTENSION = `${SD}/red-flag`;
/** on a question: the answer (value[x]) that makes a request urgent; a practice can add it to any question */
export const URGENT_ANSWER_EXTENSION = `${SD}/urgent-answer`;
/** http://hl7.org/fhir/R4/extension-questionnaire-hidden.html: a question the service answers, not the person */
export const QUESTIONNAIRE_HIDDEN_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/questionnaire-hidden';

export const REQUEST_ROUTE_EXTENSION = `${SD}/request-route`;
export const SUBMITTED_BY_EXTENSION = `${SD}/submitted-by`;
export const SUBMITTED_FOR_REASON_EXTENSION = `${SD}/submitted-for-reason`;
export const REQUEST_CATEGORY_EXTENSION = `${SD}/request-category`;
/** on the practice's HealthcareService: dailyLimit, whenFull, responseDays */
export const ONLINE_REQUEST_CAPACITY_EXTENSION = `${SD}/online-request-capacity`;

/** How a consultation happens (booking's vocabulary; the request form asks for the person's preference in it). */
export const MODALITY_SYSTEM = 'https://kindred.health/fhir/CodeSystem/consultation-modality';
export const TASK_CODE_SYSTEM = 'https://kindred.health/fhir/CodeSystem/task-code';
export const ONLINE_REQUEST_CODE = 'online-request';
/** the form's one-time submission token, as the identifier of the QuestionnaireResponse and the Task */
export const SUBMISSION_TOKEN_SYSTEM = 'https://kindred.health/fhir/sid/request-submission';
export const REQUEST_CATEGORY_SYSTEM = 'https://kindred.health/fhir/CodeSystem/request-category';
/** Task.businessStatus: what the person sees of their request */
export const REQUEST_STAGE_SYSTEM = 'https://kindred.health/fhir/CodeSystem/request-stage';
/** Task.input types */
export const TASK_INPUT_SYSTEM = 'https://kindred.health/fhir/CodeSystem/task-input';
export const CALL_BACK_SLOT_INPUT = 'call-back-slot';
/** a Schedule's serviceType that makes it the practice's call-back list (with the phone modality) */
export const SCHEDULE_PURPOSE_SYSTEM = 'https://kindred.health/fhir/CodeSystem/schedule-purpose';
export const CALL_BACK_CODE = 'call-back';

export const RequestCategory = { admin: 'admin', medical: 'medical' } as const;
export type RequestCategory = (typeof RequestCategory)[keyof typeof RequestCategory];

export const RequestRoute = { onlineSelf: 'online-self', onlineAssisted: 'online-assisted', phone: 'phone', inPerson: 'in-person' } as const;
export type RequestRoute = (typeof RequestRoute)[keyof typeof RequestRoute];

/** What to do now, as a red-flag question says it: call 999, call 111, go to A&E. */
export const RedFlagAdvice = { call999: '999', call111: '111', goToAE: 'a-and-e' } as const;
export type RedFlagAdvice = (typeof RedFlagAdvice)[keyof typeof RedFlagAdvice];

export const WhenFull = { callBack: 'call-back', adminOnly: 'admin-only', safeRouting: 'safe-routing' } as const;
export type WhenFull = (typeof WhenFull)[keyof typeof WhenFull];

export const RequestStage = { received: 'received', triaged: 'triaged', booked: 'booked', replied: 'replied', closed: 'closed' } as const;
export type RequestStage = (typeof RequestStage)[keyof typeof RequestStage];

/** The linkIds the service itself reads (a practice editing the form must keep them). */
export const LinkId = {
  isChild: 'is-child',
  category: 'category',
  problem: 'problem',
  adminNeed: 'admin-need',
  howSeen: 'how-seen',
} as const;
