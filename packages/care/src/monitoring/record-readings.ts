/**
 * Records one reading set (decision 0016): its Observations through the caller's repository (the
 * person's own when they send it, the member of staff's on a phone call, Kindred's monitoring for a
 * text message), a NEWS2 score when all seven parameters are known within an hour, the set's
 * colour, and on red the ward's alert and the person's message (ward-alert.ts) in the same call.
 *
 * A set already stored (same patient, time taken and values) writes nothing and raises no second
 * alert. A late set (taken more than one period before it arrived, or older than the latest
 * reading) is stored and scored; its red alert says it is late and when it was taken.
 */
import { FhirError, isFhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { RagColour, type MonitoringDeps, type MonitoringPlan, type News2Result, type ReadingSetInput, type ReadingValues, type RecordedReadings } from './monitoring-api.ts';
import { activeMonitoringPlan, readVirtualWard } from './enrolment.ts';
import { scoreNews2 } from './news2.ts';
import { checkReadingValues, effectiveOf, isNews2, measuresIn, news2Observation, readingObservations, readingSetId, valuesOfObservation, type ObservationContext } from './reading-observations.ts';
import { readingColour } from './thresholds.ts';
import { alertForSetExists, raiseAlert, sendRedAlertMessage, type AlertInput } from './ward-alert.ts';
import { LATE_READING_EXTENSION, READING_SET_SYSTEM } from './monitoring-vocabulary.ts';

const HOUR = 3_600_000;

const search = async (repository: Repository, type: string, params: [string, string][]): Promise<StoredResource[]> =>
  (await repository.search(parseSearchRequest(type, params, { handling: 'strict' }))).matches;

function instant(value: string, name: string): number {
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new FhirError('INVALID_REQUEST', `${name} must be a date and time; it was "${value}".`, { expression: [name] });
  return at;
}

/** The vital-signs readings of a person taken between two instants, newest first. */
async function readingsBetween(repository: Repository, patientId: string, from: number, to: number): Promise<StoredResource[]> {
  return search(repository, 'Observation', [
    ['patient', `Patient/${patientId}`],
    ['category', 'vital-signs'],
    ['date', `ge${new Date(from).toISOString()}`],
    ['date', `le${new Date(to).toISOString()}`],
    ['_sort', '-date'],
    ['_count', '200'],
  ]);
}

/**
 * NEWS2 from this set and, for parameters it lacks, the latest readings of the hour before it
 * (so all seven are known within one hour). Oxygen: the reading's, else the plan's home oxygen.
 */
function news2From(plan: MonitoringPlan, values: ReadingValues, recent: readonly StoredResource[], stored: readonly StoredResource[]): { score: News2Result; from: StoredResource[] } | undefined {
  const picked = new Map<string, StoredResource>();
  const merged: ReadingValues = {};
  for (const observation of [...stored, ...recent]) {
    const read = valuesOfObservation(observation);
    if (read === undefined || picked.has(read.measure)) continue;
    picked.set(read.measure, observation);
    Object.assign(merged, read.values);
  }
  Object.assign(merged, values);
  const onOxygen = merged.onOxygen ?? plan.homeOxygen;
  const { respiratoryRate, spo2, bloodPressure, pulse, consciousness, temperature } = merged;
  if (respiratoryRate === undefined || spo2 === undefined || bloodPressure === undefined || pulse === undefined || consciousness === undefined || temperature === undefined) return undefined;
  const score = scoreNews2({ respiratoryRate, spo2, spo2Scale: plan.spo2Scale, onOxygen, systolic: bloodPressure.systolic, pulse, consciousness, temperature });
  return { score, from: [...picked.values()] };
}

function thresholdsOf(plan: MonitoringPlan) {
  return Object.fromEntries(plan.measures.map((m) => [m.measure, m.thresholds]));
}

export async function recordReadings(repository: Repository, deps: MonitoringDeps, input: ReadingSetInput): Promise<RecordedReadings> {
  const takenAt = instant(input.takenAt, 'takenAt');
  const receivedAt = instant(input.receivedAt, 'receivedAt');
  if (takenAt > receivedAt + 5 * 60_000) throw new FhirError('UNPROCESSABLE', 'The readings cannot have been taken after they were sent.', { expression: ['takenAt'] });
  checkReadingValues(input.values);
  const plan = await activeMonitoringPlan(repository, input.patientId);
  if (plan === undefined) throw new FhirError('UNPROCESSABLE', 'This person is not on a virtual ward, so there is no plan to record readings against.', { expression: ['patientId'] });
  const thresholds = thresholdsOf(plan);
  const setId = readingSetId(input.patientId, input.takenAt, input.values);

  // the same set again: nothing new, no second alert
  const existing = await search(repository, 'Observation', [['identifier', `${READING_SET_SYSTEM}|${setId}`], ['_count', '50']]);
  if (existing.length > 0) return asDuplicate(deps, plan, input, setId, existing);

  const inSet = plan.measures.filter((m) => measuresIn(input.values).includes(m.measure)).map((m) => m.periodMs);
  const periods = inSet.length > 0 ? inSet : plan.measures.map((m) => m.periodMs);
  const periodMs = periods.length > 0 ? Math.min(...periods) : 24 * HOUR;
  const [latest] = await search(repository, 'Observation', [
    ['patient', `Patient/${input.patientId}`],
    ['category', 'vital-signs'],
    ['_sort', '-date'],
    ['_count', '1'],
  ]);
  const late = receivedAt - takenAt > periodMs || (latest !== undefined && Date.parse(effectiveOf(latest)) > takenAt);
  const context: ObservationContext = { input, setId, carePlanId: plan.carePlan.id, late };

  const recent = (await readingsBetween(repository, input.patientId, takenAt - HOUR, takenAt)).filter((o) => !isNews2(o));
  const stored = await repository.transaction(async (tx) => {
    const [first, ...others] = readingObservations(context);
    // conditional on the set's first value (the store locks on the condition): the same set sent twice at once is stored once
    const firstCode = (first!.code as { coding: { system: string; code: string }[] }).coding[0]!;
    const condition = parseSearchRequest('Observation', [['identifier', `${READING_SET_SYSTEM}|${setId}`], ['code', `${firstCode.system}|${firstCode.code}`]], { handling: 'strict' });
    const written = await tx.create(first!, { ifNoneExist: condition });
    if (!written.created) return undefined;
    const observations: StoredResource[] = [written.resource];
    for (const observation of others) observations.push((await tx.create(observation)).resource);
    const made = news2From(plan, input.values, recent, observations);
    const news2 = made !== undefined ? (await tx.create(news2Observation(context, made.score, made.from))).resource : undefined;
    return { observations, news2, score: made?.score };
  });
  if (stored === undefined) {
    return asDuplicate(deps, plan, input, setId, await search(repository, 'Observation', [['identifier', `${READING_SET_SYSTEM}|${setId}`], ['_count', '50']]));
  }
  const { colour, reasons } = readingColour(thresholds, input.values, stored.score);
  const result: RecordedReadings = {
    observations: stored.observations,
    ...(stored.news2 !== undefined ? { news2: stored.news2 } : {}),
    ...(stored.score !== undefined ? { news2Score: stored.score } : {}),
    colour,
    reasons,
    duplicate: false,
    late,
  };
  if (colour !== RagColour.red) return result;
  const focus = stored.news2 !== undefined && stored.score !== undefined && stored.score.total >= 5 ? stored.news2 : redReading(stored.observations, reasons) ?? stored.news2 ?? stored.observations[0]!;
  return { ...result, ...(await alert(deps, plan, input, setId, late, reasons, focus)) };
}

async function asDuplicate(deps: MonitoringDeps, plan: MonitoringPlan, input: ReadingSetInput, setId: string, existing: readonly StoredResource[]): Promise<RecordedReadings> {
  const news2 = existing.find(isNews2);
  const score = news2 !== undefined ? news2FromStored(news2) : undefined;
  const { colour, reasons } = readingColour(thresholdsOf(plan), input.values, score);
  const late = existing.some((o) => (o.extension as { url?: string }[] | undefined)?.some((e) => e.url === LATE_READING_EXTENSION) === true);
  const observations = existing.filter((o) => !isNews2(o));
  const result: RecordedReadings = { observations, ...(news2 !== undefined ? { news2 } : {}), ...(score !== undefined ? { news2Score: score } : {}), colour, reasons, duplicate: true, late };
  // an alert that failed to be made the first time is made now, never a second one
  if (colour === RagColour.red && !(await alertForSetExists(deps.system, setId))) {
    return { ...result, ...(await alert(deps, plan, input, setId, late, reasons, news2 ?? observations[0]!)) };
  }
  return result;
}

function redReading(observations: readonly StoredResource[], reasons: RecordedReadings['reasons']): StoredResource | undefined {
  const measure = reasons.find((r) => r.colour === 'red' && r.measure !== undefined)?.measure;
  return observations.find((o) => valuesOfObservation(o)?.measure === measure);
}

/** The score a stored NEWS2 Observation holds (its total, band and parameters). */
function news2FromStored(news2: StoredResource): News2Result | undefined {
  const components = (news2.component as { code?: { coding?: { code?: string }[] }; valueInteger?: number }[] | undefined) ?? [];
  const parameter = (code: string) => components.find((c) => c.code?.coding?.[0]?.code === code)?.valueInteger ?? 0;
  const parameters = {
    respiratoryRate: parameter('respiratoryRate'),
    spo2: parameter('spo2'),
    airOrOxygen: parameter('airOrOxygen'),
    systolic: parameter('systolic'),
    pulse: parameter('pulse'),
    consciousness: parameter('consciousness'),
    temperature: parameter('temperature'),
  };
  const band = (news2.interpretation as { coding?: { code?: string }[] }[] | undefined)?.[0]?.coding?.[0]?.code as News2Result['band'] | undefined;
  const note = (news2.note as { text?: string }[] | undefined)?.[0]?.text ?? '';
  return typeof news2.valueInteger === 'number' && band !== undefined ? { parameters, total: news2.valueInteger, band, response: note } : undefined;
}

async function alert(
  deps: MonitoringDeps,
  plan: MonitoringPlan,
  input: ReadingSetInput,
  setId: string,
  late: boolean,
  reasons: RecordedReadings['reasons'],
  focus: StoredResource,
): Promise<Pick<RecordedReadings, 'alertTask' | 'alertCreated' | 'message'>> {
  // the alert must be made even if the ward cannot be read (closed since): it is still owned by the ward
  const ward = await readVirtualWard(deps.system, plan.wardId).catch((error: unknown) => {
    if (isFhirError(error) && error.errorName === 'NOT_FOUND') return { id: plan.wardId, name: 'the virtual ward', careTeam: plan.carePlan };
    throw error;
  });
  const patient = await deps.system.read('Patient', input.patientId);
  const alertInput: AlertInput = {
    plan,
    ward,
    patient,
    setId,
    takenAt: new Date(input.takenAt).toISOString(),
    receivedAt: new Date(input.receivedAt).toISOString(),
    late,
    reasons,
    focus,
    source: input.source,
  };
  const { task, created } = await raiseAlert(deps.system, alertInput);
  try {
    const message = await sendRedAlertMessage(deps, alertInput, task);
    return { alertTask: task, alertCreated: created, message };
  } catch (error) {
    // the alert stands; the ward is told the person has not had the message (its Communication says why)
    const reason = error instanceof Error ? error.message : String(error);
    const { resource } = await deps.system.update({ ...task, note: [...((task.note as object[] | undefined) ?? []), { time: alertInput.receivedAt, text: `The person could not be sent the "what to do now" message: ${reason}` }] });
    return { alertTask: resource, alertCreated: created };
  }
}
