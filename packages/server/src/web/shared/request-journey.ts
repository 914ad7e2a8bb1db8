/**
 * The online request form as pages, one journey for everyone who fills it in: the person, a
 * carer or parent, a receptionist on the phone, a volunteer (issue 4, "Online requests that never
 * dead-end"). The answers are the same data whoever types them; only who submitted, the route and
 * the reason differ.
 *
 * Steps, each a plain form (no JavaScript): when the practice is closed or full, what it offers
 * instead (a call-back time, admin requests only, or where to get help now and when they will
 * hear back; never "try again tomorrow"); what the request is about; for a health problem the
 * red-flag questions first (a yes stops the form, says what to do now, and is recorded); then the
 * details; then a confirmation with a reference and when they will hear back. Earlier answers
 * travel in hidden fields, so nothing is half-written before the last step, and the form's
 * one-time token makes a double submission one request.
 */
import { randomBytes } from 'node:crypto';
import {
  LinkId,
  RequestCategory,
  WhenFull,
  callBackSlots,
  capacityNow,
  communicationProfileOf,
  countRequestsToday,
  currentRequestQuestionnaire,
  dayInWords,
  enabledItems,
  evaluateRedFlags,
  isChildOn,
  readAccessNeeds,
  readAnswers,
  readCapacity,
  requestReceivedMessage,
  sendMessage,
  submitRequest,
  timeInWords,
  type CapacityNow,
  type QuestionnaireItem,
  type RequestAnswers,
  type RequestRoute,
} from '@kindred/care';
import type { StoredResource } from '@kindred/fhir';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, type SafeHtml } from '../../pages/html.ts';
import { backLink, button, form, insetText, radios, textInput, textarea, type FieldError, type FieldErrors } from '../components.ts';
import { fieldText, formOf, type FormFields, type WebDeps } from '../web-context.ts';

/** Who the request is for and who is filling it in, worked out by the front door before the form. */
export interface RequestSubject {
  patient: StoredResource;
  organisationId: string;
  organisationName: string;
  submittedBy: { reference: string; display?: string };
  route: RequestRoute;
  /** someone else fills it in: the reason is asked for (pre-filled with this) */
  onBehalfReason?: string;
  /** "you" for the person, "Ann" for anyone else: the questions' wording */
  personWord: string;
}

export interface RequestJourney {
  /** the form's path, e.g. /app/person/requests/new */
  base: string;
  /** where the finished request is shown: `${done}/${taskId}` */
  done: string;
  /** hidden fields that identify the subject between steps (the patient's id, the route) */
  subjectFields(subject: RequestSubject): Record<string, string>;
}

const Step = { capacity: 'capacity', category: 'category', redFlags: 'red-flags', details: 'details' } as const;
type Step = (typeof Step)[keyof typeof Step];

/** Fields the journey itself uses; every other field is an answer (by linkId). */
const OWN_FIELDS = new Set(['csrf', 'step', 'token', 'callBackSlotId', 'adminOnly', 'onBehalfReason', 'patient', 'route', 'q']);

/** How long a practice's count of today's requests is reused by the form (its daily limit is a guide, not a lock). */
const COUNT_FRESH_MS = 10_000;

const newToken = (): string => randomBytes(24).toString('base64url');

function answersOf(fields: FormFields): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) if (!OWN_FIELDS.has(key)) answers[key] = typeof value === 'string' ? value : (value[0] ?? '');
  return answers;
}

function hidden(values: Readonly<Record<string, string | undefined>>): SafeHtml {
  return html`${Object.entries(values)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => html`<input type="hidden" name="${k}" value="${v ?? ''}">`)}`;
}

