/**
 * What a request's FHIR resources say, in the words of the staff pages (decision 0013): the online
 * request `Task` (priority, category, route, who submitted it and why, respond-by, owner, notes,
 * outcome) and the answers in its `QuestionnaireResponse`, with the form's questions as labels and
 * the answers the form marks as concerning picked out.
 *
 * Pure readers: resources in, plain values out. No record access, nothing written.
 */
import type { Resource } from '@kindred/fhir';
import { MODALITY_SYSTEM, isModality, type Modality } from '@kindred/care';
import { referenceOf } from './staff-format.ts';

const SD = 'https://kindred.health/fhir/StructureDefinition/';
export const REQUEST_ROUTE_EXTENSION = `${SD}request-route`;
export const SUBMITTED_BY_EXTENSION = `${SD}submitted-by`;
export const SUBMITTED_FOR_REASON_EXTENSION = `${SD}submitted-for-reason`;
export const REQUEST_CATEGORY_EXTENSION = `${SD}request-category`;
export const RED_FLAG_EXTENSION = `${SD}red-flag`;
/** on a QuestionnaireResponse item: an answer the form marks as concerning (not a red-flag exit) */
export const CONCERNING_ANSWER_EXTENSION = `${SD}concerning-answer`;
/** on a question: the answer (value[x]) that makes a request urgent */
export const URGENT_ANSWER_EXTENSION = `${SD}urgent-answer`;

export const CATEGORY_WORDS: Readonly<Record<string, string>> = { medical: 'Medical', admin: 'Admin' };

interface Extension {
  url?: string;
  valueCode?: string;
  valueString?: string;
  valueCoding?: { code?: string };
  valueReference?: { reference?: string; display?: string };
  valueBoolean?: boolean;
}

function extensionsOf(resource: unknown): Extension[] {
  const list = (resource as { extension?: unknown } | undefined)?.extension;
  return Array.isArray(list) ? (list as Extension[]) : [];
}

function extension(resource: unknown, url: string): Extension | undefined {
  return extensionsOf(resource).find((e) => e.url === url);
}

const codeOf = (e: Extension | undefined): string | undefined => e?.valueCode ?? e?.valueCoding?.code ?? e?.valueString;

export interface RequestFacts {
  urgent: boolean;
  category?: string;
  route?: string;
  /** "Patient/…", "RelatedPerson/…" or "Practitioner/…", with the name the Task gives it */
  submittedBy?: { reference?: string; display?: string };
  submittedForReason?: string;
  authoredOn?: string;
  respondBy?: string;
  overdue: boolean;
  /** "Organization/…" or "PractitionerRole/…" */
  owner?: string;
  status: string;
  businessStatus?: string;
  /** "Patient/…" */
  patient?: string;
  /** "QuestionnaireResponse/…" */
  focus?: string;
  open: boolean;
}

const OPEN_STATUSES = new Set(['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold']);

export function requestFacts(task: Resource, now: number): RequestFacts {
  const respondBy = (task.restriction as { period?: { end?: string } } | undefined)?.period?.end;
  const status = typeof task.status === 'string' ? task.status : 'unknown';
  const open = OPEN_STATUSES.has(status);
  const submitted = extension(task, SUBMITTED_BY_EXTENSION)?.valueReference;
  const reason = extension(task, SUBMITTED_FOR_REASON_EXTENSION)?.valueString;
  const category = codeOf(extension(task, REQUEST_CATEGORY_EXTENSION));
  const route = codeOf(extension(task, REQUEST_ROUTE_EXTENSION));
  const businessStatus = (task.businessStatus as { text?: string } | undefined)?.text;
  const owner = referenceOf(task.owner);
  const patient = referenceOf(task.for);
  const focus = referenceOf(task.focus);
  return {
    urgent: task.priority === 'urgent' || task.priority === 'asap' || task.priority === 'stat',
    ...(category !== undefined ? { category } : {}),
    ...(route !== undefined ? { route } : {}),
    ...(submitted !== undefined ? { submittedBy: submitted } : {}),
    ...(reason !== undefined ? { submittedForReason: reason } : {}),
    ...(typeof task.authoredOn === 'string' ? { authoredOn: task.authoredOn } : {}),
    ...(respondBy !== undefined ? { respondBy } : {}),
    overdue: open && respondBy !== undefined && Date.parse(respondBy) < now,
    ...(owner !== undefined ? { owner } : {}),
    status,
    ...(businessStatus !== undefined ? { businessStatus } : {}),
    ...(patient !== undefined ? { patient } : {}),
    ...(focus !== undefined ? { focus } : {}),
    open,
  };
}

export interface TriageNote {
  text: string;
  time?: string;
  author?: string;
}

export function notesOf(task: Resource): TriageNote[] {
  const notes = Array.isArray(task.note) ? (task.note as { text?: string; time?: string; authorString?: string; authorReference?: { display?: string; reference?: string } }[]) : [];
  return notes
    .filter((n) => typeof n.text === 'string')
    .map((n) => {
      const author = n.authorReference?.display ?? n.authorString ?? n.authorReference?.reference;
      return { text: n.text!, ...(n.time !== undefined ? { time: n.time } : {}), ...(author !== undefined ? { author } : {}) };
    });
}

