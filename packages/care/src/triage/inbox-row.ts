/**
 * One row of the triage inbox, built from a request Task and what the search brought with it (the
 * Patient through Task:patient, the answers through Task:focus): who it is for (name, age, NHS
 * number), what kind of request, how urgent, by which route, answers the form marks as concerning,
 * who has it, when it came and when the person should hear back, the person's access needs as
 * staff must see them before any contact, and the carer who helps them.
 *
 * Pure: resources in, a row out. No record access.
 */
import { NHS_NUMBER_SYSTEM, type Resource, type StoredResource } from '@kindred/fhir';
import { accessNeedsSummary, nameOf, readAccessNeeds } from '../access-needs/index.ts';
import {
  CONCERNING_ANSWER_EXTENSION,
  RED_FLAG_EXTENSION,
  SUBMITTED_BY_EXTENSION,
  URGENT_ANSWER_EXTENSION,
  SUBMITTED_FOR_REASON_EXTENSION,
  categoryOf,
  extensionOf,
  isOverdue,
  isUrgent,
  respondByOf,
  routeOf,
  type RequestCategory,
  type RequestRoute,
} from './triage-vocabulary.ts';

export interface InboxPatient {
  id: string;
  name?: string;
  /** whole years at `now` */
  age?: number;
  nhsNumber?: string;
}

export interface ConcerningAnswer {
  question: string;
  answer: string;
  /** what to do now, when the form's question is a red flag: "999", "111", "a-and-e" */
  redFlag?: string;
}

export interface InboxRow {
  taskId: string;
  /** the Task's version: send it back as If-Match when changing the request */
  version: string;
  status: string;
  patient?: InboxPatient;
  category?: RequestCategory;
  priority: string;
  urgent: boolean;
  route?: RequestRoute;
  /** who filled it in, when not the person: a carer, a receptionist, a volunteer */
  submittedBy?: { reference?: string; display?: string };
  submittedForReason?: string;
  concerningAnswers: ConcerningAnswer[];
  /** the PractitionerRole it is assigned to; absent while it is with the organisation */
  assignedTo?: { reference: string; display?: string };
  authoredOn?: string;
  respondBy?: string;
  overdue: boolean;
  /** what the person sees */
  businessStatus?: string;
  /** the person's access needs in plain English, most important first */
  accessNeeds: string[];
  /** the carer who helps them, when one is recorded */
  carer?: { reference: string; name?: string };
}

