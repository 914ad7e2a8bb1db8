/**
 * NEWS2 against the RCP's chart 1 (2017): both sides of every band boundary of every parameter,
 * both SpO2 scales (scale 2 on air and on oxygen), the bands of chart 3, rounding to the chart's
 * precision, impossible values, and whole worked examples scored by hand from the chart.
 */
import { describe, expect, it } from 'vitest';
import { Consciousness, News2Band } from './monitoring-api.ts';
import {
  NEWS2_RESPONSE,
  consciousnessScore,
  news2Band,
  pulseScore,
  respirationScore,
  roundHalfUp,
  scoreNews2,
  spo2Scale1Score,
  spo2Scale2Score,
  systolicScore,
  temperatureScore,
  type News2Input,
} from './news2.ts';

describe('chart 1, parameter by parameter: each boundary on both sides', () => {
  it('respiration rate: ≤8 3, 9–11 1, 12–20 0, 21–24 2, ≥25 3', () => {
    const cases: [number, number][] = [[0, 3], [8, 3], [9, 1], [11, 1], [12, 0], [20, 0], [21, 2], [24, 2], [25, 3], [60, 3]];
    expect(cases.map(([v]) => respirationScore(v))).toEqual(cases.map(([, s]) => s));
  });

  it('SpO2 scale 1: ≤91 3, 92–93 2, 94–95 1, ≥96 0', () => {
    const cases: [number, number][] = [[70, 3], [91, 3], [92, 2], [93, 2], [94, 1], [95, 1], [96, 0], [100, 0]];
    expect(cases.map(([v]) => spo2Scale1Score(v))).toEqual(cases.map(([, s]) => s));
  });

  it('SpO2 scale 2 on air: ≤83 3, 84–85 2, 86–87 1, 88–92 0, ≥93 on air 0', () => {
    const cases: [number, number][] = [[80, 3], [83, 3], [84, 2], [85, 2], [86, 1], [87, 1], [88, 0], [92, 0], [93, 0], [97, 0], [100, 0]];
    expect(cases.map(([v]) => spo2Scale2Score(v, false))).toEqual(cases.map(([, s]) => s));
  });

  it('SpO2 scale 2 on oxygen: the same below 93, then 93–94 1, 95–96 2, ≥97 3', () => {
    const cases: [number, number][] = [[83, 3], [84, 2], [85, 2], [86, 1], [87, 1], [88, 0], [92, 0], [93, 1], [94, 1], [95, 2], [96, 2], [97, 3], [100, 3]];
    expect(cases.map(([v]) => spo2Scale2Score(v, true))).toEqual(cases.map(([, s]) => s));
  });

  it('systolic blood pressure: ≤90 3, 91–100 2, 101–110 1, 111–219 0, ≥220 3', () => {
    const cases: [number, number][] = [[60, 3], [90, 3], [91, 2], [100, 2], [101, 1], [110, 1], [111, 0], [219, 0], [220, 3], [250, 3]];
    expect(cases.map(([v]) => systolicScore(v))).toEqual(cases.map(([, s]) => s));
  });

  it('pulse: ≤40 3, 41–50 1, 51–90 0, 91–110 1, 111–130 2, ≥131 3', () => {
    const cases: [number, number][] = [[30, 3], [40, 3], [41, 1], [50, 1], [51, 0], [90, 0], [91, 1], [110, 1], [111, 2], [130, 2], [131, 3], [180, 3]];
    expect(cases.map(([v]) => pulseScore(v))).toEqual(cases.map(([, s]) => s));
  });

  it('consciousness: Alert 0; new confusion, voice, pain, unresponsive 3', () => {
    expect([Consciousness.alert, Consciousness.newConfusion, Consciousness.voice, Consciousness.pain, Consciousness.unresponsive].map(consciousnessScore)).toEqual([0, 3, 3, 3, 3]);
    expect(() => consciousnessScore('X' as Consciousness)).toThrow(/one of A, C, V, P or U/);
  });

  it('temperature: ≤35.0 3, 35.1–36.0 1, 36.1–38.0 0, 38.1–39.0 1, ≥39.1 2', () => {
    const cases: [number, number][] = [[34, 3], [35.0, 3], [35.1, 1], [36.0, 1], [36.1, 0], [38.0, 0], [38.1, 1], [39.0, 1], [39.1, 2], [41, 2]];
    expect(cases.map(([v]) => temperatureScore(v))).toEqual(cases.map(([, s]) => s));
  });

  it('air or oxygen: oxygen adds 2, air 0', () => {
    const base: News2Input = { respiratoryRate: 16, spo2: 97, spo2Scale: 1, onOxygen: false, systolic: 120, pulse: 70, consciousness: 'A', temperature: 37 };
    expect(scoreNews2(base).parameters.airOrOxygen).toBe(0);
    expect(scoreNews2({ ...base, onOxygen: true }).parameters.airOrOxygen).toBe(2);
    expect(scoreNews2({ ...base, onOxygen: true }).total).toBe(2);
  });
});

