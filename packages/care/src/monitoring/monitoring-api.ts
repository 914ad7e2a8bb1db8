/**
 * Remote monitoring (virtual wards, decision 0016): the types and closed sets the rest of Kindred
 * codes against (the web pages, the received-text hook, the demo, the benchmark). The functions
 * live beside this file, one job each; this file holds only words and shapes, no behaviour.
 */
import type { StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { MessageChannels } from '../messaging/message-channels.ts';
import type { TemplateSet } from '../messaging/message-templates.ts';
import type { Reference, SendOutcome } from '../messaging/send-message.ts';

/** What a virtual ward can ask a person to measure. */
export const Measure = {
  spo2: 'spo2',
  pulse: 'pulse',
  bloodPressure: 'blood-pressure',
  temperature: 'temperature',
  respiratoryRate: 'respiratory-rate',
  weight: 'weight',
  consciousness: 'consciousness',
  onOxygen: 'on-oxygen',
  symptomsWorse: 'symptoms-worse',
} as const;
export type Measure = (typeof Measure)[keyof typeof Measure];

/** How a reading set reached Kindred; written as each Observation's `method`. */
export const ReadingSource = { web: 'web', sms: 'sms', staffPhone: 'staff-phone' } as const;
export type ReadingSource = (typeof ReadingSource)[keyof typeof ReadingSource];

/** Red, amber, green: the dashboard's order is this one. */
export const RagColour = { red: 'red', amber: 'amber', green: 'green' } as const;
export type RagColour = (typeof RagColour)[keyof typeof RagColour];

/** ACVPU (NEWS2 chart): Alert, new Confusion, Voice, Pain, Unresponsive. */
export const Consciousness = { alert: 'A', newConfusion: 'C', voice: 'V', pain: 'P', unresponsive: 'U' } as const;
export type Consciousness = (typeof Consciousness)[keyof typeof Consciousness];

/** NEWS2 clinical risk (RCP 2017, chart 2). */
export const News2Band = { low: 'low', lowMedium: 'low-medium', medium: 'medium', high: 'high' } as const;
export type News2Band = (typeof News2Band)[keyof typeof News2Band];

/** The values of one reading set; every part is optional (a person sends what they measured). */
export interface ReadingValues {
  /** % */
  spo2?: number;
  /** beats per minute */
  pulse?: number;
  /** mmHg */
  bloodPressure?: { systolic: number; diastolic: number };
  /** °C */
  temperature?: number;
  /** breaths per minute */
  respiratoryRate?: number;
  /** kg */
  weight?: number;
  consciousness?: Consciousness;
  /** breathing oxygen (home oxygen) when the reading was taken */
  onOxygen?: boolean;
  /** "my breathing or symptoms are worse" */
  symptomsWorse?: boolean;
}

/**
 * A measure's limits, inclusive: a value at or below `redBelow` is red, at or below `amberBelow`
 * amber, at or above `amberAbove` amber, at or above `redAbove` red. For blood pressure the limits
 * are on the systolic value.
 */
export interface Thresholds {
  redBelow?: number;
  amberBelow?: number;
  amberAbove?: number;
  redAbove?: number;
}

export const PeriodUnit = { hour: 'h', day: 'd', week: 'wk' } as const;
export type PeriodUnit = (typeof PeriodUnit)[keyof typeof PeriodUnit];

/** One measure of a plan: how often (either `timesPerDay`, or `frequency` per `period` `periodUnit`) and its limits. */
export interface MeasurePlan {
  measure: Measure;
  timesPerDay?: number;
  frequency?: number;
  period?: number;
  periodUnit?: PeriodUnit;
  /** absent: the default thresholds of the measure (thresholds.ts, DEFAULT_THRESHOLDS) */
  thresholds?: Thresholds;
}

export interface EnrolmentInput {
  patientId: string;
  /** the ward's CareTeam id */
  wardId: string;
  measures: readonly MeasurePlan[];
  spo2Scale: 1 | 2;
  homeOxygen: boolean;
  enrolledBy: Reference;
  /** epoch ms */
  now: number;
  /** why they are on the ward, in the clinician's words (CarePlan.description) */
  reason?: string;
}

export interface Enrolment {
  carePlan: StoredResource;
  episodeOfCare: StoredResource;
}

export interface DischargeInput {
  patientId: string;
  wardId: string;
  dischargedBy: Reference;
  now: number;
  reason?: string;
}

export interface VirtualWard {
  id: string;
  name: string;
  organization?: Reference;
  phone?: string;
  careTeam: StoredResource;
}

/** A person's active monitoring plan, read back from its CarePlan. */
export interface MonitoringPlan {
  carePlan: StoredResource;
  episodeOfCare?: StoredResource;
  patientId: string;
  wardId: string;
  /** every measure with its thresholds filled in (defaults where the plan has none) */
  measures: readonly (MeasurePlan & { thresholds: Thresholds; periodMs: number })[];
  spo2Scale: 1 | 2;
  homeOxygen: boolean;
  /** when monitoring started (ISO) */
  start: string;
}

export interface ReadingSetInput {
  patientId: string;
  /** when the person took the readings (ISO dateTime) */
  takenAt: string;
  values: ReadingValues;
  source: ReadingSource;
  /** who entered them: the person, or the member of staff on the phone */
  enteredBy: Reference;
  /** when Kindred received them (ISO instant) */
  receivedAt: string;
}

/** What Kindred's monitoring needs besides the caller's repository. */
export interface MonitoringDeps {
  /**
   * Kindred's monitoring, acting without a signed-in person (MONITORING_ACCESS): writes the ward's
   * alert Tasks and the person's "what to do now" message, and handles received text messages.
   */
  system: Repository;
  channels: MessageChannels;
  templates?: TemplateSet;
  /** how soon the ward promises to call after a red reading; 30 when absent */
  responseMinutes?: number;
}

/** One reason for a colour, in plain English ("SpO2 91% is at or below the red limit of 92%"). */
export interface ColourReason {
  colour: Exclude<RagColour, 'green'>;
  text: string;
  measure?: Measure;
}

export interface News2Parameters {
  respiratoryRate: number;
  spo2: number;
  airOrOxygen: number;
  systolic: number;
  pulse: number;
  consciousness: number;
  temperature: number;
}

export interface News2Result {
  parameters: News2Parameters;
  total: number;
  band: News2Band;
  /** the RCP's clinical response for the band, as written on chart 2 */
  response: string;
}

export interface RecordedReadings {
  observations: StoredResource[];
  /** the NEWS2 Observation, when all seven parameters were known within an hour */
  news2?: StoredResource;
  news2Score?: News2Result;
  colour: RagColour;
  reasons: readonly ColourReason[];
  /** the same set was already stored: nothing new was written */
  duplicate: boolean;
  /** taken more than one period before it was received, or older than the latest reading */
  late: boolean;
  /** the ward's open alert Task (new, or with a note added) when the set is red */
  alertTask?: StoredResource;
  /** true when `alertTask` was created by this set, false when a note was added to an open one */
  alertCreated?: boolean;
  message?: SendOutcome;
}

export interface ReceivedTextInput {
  /** the sender's phone number, as Notify gives it (e.g. "447700900123") */
  from: string;
  content: string;
  /** ISO instant */
  receivedAt: string;
}

export const TextOutcome = { recorded: 'recorded', duplicate: 'duplicate', unreadable: 'unreadable', unknownNumber: 'unknown-number' } as const;
export type TextOutcome = (typeof TextOutcome)[keyof typeof TextOutcome];

export interface ReceivedTextResult {
  /** the text to send back to the person */
  reply: string;
  outcome: TextOutcome;
  patientId?: string;
  recorded?: RecordedReadings;
  problems?: readonly string[];
}

export interface ParsedReadingText {
  values: ReadingValues;
  /** empty when every part was read */
  problems: readonly string[];
  /** when there are problems: the reply to send, quoting what could not be read, with an example */
  reply?: string;
}

export interface LatestValue {
  measure: Measure;
  /** systolic for blood pressure; 1/0 for yes/no measures; ACVPU letter for consciousness */
  value: number | string | boolean;
  /** for people: "128/82 mmHg", "94%", "37.8°C" */
  display: string;
  takenAt: string;
  colour: RagColour;
  reason?: string;
}

export interface SeriesPoint {
  at: string;
  value: number;
  /** diastolic for blood pressure */
  value2?: number;
  colour: RagColour;
}

export interface MeasureSeries {
  measure: Measure;
  unit: string;
  points: readonly SeriesPoint[];
}

export interface DashboardRow {
  patientId: string;
  name: string;
  colour: RagColour;
  reasons: readonly ColourReason[];
  lastReadingAt?: string;
  latest: readonly LatestValue[];
  news2?: { score: number; band: News2Band; takenAt: string };
  missed: readonly Measure[];
  openAlerts: readonly StoredResource[];
  /** the last 7 days, oldest first, one series per planned measure */
  series: readonly MeasureSeries[];
  carePlanId: string;
}

export interface WardDashboard {
  ward: VirtualWard;
  /** red, amber, green; within a colour, longest since the last reading first */
  rows: readonly DashboardRow[];
  /** shown with the scores: NEWS2 from home readings supports judgement, it does not replace it */
  caution: string;
}
