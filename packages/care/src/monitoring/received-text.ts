/**
 * A text message of readings received through GOV.UK Notify's received-text callback (decision
 * 0016, "Text messages"): find the person on a virtual ward whose phone number sent it, read it,
 * record it as an `sms` reading set, and answer with what was recorded and what to do, or with what
 * could not be read. A number that belongs to nobody on a virtual ward is told so; nothing is recorded.
 *
 * Acts as Kindred's monitoring (MONITORING_ACCESS: only the system scopes it needs, audited), since
 * no person is signed in. Returns the reply; sending it is the caller's (the hook's) job.
 */
import { parseScopes, type AccessContext } from '@kindred/access';
import { parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { londonTime } from '../booking/appointment-message.ts';
import { defaultTemplates, renderTemplate } from '../messaging/message-templates.ts';
import { nameOf } from '../access-needs/index.ts';
import { RagColour, TextOutcome, type MonitoringDeps, type ReadingValues, type ReceivedTextInput, type ReceivedTextResult, type VirtualWard } from './monitoring-api.ts';
import { activeMonitoringPlan, readVirtualWard } from './enrolment.ts';
import { CARE_PLAN_CATEGORY_SYSTEM, READING_METHOD_SYSTEM, REMOTE_MONITORING } from './monitoring-vocabulary.ts';
import { readingSetId, setIdOf } from './reading-observations.ts';
import { recordReadings } from './record-readings.ts';
import { parseReadingText } from './sms-readings.ts';
import { DEFAULT_RESPONSE_MINUTES, MonitoringTemplate } from './ward-alert.ts';

/** The narrowest scopes Kindred's monitoring needs when no person is signed in. */
export const MONITORING_SCOPES =
  'system/Patient.rs system/CareTeam.rs system/EpisodeOfCare.rs system/CarePlan.rs system/Observation.crs system/Task.crus system/Communication.crus';

/** Who writes alert Tasks and messages and handles received texts: Kindred's monitoring (audited like anyone). */
export const MONITORING_ACCESS: AccessContext = Object.freeze({
  subject: 'kindred-monitoring',
  scopes: parseScopes(MONITORING_SCOPES),
  tokenId: 'monitoring',
  expiresAt: new Date(8_640_000_000_000_000),
  issuer: 'urn:kindred:local',
});

/** The national form of a UK number, digits only ("07700900123"), so 447700…, +44 7700 … and 07700 … compare equal. */
export function nationalNumber(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  const national = digits.replace(/^(\+44|0044|44)/, '0');
  return national.startsWith('0') ? national : `0${national}`;
}

/** The ways a UK number is commonly written in Patient.telecom, for an exact token search. */
function writtenForms(phone: string): string[] {
  const national = nationalNumber(phone);
  const rest = national.slice(1);
  return [...new Set([national, `+44${rest}`, `44${rest}`, `${national.slice(0, 5)} ${national.slice(5)}`, `+44 ${rest.slice(0, 4)} ${rest.slice(4)}`, `${national.slice(0, 5)} ${national.slice(5, 8)} ${national.slice(8)}`, phone.trim()])];
}

const telecomNumbers = (patient: StoredResource): string[] =>
  (Array.isArray(patient.telecom) ? (patient.telecom as { system?: string; value?: string }[]) : [])
    .filter((t) => (t.system === 'phone' || t.system === 'sms') && typeof t.value === 'string')
    .map((t) => nationalNumber(t.value!));

/** The people on a virtual ward whose number this is: by the number's usual forms, then by every enrolled person's numbers. */
async function enrolledPeopleWithNumber(system: Repository, from: string): Promise<StoredResource[]> {
  const wanted = nationalNumber(from);
  const onWard = async (patients: readonly StoredResource[]) => {
    const checked = await Promise.all(patients.map(async (p) => ((await activeMonitoringPlan(system, p.id)) !== undefined ? p : undefined)));
    return checked.filter((p): p is StoredResource => p !== undefined);
  };
  const byNumber = await system.search(parseSearchRequest('Patient', [['phone', writtenForms(from).join(',')], ['_count', '20']], { handling: 'strict' }));
  const found = await onWard(byNumber.matches.filter((p) => telecomNumbers(p).includes(wanted)));
  if (found.length > 0) return found;
  // written some other way ("07700-900 123"): look through the people on a virtual ward
  const plans = await system.search(
    parseSearchRequest(
      'CarePlan',
      [
        ['category', `${CARE_PLAN_CATEGORY_SYSTEM}|${REMOTE_MONITORING}`],
        ['status', 'active'],
        ['_include', 'CarePlan:patient'],
        ['_count', '1000'],
      ],
      { handling: 'strict' },
    ),
  );
  return plans.included.filter((p) => p.resourceType === 'Patient' && telecomNumbers(p).includes(wanted));
}

/** "SpO2 94%, pulse 88, temperature 37.8°C, BP 128/82, breathing 18, weight 70.5 kg" */
export function readingsSummary(values: ReadingValues): string {
  const parts: string[] = [];
  if (values.spo2 !== undefined) parts.push(`oxygen ${values.spo2}%`);
  if (values.pulse !== undefined) parts.push(`pulse ${values.pulse}`);
  if (values.temperature !== undefined) parts.push(`temperature ${values.temperature}°C`);
  if (values.bloodPressure !== undefined) parts.push(`BP ${values.bloodPressure.systolic}/${values.bloodPressure.diastolic}`);
  if (values.respiratoryRate !== undefined) parts.push(`breathing ${values.respiratoryRate}`);
  if (values.weight !== undefined) parts.push(`weight ${values.weight} kg`);
  if (values.onOxygen !== undefined) parts.push(values.onOxygen ? 'on oxygen' : 'not on oxygen');
  if (values.consciousness !== undefined) parts.push(values.consciousness === 'A' ? 'not confused' : 'confused');
  if (values.symptomsWorse !== undefined) parts.push(values.symptomsWorse ? 'feeling worse' : 'not worse');
  return parts.join(', ');
}

/** What to do now, by colour, in the words of a text message. */
export function colourAdvice(colour: RagColour, ward: VirtualWard, minutes: number): string {
  const phone = ward.phone ?? 'the ward';
  switch (colour) {
    case RagColour.red:
      return `Your readings need checking now. The ${ward.name} team will call you within ${minutes} minutes. If you feel very unwell or find it hard to breathe, call 999 now.`;
    case RagColour.amber:
      return `Some readings are outside your usual range. The ward team will look at them today. If you feel worse, call ${phone}.`;
    case RagColour.green:
      return 'Your readings are in your usual range. Send your next readings as planned.';
  }
}

const HOUR = 3_600_000;

/**
 * A text carries no time taken, so it is taken when received. The same text sent again soon after
 * (within half the plan's shortest period, at most an hour) is the same reading set: it takes the
 * first one's time, so its identifier is the same and it is stored once.
 */
async function sameTextTakenAt(system: Repository, patientId: string, values: ReadingValues, receivedAt: string): Promise<string> {
  const plan = await activeMonitoringPlan(system, patientId);
  const window = Math.min(HOUR, ...(plan?.measures.map((m) => m.periodMs / 2) ?? []));
  const received = Date.parse(receivedAt);
  const recent = await system.search(
    parseSearchRequest(
      'Observation',
      [
        ['patient', `Patient/${patientId}`],
        ['method', `${READING_METHOD_SYSTEM}|sms`],
        ['date', `ge${new Date(received - window).toISOString()}`],
        ['date', `le${new Date(received).toISOString()}`],
        ['_sort', '-date'],
        ['_count', '100'],
      ],
      { handling: 'strict' },
    ),
  );
  const same = recent.matches.find((o) => typeof o.effectiveDateTime === 'string' && setIdOf(o) === readingSetId(patientId, o.effectiveDateTime, values));
  return typeof same?.effectiveDateTime === 'string' ? same.effectiveDateTime : receivedAt;
}

export async function receivedText(deps: MonitoringDeps, input: ReceivedTextInput): Promise<ReceivedTextResult> {
  const people = await enrolledPeopleWithNumber(deps.system, input.from);
  if (people.length !== 1) {
    return {
      outcome: TextOutcome.unknownNumber,
      reply:
        people.length === 0
          ? 'This phone number is not linked to a virtual ward, so we have not recorded your readings. Please call your ward team on the number they gave you.'
          : 'This phone number is linked to more than one person on a virtual ward, so we cannot tell whose readings these are and have not recorded them. Please call your ward team.',
    };
  }
  const patient = people[0]!;
  const parsed = parseReadingText(input.content);
  if (parsed.problems.length > 0) {
    return { outcome: TextOutcome.unreadable, patientId: patient.id, problems: parsed.problems, reply: parsed.reply ?? parsed.problems.join(' ') };
  }
  const takenAt = await sameTextTakenAt(deps.system, patient.id, parsed.values, input.receivedAt);
  const recorded = await recordReadings(deps.system, deps, {
    patientId: patient.id,
    takenAt,
    receivedAt: input.receivedAt,
    values: parsed.values,
    source: 'sms',
    enteredBy: { reference: `Patient/${patient.id}`, ...(nameOf(patient) !== undefined ? { display: nameOf(patient)! } : {}) },
  });
  if (recorded.duplicate) {
    const first = recorded.observations[0];
    const when = typeof first?.issued === 'string' ? ` at ${londonTime(first.issued)}` : '';
    return { outcome: TextOutcome.duplicate, patientId: patient.id, recorded, reply: `We already have these readings (received${when}), so nothing new was recorded.` };
  }
  const plan = await activeMonitoringPlan(deps.system, patient.id);
  const ward = await readVirtualWard(deps.system, plan!.wardId);
  const templates = deps.templates ?? defaultTemplates;
  const { body } = renderTemplate(templates.get(MonitoringTemplate.readingReceived, 'sms'), {
    name: nameOf(patient) ?? 'there',
    readings: readingsSummary(parsed.values),
    advice: colourAdvice(recorded.colour, ward, deps.responseMinutes ?? DEFAULT_RESPONSE_MINUTES),
    ward: ward.name,
    phone: ward.phone ?? '',
  });
  return { outcome: TextOutcome.recorded, patientId: patient.id, recorded, reply: body };
}