describe('rounding to the chart precision (whole numbers; temperature one decimal place), half up', () => {
  it('rounds between bands to the nearer band, half up', () => {
    expect(roundHalfUp(38.05, 1)).toBe(38.1);
    expect(roundHalfUp(38.04, 1)).toBe(38);
    expect(temperatureScore(38.04)).toBe(0);
    expect(temperatureScore(38.05)).toBe(1);
    expect(temperatureScore(35.04)).toBe(3);
    expect(temperatureScore(35.05)).toBe(1);
    expect(pulseScore(90.4)).toBe(0);
    expect(pulseScore(90.5)).toBe(1);
    expect(respirationScore(20.5)).toBe(2);
    expect(respirationScore(8.49)).toBe(3);
    expect(spo2Scale1Score(95.5)).toBe(0);
    expect(spo2Scale1Score(91.4)).toBe(3);
    expect(systolicScore(219.5)).toBe(3);
    expect(systolicScore(110.49)).toBe(1);
  });
});

describe('impossible values are refused with a clear error', () => {
  const base: News2Input = { respiratoryRate: 16, spo2: 97, spo2Scale: 1, onOxygen: false, systolic: 120, pulse: 70, consciousness: 'A', temperature: 37 };
  it.each([
    [{ spo2: 101 }, /SpO2 of 101 % is not possible: it must be between 0 and 100/],
    [{ spo2: -1 }, /SpO2 of -1 % is not possible/],
    [{ pulse: -5 }, /Pulse of -5 beats a minute is not possible/],
    [{ respiratoryRate: -1 }, /Respiration rate of -1/],
    [{ systolic: 400 }, /Systolic blood pressure of 400 mmHg is not possible/],
    [{ temperature: 3.78 }, /Temperature of 3.78 °C is not possible: it must be between 25 and 45/],
    [{ temperature: Number.NaN }, /Temperature must be a number; it was NaN/],
    [{ pulse: Number.POSITIVE_INFINITY }, /Pulse must be a number/],
    [{ spo2Scale: 3 as 1 }, /SpO2 scale must be 1 or 2/],
  ])('%o', (change, message) => {
    let error: unknown;
    try {
      scoreNews2({ ...base, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ errorName: 'UNPROCESSABLE', status: 422 });
    expect((error as Error).message).toMatch(message);
  });
});

describe('chart 3 bands and chart 4 responses', () => {
  const p = (scores: Partial<Record<string, number>>) => ({ respiratoryRate: 0, spo2: 0, airOrOxygen: 0, systolic: 0, pulse: 0, consciousness: 0, temperature: 0, ...scores });
  it('0 is low, with routine monitoring', () => {
    expect(news2Band(p({}))).toEqual({ band: News2Band.low, response: NEWS2_RESPONSE.zero, total: 0 });
  });
  it('1 to 4 without a 3 is low', () => {
    expect(news2Band(p({ pulse: 2, temperature: 2 }))).toMatchObject({ band: 'low', total: 4, response: NEWS2_RESPONSE.low });
    expect(news2Band(p({ pulse: 1 }))).toMatchObject({ band: 'low', total: 1 });
  });
  it('a 3 in one parameter with a total under 5 is low-medium', () => {
    expect(news2Band(p({ consciousness: 3 }))).toMatchObject({ band: 'low-medium', total: 3 });
    expect(news2Band(p({ consciousness: 3, pulse: 1 }))).toMatchObject({ band: 'low-medium', total: 4 });
  });
  it('5 and 6 are medium, even with a 3', () => {
    expect(news2Band(p({ consciousness: 3, pulse: 2 }))).toMatchObject({ band: 'medium', total: 5, response: NEWS2_RESPONSE.medium });
    expect(news2Band(p({ pulse: 2, temperature: 2, airOrOxygen: 2 }))).toMatchObject({ band: 'medium', total: 6 });
  });
  it('7 or more is high', () => {
    expect(news2Band(p({ pulse: 3, temperature: 2, airOrOxygen: 2 }))).toMatchObject({ band: 'high', total: 7, response: NEWS2_RESPONSE.high });
  });
});

describe('worked examples, scored by hand from chart 1', () => {
  it('a well person on air: 0, low', () => {
    // RR 16 → 0; SpO2 97 (scale 1) → 0; air → 0; systolic 128 → 0; pulse 72 → 0; Alert → 0; 36.8 → 0. Total 0.
    const result = scoreNews2({ respiratoryRate: 16, spo2: 97, spo2Scale: 1, onOxygen: false, systolic: 128, pulse: 72, consciousness: 'A', temperature: 36.8 });
    expect(result).toEqual({ parameters: { respiratoryRate: 0, spo2: 0, airOrOxygen: 0, systolic: 0, pulse: 0, consciousness: 0, temperature: 0 }, total: 0, band: 'low', response: NEWS2_RESPONSE.zero });
  });

  it('a chest infection getting worse: 6, medium', () => {
    // RR 22 → 2; SpO2 94 (scale 1) → 1; air → 0; systolic 105 → 1; pulse 105 → 1; Alert → 0; 38.4 → 1. Total 2+1+0+1+1+0+1 = 6.
    const result = scoreNews2({ respiratoryRate: 22, spo2: 94, spo2Scale: 1, onOxygen: false, systolic: 105, pulse: 105, consciousness: 'A', temperature: 38.4 });
    expect(result.parameters).toEqual({ respiratoryRate: 2, spo2: 1, airOrOxygen: 0, systolic: 1, pulse: 1, consciousness: 0, temperature: 1 });
    expect(result).toMatchObject({ total: 6, band: 'medium' });
  });

  it('sepsis: 18, high', () => {
    // RR 26 → 3; SpO2 91 (scale 1) → 3; oxygen → 2; systolic 88 → 3; pulse 125 → 2; new confusion → 3; 39.4 → 2.
    // Total 3 + 3 + 2 + 3 + 2 + 3 + 2 = 18, high.
    const result = scoreNews2({ respiratoryRate: 26, spo2: 91, spo2Scale: 1, onOxygen: true, systolic: 88, pulse: 125, consciousness: 'C', temperature: 39.4 });
    expect(result.parameters).toEqual({ respiratoryRate: 3, spo2: 3, airOrOxygen: 2, systolic: 3, pulse: 2, consciousness: 3, temperature: 2 });
    expect(result).toMatchObject({ total: 18, band: 'high' });
  });

  it('one red parameter alone: 3, low-medium', () => {
    // RR 18 → 0; SpO2 96 → 0; air → 0; systolic 130 → 0; pulse 38 → 3; Alert → 0; 36.5 → 0. Total 3, with a single 3: low-medium.
    const result = scoreNews2({ respiratoryRate: 18, spo2: 96, spo2Scale: 1, onOxygen: false, systolic: 130, pulse: 38, consciousness: 'A', temperature: 36.5 });
    expect(result).toMatchObject({ total: 3, band: 'low-medium', response: NEWS2_RESPONSE.lowMedium });
  });

  it('COPD with hypercapnia on scale 2, on home oxygen at 90%: 2, low; the same person on scale 1 would score 5', () => {
    // Scale 2: RR 20 → 0; SpO2 90 on oxygen (88–92) → 0; oxygen → 2; systolic 135 → 0; pulse 88 → 0; Alert → 0; 37.2 → 0. Total 2.
    const input: News2Input = { respiratoryRate: 20, spo2: 90, spo2Scale: 2, onOxygen: true, systolic: 135, pulse: 88, consciousness: 'A', temperature: 37.2 };
    expect(scoreNews2(input)).toMatchObject({ total: 2, band: 'low' });
    // Scale 1: SpO2 90 → 3; oxygen → 2. Total 3 + 2 = 5, medium.
    expect(scoreNews2({ ...input, spo2Scale: 1 })).toMatchObject({ total: 5, band: 'medium' });
  });

  it('scale 2 over-oxygenated: 97% on oxygen scores 3', () => {
    // RR 18 → 0; SpO2 97 on oxygen (scale 2, ≥97) → 3; oxygen → 2; systolic 120 → 0; pulse 80 → 0; A → 0; 37.0 → 0. Total 5, medium.
    expect(scoreNews2({ respiratoryRate: 18, spo2: 97, spo2Scale: 2, onOxygen: true, systolic: 120, pulse: 80, consciousness: 'A', temperature: 37 })).toMatchObject({
      parameters: { spo2: 3, airOrOxygen: 2 },
      total: 5,
      band: 'medium',
    });
  });
});
