/**
 * Red, amber, green (decision 0016, "RAG"): a value against its measure's thresholds, a reading
 * set against its plan's thresholds and its NEWS2, and the readings a plan expected but did not get.
 *
 * Thresholds are inclusive: a value at or beyond a limit takes that limit's colour. Yes/no measures
 * are compared as 1 (yes) and 0 (no); consciousness as 1 (anything but Alert) and 0 (Alert), so a
 * clinician can make "symptoms worse" red by setting its red-above limit to 1.
 *
 * Pure: values in, colours and plain-English reasons out. Nothing here reads the record.
 */
import { FhirError } from '@kindred/fhir';
import { Measure, RagColour, type ColourReason, type PeriodUnit, type MeasurePlan, type MonitoringPlan, type News2Result, type ReadingValues, type Thresholds } from './monitoring-api.ts';

/**
 * Kindred's starting limits for SpO2 scale 1 and adults; a clinician changes them per person when
 * enrolling. The red limits follow NEWS2's 3-point bands where NEWS2 scores the measure; weight
 * has none (its change matters, not its value); breathing oxygen is not graded.
 */
export const DEFAULT_THRESHOLDS: Readonly<Partial<Record<Measure, Thresholds>>> = Object.freeze({
  [Measure.spo2]: { redBelow: 92, amberBelow: 94 },
  [Measure.pulse]: { redBelow: 40, amberBelow: 50, amberAbove: 111, redAbove: 131 },
  [Measure.bloodPressure]: { redBelow: 90, amberBelow: 100, amberAbove: 180, redAbove: 220 },
  [Measure.temperature]: { redBelow: 35, amberBelow: 36, amberAbove: 38.1, redAbove: 40 },
  [Measure.respiratoryRate]: { redBelow: 8, amberBelow: 11, amberAbove: 21, redAbove: 25 },
  [Measure.weight]: {},
  [Measure.consciousness]: { redAbove: 1 },
  [Measure.onOxygen]: {},
  [Measure.symptomsWorse]: { amberAbove: 1 },
});

/** SpO2 on scale 2 (hypercapnic respiratory failure): target 88–92%, so lower limits. */
export const SPO2_SCALE_2_THRESHOLDS: Readonly<Thresholds> = Object.freeze({ redBelow: 85, amberBelow: 87 });

export function defaultThresholds(measure: Measure, spo2Scale: 1 | 2 = 1): Thresholds {
  if (measure === Measure.spo2 && spo2Scale === 2) return { ...SPO2_SCALE_2_THRESHOLDS };
  return { ...(DEFAULT_THRESHOLDS[measure] ?? {}) };
}

const HOUR = 3_600_000;
const PERIOD_MS: Readonly<Record<PeriodUnit, number>> = { h: HOUR, d: 24 * HOUR, wk: 7 * 24 * HOUR };

/** The time between two readings a plan asks for: a day over times a day, or period over frequency. */
export function periodMsOf(plan: MeasurePlan): number {
  const positive = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;
  if (positive(plan.timesPerDay)) return PERIOD_MS.d / plan.timesPerDay;
  if (positive(plan.frequency) && positive(plan.period) && plan.periodUnit !== undefined && PERIOD_MS[plan.periodUnit] !== undefined) {
    return (plan.period * PERIOD_MS[plan.periodUnit]) / plan.frequency;
  }
  throw new FhirError('INVALID_REQUEST', `Say how often to measure ${plan.measure}: times a day, or a number of times per hour, day or week.`, { expression: ['measures'] });
}

const LABEL: Readonly<Record<Measure, string>> = {
  [Measure.spo2]: 'SpO2',
  [Measure.pulse]: 'Pulse',
  [Measure.bloodPressure]: 'Systolic blood pressure',
  [Measure.temperature]: 'Temperature',
  [Measure.respiratoryRate]: 'Breathing rate',
  [Measure.weight]: 'Weight',
  [Measure.consciousness]: 'Alertness',
  [Measure.onOxygen]: 'On oxygen',
  [Measure.symptomsWorse]: 'Breathing or symptoms worse',
};

/** A value as people read it: "91%", "135 bpm", "38.4°C". */
export function valueText(measure: Measure, value: number): string {
  switch (measure) {
    case Measure.spo2:
      return `${value}%`;
    case Measure.pulse:
      return `${value} bpm`;
    case Measure.bloodPressure:
      return `${value} mmHg`;
    case Measure.temperature:
      return `${value}°C`;
    case Measure.respiratoryRate:
      return `${value} breaths a minute`;
    case Measure.weight:
      return `${value} kg`;
    case Measure.consciousness:
    case Measure.onOxygen:
    case Measure.symptomsWorse:
      return value >= 1 ? 'yes' : 'no';
  }
}

