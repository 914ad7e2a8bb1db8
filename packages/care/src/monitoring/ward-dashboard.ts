/**
 * The ward's dashboard (decision 0016): one row per person on the ward whom the caller may see,
 * red first, then amber, then green, and within a colour the longest since a reading first. Each
 * row: the latest value of each planned measure with its colour, the latest NEWS2, missed
 * readings, open alerts, and, for red and amber people (the ones the page charts), the last 7 days
 * of each measure; green people's series have no points (their charts are on their own page).
 *
 * The reads are for the whole ward at once (ward-reads.ts): the plans with their patients, the last
 * day's readings and the open alerts of everyone, then 7 days only for the people who are charted
 * or whose last day does not hold a reading of every planned measure and a NEWS2.
 *
 * The person's current colour is their newest reading set's (a late, older set does not change
 * it), made amber by a missed reading and red by an alert no one has closed.
 *
 * Reads only, through the caller's access-checked repository (the ward's name through
 * `options.wards` where the caller may not read the ward itself, see enrolment.ts).
 */
import { isFhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { nameOf } from '../access-needs/index.ts';
import {
  Measure,
  RagColour,
  type ColourReason,
  type DashboardRow,
  type LatestValue,
  type MeasureSeries,
  type MonitoringPlan,
  type News2Band,
  type ReadingValues,
  type SeriesPoint,
  type VirtualWard,
  type WardDashboard,
} from './monitoring-api.ts';
import { readVirtualWard, type WardOptions } from './enrolment.ts';
import { monitoringPlanOf } from './monitoring-plan.ts';
import { CARE_PLAN_CATEGORY_SYSTEM, CONSCIOUSNESS_WORDS, MEASURES, REMOTE_MONITORING } from './monitoring-vocabulary.ts';
import { effectiveOf, isNews2, setIdOf, valuesOfObservation } from './reading-observations.ts';
import { comparableValues, missedMeasures, news2Reasons, thresholdColour, valueText, worstColour } from './thresholds.ts';
import { observationsOf, openAlertsOf } from './ward-reads.ts';

const DAY = 86_400_000;
const COLOUR_ORDER: Readonly<Record<RagColour, number>> = { red: 0, amber: 1, green: 2 };
export const NEWS2_CAUTION = 'NEWS2 was made for hospital wards. Scores from readings taken at home support clinical judgement; they do not replace it.';

function displayOf(measure: Measure, values: ReadingValues): { value: number | string | boolean; display: string } {
  switch (measure) {
    case Measure.bloodPressure:
      return { value: values.bloodPressure!.systolic, display: `${values.bloodPressure!.systolic}/${values.bloodPressure!.diastolic} mmHg` };
    case Measure.consciousness:
      return { value: values.consciousness!, display: CONSCIOUSNESS_WORDS[values.consciousness!] };
    case Measure.onOxygen:
      return { value: values.onOxygen!, display: values.onOxygen! ? 'yes' : 'no' };
    case Measure.symptomsWorse:
      return { value: values.symptomsWorse!, display: values.symptomsWorse! ? 'yes' : 'no' };
    case Measure.spo2:
    case Measure.pulse:
    case Measure.temperature:
    case Measure.respiratoryRate:
    case Measure.weight: {
      const n = comparableValues(values)[measure]!;
      return { value: n, display: valueText(measure, n) };
    }
  }
}

function news2Of(o: StoredResource): { score: number; band: News2Band; takenAt: string } | undefined {
  const band = (o.interpretation as { coding?: { code?: string }[] }[] | undefined)?.[0]?.coding?.[0]?.code as News2Band | undefined;
  return typeof o.valueInteger === 'number' && band !== undefined ? { score: o.valueInteger, band, takenAt: effectiveOf(o) } : undefined;
}

/** One person's row, from their plan, their readings of the last 7 days (newest first) and open alerts. */
export function dashboardRow(plan: MonitoringPlan, patient: StoredResource | undefined, readings: readonly StoredResource[], alerts: readonly StoredResource[], now: number): DashboardRow {
  const thresholds = Object.fromEntries(plan.measures.map((m) => [m.measure, m.thresholds]));
  const vitals = readings.filter((o) => !isNews2(o));
  const latest: LatestValue[] = [];
  const lastTaken: Partial<Record<Measure, string>> = {};
  const series: MeasureSeries[] = [];
  for (const m of plan.measures) {
    const ofMeasure = vitals.flatMap((o) => {
      const read = valuesOfObservation(o);
      return read?.measure === m.measure ? [{ o, values: read.values }] : [];
    });
    const colourOf = (values: ReadingValues) => {
      const n = comparableValues(values)[m.measure];
      return n === undefined ? { colour: RagColour.green } : thresholdColour(m.measure, n, thresholds[m.measure] ?? {});
    };
    const newest = ofMeasure[0];
    if (newest !== undefined) {
      lastTaken[m.measure] = effectiveOf(newest.o);
      const { colour, reason } = colourOf(newest.values);
      latest.push({ measure: m.measure, ...displayOf(m.measure, newest.values), takenAt: effectiveOf(newest.o), colour, ...(reason !== undefined ? { reason: reason.text } : {}) });
    }
    const points: SeriesPoint[] = ofMeasure
      .flatMap(({ o, values }) => {
        const n = comparableValues(values)[m.measure];
        if (n === undefined) return [];
        return [{ at: effectiveOf(o), value: n, ...(values.bloodPressure !== undefined ? { value2: values.bloodPressure.diastolic } : {}), colour: colourOf(values).colour }];
      })
      .reverse();
    series.push({ measure: m.measure, unit: MEASURES[m.measure].unit?.text ?? '', points });
  }

  // the newest set decides the current colour: its values against the thresholds, and its NEWS2
  const newestSet = vitals[0] !== undefined ? setIdOf(vitals[0]) : undefined;
  const reasons: ColourReason[] = [];
  for (const o of readings.filter((r) => newestSet !== undefined && setIdOf(r) === newestSet)) {
    if (isNews2(o)) {
      const score = news2Of(o);
      if (score !== undefined) reasons.push(...news2Reasons({ total: score.score, band: score.band, parameters: news2Parameters(o), response: '' }));
      continue;
    }
    const read = valuesOfObservation(o);
    const n = read !== undefined ? comparableValues(read.values)[read.measure] : undefined;
    if (read === undefined || n === undefined) continue;
    const { reason } = thresholdColour(read.measure, n, thresholds[read.measure] ?? {});
    if (reason !== undefined) reasons.push(reason);
  }
  const missed = missedMeasures(plan, lastTaken, now);
  for (const measure of missed) reasons.push({ colour: 'amber', measure, text: `${MEASURES[measure].label}: no reading when one was due` });
  if (alerts.length > 0) reasons.push({ colour: 'red', text: 'An alert is open: nobody has yet recorded acting on it' });
  reasons.sort((a, b) => COLOUR_ORDER[a.colour] - COLOUR_ORDER[b.colour]);

  const news2Reading = readings.find(isNews2);
  const news2 = news2Reading !== undefined ? news2Of(news2Reading) : undefined;
  const lastReadingAt = vitals[0] !== undefined ? effectiveOf(vitals[0]) : undefined;
  return {
    patientId: plan.patientId,
    name: (patient !== undefined ? nameOf(patient) : undefined) ?? 'Name not known',
    colour: worstColour(reasons.map((r) => r.colour)),
    reasons,
    ...(lastReadingAt !== undefined ? { lastReadingAt } : {}),
    latest,
    ...(news2 !== undefined ? { news2 } : {}),
    missed,
    openAlerts: alerts,
    series,
    carePlanId: plan.carePlan.id,
  };
}

function news2Parameters(o: StoredResource) {
  const components = (o.component as { code?: { coding?: { code?: string }[] }; valueInteger?: number }[] | undefined) ?? [];
  const p = (code: string) => components.find((c) => c.code?.coding?.[0]?.code === code)?.valueInteger ?? 0;
  return { respiratoryRate: p('respiratoryRate'), spo2: p('spo2'), airOrOxygen: p('airOrOxygen'), systolic: p('systolic'), pulse: p('pulse'), consciousness: p('consciousness'), temperature: p('temperature') };
}

async function wardOrFallback(repository: Repository, wardId: string, plans: readonly StoredResource[]): Promise<VirtualWard> {
  try {
    return await readVirtualWard(repository, wardId);
  } catch (error) {
    if (!isFhirError(error) || error.errorName !== 'NOT_FOUND') throw error;
    // the caller may not read the ward itself: its name as the plans give it
    const display = (plans[0]?.careTeam as { display?: string }[] | undefined)?.[0]?.display;
    const careTeam = { resourceType: 'CareTeam', id: wardId, meta: { versionId: '0', lastUpdated: new Date(0).toISOString() }, name: display ?? 'Virtual ward' } as StoredResource;
    return { id: wardId, name: display ?? 'Virtual ward', careTeam };
  }
}

/** Readings of the last day are read for everyone: enough for most people's latest values and colour. */
const RECENT = DAY;

/** Whether a person's recent readings hold everything their row needs but the charts: each planned measure's newest reading and the newest NEWS2. */
function recentIsEnough(plan: MonitoringPlan, readings: readonly StoredResource[]): boolean {
  const seen = new Set(readings.filter((o) => !isNews2(o)).map((o) => valuesOfObservation(o)?.measure));
  return readings.some(isNews2) && plan.measures.every((m) => seen.has(m.measure));
}

export async function wardDashboard(repository: Repository, wardId: string, now: number, options: WardOptions = {}): Promise<WardDashboard> {
  const page = await repository.search(
    parseSearchRequest(
      'CarePlan',
      [
        ['care-team', `CareTeam/${wardId}`],
        ['category', `${CARE_PLAN_CATEGORY_SYSTEM}|${REMOTE_MONITORING}`],
        ['status', 'active'],
        ['_include', 'CarePlan:patient'],
        ['_count', '1000'],
      ],
      { handling: 'strict' },
    ),
  );
  const patients = new Map(page.included.filter((r) => r.resourceType === 'Patient').map((p) => [p.id, p]));
  const plans = page.matches.map((carePlan) => monitoringPlanOf(carePlan));
  const patientIds = plans.map((p) => p.patientId);
  const ofPlan = (plan: MonitoringPlan, readings: Map<string, StoredResource[]>) =>
    (readings.get(plan.patientId) ?? []).filter((o) => (o.basedOn as { reference?: string }[] | undefined)?.some((b) => b.reference === `CarePlan/${plan.carePlan.id}`) === true);

  // the whole ward in a few searches: the last day's readings and the open alerts of everyone
  const [ward, recent, alerts] = await Promise.all([
    wardOrFallback(options.wards ?? repository, wardId, page.matches),
    observationsOf(repository, patientIds, now - RECENT, now),
    openAlertsOf(repository, patientIds),
  ]);
  const firstRows = plans.map((plan) => {
    const readings = ofPlan(plan, recent);
    const enough = recentIsEnough(plan, readings);
    return { plan, enough, row: dashboardRow(plan, patients.get(plan.patientId), readings, alerts.get(plan.patientId) ?? [], now) };
  });
  // 7 days for the people shown with charts (red and amber), and for anyone the last day does not settle
  const needed = firstRows.filter((r) => !r.enough || r.row.colour !== RagColour.green).map((r) => r.plan.patientId);
  const week = needed.length > 0 ? await observationsOf(repository, needed, now - 7 * DAY, now) : new Map<string, StoredResource[]>();
  const rows = firstRows.map(({ plan, enough, row }) => {
    const full = !enough || row.colour !== RagColour.green ? dashboardRow(plan, patients.get(plan.patientId), ofPlan(plan, week), alerts.get(plan.patientId) ?? [], now) : row;
    // green people are not charted on the dashboard (their charts are on their own page)
    return full.colour === RagColour.green ? { ...full, series: full.series.map((s) => ({ ...s, points: [] })) } : full;
  });
  const sinceLast = (row: DashboardRow) => (row.lastReadingAt !== undefined ? Date.parse(row.lastReadingAt) : Number.NEGATIVE_INFINITY);
  rows.sort((a, b) => COLOUR_ORDER[a.colour] - COLOUR_ORDER[b.colour] || sinceLast(a) - sinceLast(b) || a.name.localeCompare(b.name, 'en-GB'));
  return { ward, rows, caution: NEWS2_CAUTION };
}