/** A question of the form as NHS.UK inputs: yes/no and choices as radios, text as a textarea. */
function questionInput(item: QuestionnaireItem, value: string | undefined, errors: FieldErrors, personWord: string): SafeHtml {
  const label = personWord === 'you' ? (item.text ?? item.linkId) : (item.text ?? item.linkId).replace(/\byour\b/g, 'their').replace(/\byou\b/g, 'they');
  if (item.type === 'boolean') {
    return radios({ name: item.linkId, legend: label, inline: true, items: [{ value: 'yes', text: 'Yes' }, { value: 'no', text: 'No' }], ...(value !== undefined ? { value } : {}), errors });
  }
  if (item.type === 'choice') {
    const items = (item.answerOption ?? []).map((o) => ({ value: o.valueCoding?.code ?? o.valueString ?? '', text: o.valueCoding?.display ?? o.valueString ?? '' }));
    return radios({ name: item.linkId, legend: label, items, ...(value !== undefined ? { value } : {}), errors });
  }
  if (item.type === 'text') return textarea({ id: item.linkId, label, ...(value !== undefined ? { value } : {}), errors, ...(item.maxLength !== undefined ? { maxLength: item.maxLength } : {}) });
  return textInput({ id: item.linkId, label, ...(value !== undefined ? { value } : {}), errors, ...(item.type === 'integer' ? { inputmode: 'numeric' as const, width: 5 as const } : {}) });
}

const isRedFlag = (item: QuestionnaireItem): boolean => (item.extension ?? []).some((e) => e.url.endsWith('/red-flag'));
const isHidden = (item: QuestionnaireItem): boolean => item.readOnly === true || (item.extension ?? []).some((e) => e.url.endsWith('questionnaire-hidden'));

function adviceHeading(advice: string): string {
  if (advice === '999') return 'Call 999 now';
  if (advice === '111') return 'Call 111 now';
  return 'Go to A&E now';
}

