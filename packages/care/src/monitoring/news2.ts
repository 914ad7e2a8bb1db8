/**
 * NEWS2: the Royal College of Physicians' National Early Warning Score 2 (RCP, December 2017),
 * chart 1 (the scoring system), chart 3 (thresholds and triggers) and chart 4 (clinical response).
 *
 * Rounding: the chart is written at the precision it is measured at (whole numbers; temperature to
 * one decimal place), so its bands have gaps (20 | 21, 38.0 | 38.1). A value between two bands is
 * first rounded to the chart's precision, half up: pulse 90.5 → 91, temperature 38.05 → 38.1.
 * Values that cannot be a living person's reading (negative, SpO2 over 100%, and the limits in
 * PLAUSIBLE) are refused with a FhirError UNPROCESSABLE naming the parameter.
 *
 * Pure: numbers in, a score out. It knows nothing of the record or of home monitoring's RAG.
 */
import { FhirError } from '@kindred/fhir';
import { Consciousness, News2Band, type News2Parameters, type News2Result } from './monitoring-api.ts';

export interface News2Input {
  respiratoryRate: number;
  spo2: number;
  /** scale 2 only for hypercapnic respiratory failure, on a clinician's decision */
  spo2Scale: 1 | 2;
  /** breathing supplemental oxygen (chart 1: "Air or oxygen?") */
  onOxygen: boolean;
  systolic: number;
  pulse: number;
  consciousness: Consciousness;
  /** °C */
  temperature: number;
}

/** The widest values Kindred accepts as a reading: outside these it is a mistake, not a score. */
export const PLAUSIBLE = {
  respiratoryRate: { min: 0, max: 80, unit: 'breaths a minute' },
  spo2: { min: 0, max: 100, unit: '%' },
  systolic: { min: 0, max: 300, unit: 'mmHg' },
  pulse: { min: 0, max: 300, unit: 'beats a minute' },
  temperature: { min: 25, max: 45, unit: '°C' },
} as const;

const PARAMETER_WORDS = { respiratoryRate: 'Respiration rate', spo2: 'SpO2', systolic: 'Systolic blood pressure', pulse: 'Pulse', temperature: 'Temperature' } as const;

/** Half up at `decimals` places, without binary surprises (38.05 * 10 is 380.49999…). */
export function roundHalfUp(value: number, decimals: number): number {
  const scaled = Number((value * 10 ** decimals).toPrecision(12));
  return Math.round(scaled) / 10 ** decimals;
}

function checked(parameter: keyof typeof PLAUSIBLE, value: number): number {
  const limits = PLAUSIBLE[parameter];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FhirError('UNPROCESSABLE', `${PARAMETER_WORDS[parameter]} must be a number; it was ${String(value)}.`, { expression: [parameter] });
  }
  if (value < limits.min || value > limits.max) {
    throw new FhirError('UNPROCESSABLE', `${PARAMETER_WORDS[parameter]} of ${value} ${limits.unit} is not possible: it must be between ${limits.min} and ${limits.max}.`, {
      expression: [parameter],
    });
  }
  return roundHalfUp(value, parameter === 'temperature' ? 1 : 0);
}

// Chart 1, row by row. Each band's lower end is inclusive; the value is already at chart precision.

export function respirationScore(rate: number): number {
  const r = checked('respiratoryRate', rate);
  if (r <= 8) return 3;
  if (r <= 11) return 1;
  if (r <= 20) return 0;
  if (r <= 24) return 2;
  return 3;
}

/** SpO2 scale 1: ≤91 3, 92–93 2, 94–95 1, ≥96 0 (oxygen does not change it; the air/oxygen row does). */
export function spo2Scale1Score(spo2: number): number {
  const s = checked('spo2', spo2);
  if (s <= 91) return 3;
  if (s <= 93) return 2;
  if (s <= 95) return 1;
  return 0;
}

/** SpO2 scale 2: ≤83 3, 84–85 2, 86–87 1, 88–92 0 (and ≥93 on air 0); on oxygen 93–94 1, 95–96 2, ≥97 3. */
export function spo2Scale2Score(spo2: number, onOxygen: boolean): number {
  const s = checked('spo2', spo2);
  if (s <= 83) return 3;
  if (s <= 85) return 2;
  if (s <= 87) return 1;
  if (s <= 92 || !onOxygen) return 0;
  if (s <= 94) return 1;
  if (s <= 96) return 2;
  return 3;
}

