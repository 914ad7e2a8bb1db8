/**
 * What triage reads of a submitted online request (decision 0013): the Task with code
 * `online-request`, its route, category, respond-by and urgency, in the words of requests/
 * (request-vocabulary.ts, re-exported here for triage's own modules), and triage's own codes: the
 * outcome in Task.output. Constants and pure readers only: no record access.
 */
import type { Resource } from '@kindred/fhir';
import {
  ONLINE_REQUEST_CODE,
  REQUEST_CATEGORY_EXTENSION,
  REQUEST_CATEGORY_SYSTEM,
  REQUEST_ROUTE_EXTENSION,
  RequestRoute,
  TASK_CODE_SYSTEM,
  type RequestCategory,
} from '../requests/request-vocabulary.ts';

export {
  ONLINE_REQUEST_CODE,
  RED_FLAG_EXTENSION,
  REQUEST_CATEGORY_EXTENSION,
  REQUEST_CATEGORY_SYSTEM,
  REQUEST_ROUTE_EXTENSION,
  REQUEST_STAGE_SYSTEM,
  RequestCategory,
  RequestRoute,
  SUBMITTED_BY_EXTENSION,
  SUBMITTED_FOR_REASON_EXTENSION,
  TASK_CODE_SYSTEM,
  URGENT_ANSWER_EXTENSION,
} from '../requests/request-vocabulary.ts';

/** on a QuestionnaireResponse item: an answer marked as concerning (besides the form's urgent answers and red flags) */
export const CONCERNING_ANSWER_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/concerning-answer';
/** the outcome in Task.output (http://hl7.org/fhir/R4/task-definitions.html#Task.output) */
export const TRIAGE_OUTCOME_SYSTEM = 'https://kindred.health/fhir/CodeSystem/triage-outcome';

/** The Task statuses of a request still waiting for the practice (http://hl7.org/fhir/R4/valueset-task-status.html). */
export const OPEN_STATUSES = ['requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold'] as const;
/** Priorities that go to the top of the inbox (http://hl7.org/fhir/R4/valueset-request-priority.html). */
export const URGENT_PRIORITIES = ['urgent', 'asap', 'stat'] as const;

interface Extension {
  url?: string;
  valueCode?: string;
  valueString?: string;
  valueBoolean?: boolean;
  valueReference?: { reference?: string; display?: string };
}

export function extensionOf(resource: Resource | Record<string, unknown>, url: string): Extension | undefined {
  const list = Array.isArray(resource.extension) ? (resource.extension as Extension[]) : [];
  return list.find((e) => e.url === url);
}

export function isOnlineRequest(task: Resource): boolean {
  const coding = (task.code as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? [];
  return task.resourceType === 'Task' && coding.some((c) => c.system === TASK_CODE_SYSTEM && c.code === ONLINE_REQUEST_CODE);
}

/** The Task's category code (searchable), else its request-category extension. */
export function categoryOf(task: Resource): RequestCategory | undefined {
  const coding = (task.code as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? [];
  const code = coding.find((c) => c.system === REQUEST_CATEGORY_SYSTEM)?.code ?? extensionOf(task, REQUEST_CATEGORY_EXTENSION)?.valueCode;
  return code === 'admin' || code === 'medical' ? code : undefined;
}

export function routeOf(task: Resource): RequestRoute | undefined {
  const code = extensionOf(task, REQUEST_ROUTE_EXTENSION)?.valueCode;
  return (Object.values(RequestRoute) as string[]).includes(code ?? '') ? (code as RequestRoute) : undefined;
}

/** Task.restriction.period.end: when the person should hear back */
export function respondByOf(task: Resource): string | undefined {
  const end = (task.restriction as { period?: { end?: string } } | undefined)?.period?.end;
  return typeof end === 'string' ? end : undefined;
}

export function isOpen(task: Resource): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(String(task.status));
}

export function isOverdue(task: Resource, now: number): boolean {
  const respondBy = respondByOf(task);
  return isOpen(task) && respondBy !== undefined && Date.parse(respondBy) < now;
}

export function isUrgent(task: Resource): boolean {
  return (URGENT_PRIORITIES as readonly string[]).includes(String(task.priority));
}
