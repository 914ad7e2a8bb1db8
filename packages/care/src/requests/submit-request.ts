/**
 * Submits an online request (issue 4, "Online requests that never dead-end"), through the
 * access-checked repository it is given, for the person themself, a carer with consent, a parent,
 * a receptionist on the phone or a volunteer: the answers are the same data whoever types them.
 *
 * - A red flag answered yes stops the form: a `QuestionnaireResponse` with status `stopped` and the
 *   red-flag extension records the exit and the advice given; no Task.
 * - Answers the person must fix come back as field errors with what they typed, for the page's
 *   error summary; nothing is written.
 * - Otherwise, in ONE transaction, a completed `QuestionnaireResponse` and a `Task` (decision 0013),
 *   both identified by the form's one-time submission token and created conditionally on it, so a
 *   double submission makes one request (http://hl7.org/fhir/R4/http.html#ccreate).
 *
 * Sending the "request received" message is the caller's (request-status.ts builds it).
 * Must not count the practice's requests (the caller, who may see them, passes `capacity`).
 */
import { FhirError, isFhirError, parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { FieldError } from '../access-needs/access-needs-form.ts';
import type { Reference } from '../messaging/send-message.ts';
import { callBackSchedules, readCapacity, replyByFor, type CapacityNow } from './capacity.ts';
import { dayInWords, timeInWords } from './london-time.ts';
import { answerErrors, evaluateRedFlags, hasUrgentAnswer, readAnswers, responseItems, type RedFlag, type RequestAnswers } from './request-answers.ts';
import { currentRequestQuestionnaire } from './request-questionnaire.ts';
import {
  CALL_BACK_SLOT_INPUT,
  LinkId,
  ONLINE_REQUEST_CODE,
  RED_FLAG_EXTENSION,
  REQUEST_CATEGORY_EXTENSION,
  REQUEST_CATEGORY_SYSTEM,
  REQUEST_ROUTE_EXTENSION,
  REQUEST_STAGE_SYSTEM,
  RequestCategory,
  RequestRoute,
  SUBMISSION_TOKEN_SYSTEM,
  SUBMITTED_BY_EXTENSION,
  SUBMITTED_FOR_REASON_EXTENSION,
  TASK_CODE_SYSTEM,
  TASK_INPUT_SYSTEM,
  WhenFull,
  type RedFlagAdvice,
} from './request-vocabulary.ts';

export interface RequestSubmission {
  /** who the request is for */
  patientId: string;
  /** the practice or clinic it goes to */
  organisationId: string;
  /** who filled it in: the person ("Patient/…"), a carer or parent ("RelatedPerson/…") or staff ("Practitioner/…") */
  submittedBy: Reference;
  route: RequestRoute;
  /** why someone else filled it in ("no internet", "carer with consent"); required when they did */
  onBehalfReason?: string;
  /** the form's one-time token: a second submission with it returns the first request */
  submissionToken: string;
  answers: RequestAnswers;
  /** the person is a child (under 16): the service sets it from their age (`isChildOn`) */
  isChild: boolean;
  /** the call-back time chosen when the practice was full and offered call-backs */
  callBackSlotId?: string;
  /** the person took the admin-only route offered when the practice was full */
  adminOnly?: boolean;
  /** what `capacityNow` said when the form was shown; absent: open */
  capacity?: CapacityNow;
  now: Date;
}

export type SubmitOutcome =
  | { kind: 'invalid'; errors: FieldError[]; answers: RequestAnswers }
  | { kind: 'red-flag'; linkId: string; advice: RedFlagAdvice; text: string; response: StoredResource }
  | { kind: 'submitted'; task: StoredResource; response: StoredResource; replyBy: Date; created: boolean };

const ROUTES: ReadonlySet<string> = new Set(Object.values(RequestRoute));
const SUBMITTER_TYPES = ['Patient', 'RelatedPerson', 'Practitioner'] as const;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const TOKEN = /^[A-Za-z0-9_-]{16,200}$/;
export const MAX_REASON_LENGTH = 200;

/** Under 16 on `now`'s date, from Patient.birthDate; false when the birth date is not recorded. */
export function isChildOn(patient: Resource, now: Date): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(typeof patient.birthDate === 'string' ? patient.birthDate : '');
  if (!match) return false;
  const sixteenth = Date.UTC(Number(match[1]) + 16, Number(match[2]) - 1, Number(match[3]));
  return now.getTime() < sixteenth;
}

