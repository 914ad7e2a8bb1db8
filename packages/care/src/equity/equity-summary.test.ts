/** The load and equity sums and the flag rule, in isolation (no record, no database). */
import { describe, expect, it } from 'vitest';
import { MIN_REQUESTS_TO_FLAG, quintileOf, summariseLoadAndEquity, type EquityGroup } from './equity-summary.ts';
import type { RequestFact } from './request-facts.ts';

const fact = (n: number, over: Partial<RequestFact>): RequestFact => ({ taskId: `t${n}`, route: 'online-self', outcome: 'book', ageBand: '40-64', needs: ['none'], ...over });
const PERIOD = { from: '2026-01-01', to: '2026-03-31' };
const group = (groups: readonly EquityGroup[], dimension: string, name: string) => groups.find((g) => g.dimension === dimension && g.group === name);

describe('summariseLoadAndEquity', () => {
  it('quintile = ceil(decile / 2); unknown outside 1–10', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(quintileOf)).toEqual(['1', '1', '2', '2', '3', '3', '4', '4', '5', '5']);
    expect([0, 11, 2.5, undefined].map(quintileOf)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('with no requests: zero totals, null shares, every group listed, nothing flagged', () => {
    const view = summariseLoadAndEquity([], new Map(), PERIOD);
    expect(view).toMatchObject({ period: PERIOD, total: 0, onlineSelfShare: null });
    expect(view.byRoute).toEqual({ 'online-self': 0, 'online-assisted': 0, phone: 0, 'in-person': 0, unrecorded: 0 });
    expect(view.byOutcome).toEqual({ book: 0, reply: 0, 'sign-post': 0, refer: 0, close: 0, open: 0, 'no-outcome': 0 });
    expect(view.groups.map((g) => `${g.dimension}:${g.group}`)).toEqual([
      'age:0-17', 'age:18-39', 'age:40-64', 'age:65-79', 'age:80+', 'age:unknown',
      'imd:1', 'imd:2', 'imd:3', 'imd:4', 'imd:5', 'imd:unknown',
      'need:no-internet', 'need:interpreter', 'need:bsl', 'need:easy-read-or-large-print', 'need:hearing-or-sight-loss', 'need:none', 'need:unknown',
    ]);
    expect(view.groups.every((g) => g.total === 0 && g.onlineSelfShare === null && !g.flagged)).toBe(true);
  });

  it('counts by route and outcome overall and per group; IMD from the deciles; a person under each of their needs', () => {
    const facts = [
      fact(1, { lsoaCode: 'E01000001', route: 'online-self', outcome: 'book' }),
      fact(2, { lsoaCode: 'E01000002', route: 'phone', outcome: 'reply', ageBand: '80+', needs: ['no-internet', 'hearing-or-sight-loss'] }),
      fact(3, { lsoaCode: 'E01999999', route: 'in-person', outcome: 'open', ageBand: '0-17' }),
      fact(4, { route: 'online-assisted', outcome: 'close', needs: ['no-internet', 'no-internet'] }),
    ];
    const input = JSON.stringify(facts);
    const view = summariseLoadAndEquity(facts, new Map([['E01000001', 1], ['E01000002', 10]]), PERIOD);
    expect(JSON.stringify(facts)).toBe(input);
    expect(view.total).toBe(4);
    expect(view.byRoute).toMatchObject({ 'online-self': 1, 'online-assisted': 1, phone: 1, 'in-person': 1, unrecorded: 0 });
    expect(view.byOutcome).toMatchObject({ book: 1, reply: 1, open: 1, close: 1 });
    expect(view.onlineSelfShare).toBe(0.25);
    expect(group(view.groups, 'imd', '1')).toMatchObject({ total: 1, onlineSelfShare: 1 });
    expect(group(view.groups, 'imd', '5')).toMatchObject({ total: 1, byRoute: { phone: 1 }, byOutcome: { reply: 1 }, onlineSelfShare: 0 });
    expect(group(view.groups, 'imd', 'unknown')?.total).toBe(2);
    expect(group(view.groups, 'need', 'no-internet')).toMatchObject({ total: 2, byRoute: { phone: 1, 'online-assisted': 1 } });
    expect(group(view.groups, 'need', 'hearing-or-sight-loss')?.total).toBe(1);
    expect(group(view.groups, 'age', '40-64')?.total).toBe(2);
    // every request is in exactly one age band and one IMD quintile
    for (const dimension of ['age', 'imd']) expect(view.groups.filter((g) => g.dimension === dimension).reduce((n, g) => n + g.total, 0)).toBe(4);
  });

  it('flags a group of at least 10 whose online-self share is below half the overall share, and only such a group', () => {
    // overall 40 of 80 online-self (50%); 80+: 2 of 20 (10%), flagged; 65-79: 6 of 20 (30%), not below 25%;
    // 0-17: 0 of 8, too few to judge; 40-64: 32 of 32.
    const facts: RequestFact[] = [];
    let n = 0;
    const add = (count: number, over: Partial<RequestFact>) => {
      for (let i = 0; i < count; i++) facts.push(fact(n++, over));
    };
    add(2, { ageBand: '80+', route: 'online-self' });
    add(18, { ageBand: '80+', route: 'phone' });
    add(6, { ageBand: '65-79', route: 'online-self' });
    add(14, { ageBand: '65-79', route: 'in-person' });
    add(8, { ageBand: '0-17', route: 'phone' });
    add(32, { ageBand: '40-64', route: 'online-self' });
    expect(facts).toHaveLength(80);
    const view = summariseLoadAndEquity(facts, new Map(), PERIOD);
    expect(view.onlineSelfShare).toBe(0.5);
    expect(group(view.groups, 'age', '80+')).toMatchObject({ total: 20, onlineSelfShare: 0.1, flagged: true });
    expect(group(view.groups, 'age', '65-79')).toMatchObject({ total: 20, onlineSelfShare: 0.3, flagged: false });
    expect(group(view.groups, 'age', '0-17')).toMatchObject({ total: 8, onlineSelfShare: 0, flagged: false });
    expect(MIN_REQUESTS_TO_FLAG).toBe(10);
    expect(view.groups.filter((g) => g.flagged).map((g) => `${g.dimension}:${g.group}`)).toEqual(['age:80+']);
    expect(view.flagRule).toMatch(/at least 10 requests .* below half/);
  });

  it('nothing is flagged when no one used the online-self route at all', () => {
    const facts = Array.from({ length: 20 }, (_, i) => fact(i, { route: 'phone', ageBand: '80+' }));
    expect(summariseLoadAndEquity(facts, new Map(), PERIOD).groups.some((g) => g.flagged)).toBe(false);
  });
});
