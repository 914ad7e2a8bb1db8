/**
 * The answers to a request form, read against its `Questionnaire` (http://hl7.org/fhir/R4/questionnaire.html):
 * which questions are enabled (`enableWhen`, `enableBehavior`, nested under their groups), the
 * first red flag answered yes, the errors to show in the page's error summary, whether an answer
 * makes the request urgent, and the `QuestionnaireResponse.item`s to record
 * (http://hl7.org/fhir/R4/questionnaireresponse.html).
 *
 * Pure: the form and the answers in, values out; inputs are never changed. A practice's edited
 * form works here as long as it uses these item types (group, display, boolean, choice, string,
 * text, integer) and `=`/`!=`/`exists` conditions.
 */
import type { Resource } from '@kindred/fhir';
import type { FieldError } from '../access-needs/access-needs-form.ts';
import type { EnableWhen, QuestionnaireItem } from './request-questionnaire.ts';
import { RED_FLAG_EXTENSION, RedFlagAdvice, URGENT_ANSWER_EXTENSION } from './request-vocabulary.ts';

/** What the form sent: linkId → the value (web forms send strings: "yes", "no", a choice's code, text). */
export type RequestAnswers = Readonly<Record<string, string | boolean | number | undefined>>;

/** An answer read for its question's type: a boolean, a choice's code, a number or trimmed text. */
export type AnswerValue = boolean | number | string;

export interface RedFlag {
  linkId: string;
  advice: RedFlagAdvice;
  /** what to do now, in plain English, as the form says it */
  text: string;
}

const ADVICE: ReadonlySet<string> = new Set(Object.values(RedFlagAdvice));
const FALLBACK_ADVICE: Readonly<Record<RedFlagAdvice, string>> = {
  '999': 'Call 999 now.',
  '111': 'Call 111 now.',
  'a-and-e': 'Go to A&E now.',
};

export function itemsOf(questionnaire: Resource): QuestionnaireItem[] {
  return Array.isArray(questionnaire.item) ? (questionnaire.item as QuestionnaireItem[]) : [];
}

function flatten(items: readonly QuestionnaireItem[]): QuestionnaireItem[] {
  return items.flatMap((item) => [item, ...flatten(item.item ?? [])]);
}

const isQuestion = (item: QuestionnaireItem): boolean => item.type !== 'group' && item.type !== 'display';

function optionCodes(item: QuestionnaireItem): string[] {
  return (item.answerOption ?? []).map((o) => o.valueCoding?.code ?? o.valueString).filter((c): c is string => c !== undefined);
}

/** An answer that cannot be read for its question's type. */
const INVALID = Symbol('invalid answer');

/** The answer to `item` read for its type; undefined when unanswered; INVALID when it cannot be read. */
function readAnswer(item: QuestionnaireItem, raw: string | boolean | number | undefined): AnswerValue | typeof INVALID | undefined {
  if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return undefined;
  switch (item.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const word = String(raw).trim().toLowerCase();
      return word === 'yes' || word === 'true' ? true : word === 'no' || word === 'false' ? false : INVALID;
    }
    case 'choice': {
      const code = String(raw).trim();
      return optionCodes(item).includes(code) ? code : INVALID;
    }
    case 'integer': {
      const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
      return Number.isInteger(value) ? value : INVALID;
    }
    default:
      return String(raw).trim();
  }
}

/** The form's answers read for their types (unreadable and unknown ones left out). */
export function readAnswers(questionnaire: Resource, answers: RequestAnswers): Map<string, AnswerValue> {
  const values = new Map<string, AnswerValue>();
  for (const item of flatten(itemsOf(questionnaire)).filter(isQuestion)) {
    const value = readAnswer(item, answers[item.linkId]);
    if (value !== undefined && value !== INVALID) values.set(item.linkId, value);
  }
  return values;
}

function conditionHolds(condition: EnableWhen, values: ReadonlyMap<string, AnswerValue>): boolean {
  const answer = values.get(condition.question);
  if (condition.operator === 'exists') return (answer !== undefined) === (condition.answerBoolean ?? true);
  if (answer === undefined) return condition.operator === '!=';
  const expected = condition.answerBoolean ?? condition.answerCoding?.code ?? condition.answerString;
  if (condition.operator === '=') return answer === expected;
  if (condition.operator === '!=') return answer !== expected;
  return false;
}

/** The items a person sees with these answers, in the form's order: an item is enabled when its group is and its own conditions hold. */
export function enabledItems(questionnaire: Resource, values: ReadonlyMap<string, AnswerValue>): QuestionnaireItem[] {
  const walk = (items: readonly QuestionnaireItem[]): QuestionnaireItem[] =>
    items.flatMap((item) => {
      const conditions = item.enableWhen ?? [];
      const enabled = conditions.length === 0 || (item.enableBehavior === 'any' ? conditions.some((c) => conditionHolds(c, values)) : conditions.every((c) => conditionHolds(c, values)));
      return enabled ? [item, ...walk(item.item ?? [])] : [];
    });
  return walk(itemsOf(questionnaire));
}

