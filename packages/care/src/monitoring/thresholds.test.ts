/**
 * Thresholds and RAG (decision 0016): inclusive limits, plain-English reasons, NEWS2's part in the
 * colour, and missed readings from the plan's frequency with half a period of grace.
 */
import { describe, expect, it } from 'vitest';
import { Measure } from './monitoring-api.ts';
import { scoreNews2 } from './news2.ts';
import { DEFAULT_THRESHOLDS, defaultThresholds, missedMeasures, periodMsOf, readingColour, thresholdColour } from './thresholds.ts';

const HOUR = 3_600_000;

describe('one value against its thresholds (inclusive)', () => {
  const spo2 = { redBelow: 92, amberBelow: 94 };
  it('says why, in plain English', () => {
    expect(thresholdColour(Measure.spo2, 91, spo2)).toEqual({ colour: 'red', reason: { colour: 'red', measure: 'spo2', text: 'SpO2 91% is at or below the red limit of 92%' } });
    expect(thresholdColour(Measure.spo2, 92, spo2).colour).toBe('red');
    expect(thresholdColour(Measure.spo2, 93, spo2)).toEqual({ colour: 'amber', reason: { colour: 'amber', measure: 'spo2', text: 'SpO2 93% is at or below the amber limit of 94%' } });
    expect(thresholdColour(Measure.spo2, 94, spo2).colour).toBe('amber');
    expect(thresholdColour(Measure.spo2, 95, spo2)).toEqual({ colour: 'green' });
  });
  it('limits above, inclusive, red before amber', () => {
    const pulse = { redBelow: 40, amberBelow: 50, amberAbove: 111, redAbove: 131 };
    expect([40, 41, 50, 51, 110, 111, 130, 131].map((v) => thresholdColour(Measure.pulse, v, pulse).colour)).toEqual(['red', 'amber', 'amber', 'green', 'green', 'amber', 'amber', 'red']);
    expect(thresholdColour(Measure.temperature, 40.2, DEFAULT_THRESHOLDS.temperature!).reason?.text).toBe('Temperature 40.2°C is at or above the red limit of 40°C');
  });
  it('yes/no measures: symptoms worse is amber by default, red when the clinician says so', () => {
    expect(thresholdColour(Measure.symptomsWorse, 1, defaultThresholds(Measure.symptomsWorse)).reason?.text).toBe('They say their breathing or symptoms are worse (amber)');
    expect(thresholdColour(Measure.symptomsWorse, 0, defaultThresholds(Measure.symptomsWorse)).colour).toBe('green');
    expect(thresholdColour(Measure.symptomsWorse, 1, { redAbove: 1 }).colour).toBe('red');
  });
  it('scale 2 has lower SpO2 limits', () => {
    expect(defaultThresholds(Measure.spo2, 2)).toEqual({ redBelow: 85, amberBelow: 87 });
    expect(thresholdColour(Measure.spo2, 89, defaultThresholds(Measure.spo2, 2)).colour).toBe('green');
    expect(thresholdColour(Measure.spo2, 89, defaultThresholds(Measure.spo2, 1)).colour).toBe('red');
  });
});

describe('a reading set: thresholds and NEWS2 (decision 0016)', () => {
  const well = { respiratoryRate: 16, spo2: 97, spo2Scale: 1 as const, onOxygen: false, systolic: 128, pulse: 72, consciousness: 'A' as const, temperature: 36.8 };
  it('green when nothing is out of range and NEWS2 is 0', () => {
    expect(readingColour(DEFAULT_THRESHOLDS, { spo2: 97, pulse: 72 }, scoreNews2(well))).toEqual({ colour: 'green', reasons: [] });
  });
  it('NEWS2 1 to 4 is amber, 5 or more red', () => {
    // pulse 95 → 1
    expect(readingColour(DEFAULT_THRESHOLDS, {}, scoreNews2({ ...well, pulse: 95 }))).toEqual({ colour: 'amber', reasons: [{ colour: 'amber', text: 'NEWS2 score 1 (low risk)' }] });
    // RR 22 → 2, temperature 38.4 → 1, pulse 105 → 1, SpO2 94 → 1: 5
    const five = scoreNews2({ ...well, respiratoryRate: 22, temperature: 38.4, pulse: 105, spo2: 94 });
    expect(five.total).toBe(5);
    expect(readingColour({}, {}, five)).toEqual({ colour: 'red', reasons: [{ colour: 'red', text: 'NEWS2 score 5 (medium risk): 5 or more needs action now' }] });
  });
  it('a 3 in one NEWS2 parameter is amber even when the thresholds are green', () => {
    const result = readingColour({ [Measure.pulse]: {} }, { pulse: 38 }, scoreNews2({ ...well, pulse: 38 }));
    expect(result.colour).toBe('amber');
    expect(result.reasons.map((r) => r.text)).toEqual(['NEWS2 score 3 (low-medium risk)', 'NEWS2 scores 3 for pulse']);
  });
  it('red reasons come first; blood pressure is judged on its systolic value', () => {
    const result = readingColour(DEFAULT_THRESHOLDS, { spo2: 93, bloodPressure: { systolic: 85, diastolic: 50 } });
    expect(result.colour).toBe('red');
    expect(result.reasons.map((r) => r.text)).toEqual(['Systolic blood pressure 85 mmHg is at or below the red limit of 90 mmHg', 'SpO2 93% is at or below the amber limit of 94%']);
  });
});

describe('missed readings', () => {
  const start = '2030-03-01T08:00:00.000Z';
  const plan = {
    start,
    measures: [
      { measure: Measure.spo2, timesPerDay: 4, thresholds: {}, periodMs: 6 * HOUR },
      { measure: Measure.weight, frequency: 1, period: 1, periodUnit: 'wk' as const, thresholds: {}, periodMs: 7 * 24 * HOUR },
    ],
  };
  it('a period is the time between readings', () => {
    expect(periodMsOf({ measure: Measure.spo2, timesPerDay: 4 })).toBe(6 * HOUR);
    expect(periodMsOf({ measure: Measure.weight, frequency: 2, period: 1, periodUnit: 'wk' })).toBe(3.5 * 24 * HOUR);
    expect(() => periodMsOf({ measure: Measure.weight })).toThrow(/Say how often to measure weight/);
    expect(() => periodMsOf({ measure: Measure.weight, timesPerDay: 0 })).toThrow(/Say how often/);
  });
  it('missed after the period plus half a period, counted from the last reading or the start', () => {
    const at = (hours: number) => Date.parse(start) + hours * HOUR;
    expect(missedMeasures(plan, {}, at(9))).toEqual([]);
    expect(missedMeasures(plan, {}, at(9) + 1)).toEqual(['spo2']);
    expect(missedMeasures(plan, { spo2: '2030-03-01T12:00:00.000Z' }, at(13))).toEqual([]);
    expect(missedMeasures(plan, { spo2: '2030-03-01T12:00:00.000Z' }, at(13) + 1)).toEqual(['spo2']);
    // a week and a half after the start, with a fresh SpO2: only the weekly weight is missed
    expect(missedMeasures(plan, { spo2: '2030-03-11T18:00:00.000Z' }, at(10 * 24 + 12))).toEqual([]);
    expect(missedMeasures(plan, { spo2: '2030-03-11T18:00:00.000Z' }, at(10 * 24 + 12) + 1)).toEqual(['weight']);
  });
});