/** The colour of one value against its thresholds, with the reason in plain English. */
export function thresholdColour(measure: Measure, value: number, thresholds: Thresholds): { colour: RagColour; reason?: ColourReason } {
  const yesNo = measure === Measure.consciousness || measure === Measure.onOxygen || measure === Measure.symptomsWorse;
  const reason = (colour: 'red' | 'amber', side: 'below' | 'above', limit: number): { colour: RagColour; reason: ColourReason } => ({
    colour,
    reason: {
      colour,
      measure,
      text: yesNo ? yesNoReason(measure, colour) : `${LABEL[measure]} ${valueText(measure, value)} is at or ${side} the ${colour} limit of ${valueText(measure, limit)}`,
    },
  });
  if (thresholds.redBelow !== undefined && value <= thresholds.redBelow) return reason('red', 'below', thresholds.redBelow);
  if (thresholds.redAbove !== undefined && value >= thresholds.redAbove) return reason('red', 'above', thresholds.redAbove);
  if (thresholds.amberBelow !== undefined && value <= thresholds.amberBelow) return reason('amber', 'below', thresholds.amberBelow);
  if (thresholds.amberAbove !== undefined && value >= thresholds.amberAbove) return reason('amber', 'above', thresholds.amberAbove);
  return { colour: RagColour.green };
}

function yesNoReason(measure: Measure, colour: 'red' | 'amber'): string {
  if (measure === Measure.consciousness) return `They are not fully alert (${colour})`;
  if (measure === Measure.symptomsWorse) return `They say their breathing or symptoms are worse (${colour})`;
  return `They are breathing oxygen (${colour})`;
}

/** The numbers thresholds are compared with, one per measure present in the set. */
export function comparableValues(values: ReadingValues): Partial<Record<Measure, number>> {
  const out: Partial<Record<Measure, number>> = {};
  if (values.spo2 !== undefined) out[Measure.spo2] = values.spo2;
  if (values.pulse !== undefined) out[Measure.pulse] = values.pulse;
  if (values.bloodPressure !== undefined) out[Measure.bloodPressure] = values.bloodPressure.systolic;
  if (values.temperature !== undefined) out[Measure.temperature] = values.temperature;
  if (values.respiratoryRate !== undefined) out[Measure.respiratoryRate] = values.respiratoryRate;
  if (values.weight !== undefined) out[Measure.weight] = values.weight;
  if (values.consciousness !== undefined) out[Measure.consciousness] = values.consciousness === 'A' ? 0 : 1;
  if (values.onOxygen !== undefined) out[Measure.onOxygen] = values.onOxygen ? 1 : 0;
  if (values.symptomsWorse !== undefined) out[Measure.symptomsWorse] = values.symptomsWorse ? 1 : 0;
  return out;
}

const NEWS2_PARAMETER_WORDS = {
  respiratoryRate: 'breathing rate',
  spo2: 'SpO2',
  airOrOxygen: 'air or oxygen',
  systolic: 'systolic blood pressure',
  pulse: 'pulse',
  consciousness: 'alertness',
  temperature: 'temperature',
} as const;

/** Decision 0016: NEWS2 5 or more is red at home; 1 to 4 amber; a 3 in any one parameter amber. */
export function news2Reasons(news2: News2Result): ColourReason[] {
  const reasons: ColourReason[] = [];
  if (news2.total >= 5) reasons.push({ colour: 'red', text: `NEWS2 score ${news2.total} (${news2.band} risk): 5 or more needs action now` });
  else if (news2.total >= 1) reasons.push({ colour: 'amber', text: `NEWS2 score ${news2.total} (${news2.band} risk)` });
  for (const [parameter, score] of Object.entries(news2.parameters)) {
    if (score === 3 && news2.total < 5) {
      reasons.push({ colour: 'amber', text: `NEWS2 scores 3 for ${NEWS2_PARAMETER_WORDS[parameter as keyof typeof NEWS2_PARAMETER_WORDS]}` });
    }
  }
  return reasons;
}

export function worstColour(colours: readonly RagColour[]): RagColour {
  if (colours.includes(RagColour.red)) return RagColour.red;
  if (colours.includes(RagColour.amber)) return RagColour.amber;
  return RagColour.green;
}

/** The colour of a reading set: its values against the plan's thresholds, and its NEWS2 when there is one. */
export function readingColour(thresholds: Readonly<Partial<Record<Measure, Thresholds>>>, values: ReadingValues, news2?: News2Result): { colour: RagColour; reasons: ColourReason[] } {
  const reasons: ColourReason[] = [];
  for (const [measure, value] of Object.entries(comparableValues(values)) as [Measure, number][]) {
    const limits = thresholds[measure] ?? DEFAULT_THRESHOLDS[measure] ?? {};
    const { reason } = thresholdColour(measure, value, limits);
    if (reason !== undefined) reasons.push(reason);
  }
  if (news2 !== undefined) reasons.push(...news2Reasons(news2));
  // red reasons first, so the first reason is the one to say
  reasons.sort((a, b) => (a.colour === b.colour ? 0 : a.colour === 'red' ? -1 : 1));
  return { colour: worstColour(reasons.map((r) => r.colour)), reasons };
}

/**
 * The planned measures with no reading within their period plus half a period of grace, counted
 * from the latest reading of that measure, or from the start of monitoring when there is none.
 */
export function missedMeasures(plan: Pick<MonitoringPlan, 'measures' | 'start'>, lastTaken: Readonly<Partial<Record<Measure, string>>>, now: number): Measure[] {
  return plan.measures
    .filter((m) => {
      const since = Date.parse(lastTaken[m.measure] ?? plan.start);
      return now - since > periodMsOf(m) * 1.5;
    })
    .map((m) => m.measure);
}

export const measureLabel = (measure: Measure): string => LABEL[measure];
