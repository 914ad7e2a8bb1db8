/**
 * A red reading set's alert (decision 0016, "Alerts"): the urgent `virtual-ward-alert` Task owned
 * by the ward, or a note on the one still open, and the person's "what to do now" message by their
 * channel (messaging's sendMessage). Written through Kindred's monitoring system context, as the
 * person sending readings may not create work for the ward's team.
 *
 * Must not store readings: the caller has done that through the person's own repository.
 */
import { parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { communicationProfileOf, nameOf, readAccessNeeds } from '../access-needs/index.ts';
import { londonDate, londonTime } from '../booking/appointment-message.ts';
import { sendMessage, type SendOutcome } from '../messaging/send-message.ts';
import { TASK_CODE_SYSTEM } from '../requests/request-vocabulary.ts';
import type { ColourReason, MonitoringDeps, MonitoringPlan, ReadingSource, VirtualWard } from './monitoring-api.ts';
import { READING_SET_SYSTEM, VIRTUAL_WARD_ALERT } from './monitoring-vocabulary.ts';

export const DEFAULT_RESPONSE_MINUTES = 30;
export const MonitoringTemplate = { redAlert: 'monitoring-red-alert', readingReceived: 'monitoring-reading-received' } as const;

/** Task statuses that mean someone still has to act (FHIR R4 Task state machine). */
const OPEN_TASK_STATUSES = ['requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold'] as const;

function openAlertSearch(patientId: string, extra: [string, string][] = []) {
  return parseSearchRequest(
    'Task',
    [
      ['patient', `Patient/${patientId}`],
      ['code', `${TASK_CODE_SYSTEM}|${VIRTUAL_WARD_ALERT}`],
      ['status', OPEN_TASK_STATUSES.join(',')],
      ...extra,
    ],
    { handling: 'strict' },
  );
}

export async function openAlertTasks(repository: Repository, patientId: string): Promise<StoredResource[]> {
  return (await repository.search(openAlertSearch(patientId, [['_sort', '-authored-on'], ['_count', '20']]))).matches;
}

export interface AlertInput {
  plan: MonitoringPlan;
  ward: VirtualWard;
  patient: StoredResource;
  setId: string;
  takenAt: string;
  receivedAt: string;
  late: boolean;
  reasons: readonly ColourReason[];
  /** the NEWS2 Observation, or the first red reading */
  focus: StoredResource;
  source: ReadingSource;
}

function alertWords(input: AlertInput): string {
  const red = input.reasons.filter((r) => r.colour === 'red').map((r) => r.text);
  const late = input.late ? ` This reading arrived late: it was taken on ${londonDate(input.takenAt)} at ${londonTime(input.takenAt)}.` : '';
  return `Red reading: ${red.join('; ')}.${late}`;
}

/** The open alert with a note added, or a new urgent Task; `created` says which. */
export async function raiseAlert(system: Repository, input: AlertInput): Promise<{ task: StoredResource; created: boolean }> {
  const words = alertWords(input);
  const addNote = async (open: StoredResource) => {
    const { resource } = await system.update({
      ...open,
      note: [...((open.note as object[] | undefined) ?? []), { time: input.receivedAt, text: `Another red reading: ${words}` }],
    });
    return { task: resource, created: false };
  };
  const [open] = await openAlertTasks(system, input.patient.id);
  if (open !== undefined) return addNote(open);
  const name = nameOf(input.patient) ?? 'this person';
  // conditional on there being no open alert (the store locks on the condition): two red sets at once make one Task
  const written = await system.create(
    {
      resourceType: 'Task',
      identifier: [{ system: READING_SET_SYSTEM, value: input.setId }],
      status: 'requested',
      intent: 'order',
      priority: 'urgent',
      code: { coding: [{ system: TASK_CODE_SYSTEM, code: VIRTUAL_WARD_ALERT, display: 'Virtual ward alert' }], text: 'Virtual ward alert' },
      description: `Call ${name} now: their readings are red.`,
      focus: { reference: `Observation/${input.focus.id}` },
      for: { reference: `Patient/${input.patient.id}`, display: name },
      basedOn: [{ reference: `CarePlan/${input.plan.carePlan.id}` }],
      authoredOn: input.receivedAt,
      lastModified: input.receivedAt,
      owner: { reference: `CareTeam/${input.ward.id}`, display: input.ward.name },
      reasonCode: { text: words },
    },
    { ifNoneExist: openAlertSearch(input.patient.id) },
  );
  return written.created ? { task: written.resource, created: true } : addNote(written.resource);
}

/** Whether an alert was ever made for this set (so a repeated set can repair one that failed to be made). */
export async function alertForSetExists(system: Repository, setId: string): Promise<boolean> {
  const page = await system.search(parseSearchRequest('Task', [['identifier', `${READING_SET_SYSTEM}|${setId}`], ['_count', '1']], { handling: 'strict' }));
  return page.matches.length > 0;
}

/** The person's "what to do now" message, by their channel; a text for readings they texted in. */
export async function sendRedAlertMessage(deps: MonitoringDeps, input: AlertInput, task: StoredResource): Promise<SendOutcome> {
  const needs = readAccessNeeds(input.patient);
  const profile = communicationProfileOf(input.patient, needs);
  const preferred = input.source === 'sms' && profile.contact.mobile !== undefined ? { ...profile, preferredChannels: ['sms' as const, ...profile.preferredChannels] } : profile;
  return sendMessage(
    deps.system,
    deps.channels,
    preferred,
    {
      recipient: { reference: `Patient/${input.patient.id}` },
      template: MonitoringTemplate.redAlert,
      personalisation: {
        name: nameOf(input.patient) ?? 'there',
        ward: input.ward.name,
        minutes: String(deps.responseMinutes ?? DEFAULT_RESPONSE_MINUTES),
        phone: input.ward.phone ?? '111',
      },
      about: [{ reference: `Task/${task.id}` }],
      ...(input.ward.organization !== undefined ? { sender: { ...input.ward.organization } } : {}),
      reference: `monitoring-red:${input.setId}`,
    },
    deps.templates !== undefined ? { templates: deps.templates } : {},
  );
}
