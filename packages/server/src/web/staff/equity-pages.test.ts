/**
 * The load and equity page: the period read from the query (defaults, UK days, errors that say
 * what to fix), and the page from the care service's summary: flagged groups in words first, a
 * chart with a text alternative, tables with captions and scope, and nothing unescaped.
 */
import { describe, expect, it } from 'vitest';
import { summariseLoadAndEquity, type RequestFact } from '@kindred/care';
import { equityPeriodOf, londonDay } from './equity-period.ts';
import { flaggedSentence, renderEquityPage, shareChart } from './equity-pages.ts';

const now = Date.parse('2026-11-21T23:30:00Z'); // already 21 November in London (GMT)

describe('equityPeriodOf', () => {
  it('defaults to the last 90 days, in UK days', () => {
    expect(londonDay(Date.parse('2026-07-01T23:30:00Z'))).toBe('2026-07-02');
    expect(equityPeriodOf({}, now)).toEqual({ from: '2026-08-23', to: '2026-11-21' });
  });

  it('reads dates as people write them', () => {
    expect(equityPeriodOf({ from: '1/9/2026', to: '2026-09-30' }, now)).toEqual({ from: '2026-09-01', to: '2026-09-30' });
  });

  it('says what to fix, keeping what was typed', () => {
    expect(equityPeriodOf({ from: '31/2/2026', to: 'soon' }, now)).toEqual({
      errors: [
        { field: 'to', message: 'Enter a real date for the end of the period, for example 1/9/2026' },
        { field: 'from', message: 'Enter a real date for the start of the period, for example 1/9/2026' },
      ],
      typed: { from: '31/2/2026', to: 'soon' },
    });
    expect(equityPeriodOf({ from: '1/10/2026', to: '1/9/2026' }, now)).toMatchObject({ errors: [{ field: 'to', message: 'The end of the period must be the same as or after the start' }] });
    expect(equityPeriodOf({ from: '1/1/2027' }, now)).toMatchObject({ errors: [{ field: 'from', message: 'The start of the period must be today or in the past' }] });
    expect(equityPeriodOf({ from: '1/1/2020' }, now)).toMatchObject({ errors: [{ field: 'from', message: 'The period must be 3 years or shorter' }] });
  });
});

function facts(): RequestFact[] {
  const out: RequestFact[] = [];
  let n = 0;
  const add = (times: number, fact: Omit<RequestFact, 'taskId'>): void => {
    for (let i = 0; i < times; i++) out.push({ taskId: `t${n++}`, ...fact });
  };
  add(40, { route: 'online-self', outcome: 'book', ageBand: '18-39', lsoaCode: 'E01000001', needs: ['none'] });
  add(20, { route: 'phone', outcome: 'reply', ageBand: '40-64', lsoaCode: 'E01000001', needs: ['none'] });
  add(2, { route: 'online-self', outcome: 'open', ageBand: '80+', needs: ['no-internet'] });
  add(18, { route: 'phone', outcome: 'book', ageBand: '80+', needs: ['no-internet'] });
  return out;
}

describe('renderEquityPage', () => {
  const view = summariseLoadAndEquity(facts(), new Map([['E01000001', 2]]), { from: '2026-08-23', to: '2026-11-21' });
  const page = renderEquityPage({ organisationName: 'North <Street> Surgery', organisations: [], organisationId: 'gp-north', fields: { from: '23/8/2026', to: '21/11/2026' }, errors: [], view });
  const main = page.main.value;

  it('calls out the groups who use the online route much less, in plain English, first', () => {
    const over80 = view.groups.find((g) => g.dimension === 'age' && g.group === '80+');
    expect(over80?.flagged).toBe(true);
    expect(flaggedSentence(over80!, view.onlineSelfShare)).toBe('People aged 80 and over use the online route much less: 10% against 53% overall (20 requests).');
    expect(main).toContain('People aged 80 and over use the online route much less: 10% against 53% overall (20 requests).');
    expect(main).toContain('People with no internet use the online route much less');
    expect(main.indexOf('Who is not using the online route')).toBeLessThan(main.indexOf('Requests by route'));
  });

  it('shows totals by route and outcome, and a table per dimension with captions and scope', () => {
    expect(page.title).toBe('Who uses which route – North <Street> Surgery');
    expect(main).toContain('North &lt;Street&gt; Surgery: 80 requests from 23 August 2026 to 21 November 2026. 53% were made online by the person themselves.');
    expect(main).toMatch(/<caption[^>]*>Requests by route, by age<\/caption>/);
    expect(main).toMatch(/<caption[^>]*>Requests by route, by deprivation of where people live<\/caption>/);
    expect(main).toMatch(/<caption[^>]*>Requests by route, by access need<\/caption>/);
    expect(main).toContain('<th scope="col" class="nhsuk-table__header">Share online by themself</th>');
    expect(main).toContain('1 (most deprived)');
    expect(main).toContain('Much lower');
    expect(main).not.toContain('<script');
    expect(main).not.toContain('style=');
  });

  it('draws a chart with a text alternative for each dimension', () => {
    expect(main.match(/<svg class="app-equity-chart" role="img" aria-label="/g)).toHaveLength(3);
    const chart = shareChart('Share online, by age', view.groups.filter((g) => g.dimension === 'age'), view.onlineSelfShare).value;
    expect(chart).toContain('aria-label="Share online, by age: 0 to 17 No requests; 18 to 39 100%; 40 to 64 0% (much lower); 65 to 79 No requests; 80 and over 10% (much lower); Age not recorded No requests. Overall 53%."');
  });

  it('with an error: the form again, no figures', () => {
    const refused = renderEquityPage({ organisationName: 'North', organisations: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }], organisationId: 'b', fields: { from: 'soon', to: '' }, errors: [{ field: 'from', message: 'Enter a real date' }] });
    expect(refused.errors).toHaveLength(1);
    expect(refused.main.value).toContain('value="soon"');
    expect(refused.main.value).toContain('<option value="b" selected>B</option>');
    expect(refused.main.value).not.toContain('<svg');
  });

  it('stays light', () => {
    expect(Buffer.byteLength(main)).toBeLessThan(60_000);
  });
});
