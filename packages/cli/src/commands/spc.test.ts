/**
 * `kindred spc FILE`, run in-process as the command line runs it: the JSON it prints for a CSV
 * series, its options, and the errors (bad data exits 1 naming the line; bad options exit 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as run } from '../testing/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'kindred-cli-spc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csv(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
/** 10, 12 alternating for 14 days (mean 11, AMR 2, limits 5.68 to 16.32), with extra columns around. */
const ALTERNATING = csv('alternating.csv', `site,value,"date",note\n${Array.from({ length: 14 }, (_, i) => `a,${i % 2 === 0 ? 10 : 12},${day(i)},"x, ""y"""`).join('\n')}\n`);

interface Output { points: Record<string, unknown>[]; variationIcon: string | null; assuranceIcon: string | null }

describe('kindred spc', () => {
  it('prints the points with exactly date, value, mean, lpl, upl and pointType, unrounded, and the icons', async () => {
    const result = await run(['spc', ALTERNATING, '--improvement', 'increase', '--target', '5']);
    expect(result).toMatchObject({ code: 0, err: '' });
    const out = JSON.parse(result.out) as Output;
    expect(Object.keys(out)).toEqual(['points', 'variationIcon', 'assuranceIcon']);
    expect(out.points).toHaveLength(14);
    expect(Object.keys(out.points[0] ?? {})).toEqual(['date', 'value', 'mean', 'lpl', 'upl', 'pointType']);
    expect(out.points[1]).toEqual({ date: '2024-01-02', value: 12, mean: 11, lpl: 11 - 2.66 * 2, upl: 11 + 2.66 * 2, pointType: 'common_cause' });
    expect(out.variationIcon).toBe('common_cause');
    expect(out.assuranceIcon).toBe('consistent_pass');
  });

  it('rebases, fixes limits, turns screening off, and warns of short segments on stderr', async () => {
    // Then 20 and 2 with limits fixed from the first 14 points: 20 is above 16.32 and 2 below 5.68.
    const rows = [...Array.from({ length: 14 }, (_, i) => `${day(i)},${i % 2 === 0 ? 10 : 12}`), `${day(14)},20`, `${day(15)},2`];
    const file = csv('spike.csv', `date,value\n${rows.join('\n')}\n`);
    const fixed = JSON.parse((await run(['spc', file, '--fix-after', '14', '--improvement', 'decrease'])).out) as Output;
    expect(fixed.points.slice(14).map((p) => p.pointType)).toEqual(['special_cause_concern', 'special_cause_improvement']);
    expect(fixed.variationIcon).toBe('special_cause_improvement');

    // Mean (70 + 84 + 20 + 2)/16 = 11. Moving ranges 2 ×13, 8, 18: sum 52 over 15, AMR 3.4667;
    // 3.267 × 3.4667 = 11.33 screens the 18, leaving 34 over 14.
    const screened = JSON.parse((await run(['spc', file])).out) as Output;
    const unscreened = JSON.parse((await run(['spc', file, '--no-screen'])).out) as Output;
    const mean = 11;
    expect(screened.points[0]?.upl).toBeCloseTo(mean + 2.66 * (34 / 14), 10);
    expect(unscreened.points[0]?.upl).toBeCloseTo(mean + 2.66 * (52 / 15), 10);

    const rebased = await run(['spc', file, '--rebase', day(8), '--rebase', day(12)]);
    expect(rebased.code).toBe(0);
    const out = JSON.parse(rebased.out) as Output;
    expect(out.points[0]?.mean).toBe(11);
    expect(out.points[8]?.mean).toBe(11);
    expect(out.points[12]?.mean).toBe((10 + 12 + 20 + 2) / 4);
    expect(rebased.err).toMatch(/^Warning: Segment 1 \(2024-01-01 to 2024-01-08\) has only 8 points;/m);
    expect(rebased.err).toMatch(/^Warning: Segment 3 \(2024-01-13 to 2024-01-16\) has only 4 points;/m);
  });

  it('names the line of bad data and exits 1', async () => {
    const cases: [string, string, RegExp][] = [
      ['value.csv', 'date,value\n2024-01-01,1\n2024-01-02,abc\n', /line 3: value "abc" is not a number/],
      ['empty.csv', 'date,value\n2024-01-01,1\n2024-01-02,\n', /line 3: the value is empty/],
      ['order.csv', 'date,value\n2024-01-02,1\n2024-01-01,2\n', /line 3: date 2024-01-01 comes before 2024-01-02/],
      ['quoted.csv', 'date,value\n2024-01-01,1\n"a\nb",x\n', /line 3: date "a\nb" is not a date/],
      ['dup.csv', 'date,value\n2024-01-01,1\n2024-01-02,2\n2024-01-02,3\n', /line 4: date 2024-01-02 appears twice/],
      ['baddate.csv', 'date,value\n2024-13-01,1\n', /line 2: date "2024-13-01" is not a date in the form YYYY-MM-DD/],
      ['columns.csv', 'when,amount\n2024-01-01,1\n', /line 1: the header has no date or value column/],
    ];
    for (const [name, text, message] of cases) {
      const result = await run(['spc', csv(name, text)]);
      expect(result.code, name).toBe(1);
      expect(result.err, name).toMatch(message);
      expect(result.out, name).toBe('');
    }
    const missing = await run(['spc', join(dir, 'missing.csv')]);
    expect(missing).toMatchObject({ code: 1, err: expect.stringMatching(/Cannot read ".*missing\.csv": there is no such file/) as string });
  });

  it('usage mistakes exit 2', async () => {
    for (const args of [[], [ALTERNATING, '--improvement', 'up'], [ALTERNATING, '--target', 'ten'], [ALTERNATING, '--fix-after', '1'], [ALTERNATING, '--rebase', 'May'], [ALTERNATING, '--colour'], [ALTERNATING, ALTERNATING]]) {
      expect((await run(['spc', ...args])).code, args.join(' ')).toBe(2);
    }
  });
});