function checkSubmission(input: RequestSubmission): void {
  const bad = (field: string, message: string): never => {
    throw new FhirError('INVALID_REQUEST', message, { expression: [field] });
  };
  if (!ID.test(input.patientId)) bad('patientId', `patientId must be the id of a Patient; it was "${input.patientId}".`);
  if (!ID.test(input.organisationId)) bad('organisationId', `organisationId must be the id of an Organization; it was "${input.organisationId}".`);
  if (!ROUTES.has(input.route)) bad('route', `route must be one of ${[...ROUTES].join(', ')}; it was "${String(input.route)}".`);
  const [type, id] = input.submittedBy.reference.split('/');
  if (!SUBMITTER_TYPES.some((t) => t === type) || id === undefined || !ID.test(id)) {
    bad('submittedBy', `submittedBy must be a reference to a Patient, RelatedPerson or Practitioner, such as "RelatedPerson/123"; it was "${input.submittedBy.reference}".`);
  }
  if (input.route === RequestRoute.onlineSelf && input.submittedBy.reference !== `Patient/${input.patientId}`) {
    bad('route', 'The route online-self is for the person filling in their own request; use online-assisted (or phone, in-person) when someone else fills it in.');
  }
  if (!TOKEN.test(input.submissionToken)) bad('submissionToken', 'The form has no valid submission token (16 to 200 letters, digits, "-" or "_"): open the form again.');
  if (input.callBackSlotId !== undefined && !ID.test(input.callBackSlotId)) bad('callBackSlotId', `callBackSlotId must be the id of a Slot; it was "${input.callBackSlotId}".`);
}

const byToken = (resourceType: string, token: string) =>
  parseSearchRequest(resourceType, [['identifier', `${SUBMISSION_TOKEN_SYSTEM}|${token}`]], { handling: 'strict' });

function responseBase(input: RequestSubmission, questionnaire: StoredResource): Resource {
  return {
    resourceType: 'QuestionnaireResponse',
    identifier: { system: SUBMISSION_TOKEN_SYSTEM, value: input.submissionToken },
    questionnaire: `${String(questionnaire.url)}|${String(questionnaire.version)}`,
    subject: { reference: `Patient/${input.patientId}` },
    authored: input.now.toISOString(),
    author: { ...input.submittedBy },
    source: { reference: `Patient/${input.patientId}` },
  };
}

function redFlagOutcome(response: StoredResource, flag?: RedFlag): SubmitOutcome {
  const advice = ((response.extension as { url: string; valueString?: string }[] | undefined) ?? []).find((e) => e.url === RED_FLAG_EXTENSION)?.valueString;
  return {
    kind: 'red-flag',
    linkId: flag?.linkId ?? '',
    advice: (flag?.advice ?? advice ?? '999') as RedFlagAdvice,
    text: flag?.text ?? 'Call 999 now if it is an emergency, or 111 if you need help today.',
    response,
  };
}

/** A call-back Slot the person may choose: of the practice's call-back Schedules, free, and still to come. */
async function callBackSlotProblem(repository: Repository, input: RequestSubmission, slotId: string): Promise<{ slot?: StoredResource; error?: FieldError }> {
  const unavailable: FieldError = { field: 'callBackSlotId', message: 'That call-back time is no longer available: choose another time' };
  const slot = await repository.read('Slot', slotId).catch((error: unknown) => {
    // gone or never there: the person chooses again; anything else is not theirs to fix
    if (isFhirError(error) && (error.errorName === 'NOT_FOUND' || error.errorName === 'GONE')) return undefined;
    throw error;
  });
  if (slot === undefined || slot.status !== 'free' || Date.parse(String(slot.start)) <= input.now.getTime()) return { error: unavailable };
  const schedules = await callBackSchedules(repository, input.organisationId);
  const scheduleRef = (slot.schedule as { reference?: string } | undefined)?.reference;
  return schedules.some((s) => `Schedule/${s.id}` === scheduleRef) ? { slot } : { error: unavailable };
}

