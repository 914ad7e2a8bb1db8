/**
 * A monitoring plan as FHIR (decision 0016, "Enrolment"): the CarePlan's activities, frequencies,
 * thresholds, SpO2 scale and home oxygen written from an enrolment, and read back into a
 * MonitoringPlan. Also the virtual ward's CareTeam read into a VirtualWard.
 *
 * Pure: resources in, resources or plans out. Nothing here reads or writes the record.
 */
import { FhirError, type Resource, type StoredResource } from '@kindred/fhir';
import { Measure, type EnrolmentInput, type MeasurePlan, type MonitoringPlan, type Thresholds, type VirtualWard } from './monitoring-api.ts';
import {
  CARE_PLAN_CATEGORY_SYSTEM,
  HOME_OXYGEN_EXTENSION,
  MEASURES,
  REMOTE_MONITORING,
  SPO2_SCALE_EXTENSION,
  THRESHOLDS_EXTENSION,
} from './monitoring-vocabulary.ts';
import { defaultThresholds, periodMsOf } from './thresholds.ts';

interface Extension {
  url: string;
  valueDecimal?: number;
  valueInteger?: number;
  valueBoolean?: boolean;
  extension?: Extension[];
}

const THRESHOLD_PARTS = [
  ['redBelow', 'red-below'],
  ['amberBelow', 'amber-below'],
  ['amberAbove', 'amber-above'],
  ['redAbove', 'red-above'],
] as const;

const MEASURE_BY_CODE = new Map<string, Measure>((Object.entries(MEASURES) as [Measure, (typeof MEASURES)[Measure]][]).map(([m, d]) => [`${d.code.system}|${d.code.code}`, m]));

export function measureOfCode(coding: { system?: string; code?: string } | undefined): Measure | undefined {
  return coding === undefined ? undefined : MEASURE_BY_CODE.get(`${coding.system ?? ''}|${coding.code ?? ''}`);
}

/** Refuses limits that are not numbers or that cross (red-below above amber-below, amber above red). */
export function checkThresholds(measure: Measure, thresholds: Thresholds): Thresholds {
  for (const [key] of THRESHOLD_PARTS) {
    const value = thresholds[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new FhirError('INVALID_REQUEST', `The ${key} limit of ${measure} must be a number.`, { expression: [`measures.${measure}.thresholds.${key}`] });
    }
  }
  const { redBelow, amberBelow, amberAbove, redAbove } = thresholds;
  const ordered = [redBelow, amberBelow, amberAbove, redAbove].filter((v): v is number => v !== undefined);
  if (ordered.some((v, i) => i > 0 && v < ordered[i - 1]!) || (amberBelow !== undefined && amberAbove !== undefined && amberBelow >= amberAbove)) {
    throw new FhirError('INVALID_REQUEST', `The limits of ${measure} cross: they must go red below ≤ amber below < amber above ≤ red above.`, {
      expression: [`measures.${measure}.thresholds`],
    });
  }
  return { ...thresholds };
}

function repeatOf(plan: MeasurePlan): { frequency: number; period: number; periodUnit: string } {
  periodMsOf(plan); // refuses a plan without a usable frequency
  if (plan.timesPerDay !== undefined && plan.timesPerDay > 0) return { frequency: plan.timesPerDay, period: 1, periodUnit: 'd' };
  return { frequency: plan.frequency!, period: plan.period!, periodUnit: plan.periodUnit! };
}

/** The CarePlan of an enrolment (not yet stored). */
export function carePlanOf(input: EnrolmentInput, ward: VirtualWard, episodeId: string | undefined): Resource {
  const start = new Date(input.now).toISOString();
  if (input.measures.length === 0) throw new FhirError('INVALID_REQUEST', 'Choose at least one measure to monitor.', { expression: ['measures'] });
  const measures = new Set<Measure>();
  return {
    resourceType: 'CarePlan',
    status: 'active',
    intent: 'plan',
    category: [{ coding: [{ system: CARE_PLAN_CATEGORY_SYSTEM, code: REMOTE_MONITORING, display: 'Remote monitoring' }], text: 'Remote monitoring' }],
    title: `Remote monitoring on ${ward.name}`,
    ...(input.reason !== undefined && input.reason.trim() !== '' ? { description: input.reason.trim() } : {}),
    subject: { reference: `Patient/${input.patientId}` },
    period: { start },
    created: start,
    author: { ...input.enrolledBy },
    careTeam: [{ reference: `CareTeam/${ward.id}`, display: ward.name }],
    ...(episodeId !== undefined ? { supportingInfo: [{ reference: `EpisodeOfCare/${episodeId}` }] } : {}),
    extension: [
      { url: SPO2_SCALE_EXTENSION, valueInteger: input.spo2Scale },
      { url: HOME_OXYGEN_EXTENSION, valueBoolean: input.homeOxygen },
    ],
    activity: input.measures.map((plan) => {
      if (MEASURES[plan.measure] === undefined) {
        throw new FhirError('INVALID_REQUEST', `"${String(plan.measure)}" is not a measure Kindred monitors; choose from ${Object.values(Measure).join(', ')}.`, { expression: ['measures'] });
      }
      if (measures.has(plan.measure)) throw new FhirError('INVALID_REQUEST', `${MEASURES[plan.measure].label} is in the plan twice.`, { expression: ['measures'] });
      measures.add(plan.measure);
      const thresholds = checkThresholds(plan.measure, plan.thresholds ?? defaultThresholds(plan.measure, input.spo2Scale));
      const limits: Extension[] = THRESHOLD_PARTS.flatMap(([key, url]) => (thresholds[key] !== undefined ? [{ url, valueDecimal: thresholds[key] }] : []));
      const definition = MEASURES[plan.measure];
      return {
        detail: {
          ...(limits.length > 0 ? { extension: [{ url: THRESHOLDS_EXTENSION, extension: limits }] } : {}),
          code: { coding: [{ ...definition.code }], text: definition.label },
          status: 'scheduled',
          scheduledTiming: { repeat: repeatOf(plan) },
        },
      };
    }),
  };
}