/** The outcome recorded in Task.output, in words ("Booked", "Closed: …"), when there is one. */
export function outcomeOf(task: Resource): string[] {
  const outputs = Array.isArray(task.output) ? (task.output as { type?: { text?: string; coding?: { code?: string; display?: string }[] }; valueString?: string; valueReference?: { reference?: string; display?: string }; valueCodeableConcept?: { text?: string } }[]) : [];
  return outputs.map((o) => {
    const kind = o.type?.text ?? o.type?.coding?.[0]?.display ?? o.type?.coding?.[0]?.code ?? 'Outcome';
    const value = o.valueString ?? o.valueCodeableConcept?.text ?? o.valueReference?.display ?? o.valueReference?.reference ?? '';
    return value === '' ? kind : `${kind}: ${value}`;
  });
}

export interface AnswerLine {
  linkId: string;
  question: string;
  answer: string;
  /** the form marks this answer as one staff should look at first */
  concerning: boolean;
}

interface QuestionnaireItem {
  linkId?: string;
  text?: string;
  type?: string;
  extension?: Extension[];
  item?: QuestionnaireItem[];
  answerOption?: { valueCoding?: { code?: string; display?: string }; valueString?: string }[];
}

interface ResponseItem {
  linkId?: string;
  extension?: Extension[];
  text?: string;
  answer?: Record<string, unknown>[];
  item?: ResponseItem[];
}

function flatten<T extends { item?: T[] }>(items: readonly T[] | undefined): T[] {
  return (items ?? []).flatMap((i) => [i, ...flatten(i.item)]);
}

function answerText(answer: Record<string, unknown>, item: QuestionnaireItem | undefined): string {
  if (typeof answer.valueBoolean === 'boolean') return answer.valueBoolean ? 'Yes' : 'No';
  const coding = answer.valueCoding as { code?: string; display?: string } | undefined;
  if (coding !== undefined) {
    const option = item?.answerOption?.find((o) => o.valueCoding?.code === coding.code);
    return coding.display ?? option?.valueCoding?.display ?? coding.code ?? '';
  }
  for (const key of ['valueString', 'valueDate', 'valueDateTime', 'valueTime', 'valueInteger', 'valueDecimal', 'valueUri']) {
    const value = answer[key];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  const quantity = answer.valueQuantity as { value?: number; unit?: string } | undefined;
  if (quantity?.value !== undefined) return `${quantity.value}${quantity.unit !== undefined ? ` ${quantity.unit}` : ''}`;
  return '';
}

const VALUE_KEYS = ['valueBoolean', 'valueString', 'valueInteger', 'valueDecimal', 'valueDate', 'valueCode'] as const;

function sameValue(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const coding = (v: Record<string, unknown>) => (v.valueCoding as { code?: string } | undefined)?.code ?? (typeof v.valueCode === 'string' ? v.valueCode : undefined);
  if (coding(a) !== undefined || coding(b) !== undefined) return coding(a) === coding(b);
  return VALUE_KEYS.some((k) => a[k] !== undefined && a[k] === b[k]);
}

/**
 * An answer staff should look at first: the response marks it (concerning-answer), or the form
 * says this answer makes a request urgent (urgent-answer), or it is a red-flag question answered yes.
 */
function isConcerning(response: ResponseItem, item: QuestionnaireItem | undefined, answers: readonly Record<string, unknown>[]): boolean {
  if ((response.extension ?? []).some((e) => e.url === CONCERNING_ANSWER_EXTENSION && e.valueBoolean !== false)) return true;
  if (item === undefined) return false;
  const marks = extensionsOf(item);
  const urgent = marks.filter((e) => e.url === URGENT_ANSWER_EXTENSION) as Record<string, unknown>[];
  if (urgent.some((mark) => answers.some((a) => sameValue(a, mark)))) return true;
  return marks.some((e) => e.url === RED_FLAG_EXTENSION) && answers.some((a) => a.valueBoolean === true);
}

/** The answers in form order, each with its question's text; unanswered questions are left out. */
export function answerLines(response: Resource | undefined, questionnaire: Resource | undefined): AnswerLine[] {
  if (response === undefined) return [];
  const questions = new Map(flatten((questionnaire?.item as QuestionnaireItem[] | undefined) ?? []).filter((q) => q.linkId !== undefined).map((q) => [q.linkId!, q]));
  return flatten((response.item as ResponseItem[] | undefined) ?? [])
    .filter((r) => r.linkId !== undefined && (r.answer?.length ?? 0) > 0)
    .map((r) => {
      const question = questions.get(r.linkId!);
      const answers = r.answer ?? [];
      return {
        linkId: r.linkId!,
        question: question?.text ?? r.text ?? r.linkId!,
        answer: answers.map((a) => answerText(a, question)).filter((t) => t !== '').join(', '),
        concerning: isConcerning(r, question, answers),
      };
    });
}

/** The modality the person asked for in their answers (a coding of the consultation-modality system, or a modality code), if any. */
export function preferredModalityOf(response: Resource | undefined): Modality | undefined {
  if (response === undefined) return undefined;
  for (const item of flatten((response.item as ResponseItem[] | undefined) ?? [])) {
    for (const answer of item.answer ?? []) {
      const coding = answer.valueCoding as { system?: string; code?: string } | undefined;
      if (coding?.system === MODALITY_SYSTEM && isModality(coding.code)) return coding.code;
      if (/modality|how-seen|contact-preference|appointment-type/i.test(item.linkId ?? '')) {
        const code = coding?.code ?? (typeof answer.valueString === 'string' ? answer.valueString : undefined);
        if (isModality(code)) return code;
      }
    }
  }
  return undefined;
}