export async function submitRequest(repository: Repository, input: RequestSubmission): Promise<SubmitOutcome> {
  checkSubmission(input);
  const questionnaire = await currentRequestQuestionnaire(repository);
  const answers: RequestAnswers = { ...input.answers, [LinkId.isChild]: input.isChild };
  const values = readAnswers(questionnaire, answers);

  // A red flag stops the form even when other answers are missing: what to do now comes first.
  const flag = evaluateRedFlags(questionnaire, answers);
  if (flag !== undefined) {
    const stopped: Resource = { ...responseBase(input, questionnaire), status: 'stopped', extension: [{ url: RED_FLAG_EXTENSION, valueString: flag.advice }], item: responseItems(questionnaire, values) };
    const { resource } = await repository.create(stopped, { ifNoneExist: byToken('QuestionnaireResponse', input.submissionToken) });
    return redFlagOutcome(resource, flag);
  }

  const category = values.get(LinkId.category) === RequestCategory.admin || input.adminOnly === true ? RequestCategory.admin : RequestCategory.medical;
  const errors = answerErrors(questionnaire, answers);
  const onBehalf = input.submittedBy.reference !== `Patient/${input.patientId}`;
  const reason = input.onBehalfReason?.trim() ?? '';
  if (onBehalf && reason === '') errors.push({ field: 'onBehalfReason', message: 'Say why you are filling this in for them, for example "no internet" or "carer with consent"' });
  if (reason.length > MAX_REASON_LENGTH) errors.push({ field: 'onBehalfReason', message: `The reason must be ${MAX_REASON_LENGTH} characters or fewer` });
  const state: CapacityNow = input.capacity ?? { open: true };
  if (!state.open && state.offer === WhenFull.callBack && input.callBackSlotId === undefined) {
    errors.push({ field: 'callBackSlotId', message: 'Choose a time for us to call you back' });
  }
  const adminOnly = input.adminOnly === true || (!state.open && state.offer === WhenFull.adminOnly);
  if (adminOnly && values.get(LinkId.category) === RequestCategory.medical) {
    errors.push({ field: LinkId.category, message: 'The practice can take only admin requests online just now. For a health problem that cannot wait, call 111; otherwise send it when the practice opens again' });
  }
  const chosen = input.callBackSlotId !== undefined ? await callBackSlotProblem(repository, input, input.callBackSlotId) : {};
  if (chosen.error !== undefined) errors.push(chosen.error);
  if (errors.length > 0) return { kind: 'invalid', errors, answers: input.answers };

  const capacity = await readCapacity(repository, input.organisationId);
  const replyBy = chosen.slot !== undefined ? new Date(String(chosen.slot.start)) : replyByFor(capacity, state, input.now);
  const urgent = category === RequestCategory.medical && hasUrgentAnswer(questionnaire, values);
  const summary = String(values.get(category === RequestCategory.admin ? LinkId.adminNeed : LinkId.problem) ?? '');

  return repository.transaction(async (tx): Promise<SubmitOutcome> => {
    const completed: Resource = { ...responseBase(input, questionnaire), status: 'completed', item: responseItems(questionnaire, values) };
    const written = await tx.create(completed, { ifNoneExist: byToken('QuestionnaireResponse', input.submissionToken) });
    const response = written.resource;
    if (!written.created) {
      if ((response.subject as { reference?: string } | undefined)?.reference !== `Patient/${input.patientId}`) {
        throw new FhirError('PRECONDITION_FAILED', 'This form was already sent for someone else. Open the form again to make a new request.');
      }
      if (response.status === 'stopped') return redFlagOutcome(response);
    }
    const task: Resource = {
      resourceType: 'Task',
      identifier: [{ system: SUBMISSION_TOKEN_SYSTEM, value: input.submissionToken }],
      status: 'requested',
      businessStatus: { coding: [{ system: REQUEST_STAGE_SYSTEM, code: 'received' }], text: 'Received' },
      intent: 'order',
      priority: urgent ? 'urgent' : 'routine',
      // the category is a second coding of the code, so the inbox can count and page each by search
      code: { coding: [{ system: TASK_CODE_SYSTEM, code: ONLINE_REQUEST_CODE, display: 'Online request' }, { system: REQUEST_CATEGORY_SYSTEM, code: category }] },
      description: `${category === RequestCategory.admin ? 'Admin' : 'Medical'} request: ${summary.length > 120 ? `${summary.slice(0, 119)}…` : summary}`,
      focus: { reference: `QuestionnaireResponse/${response.id}` },
      for: { reference: `Patient/${input.patientId}` },
      authoredOn: input.now.toISOString(),
      requester: { ...input.submittedBy },
      owner: { reference: `Organization/${input.organisationId}` },
      restriction: { period: { end: replyBy.toISOString() } },
      ...(chosen.slot !== undefined
        ? { input: [{ type: { coding: [{ system: TASK_INPUT_SYSTEM, code: CALL_BACK_SLOT_INPUT }], text: 'Call-back time chosen' }, valueReference: { reference: `Slot/${chosen.slot.id}` } }] }
        : {}),
      ...(!state.open ? { note: [{ text: closedNote(state, input.now) }] } : {}),
      extension: [
        { url: REQUEST_ROUTE_EXTENSION, valueCode: input.route },
        { url: SUBMITTED_BY_EXTENSION, valueReference: { ...input.submittedBy } },
        ...(reason !== '' ? [{ url: SUBMITTED_FOR_REASON_EXTENSION, valueString: reason }] : []),
        { url: REQUEST_CATEGORY_EXTENSION, valueCode: category },
      ],
    };
    const made = await tx.create(task, { ifNoneExist: byToken('Task', input.submissionToken) });
    const end = (made.resource.restriction as { period?: { end?: string } } | undefined)?.period?.end;
    return { kind: 'submitted', task: made.resource, response, replyBy: end !== undefined ? new Date(end) : replyBy, created: made.created };
  });
}

function closedNote(state: Extract<CapacityNow, { open: false }>, now: Date): string {
  const why = state.reason === 'out-of-hours' ? 'outside the online hours' : "after the day's limit was reached";
  const what = state.offer === WhenFull.callBack ? 'a call-back was offered' : state.offer === WhenFull.adminOnly ? 'only admin requests were taken' : 'it was taken for safe routing';
  return `Sent ${dayInWords(now)} at ${timeInWords(now)}, ${why}: ${what}. The practice opens again ${dayInWords(state.nextOpen)} at ${timeInWords(state.nextOpen)}.`;
}