export function createRequestJourney(deps: WebDeps, journey: RequestJourney) {
  const { settings } = deps;

  /**
   * The practice's state now. Counting today's requests needs the whole practice's, which the
   * person may not see: the count (a number, no data) comes from the store, and is reused for a
   * few seconds (a busy practice's form would otherwise count thousands of requests on every page).
   */
  const counted = new Map<string, { at: number; count: Promise<number> }>();
  const requestsToday = (organisationId: string, now: Date): Promise<number> => {
    const held = counted.get(organisationId);
    if (held !== undefined && now.getTime() - held.at < COUNT_FRESH_MS && new Date(held.at).toDateString() === now.toDateString()) return held.count;
    const count = countRequestsToday(settings.store.repository, organisationId, now);
    counted.set(organisationId, { at: now.getTime(), count });
    count.catch(() => counted.delete(organisationId));
    return count;
  };
  const capacityState = async (subject: RequestSubject, now: Date): Promise<CapacityNow> => {
    const capacity = await readCapacity(settings.store.repository, subject.organisationId);
    const today = capacity.dailyLimit !== undefined ? await requestsToday(subject.organisationId, now) : 0;
    return capacityNow(capacity, today, now);
  };

  const page = (request: FastifyRequest, reply: FastifyReply, status: number, title: string, main: SafeHtml, errors?: FieldErrors) =>
    deps.send(reply, status, deps.render(request, { title, main, ...(errors !== undefined ? { errors } : {}) }));

  const stateFields = (subject: RequestSubject, fields: FormFields, step: Step): Record<string, string> => ({
    ...journey.subjectFields(subject),
    token: fieldText(fields, 'token') || newToken(),
    step,
    callBackSlotId: fieldText(fields, 'callBackSlotId'),
    adminOnly: fieldText(fields, 'adminOnly'),
    onBehalfReason: fieldText(fields, 'onBehalfReason'),
  });

  const renderCapacity = async (request: FastifyRequest, reply: FastifyReply, subject: RequestSubject, state: Extract<CapacityNow, { open: false }>, fields: FormFields, errors: FieldErrors = []) => {
    const ctx = deps.contextOf(request);
    const why = state.reason === 'out-of-hours' ? `${subject.organisationName} is not taking online requests at the moment.` : `${subject.organisationName} has had as many online requests today as it can deal with safely.`;
    const opens = `${dayInWords(state.nextOpen)} at ${timeInWords(state.nextOpen)}`;
    let offer: SafeHtml;
    if (state.offer === WhenFull.callBack) {
      const slots = await callBackSlots(ctx.record, subject.organisationId, new Date());
      offer = slots.length === 0
        ? html`<p>Call the practice when it opens, ${opens}, and we will help ${subject.personWord === 'you' ? 'you' : subject.personWord}. If ${subject.personWord === 'you' ? 'you need' : 'they need'} help before then, call 111.</p>`
        : radios({ name: 'callBackSlotId', legend: 'Choose a time for us to call back', hint: 'We will phone the number we have on record.', items: slots.slice(0, 12).map((s) => ({ value: s.id, text: `${dayInWords(new Date(String(s.start)))} at ${timeInWords(new Date(String(s.start)))}` })), value: fieldText(fields, 'callBackSlotId'), errors });
    } else if (state.offer === WhenFull.adminOnly) {
      offer = html`<p>You can still send a request about something that is not a health problem, such as a fit note, test results or a prescription. We will reply by ${opens}.</p>`;
    } else {
      offer = html`<p>You can still send your request now. We will read it when we open, ${opens}, and reply after that.</p>`;
    }
    const next = state.offer === WhenFull.adminOnly ? { adminOnly: 'yes' } : {};
    return page(
      request,
      reply,
      errors.length > 0 ? 400 : 200,
      'Before you start',
      html`<h1>Before you start</h1>
      <p>${why}</p>
      ${insetText(html`If ${subject.personWord === 'you' ? 'you need' : 'they need'} medical help today, call 111 or go to <a href="https://111.nhs.uk">111.nhs.uk</a>. In an emergency, call 999.`)}
      ${form(journey.base, ctx.viewer.csrf, [hidden({ ...stateFields(subject, fields, Step.capacity), ...next }), offer, button('Continue')])}`,
      errors,
    );
  };

  const renderCategory = (request: FastifyRequest, reply: FastifyReply, subject: RequestSubject, questionnaire: StoredResource, fields: FormFields, errors: FieldErrors = []) => {
    const ctx = deps.contextOf(request);
    const categoryItem = enabledItems(questionnaire, new Map()).find((i) => i.linkId === LinkId.category);
    const onBehalf = subject.onBehalfReason !== undefined;
    const adminOnly = fieldText(fields, 'adminOnly') === 'yes';
    return page(
      request,
      reply,
      errors.length > 0 ? 400 : 200,
      `Ask ${subject.organisationName} for help`,
      html`<span class="nhsuk-caption-l">${onBehalf ? `For ${subject.personWord}` : subject.organisationName}</span>
      <h1>Ask ${subject.organisationName} for help</h1>
      ${adminOnly ? insetText('Only requests that are not about a health problem can be sent online just now.') : html``}
      ${form(journey.base, ctx.viewer.csrf, [
        hidden({ ...stateFields(subject, fields, Step.category), onBehalfReason: undefined }),
        categoryItem !== undefined ? questionInput(categoryItem, fieldText(fields, LinkId.category) || undefined, errors, subject.personWord) : html``,
        onBehalf
          ? textInput({ id: 'onBehalfReason', label: `Why are you filling this in for ${subject.personWord}?`, hint: 'For example: no internet, carer with consent, phoned the practice', value: fieldText(fields, 'onBehalfReason') || (subject.onBehalfReason ?? ''), errors, width: 30 })
          : html``,
        button('Continue'),
      ])}`,
      errors,
    );
  };

  const renderQuestions = (request: FastifyRequest, reply: FastifyReply, subject: RequestSubject, step: Step, items: readonly QuestionnaireItem[], fields: FormFields, errors: FieldErrors = []) => {
    const ctx = deps.contextOf(request);
    const answers = answersOf(fields);
    const shown = new Set(items.map((i) => i.linkId));
    const carried = Object.fromEntries(Object.entries(answers).filter(([k]) => !shown.has(k)));
    const title = step === Step.redFlags ? (subject.personWord === 'you' ? 'Do you have any of these now?' : `Does ${subject.personWord} have any of these now?`) : 'Tell us about the request';
    const body = items
      .filter((i) => i.type !== 'group' && i.type !== 'display' && !isHidden(i))
      .map((i) => questionInput(i, answers[i.linkId], errors, subject.personWord));
    return page(
      request,
      reply,
      errors.length > 0 ? 400 : 200,
      title,
      html`${backLink(journey.base)}
      <h1>${title}</h1>
      ${step === Step.redFlags ? html`<p>We ask these questions first so that nobody waits for a reply when they need help now.</p>` : html``}
      ${form(journey.base, ctx.viewer.csrf, [hidden({ ...stateFields(subject, fields, step), ...carried }), ...body, button(step === Step.details ? 'Send request' : 'Continue')])}`,
      errors,
    );
  };

  /** GET: the first page (the practice's capacity, or what the request is about). */
  const start = async (request: FastifyRequest, reply: FastifyReply, subject: RequestSubject) => {
    const state = await capacityState(subject, new Date());
    if (!state.open) return renderCapacity(request, reply, subject, state, {});
    const questionnaire = await currentRequestQuestionnaire(deps.contextOf(request).record);
    return renderCategory(request, reply, subject, questionnaire, {});
  };

  /** POST: the next step, or the same step with what to fix. */
  const next = async (request: FastifyRequest, reply: FastifyReply, subject: RequestSubject) => {
    deps.checkCsrf(request);
    const ctx = deps.contextOf(request);
    const fields = formOf(request);
    const step = fieldText(fields, 'step') as Step;
    const now = new Date();
    const questionnaire = await currentRequestQuestionnaire(ctx.record);
    const isChild = isChildOn(subject.patient, now);
    const answers: RequestAnswers = { ...answersOf(fields), [LinkId.isChild]: isChild ? 'yes' : 'no' };
    const values = readAnswers(questionnaire, answers);
    const state = await capacityState(subject, now);

    if (step === Step.capacity) {
      if (!state.open && state.offer === WhenFull.callBack && fieldText(fields, 'callBackSlotId') === '' && (await callBackSlots(ctx.record, subject.organisationId, now)).length > 0) {
        return renderCapacity(request, reply, subject, state, fields, [{ field: 'callBackSlotId', message: 'Choose a time for us to call back' }]);
      }
      return renderCategory(request, reply, subject, questionnaire, fields);
    }
    if (step === Step.category) {
      const errors: FieldError[] = [];
      const category = values.get(LinkId.category);
      if (category === undefined) errors.push({ field: LinkId.category, message: 'Select what the request is about' });
      if (fieldText(fields, 'adminOnly') === 'yes' && category === RequestCategory.medical) {
        errors.push({ field: LinkId.category, message: 'Only requests that are not about a health problem can be sent online just now. For a health problem that cannot wait, call 111' });
      }
      if (subject.onBehalfReason !== undefined && fieldText(fields, 'onBehalfReason').trim() === '') errors.push({ field: 'onBehalfReason', message: `Say why you are filling this in for ${subject.personWord}` });
      if (errors.length > 0) return renderCategory(request, reply, subject, questionnaire, fields, errors);
      const redFlags = enabledItems(questionnaire, values).filter(isRedFlag);
      if (redFlags.length > 0) return renderQuestions(request, reply, subject, Step.redFlags, redFlags, fields);
      return renderQuestions(request, reply, subject, Step.details, detailItems(questionnaire, values), fields);
    }
    if (step === Step.redFlags) {
      const redFlags = enabledItems(questionnaire, values).filter(isRedFlag);
      const unanswered = redFlags.filter((i) => !values.has(i.linkId)).map((i) => ({ field: i.linkId, message: `Select yes or no for "${i.text ?? i.linkId}"` }));
      if (evaluateRedFlags(questionnaire, answers) === undefined) {
        if (unanswered.length > 0) return renderQuestions(request, reply, subject, Step.redFlags, redFlags, fields, unanswered);
        return renderQuestions(request, reply, subject, Step.details, detailItems(questionnaire, values), fields);
      }
      // a yes: the exit is recorded (a stopped QuestionnaireResponse) by submitRequest
    }
    const outcome = await submitRequest(ctx.record, {
      patientId: subject.patient.id,
      organisationId: subject.organisationId,
      submittedBy: subject.submittedBy,
      route: subject.route,
      ...(subject.onBehalfReason !== undefined ? { onBehalfReason: fieldText(fields, 'onBehalfReason') } : {}),
      submissionToken: fieldText(fields, 'token'),
      answers: answersOf(fields),
      isChild,
      ...(fieldText(fields, 'callBackSlotId') !== '' ? { callBackSlotId: fieldText(fields, 'callBackSlotId') } : {}),
      ...(fieldText(fields, 'adminOnly') === 'yes' ? { adminOnly: true } : {}),
      capacity: state,
      now,
    });
    if (outcome.kind === 'red-flag') {
      return page(
        request,
        reply,
        200,
        adviceHeading(outcome.advice),
        html`<div class="nhsuk-card nhsuk-card--care nhsuk-card--care--emergency">
        <div class="nhsuk-card--care__heading-container"><h1 class="nhsuk-card--care__heading"><span role="text"><span class="nhsuk-u-visually-hidden">Emergency: </span>${adviceHeading(outcome.advice)}</span></h1><span class="nhsuk-card--care__arrow" aria-hidden="true"></span></div>
        <div class="nhsuk-card__content"><p>${outcome.text}</p><p>We have not sent this request to ${subject.organisationName}, because it needs help sooner than the practice can reply online.</p></div>
      </div>`,
      );
    }
    if (outcome.kind === 'invalid') {
      const redFlagStepError = outcome.errors.find((e) => enabledItems(questionnaire, values).some((i) => i.linkId === e.field && isRedFlag(i)));
      if (redFlagStepError !== undefined) return renderQuestions(request, reply, subject, Step.redFlags, enabledItems(questionnaire, values).filter(isRedFlag), fields, outcome.errors);
      if (outcome.errors.some((e) => e.field === 'callBackSlotId') && !state.open) return renderCapacity(request, reply, subject, state, fields, outcome.errors.filter((e) => e.field === 'callBackSlotId'));
      if (outcome.errors.some((e) => e.field === LinkId.category || e.field === 'onBehalfReason')) return renderCategory(request, reply, subject, questionnaire, fields, outcome.errors);
      return renderQuestions(request, reply, subject, Step.details, detailItems(questionnaire, values), fields, outcome.errors);
    }
    if (outcome.created && fieldText(fields, 'callBackSlotId') !== '') {
      // the chosen call-back time is the practice's now (the person may not write Slots; the ledger may)
      try {
        await deps.ledger.claim(fieldText(fields, 'callBackSlotId'));
      } catch (error) {
        request.log.warn({ err: { name: (error as Error).name, message: (error as Error).message } }, 'the call-back time was taken at the same moment');
      }
    }
    if (outcome.created) {
      // The request is in; a message that cannot be sent is recorded (Communication not-done) and does not undo it.
      try {
        const patient = await ctx.record.read('Patient', subject.patient.id);
        await sendMessage(ctx.record, deps.channels, communicationProfileOf(patient, readAccessNeeds(patient)), requestReceivedMessage(outcome.task, patient, subject.organisationName));
      } catch (error) {
        request.log.warn({ err: { name: (error as Error).name, message: (error as Error).message } }, 'the request-received message was not sent');
      }
    }
    return reply.redirect(`${journey.done}/${outcome.task.id}?sent=1`, 303);
  };

  return { start, next };
}

/** The questions of the details step: enabled, not red flags, not hidden, not the category. */
function detailItems(questionnaire: StoredResource, values: ReturnType<typeof readAnswers>): QuestionnaireItem[] {
  return enabledItems(questionnaire, values).filter((i) => !isRedFlag(i) && !isHidden(i) && i.linkId !== LinkId.category && i.type !== 'group' && i.type !== 'display');
}
