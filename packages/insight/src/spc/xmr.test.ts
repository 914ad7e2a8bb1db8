/**
 * XmR rules on small series whose limits and point types are worked out by hand in the comments,
 * from the Making Data Count rules: mean; moving ranges; AMR, with moving ranges of 3.267 × AMR or
 * more screened out; limits mean ± 2.66 × AMR; near limits mean ± (2/3)(2.66) × AMR; then, in order,
 * outside the limits, a trend of 7, two of three near a limit, a shift of 7.
 */
import { describe, expect, it } from 'vitest';
import { SpcInputError, xmr, type SpcOptions, type SpcResult } from './xmr.ts';

/** One point a day from 1 January 2024. */
function daily(values: readonly number[]): { date: string; value: number }[] {
  return values.map((value, i) => ({ date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10), value }));
}

function run(values: readonly number[], options?: SpcOptions): SpcResult {
  return xmr(daily(values), options);
}

const types = (r: SpcResult) => r.points.map((p) => p.pointType);
const rules = (r: SpcResult) => r.points.map((p) => p.rule ?? '-');
const C = 'common_cause';

/** 14 points alternating 10, 12: mean 11, every moving range 2, AMR 2. */
const ALTERNATING = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12];

describe('xmr limits', () => {
  it('sets the mean, moving ranges and limits of a stable series', () => {
    // mean 11; 13 moving ranges of 2 so AMR = 2 (3.267 × 2 = 6.534 screens none).
    // UPL = 11 + 2.66 × 2 = 16.32, LPL = 5.68; near limits 11 ± (2/3)(2.66)(2) = 11 ± 3.54667.
    // Points alternate sides of the mean (no shift), never near a limit, no trend: all common cause.
    const r = run(ALTERNATING);
    const p = r.points[5];
    expect(p?.mean).toBeCloseTo(11, 12);
    expect(p?.upl).toBeCloseTo(16.32, 12);
    expect(p?.lpl).toBeCloseTo(5.68, 12);
    expect(p?.nearUpl).toBeCloseTo(14.546667, 6);
    expect(p?.nearLpl).toBeCloseTo(7.453333, 6);
    expect(r.points.map((q) => q.movingRange)).toEqual([null, ...new Array<number>(13).fill(2)]);
    expect(new Set(types(r))).toEqual(new Set([C]));
    expect(r.variationIcon).toBe(C);
    expect(r.warnings).toEqual([]);
  });

  it('screening out a large moving range changes the limits and the rules that fire; --no-screen keeps it', () => {
    // 10, 11 alternating for 11 points, then 29. Sum 6×10 + 5×11 + 29 = 144, mean 12.
    // Moving ranges: ten of 1, then 19. Unscreened AMR = 29/11 = 2.6364; 3.267 × 2.6364 = 8.61, so 19 is screened.
    const values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 29];

    // Screened: AMR = 10/10 = 1. Limits 12 ± 2.66 = [9.34, 14.66]; near 12 ± 1.77333 = [10.22667, 13.77333].
    // 29 > 14.66: outside (high). Each 10 is below the near lower limit and sits in a window 10, 11, 10
    // all below the mean, two of them near: two in three (low). The 11s are not near but the first 11
    // points are all below the mean: a shift (low).
    const screened = run(values);
    expect(screened.points[0]?.upl).toBeCloseTo(14.66, 12);
    expect(screened.points[0]?.lpl).toBeCloseTo(9.34, 12);
    expect(rules(screened)).toEqual([...[...'tststststst'].map((c) => (c === 't' ? 'two_in_three' : 'shift')), 'outside_limits']);
    expect(types(screened)).toEqual([...new Array<string>(11).fill('special_cause_neutral_low'), 'special_cause_neutral_high']);

    // Unscreened: AMR = 29/11. Limits 12 ± 2.66 × 29/11 = 12 ± 7.01273 = [4.98727, 19.01273];
    // near 12 ± 4.67515 = [7.32485, 16.67515]: the 10s are no longer near, so all eleven are the shift.
    const unscreened = run(values, { screen: false });
    expect(unscreened.points[0]?.upl).toBeCloseTo(19.012727, 5);
    expect(unscreened.points[0]?.lpl).toBeCloseTo(4.987273, 5);
    expect(rules(unscreened)).toEqual([...new Array<string>(11).fill('shift'), 'outside_limits']);
  });

  it('keeps AMR 0 when every moving range is 0 (nothing left after screening)', () => {
    const r = run([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
    // Mean 5, AMR 0: limits collapse onto the mean; every point is on the mean, so no shift and no trend.
    expect(r.points[0]).toMatchObject({ mean: 5, upl: 5, lpl: 5 });
    expect(new Set(types(r))).toEqual(new Set([C]));
  });
});

describe('xmr special-cause rules', () => {
  // The trend series: 0, 10, 0, 10, then 2, 3, 4, 5, 6, 7, 8 rising, then 0, 10, 5. Sum 70 over 14: mean 5.
  // Moving ranges 10, 10, 10, 8, 1×6, 8, 10, 5: sum 67 over 13, AMR 5.1538 (screen threshold 16.8: none).
  // Near limits 5 ± 9.14 = [-4.14, 14.14]: no point is near or outside.
  // Sides of the mean: - + - + - - - 0 + + + - + 0: never 7 on one side.
  const TREND = [0, 10, 0, 10, 2, 3, 4, 5, 6, 7, 8, 0, 10, 5];

  it('flags 7 strictly rising points (6 differences) as a trend, by direction of improvement', () => {
    const expected = (t: string) => [C, C, C, C, t, t, t, t, t, t, t, C, C, C];
    expect(types(run(TREND, { improvement: 'increase' }))).toEqual(expected('special_cause_improvement'));
    expect(types(run(TREND, { improvement: 'decrease' }))).toEqual(expected('special_cause_concern'));
    expect(types(run(TREND))).toEqual(expected('special_cause_neutral_high'));
    expect(rules(run(TREND))[4]).toBe('trend');
  });

  it('a tie breaks a trend', () => {
    // 5 replaced by 4 (a tie with the 4 before it) and the last 5 by 6, so the mean stays 5:
    // 2, 3, 4 then 4, 6, 7, 8 are runs of 3 and 4 points: no trend. Moving ranges sum 66, AMR 5.077,
    // near limits 5 ± 9.0 = [-4.0, 14.0]; sides - + - + - - - - + + + - + +: at most 4 on one side.
    const r = run([0, 10, 0, 10, 2, 3, 4, 4, 6, 7, 8, 0, 10, 6], { improvement: 'increase' });
    expect(new Set(types(r))).toEqual(new Set([C]));
  });

  it('a point on the mean breaks a shift; a point outside the limits wins over everything', () => {
    // 11, 12 ×3, then 10, then 11, 12 ×3, then 4, 4, 4. Sum 69 + 10 + 69 + 12 = 160 over 16: mean 10.
    // Moving ranges: 1×5, 2, 1×6, 8, 0, 0: sum 21 over 15, AMR 1.4 (unscreened).
    // Limits 10 ± 3.724 = [6.276, 13.724]; near 10 ± 2.48267 = [7.51733, 12.48267]: 12 is not near.
    // Sides: six above, the 10 on the mean, six above: no run of 7. The 4s are below the LPL.
    const r = run([11, 12, 11, 12, 11, 12, 10, 11, 12, 11, 12, 11, 12, 4, 4, 4], { screen: false, improvement: 'decrease' });
    expect(r.points[0]?.mean).toBe(10);
    expect(r.points[0]?.lpl).toBeCloseTo(6.276, 12);
    expect(types(r)).toEqual([...new Array<string>(13).fill(C), 'special_cause_improvement', 'special_cause_improvement', 'special_cause_improvement']);
    expect(rules(r).slice(13)).toEqual(['outside_limits', 'outside_limits', 'outside_limits']);
    // 16 points: the variation icon is the last point's type.
    expect(r.variationIcon).toBe('special_cause_improvement');
  });

  it('two in three near a limit ignores a point beyond the process limit; fixed limits apply to later points', () => {
    // Limits fixed from the first 8 points (10, 12 alternating): mean 11, AMR 2, limits [5.68, 16.32],
    // near limits [7.45333, 14.54667]. Later points:
    //  idx 8-10: 15, 12, 17: all above the mean, but only 15 is near (17 is beyond the UPL, so it does
    //            not count): not two in three; 17 is outside.
    //  idx 11:   10 (below the mean) separates the windows.
    //  idx 12-14: 15, 17, 15: the two 15s are near, all above: both two in three; 17 outside.
    //  idx 15-17: 10, 12, 10: common cause.
    // Sides + + + + - + + + - + -: no run of 7; no 7-point trend.
    const r = run([10, 12, 10, 12, 10, 12, 10, 12, 15, 12, 17, 10, 15, 17, 15, 10, 12, 10], { fixAfter: 8 });
    expect(new Set(r.points.map((p) => p.mean))).toEqual(new Set([11]));
    expect(r.points[17]?.upl).toBeCloseTo(16.32, 12);
    expect(r.points[9]?.movingRange).toBe(3);
    expect(rules(r)).toEqual(['-', '-', '-', '-', '-', '-', '-', '-', '-', '-', 'outside_limits', '-', 'two_in_three', 'outside_limits', 'two_in_three', '-', '-', '-']);
    expect(types(r)[12]).toBe('special_cause_neutral_high');
  });

  it('precedence: outside limits over trend; trend over shift; a peak takes the direction of the trend after it', () => {
    // Fixed from 10, 12 ×4 (mean 11, limits [5.68, 16.32], near [7.45, 14.55]), then 9, 10, 11, 12, 13, 14, 17:
    // a rising trend of 7 (12 → 9 falls before it) whose last point is above the UPL: outside, the rest trend.
    const r = run([10, 12, 10, 12, 10, 12, 10, 12, 9, 10, 11, 12, 13, 14, 17], { fixAfter: 8, improvement: 'decrease' });
    expect(rules(r).slice(8)).toEqual(['trend', 'trend', 'trend', 'trend', 'trend', 'trend', 'outside_limits']);
    expect(new Set(types(r).slice(8))).toEqual(new Set(['special_cause_concern']));

    // Fixed from 0, 20, 0, 20 (mean 10, AMR 20, limits 10 ± 53.2), then 1…7 rising and 7…1 falling:
    // all 13 below the mean (a shift) but each is in a trend, which comes first. The 7 at the peak is in
    // both trends and takes the falling one.
    const peak = run([0, 20, 0, 20, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1], { fixAfter: 4 });
    expect(new Set(rules(peak).slice(4))).toEqual(new Set(['trend']));
    expect(types(peak).slice(4)).toEqual([...new Array<string>(6).fill('special_cause_neutral_high'), ...new Array<string>(7).fill('special_cause_neutral_low')]);
  });
});

describe('xmr rebasing, short groups and icons', () => {
  // 10, 12 ×3 (mean 11, AMR 2) then, from 7 January, 21, 19, 21, 19, 21, 19, 20 (sum 140, mean 20;
  // moving ranges 2×5 and 1, AMR 11/6; limits 20 ± 2.66 × 11/6 = 20 ± 4.876667). The jump 12 → 21
  // crosses the rebase and is not a moving range.
  const REBASED = [10, 12, 10, 12, 10, 12, 21, 19, 21, 19, 21, 19, 20];

  it('gives each segment its own limits, with no moving range across the boundary, and warns of short segments', () => {
    const r = run(REBASED, { rebase: ['2024-01-07'] });
    expect(r.points.map((p) => p.segment)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    expect(r.points[0]).toMatchObject({ mean: 11 });
    expect(r.points[0]?.upl).toBeCloseTo(16.32, 12);
    expect(r.points[6]).toMatchObject({ mean: 20, movingRange: null });
    expect(r.points[6]?.upl).toBeCloseTo(24.876667, 6);
    expect(r.points[12]?.lpl).toBeCloseTo(15.123333, 6);
    expect(new Set(types(r))).toEqual(new Set([C]));
    expect(r.warnings).toEqual([
      'Segment 1 (2024-01-01 to 2024-01-06) has only 6 points; limits from fewer than 13 points are not reliable, so treat the special causes with care.',
      'Segment 2 (2024-01-07 to 2024-01-13) has only 7 points; limits from fewer than 13 points are not reliable, so treat the special causes with care.',
    ]);
    // 13 points in all: icons are given, from the last segment.
    expect(r.variationIcon).toBe(C);
    expect(xmr(daily(REBASED), { rebase: ['2024-01-07'], improvement: 'increase', target: 30 }).assuranceIcon).toBe('consistent_fail');
  });

  it('a rebase date between points starts the segment at the next point; one before the first point changes nothing', () => {
    const weekly = REBASED.map((value, i) => ({ date: new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10), value }));
    // Points on 1, 8, …, 36 January and 12 February: 9 February falls between the 6th (5 Feb) and 7th (12 Feb).
    expect(xmr(weekly, { rebase: ['2024-02-09'] }).points.map((p) => p.segment)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    expect(xmr(weekly, { rebase: ['2023-12-01'] }).points.every((p) => p.segment === 0)).toBe(true);
  });

  it('withholds both icons under 13 points and warns of the short series', () => {
    const r = run(ALTERNATING.slice(0, 12), { improvement: 'increase', target: 0 });
    expect(r.variationIcon).toBeNull();
    expect(r.assuranceIcon).toBeNull();
    expect(r.warnings).toEqual(['The series has only 12 points; limits from fewer than 13 points are not reliable, so treat the special causes with care.']);
  });

  it('assurance: the target against the limits of the last point, by direction of improvement', () => {
    // ALTERNATING: limits [5.68, 16.32].
    const icon = (improvement: 'increase' | 'decrease' | 'neutral', target: number) => run(ALTERNATING, { improvement, target }).assuranceIcon;
    expect(icon('increase', 5)).toBe('consistent_pass'); // every value is above a target below the LPL
    expect(icon('increase', 17)).toBe('consistent_fail');
    expect(icon('decrease', 17)).toBe('consistent_pass');
    expect(icon('decrease', 5)).toBe('consistent_fail');
    expect(icon('increase', 11)).toBe('inconsistent');
    expect(icon('neutral', 5)).toBeNull();
    expect(run(ALTERNATING, { improvement: 'increase' }).assuranceIcon).toBeNull();
  });

  it('labels an outside point by all three directions of improvement', () => {
    // Fixed from ALTERNATING (limits [5.68, 16.32]), then 20 (above) and 2 (below).
    const last2 = (improvement: 'increase' | 'decrease' | 'neutral') => types(run([...ALTERNATING, 20, 2], { fixAfter: 14, improvement })).slice(14);
    expect(last2('increase')).toEqual(['special_cause_improvement', 'special_cause_concern']);
    expect(last2('decrease')).toEqual(['special_cause_concern', 'special_cause_improvement']);
    expect(last2('neutral')).toEqual(['special_cause_neutral_high', 'special_cause_neutral_low']);
    expect(run([...ALTERNATING, 20, 2], { fixAfter: 14, improvement: 'increase' }).variationIcon).toBe('special_cause_concern');
  });

  it('gives an empty result for no data', () => {
    expect(xmr([])).toEqual({ points: [], variationIcon: null, assuranceIcon: null, warnings: [], improvement: 'neutral' });
  });
});

describe('xmr input checks', () => {
  it('rejects dates out of order, repeated or not dates, and values that are not finite numbers', () => {
    const bad: [{ date: string; value: number }[], RegExp][] = [
      [[{ date: '2024-01-02', value: 1 }, { date: '2024-01-01', value: 1 }], /point 2 \(2024-01-01\) comes before the one before it/],
      [[{ date: '2024-01-01', value: 1 }, { date: '2024-01-01', value: 2 }], /point 2 \(2024-01-01\) is the same as the one before it/],
      [[{ date: '2024-02-30', value: 1 }], /point 1 \(2024-02-30\) is not a date/],
      [[{ date: 'Jan 2024', value: 1 }], /not a date in the form YYYY-MM-DD/],
      [[{ date: '2024-01-01', value: Number.NaN }], /value of point 1 .* not a finite number/],
      [[{ date: '2024-01-01', value: Number.POSITIVE_INFINITY }], /not a finite number/],
    ];
    for (const [data, message] of bad) expect(() => xmr(data)).toThrow(message);
    expect(() => xmr(daily([1, 2]), { fixAfter: 1 })).toThrow(SpcInputError);
    expect(() => xmr(daily([1, 2]), { rebase: ['soon'] })).toThrow(/rebase date "soon"/);
    expect(() => xmr(daily([1, 2]), { target: Number.NaN })).toThrow(SpcInputError);
  });
});
