/**
 * Gaps and indices of inequality on small sets of groups worked out by hand: relative ranks are the
 * midpoints of each group's share of the cumulative population (most deprived first), the SII is the
 * population-weighted least squares slope of value on rank, the RII is the SII over the weighted mean.
 */
import { describe, expect, it } from 'vitest';
import { cumulativeMidpoints, inequality } from './inequality.ts';

describe('inequality', () => {
  it('two equal groups: ranks 0.25 and 0.75, so the SII is twice the gap', () => {
    // Slope (20 − 10) / (0.75 − 0.25) = 20; weighted mean 15; RII 20/15 = 4/3.
    const r = inequality([
      { label: 'Least deprived', order: 5, population: 100, value: 20 },
      { label: 'Most deprived', order: 1, population: 100, value: 10 },
    ]);
    expect(r).toMatchObject({ absoluteGap: -10, relativeGap: 0.5, mostDeprived: 'Most deprived', leastDeprived: 'Least deprived' });
    expect(r?.sii).toBeCloseTo(20, 12);
    expect(r?.rii).toBeCloseTo(4 / 3, 12);
  });

  it('five equal quintiles on a straight line: the SII is the line from rank 0 to rank 1', () => {
    // Ranks 0.1, 0.3, 0.5, 0.7, 0.9; values fall 5 per 0.2 of rank: slope −25. Mean 20, RII −1.25.
    // Higher where more deprived, so the SII is negative (and the gap, most − least = 30 − 10, positive).
    const values = [30, 25, 20, 15, 10];
    const r = inequality(values.map((value, i) => ({ label: `Q${i + 1}`, order: i + 1, population: 1000, value })));
    expect(r?.absoluteGap).toBe(20);
    expect(r?.relativeGap).toBe(3);
    expect(r?.sii).toBeCloseTo(-25, 10);
    expect(r?.rii).toBeCloseTo(-1.25, 10);
  });

  it('weights by population', () => {
    // Populations 1 and 3 (total 4): ranks 0.5/4 = 0.125 and (1 + 1.5)/4 = 0.625.
    // Values 8 and 4: slope (4 − 8)/(0.625 − 0.125) = −8; weighted mean (8 + 3 × 4)/4 = 5; RII −1.6.
    expect(cumulativeMidpoints([1, 3])).toEqual([0.125, 0.625]);
    const two = inequality([
      { label: 'A', order: 1, population: 1, value: 8 },
      { label: 'B', order: 2, population: 3, value: 4 },
    ]);
    expect(two?.sii).toBeCloseTo(-8, 12);
    expect(two?.rii).toBeCloseTo(-1.6, 12);

    // Populations 1, 2, 1: ranks 0.125, 0.5, 0.875 (weighted mean rank 0.5); values 10, 4, 6, weighted mean 6.
    // Sxy = 1(−0.375)(4) + 2(0)(−2) + 1(0.375)(0) = −1.5; Sxx = 2 × 0.140625 = 0.28125; SII = −16/3; RII = −8/9.
    const three = inequality([
      { label: 'C', order: 3, population: 1, value: 6 },
      { label: 'A', order: 1, population: 1, value: 10 },
      { label: 'B', order: 2, population: 2, value: 4 },
    ]);
    expect(three?.sii).toBeCloseTo(-16 / 3, 12);
    expect(three?.rii).toBeCloseTo(-8 / 9, 12);
    expect(three).toMatchObject({ absoluteGap: 4, mostDeprived: 'A', leastDeprived: 'C' });
  });

  it('leaves out empty groups and needs two groups with people in them', () => {
    expect(inequality([])).toBeNull();
    expect(inequality([{ label: 'Q1', order: 1, population: 0, value: 5 }, { label: 'Q3', order: 3, population: 5, value: 2 }])).toBeNull();
    const r = inequality([
      { label: 'Q1', order: 1, population: 0, value: 99 },
      { label: 'Q2', order: 2, population: 10, value: 6 },
      { label: 'Q4', order: 4, population: 10, value: 3 },
    ]);
    expect(r).toMatchObject({ mostDeprived: 'Q2', leastDeprived: 'Q4', absoluteGap: 3, relativeGap: 2 });
  });

  it('defines the undefined ratios: no gap when both are 0, NaN when only the least deprived is 0', () => {
    const at = (most: number, least: number) =>
      inequality([
        { label: 'Q1', order: 1, population: 1, value: most },
        { label: 'Q5', order: 5, population: 1, value: least },
      ]);
    expect(at(0, 0)?.relativeGap).toBe(1);
    expect(at(0, 0)?.sii).toBe(0);
    expect(at(0, 0)?.rii).toBeNaN();
    expect(at(4, 0)?.relativeGap).toBeNaN();
    expect(at(-2, 2)?.rii).toBeNaN(); // weighted mean 0
  });
});