export function ageAt(birthDate: unknown, now: number): number | undefined {
  if (typeof birthDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) return undefined;
  const today = new Date(now).toISOString().slice(0, 10);
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

interface Extension {
  url?: string;
  valueString?: string;
  valueBoolean?: boolean;
  valueCoding?: { code?: string };
}

interface Item {
  linkId?: string;
  text?: string;
  answer?: Record<string, unknown>[];
  item?: Item[];
  extension?: Extension[];
}

function answerText(answer: Record<string, unknown>): string {
  for (const [key, value] of Object.entries(answer)) {
    if (!key.startsWith('value')) continue;
    if (typeof value === 'boolean') return value ? 'Yes' : 'No';
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    const coding = value as { display?: string; code?: string };
    if (typeof coding.display === 'string') return coding.display;
    if (typeof coding.code === 'string') return coding.code;
  }
  return '';
}

/** an answer's plain value, to compare with the form's urgent-answer extension */
function answerValue(answer: Record<string, unknown>): unknown {
  const entry = Object.entries(answer).find(([key]) => key.startsWith('value'));
  const value = entry?.[1];
  return typeof value === 'object' && value !== null ? (value as { code?: unknown }).code : value;
}

function questionsOf(questionnaire: Resource | undefined): Map<string, Item> {
  const byLinkId = new Map<string, Item>();
  const walk = (items: Item[] | undefined) => {
    for (const item of items ?? []) {
      if (item.linkId !== undefined) byLinkId.set(item.linkId, item);
      walk(item.item);
    }
  };
  walk(Array.isArray(questionnaire?.item) ? (questionnaire.item as Item[]) : undefined);
  return byLinkId;
}

/**
 * The answers to highlight: a yes to a red-flag question, an answer the form marks as urgent
 * (the urgent-answer extension on its question), or an answer marked concerning in the response.
 */
export function concerningAnswers(response: Resource | undefined, questionnaire?: Resource): ConcerningAnswer[] {
  const questions = questionsOf(questionnaire);
  const found: ConcerningAnswer[] = [];
  const walk = (items: Item[] | undefined) => {
    for (const item of items ?? []) {
      const question = item.linkId !== undefined ? questions.get(item.linkId) : undefined;
      const extensions = [...(item.extension ?? []), ...(question?.extension ?? [])];
      const redFlag = extensions.find((e) => e.url === RED_FLAG_EXTENSION)?.valueString;
      const urgent = extensions.find((e) => e.url === URGENT_ANSWER_EXTENSION);
      const urgentValue = urgent?.valueBoolean ?? urgent?.valueCoding?.code ?? urgent?.valueString;
      const marked = extensions.some((e) => e.url === CONCERNING_ANSWER_EXTENSION && e.valueBoolean === true);
      const answers = item.answer ?? [];
      const hit = answers.filter((a) => marked || (redFlag !== undefined && answerValue(a) === true) || (urgent !== undefined && answerValue(a) === urgentValue));
      if (hit.length > 0) {
        found.push({ question: item.text ?? question?.text ?? item.linkId ?? '', answer: hit.map(answerText).join(', '), ...(redFlag !== undefined ? { redFlag } : {}) });
      }
      walk(item.item);
      for (const answer of answers) walk((answer as { item?: Item[] }).item);
    }
  };
  walk(Array.isArray(response?.item) ? (response.item as Item[]) : undefined);
  return found;
}

function nhsNumberOf(patient: Resource): string | undefined {
  const identifiers = Array.isArray(patient.identifier) ? (patient.identifier as { system?: string; value?: string }[]) : [];
  return identifiers.find((i) => i.system === NHS_NUMBER_SYSTEM && typeof i.value === 'string')?.value;
}

export interface RowContext {
  now: number;
  /** resources by "Type/id": the included Patients, QuestionnaireResponses and carers */
  byReference: ReadonlyMap<string, StoredResource>;
  /** the forms the responses answer, by their canonical ("url|version", or "url") */
  questionnaires?: ReadonlyMap<string, StoredResource>;
}

export function inboxRow(task: StoredResource, context: RowContext): InboxRow {
  const patientRef = (task.for as { reference?: string } | undefined)?.reference;
  const patient = patientRef !== undefined ? context.byReference.get(patientRef) : undefined;
  const focusRef = (task.focus as { reference?: string } | undefined)?.reference;
  const response = focusRef !== undefined ? context.byReference.get(focusRef) : undefined;
  const owner = (task.owner as { reference?: string; display?: string } | undefined) ?? {};
  const needs = patient !== undefined ? readAccessNeeds(patient) : undefined;
  const carer = needs?.carerHelps !== undefined ? context.byReference.get(needs.carerHelps) : undefined;
  const category = categoryOf(task);
  const route = routeOf(task);
  const respondBy = respondByOf(task);
  const submittedBy = extensionOf(task, SUBMITTED_BY_EXTENSION)?.valueReference;
  const submittedForReason = extensionOf(task, SUBMITTED_FOR_REASON_EXTENSION)?.valueString;
  const businessStatus = (task.businessStatus as { text?: string } | undefined)?.text;
  const age = patient !== undefined ? ageAt(patient.birthDate, context.now) : undefined;
  const name = patient !== undefined ? nameOf(patient) : undefined;
  const nhsNumber = patient !== undefined ? nhsNumberOf(patient) : undefined;
  return {
    taskId: task.id,
    version: task.meta.versionId,
    status: String(task.status),
    ...(patient !== undefined ? { patient: { id: patient.id, ...(name !== undefined ? { name } : {}), ...(age !== undefined ? { age } : {}), ...(nhsNumber !== undefined ? { nhsNumber } : {}) } } : {}),
    ...(category !== undefined ? { category } : {}),
    priority: typeof task.priority === 'string' ? task.priority : 'routine',
    urgent: isUrgent(task),
    ...(route !== undefined ? { route } : {}),
    ...(submittedBy !== undefined ? { submittedBy: { ...submittedBy } } : {}),
    ...(submittedForReason !== undefined ? { submittedForReason } : {}),
    concerningAnswers: concerningAnswers(response, typeof response?.questionnaire === 'string' ? context.questionnaires?.get(response.questionnaire) : undefined),
    ...(owner.reference?.startsWith('PractitionerRole/') ? { assignedTo: { reference: owner.reference, ...(owner.display !== undefined ? { display: owner.display } : {}) } } : {}),
    ...(typeof task.authoredOn === 'string' ? { authoredOn: task.authoredOn } : {}),
    ...(respondBy !== undefined ? { respondBy } : {}),
    overdue: isOverdue(task, context.now),
    ...(businessStatus !== undefined ? { businessStatus } : {}),
    accessNeeds: needs !== undefined ? accessNeedsSummary(needs) : [],
    ...(needs?.carerHelps !== undefined ? { carer: { reference: needs.carerHelps, ...(carer !== undefined && nameOf(carer) !== undefined ? { name: nameOf(carer) } : {}) } } : {}),
  };
}

/** Urgent first, then overdue, then oldest (stable). */
export function inboxOrder(a: InboxRow, b: InboxRow): number {
  if (a.urgent !== b.urgent) return a.urgent ? -1 : 1;
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  return (a.authoredOn ?? '').localeCompare(b.authoredOn ?? '');
}
