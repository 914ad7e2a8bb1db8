/**
 * Following a request (issue 4: "received, triaged, what happens next and by when"), in the
 * person's words, from its `Task` (decision 0013: `businessStatus`, `status`, `output`,
 * `restriction.period.end`), and the "request received" message the caller sends with messaging's
 * `sendMessage`.
 *
 * `requestStatusForPerson` and `requestReceivedMessage` are pure; `listRequestsForPatient` reads
 * through the repository it is given. Nothing here changes a request.
 */
import { parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { nameOf } from '../access-needs/access-needs-summary.ts';
import type { OutboundMessage } from '../messaging/send-message.ts';
import { dayInWords, timeInWords } from './london-time.ts';
import { CALL_BACK_SLOT_INPUT, ONLINE_REQUEST_CODE, REQUEST_STAGE_SYSTEM, RequestStage, TASK_CODE_SYSTEM, TASK_INPUT_SYSTEM } from './request-vocabulary.ts';

export interface RequestStatus {
  stage: RequestStage;
  /** what happens next, in plain English */
  whatNext: string;
  /** when they will hear back, while the request is open */
  by?: Date;
}

interface Coding {
  system?: string;
  code?: string;
}
interface Concept {
  coding?: Coding[];
  text?: string;
}

const STAGES: ReadonlySet<string> = new Set(Object.values(RequestStage));
const ENDED = new Set(['cancelled', 'rejected', 'failed', 'entered-in-error']);
const WORKING = new Set(['accepted', 'ready', 'in-progress', 'on-hold']);
/** triage outcomes in Task.output (see equity/request-facts.ts) → what the person sees */
const OUTCOME_STAGES: Readonly<Record<string, RequestStage>> = { book: 'booked', reply: 'replied', 'sign-post': 'closed', refer: 'closed', close: 'closed' };

const arrayOf = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

function stageOf(task: Resource): RequestStage {
  const status = typeof task.status === 'string' ? task.status : '';
  if (ENDED.has(status)) return 'closed';
  const business = (task.businessStatus as Concept | undefined)?.coding?.find((c) => c.system === REQUEST_STAGE_SYSTEM)?.code;
  if (business !== undefined && STAGES.has(business)) return business as RequestStage;
  for (const output of arrayOf<{ valueCode?: string; valueCoding?: Coding; valueCodeableConcept?: Concept; type?: Concept }>(task.output)) {
    const codes = [output.valueCode, output.valueCoding?.code, ...arrayOf<Coding>(output.valueCodeableConcept?.coding).map((c) => c.code), ...arrayOf<Coding>(output.type?.coding).map((c) => c.code)];
    const stage = codes.map((c) => (c !== undefined ? OUTCOME_STAGES[c] : undefined)).find((s) => s !== undefined);
    if (stage !== undefined) return stage;
  }
  if (status === 'completed') return 'closed';
  return WORKING.has(status) ? 'triaged' : 'received';
}

/** "6:30pm on Monday 2 March" */
export function whenInWords(instant: Date): string {
  return `${timeInWords(instant)} on ${dayInWords(instant)}`;
}

const hasCallBack = (task: Resource): boolean =>
  arrayOf<{ type?: Concept }>(task.input).some((i) => i.type?.coding?.some((c) => c.system === TASK_INPUT_SYSTEM && c.code === CALL_BACK_SLOT_INPUT) === true);

export function requestStatusForPerson(task: Resource): RequestStatus {
  const stage = stageOf(task);
  const end = (task.restriction as { period?: { end?: string } } | undefined)?.period?.end;
  const by = end !== undefined && Number.isFinite(Date.parse(end)) ? new Date(end) : undefined;
  const byWords = by !== undefined ? ` by ${whenInWords(by)}` : ' soon';
  switch (stage) {
    case 'received':
      return {
        stage,
        whatNext:
          hasCallBack(task) && by !== undefined
            ? `The practice has your request. They will call you back at ${whenInWords(by)}.`
            : `The practice has your request. They will contact you${byWords}.`,
        ...(by !== undefined ? { by } : {}),
      };
    case 'triaged':
      return { stage, whatNext: `Someone at the practice has looked at your request. They will contact you${byWords}.`, ...(by !== undefined ? { by } : {}) };
    case 'booked':
      return { stage, whatNext: 'You have an appointment. Your messages say when it is and how it will happen.' };
    case 'replied':
      return { stage, whatNext: 'The practice has replied. Read the reply in your messages.' };
    case 'closed': {
      const reason = (task.statusReason as Concept | undefined)?.text;
      return { stage, whatNext: `This request is closed${reason !== undefined ? `: ${reason}` : ''}. If you still need help, send a new request.` };
    }
  }
}

/** The person's online requests, newest first, each with what they see of it. Only what the repository lets its caller see. */
export async function listRequestsForPatient(repository: Repository, patientId: string): Promise<{ task: StoredResource; status: RequestStatus }[]> {
  const { matches } = await repository.search(
    parseSearchRequest('Task', [['patient', `Patient/${patientId}`], ['code', `${TASK_CODE_SYSTEM}|${ONLINE_REQUEST_CODE}`], ['_sort', '-authored-on'], ['_count', '100']], { handling: 'strict' }),
  );
  return matches.map((task) => ({ task, status: requestStatusForPerson(task) }));
}

/** The short reference people quote on the phone: the first 8 characters of the Task's id. */
export function requestReference(task: StoredResource): string {
  return task.id.replace(/-/g, '').slice(0, 8).toUpperCase();
}

/** The "request received" message for `sendMessage` (template `request-received`). */
export function requestReceivedMessage(task: StoredResource, patient: StoredResource, organisationName: string): OutboundMessage {
  const status = requestStatusForPerson(task);
  const owner = (task.owner as { reference?: string } | undefined)?.reference;
  return {
    recipient: { reference: `Patient/${patient.id}` },
    template: 'request-received',
    personalisation: {
      name: nameOf(patient) ?? 'patient',
      service: organisationName,
      request_id: requestReference(task),
      reply_by: status.by !== undefined ? whenInWords(status.by) : 'the next working day',
    },
    about: [{ reference: `Task/${task.id}` }],
    ...(owner !== undefined ? { sender: { reference: owner } } : {}),
    reference: `request-received:${task.id}`,
  };
}
