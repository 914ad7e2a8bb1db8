/**
 * A person's readings as the virtual ward's pages show them: their vital-signs Observations
 * (decision 0016) grouped into reading sets by the set's identifier, newest first, each value with
 * its colour against the plan's thresholds, how it arrived (web, SMS, phone) and whether it came
 * late; and the NEWS2 made from each set.
 *
 * Reads through the record it is given (the signed-in person's, access-checked and audited); a role
 * that may not see Observations gets the record's refusal. Never writes.
 */
import {
  LATE_READING_EXTENSION,
  MEASURES,
  NEWS2_CODE,
  READING_METHOD_SYSTEM,
  READING_SET_SYSTEM,
  RagColour,
  ReadingSource,
  thresholdColour,
  valuesOfObservation,
  type Measure,
  type MonitoringPlan,
  type Thresholds,
} from '@kindred/care';
import { parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';

export interface ReadingValueView {
  measure: Measure;
  /** the number charted (systolic for blood pressure); undefined for answers */
  number?: number;
  /** "128/82", "94", "Yes", "A" */
  text: string;
  colour: RagColour;
}

export interface ReadingSetView {
  key: string;
  /** ISO: when taken */
  takenAt: string;
  /** ISO: when Kindred received it */
  receivedAt?: string;
  source?: ReadingSource;
  late: boolean;
  values: ReadingValueView[];
  news2?: number;
  colour: RagColour;
}

type Coding = { system?: string; code?: string };
type Extension = { url?: string; valueBoolean?: boolean };

const codesOf = (concept: unknown): Coding[] => ((concept as { coding?: Coding[] } | undefined)?.coding ?? []);
const isNews2 = (observation: StoredResource): boolean => codesOf(observation.code).some((c) => c.system === NEWS2_CODE.system && c.code === NEWS2_CODE.code);
const quantityOf = (value: unknown): number | undefined => {
  const n = (value as { value?: unknown } | undefined)?.value;
  return typeof n === 'number' ? n : undefined;
};
const textOf = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/**
 * One Observation's value as the pages show it, coloured against the plan's thresholds. Yes/no
 * answers and ACVPU are compared as 1 and 0, as the thresholds do (yes, or anything but Alert, is 1).
 */
export function valueView(observation: StoredResource, thresholds: Readonly<Partial<Record<Measure, Thresholds>>>): ReadingValueView | undefined {
  const read = valuesOfObservation(observation);
  if (read === undefined) return undefined;
  const { measure, values } = read;
  const limits = thresholds[measure];
  const coloured = (n: number): RagColour => (limits === undefined ? RagColour.green : thresholdColour(measure, n, limits).colour);
  if (values.bloodPressure !== undefined) {
    const { systolic, diastolic } = values.bloodPressure;
    return { measure, number: systolic, text: `${systolic}/${diastolic}`, colour: coloured(systolic) };
  }
  const yes = values.onOxygen ?? values.symptomsWorse;
  if (yes !== undefined) return { measure, text: yes ? 'Yes' : 'No', colour: coloured(yes ? 1 : 0) };
  if (values.consciousness !== undefined) return { measure, text: values.consciousness, colour: coloured(values.consciousness === 'A' ? 0 : 1) };
  const value = values.spo2 ?? values.pulse ?? values.temperature ?? values.respiratoryRate ?? values.weight;
  if (value === undefined) return undefined;
  return { measure, number: value, text: textOf(value), colour: coloured(value) };
}

function sourceOf(observation: StoredResource): ReadingSource | undefined {
  const code = codesOf(observation.method).find((c) => c.system === READING_METHOD_SYSTEM)?.code;
  return Object.values(ReadingSource).find((s) => s === code);
}

function lateOf(observation: StoredResource): boolean {
  return ((observation.extension as Extension[] | undefined) ?? []).some((e) => e.url === LATE_READING_EXTENSION && e.valueBoolean !== false);
}

function setKeyOf(observation: StoredResource): string {
  const identifiers = (observation.identifier as { system?: string; value?: string }[] | undefined) ?? [];
  return identifiers.find((i) => i.system === READING_SET_SYSTEM)?.value ?? `${typeof observation.effectiveDateTime === 'string' ? observation.effectiveDateTime : observation.id}|${sourceOf(observation) ?? ''}`;
}

const worst = (colours: readonly RagColour[]): RagColour => (colours.includes(RagColour.red) ? RagColour.red : colours.includes(RagColour.amber) ? RagColour.amber : RagColour.green);

/** NEWS2 alone (RCP 2017): 5 or more is red at home (decision 0016), 1 to 4 amber. */
const news2Colour = (score: number): RagColour => (score >= 5 ? RagColour.red : score >= 1 ? RagColour.amber : RagColour.green);

/** The plan's thresholds by measure. */
export function thresholdsOf(plan: MonitoringPlan | undefined): Partial<Record<Measure, Thresholds>> {
  return Object.fromEntries((plan?.measures ?? []).map((m) => [m.measure, m.thresholds]));
}

/** The person's reading sets since `since` (ISO), newest first, at most `limit` Observations read. */
export async function readingSets(record: Repository, patientId: string, plan: MonitoringPlan | undefined, options: { since?: string; limit?: number } = {}): Promise<ReadingSetView[]> {
  const params: [string, string][] = [
    ['subject', `Patient/${patientId}`],
    ['category', 'http://terminology.hl7.org/CodeSystem/observation-category|vital-signs'],
    ['_sort', '-date'],
    ['_count', String(options.limit ?? 500)],
  ];
  if (options.since !== undefined) params.push(['date', `ge${options.since}`]);
  const [readings, scores] = await Promise.all([
    record.search(parseSearchRequest('Observation', params, { handling: 'strict' })),
    record.search(parseSearchRequest('Observation', [['subject', `Patient/${patientId}`], ['code', `${NEWS2_CODE.system}|${NEWS2_CODE.code}`], ['_sort', '-date'], ['_count', String(options.limit ?? 500)]], { handling: 'strict' })),
  ]);
  const thresholds = thresholdsOf(plan);
  const sets = new Map<string, { observations: StoredResource[] }>();
  for (const observation of readings.matches) {
    if (isNews2(observation) || observation.status === 'entered-in-error') continue;
    const key = setKeyOf(observation);
    const set = sets.get(key) ?? { observations: [] };
    set.observations.push(observation);
    sets.set(key, set);
  }
  // each NEWS2 points at the readings it was made from (derivedFrom)
  const news2ByObservation = new Map<string, number>();
  for (const score of scores.matches) {
    const total = quantityOf(score.valueQuantity) ?? (typeof score.valueInteger === 'number' ? score.valueInteger : undefined);
    if (total === undefined) continue;
    for (const from of (score.derivedFrom as { reference?: string }[] | undefined) ?? []) if (from.reference !== undefined) news2ByObservation.set(from.reference.replace(/^Observation\//, ''), total);
  }
  const out: ReadingSetView[] = [];
  for (const [key, { observations }] of sets) {
    const first = observations[0]!;
    const values = observations.map((o) => valueView(o, thresholds)).filter((v): v is ReadingValueView => v !== undefined);
    const news2 = observations.map((o) => news2ByObservation.get(o.id)).find((n) => n !== undefined);
    const colours = [...values.map((v) => v.colour), ...(news2 !== undefined ? [news2Colour(news2)] : [])];
    const source = sourceOf(first);
    out.push({
      key,
      takenAt: typeof first.effectiveDateTime === 'string' ? first.effectiveDateTime : first.meta.lastUpdated,
      ...(typeof first.issued === 'string' ? { receivedAt: first.issued } : {}),
      ...(source !== undefined ? { source } : {}),
      late: observations.some(lateOf),
      values: values.sort((a, b) => Object.keys(MEASURES).indexOf(a.measure) - Object.keys(MEASURES).indexOf(b.measure)),
      ...(news2 !== undefined ? { news2 } : {}),
      colour: worst(colours),
    });
  }
  return out.sort((a, b) => Date.parse(b.takenAt) - Date.parse(a.takenAt));
}