function redFlagOf(item: QuestionnaireItem): RedFlagAdvice | undefined {
  const advice = item.extension?.find((e) => e.url === RED_FLAG_EXTENSION)?.valueString;
  return advice !== undefined && ADVICE.has(advice) ? (advice as RedFlagAdvice) : undefined;
}

/** The first red-flag question (enabled, in the form's order) answered yes, with what to do now; undefined when there is none. */
export function evaluateRedFlags(questionnaire: Resource, answers: RequestAnswers): RedFlag | undefined {
  const values = readAnswers(questionnaire, answers);
  for (const item of enabledItems(questionnaire, values)) {
    const advice = redFlagOf(item);
    if (advice === undefined || values.get(item.linkId) !== true) continue;
    const display = (item.item ?? []).find((child) => child.type === 'display' && typeof child.text === 'string');
    return { linkId: item.linkId, advice, text: display?.text ?? FALLBACK_ADVICE[advice] };
  }
  return undefined;
}

const question = (item: QuestionnaireItem): string => (item.text !== undefined ? `"${item.text}"` : `question ${item.linkId}`);

/** The errors to show, one per question the person must fix, in the form's order. Hidden and read-only questions are the service's, not the person's. */
export function answerErrors(questionnaire: Resource, answers: RequestAnswers): FieldError[] {
  const values = readAnswers(questionnaire, answers);
  const errors: FieldError[] = [];
  for (const item of enabledItems(questionnaire, values).filter(isQuestion)) {
    if (item.readOnly === true) continue;
    const raw = answers[item.linkId];
    const value = readAnswer(item, raw);
    if (value === INVALID) {
      const message = item.type === 'boolean' ? `Select yes or no for ${question(item)}` : item.type === 'choice' ? `Select one of the answers listed for ${question(item)}` : `Enter a whole number for ${question(item)}`;
      errors.push({ field: item.linkId, message });
    } else if (value === undefined) {
      if (item.required !== true) continue;
      const message = item.type === 'boolean' ? `Select yes or no for ${question(item)}` : item.type === 'choice' ? `Select an answer for ${question(item)}` : `Enter an answer for ${question(item)}`;
      errors.push({ field: item.linkId, message });
    } else if (typeof value === 'string' && item.maxLength !== undefined && value.length > item.maxLength) {
      errors.push({ field: item.linkId, message: `Your answer to ${question(item)} must be ${item.maxLength.toLocaleString('en-GB')} characters or fewer (it has ${value.length.toLocaleString('en-GB')})` });
    }
  }
  return errors;
}

/** Whether an enabled question's answer is one its `urgent-answer` extension names. */
export function hasUrgentAnswer(questionnaire: Resource, values: ReadonlyMap<string, AnswerValue>): boolean {
  return enabledItems(questionnaire, values).some((item) => {
    const urgent = item.extension?.find((e) => e.url === URGENT_ANSWER_EXTENSION);
    if (urgent === undefined || !values.has(item.linkId)) return false;
    const expected = urgent.valueBoolean ?? urgent.valueCoding?.code ?? urgent.valueString;
    return values.get(item.linkId) === expected;
  });
}

interface ResponseItem {
  linkId: string;
  text?: string;
  answer?: Record<string, unknown>[];
  item?: ResponseItem[];
}

function answerOf(item: QuestionnaireItem, value: AnswerValue): Record<string, unknown> {
  switch (item.type) {
    case 'boolean':
      return { valueBoolean: value };
    case 'integer':
      return { valueInteger: value };
    case 'choice': {
      const chosen = (item.answerOption ?? []).find((o) => (o.valueCoding?.code ?? o.valueString) === value);
      return chosen?.valueCoding !== undefined ? { valueCoding: { ...chosen.valueCoding } } : { valueString: value };
    }
    default:
      return { valueString: value };
  }
}

/** QuestionnaireResponse.item for the enabled, answered questions, nested as the form's groups are. */
export function responseItems(questionnaire: Resource, values: ReadonlyMap<string, AnswerValue>): ResponseItem[] {
  const enabled = new Set(enabledItems(questionnaire, values));
  const walk = (items: readonly QuestionnaireItem[]): ResponseItem[] =>
    items.flatMap((item): ResponseItem[] => {
      if (!enabled.has(item) || item.type === 'display') return [];
      const text = item.text !== undefined ? { text: item.text } : {};
      if (item.type === 'group') {
        const children = walk(item.item ?? []);
        return children.length > 0 ? [{ linkId: item.linkId, ...text, item: children }] : [];
      }
      const value = values.get(item.linkId);
      return value === undefined ? [] : [{ linkId: item.linkId, ...text, answer: [answerOf(item, value)] }];
    });
  return walk(itemsOf(questionnaire));
}