export const airOrOxygenScore = (onOxygen: boolean): number => (onOxygen ? 2 : 0);

export function systolicScore(systolic: number): number {
  const s = checked('systolic', systolic);
  if (s <= 90) return 3;
  if (s <= 100) return 2;
  if (s <= 110) return 1;
  if (s <= 219) return 0;
  return 3;
}

export function pulseScore(pulse: number): number {
  const p = checked('pulse', pulse);
  if (p <= 40) return 3;
  if (p <= 50) return 1;
  if (p <= 90) return 0;
  if (p <= 110) return 1;
  if (p <= 130) return 2;
  return 3;
}

export function consciousnessScore(level: Consciousness): number {
  if (!Object.values(Consciousness).includes(level)) {
    throw new FhirError('UNPROCESSABLE', `Consciousness must be one of A, C, V, P or U (ACVPU); it was "${String(level)}".`, { expression: ['consciousness'] });
  }
  return level === Consciousness.alert ? 0 : 3;
}

export function temperatureScore(temperature: number): number {
  const t = checked('temperature', temperature);
  if (t <= 35.0) return 3;
  if (t <= 36.0) return 1;
  if (t <= 38.0) return 0;
  if (t <= 39.0) return 1;
  return 2;
}

/**
 * What each band calls for, after chart 4 ("clinical response to the NEWS trigger thresholds"),
 * summarised in Kindred's words: the chart itself is the authority.
 */
export const NEWS2_RESPONSE = {
  zero: 'Score 0: carry on routine monitoring, at least every 12 hours.',
  low: 'Score 1 to 4: a registered nurse assesses the person and decides whether to monitor more often or escalate (at least every 4 to 6 hours).',
  lowMedium: 'A score of 3 in one parameter: the nurse tells the medical team, who review the person and decide whether to escalate (at least hourly monitoring).',
  medium: 'Score 5 or 6, the key threshold for an urgent response: the medical team is told at once and the person is assessed urgently by a clinician skilled in acute illness, with monitoring at least hourly.',
  high: 'Score 7 or more, an emergency: the medical team (registrar level or above) is told at once, the person is assessed by a team with critical care skills, and moving them to a higher level of care is considered, with continuous monitoring.',
} as const;

/** Chart 3: high ≥7; medium 5–6; low-medium a score of 3 in any single parameter (total under 5); else low. */
export function news2Band(parameters: News2Parameters): { band: News2Band; response: string; total: number } {
  const scores: number[] = [parameters.respiratoryRate, parameters.spo2, parameters.airOrOxygen, parameters.systolic, parameters.pulse, parameters.consciousness, parameters.temperature];
  const total = scores.reduce((sum, s) => sum + s, 0);
  if (total >= 7) return { band: News2Band.high, response: NEWS2_RESPONSE.high, total };
  if (total >= 5) return { band: News2Band.medium, response: NEWS2_RESPONSE.medium, total };
  if (scores.some((s) => s === 3)) return { band: News2Band.lowMedium, response: NEWS2_RESPONSE.lowMedium, total };
  return { band: News2Band.low, response: total === 0 ? NEWS2_RESPONSE.zero : NEWS2_RESPONSE.low, total };
}

export function scoreNews2(input: News2Input): News2Result {
  if (input.spo2Scale !== 1 && input.spo2Scale !== 2) {
    throw new FhirError('UNPROCESSABLE', `The SpO2 scale must be 1 or 2; it was ${String(input.spo2Scale)}.`, { expression: ['spo2Scale'] });
  }
  const parameters: News2Parameters = {
    respiratoryRate: respirationScore(input.respiratoryRate),
    spo2: input.spo2Scale === 2 ? spo2Scale2Score(input.spo2, input.onOxygen) : spo2Scale1Score(input.spo2),
    airOrOxygen: airOrOxygenScore(input.onOxygen),
    systolic: systolicScore(input.systolic),
    pulse: pulseScore(input.pulse),
    consciousness: consciousnessScore(input.consciousness),
    temperature: temperatureScore(input.temperature),
  };
  const { band, response, total } = news2Band(parameters);
  return { parameters, total, band, response };
}