const extensionsOf = (value: unknown): Extension[] => (Array.isArray(value) ? (value as Extension[]) : []);

/** Reads a stored remote-monitoring CarePlan back into a plan; measures without limits get the defaults. */
export function monitoringPlanOf(carePlan: StoredResource, episodeOfCare?: StoredResource): MonitoringPlan {
  const extensions = extensionsOf(carePlan.extension);
  const spo2Scale = extensions.find((e) => e.url === SPO2_SCALE_EXTENSION)?.valueInteger === 2 ? 2 : 1;
  const homeOxygen = extensions.find((e) => e.url === HOME_OXYGEN_EXTENSION)?.valueBoolean === true;
  const team = (carePlan.careTeam as { reference?: string }[] | undefined)?.[0]?.reference ?? '';
  const subject = (carePlan.subject as { reference?: string } | undefined)?.reference ?? '';
  const activities = Array.isArray(carePlan.activity) ? (carePlan.activity as { detail?: Record<string, unknown> }[]) : [];
  const measures = activities.flatMap((activity) => {
    const detail = activity.detail ?? {};
    const measure = measureOfCode((detail.code as { coding?: { system?: string; code?: string }[] } | undefined)?.coding?.[0]);
    const repeat = (detail.scheduledTiming as { repeat?: { frequency?: number; period?: number; periodUnit?: string } } | undefined)?.repeat;
    if (measure === undefined || repeat === undefined) return [];
    const limits = extensionsOf(detail.extension).find((e) => e.url === THRESHOLDS_EXTENSION)?.extension ?? [];
    const thresholds: Thresholds = {};
    for (const [key, url] of THRESHOLD_PARTS) {
      const value = limits.find((l) => l.url === url)?.valueDecimal;
      if (value !== undefined) thresholds[key] = value;
    }
    const plan: MeasurePlan = { measure, frequency: repeat.frequency ?? 1, period: repeat.period ?? 1, periodUnit: (repeat.periodUnit ?? 'd') as MeasurePlan['periodUnit'] };
    return [{ ...plan, thresholds: limits.length > 0 ? thresholds : defaultThresholds(measure, spo2Scale), periodMs: periodMsOf(plan) }];
  });
  return {
    carePlan,
    ...(episodeOfCare !== undefined ? { episodeOfCare } : {}),
    patientId: subject.replace(/^Patient\//, ''),
    wardId: team.replace(/^CareTeam\//, ''),
    measures,
    spo2Scale,
    homeOxygen,
    start: (carePlan.period as { start?: string } | undefined)?.start ?? carePlan.meta.lastUpdated,
  };
}

interface ContactPoint {
  system?: string;
  value?: string;
}

export function virtualWardOf(careTeam: StoredResource): VirtualWard {
  const organization = (careTeam.managingOrganization as { reference?: string; display?: string }[] | undefined)?.[0];
  const phone = (Array.isArray(careTeam.telecom) ? (careTeam.telecom as ContactPoint[]) : []).find((t) => t.system === 'phone' && typeof t.value === 'string')?.value;
  return {
    id: careTeam.id,
    name: typeof careTeam.name === 'string' ? careTeam.name : 'Virtual ward',
    ...(organization?.reference !== undefined ? { organization: { reference: organization.reference, ...(organization.display !== undefined ? { display: organization.display } : {}) } } : {}),
    ...(phone !== undefined ? { phone } : {}),
    careTeam,
  };
}
