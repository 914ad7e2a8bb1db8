/**
 * The measure page's options as read from its GET form, and the words the pages use: dates as
 * people write them, errors that say what to fix beside their fields with what was typed, and
 * values written with their units.
 */
import { describe, expect, it } from 'vitest';
import { dayOf, optionsQuery, parseMeasureOptions } from './insight-options.ts';
import { assuranceWords, valueText, variationWords } from './insight-words.ts';

const context = { defaultOrg: 'Organization/gp-north', organisations: ['Organization/gp-north', 'Organization/gp-south'], strata: ['imd-quintile', 'sex'] };

describe('dayOf', () => {
  it('reads UK and ISO dates, and only real ones', () => {
    expect(dayOf('2/3/2026')).toBe('2026-03-02');
    expect(dayOf('2026-3-2')).toBe('2026-03-02');
    expect(dayOf('31/2/2026')).toBeUndefined();
    expect(dayOf('2026-02-30')).toBeUndefined();
    expect(dayOf('soon')).toBeUndefined();
  });
});

describe('parseMeasureOptions', () => {
  it('defaults to the viewer\'s organisation, screening on, no rebase and no breakdown', () => {
    expect(parseMeasureOptions({}, context)).toMatchObject({ ok: true, options: { organisation: 'Organization/gp-north', rebase: [], screen: true } });
    const area = parseMeasureOptions({ org: 'area' }, context);
    expect(area).toMatchObject({ ok: true, options: { rebase: [], screen: true } });
    expect(area.ok ? area.options.organisation : 'not read').toBeUndefined();
  });

  it('joins typed rebase dates and chosen change dates, sorted and once each', () => {
    const parsed = parseMeasureOptions({ rebase: '1/4/2026, 2026-03-02', change: ['2026-03-02', '2026-01-05'], fixAfter: '12', noScreen: '1', stratum: 'sex' }, context);
    expect(parsed).toMatchObject({ ok: true, options: { rebase: ['2026-01-05', '2026-03-02', '2026-04-01'], fixAfter: 12, screen: false, stratum: 'sex' } });
    expect(optionsQuery(parsed.fields)).toBe('org=Organization%2Fgp-north&rebase=1%2F4%2F2026%2C+2026-03-02&change=2026-03-02&change=2026-01-05&fixAfter=12&noScreen=1&stratum=sex');
  });

  it('says what to fix beside each field, keeping what was typed', () => {
    const parsed = parseMeasureOptions({ org: 'Organization/elsewhere', rebase: '31/2/2026 tomorrow', fixAfter: '1', stratum: 'height' }, context);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.errors.map((e) => e.field)).toEqual(['org', 'rebase', 'fixAfter', 'stratum']);
    expect(parsed.ok ? '' : parsed.errors[1]?.message).toBe('Enter each rebase date as a real date, for example 1/3/2026 or 2026-03-01 ("31/2/2026", "tomorrow" are not dates)');
    expect(parsed.fields).toMatchObject({ org: 'Organization/elsewhere', rebase: '31/2/2026 tomorrow', fixAfter: '1', stratum: 'height' });
  });
});

describe('the words', () => {
  it('writes values with their units', () => {
    expect(valueText(33.333, '%')).toBe('33.3%');
    expect(valueText(14, 'hours')).toBe('14 hours');
    expect(valueText(1234.5, 'minutes')).toBe('1,235 minutes');
    expect(valueText(null, '%')).toBe('No data');
  });

  it('says what the icons mean', () => {
    expect(variationWords('special_cause_improvement')).toBe('Special cause improvement');
    expect(variationWords(null)).toBe('No variation icon: fewer than 13 points');
    expect(assuranceWords('inconsistent', true)).toBe('Hits and misses the target by chance');
    expect(assuranceWords(null, false)).toBe('No target set, so no assurance icon');
  });
});
