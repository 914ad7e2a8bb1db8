/**
 * The people pages' HTML: results with the person's key needs, and the access needs form again
 * after a refused save (errors, what was typed, and a clear word when someone else saved first).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCESS_NEEDS, parseAccessNeedsForm, withAccessNeeds } from '@kindred/care';
import type { StoredResource } from '@kindred/fhir';
import { renderNeedsPage } from './people-needs-page.ts';
import { renderPeopleSearchPage } from './people-search-page.ts';

const patient = (id: string, family: string, extra: Record<string, unknown> = {}): StoredResource =>
  ({
    resourceType: 'Patient',
    id,
    meta: { versionId: '3', lastUpdated: '2026-11-20T10:00:00Z' },
    name: [{ given: ['Ann'], family }],
    birthDate: '1950-02-03',
    identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' }],
    address: [{ use: 'home', line: ['1 High Street'], postalCode: 'LS1 1AA' }],
    ...extra,
  });

const now = Date.parse('2026-11-21T12:00:00Z');

describe('people pages', () => {
  it('lists the people found with their NHS number, age and key needs, escaping names', () => {
    const ann = withAccessNeeds(patient('ann', 'Smith'), { ...DEFAULT_ACCESS_NEEDS, language: 'pl', interpreterRequired: true }) as StoredResource;
    const page = renderPeopleSearchPage('smith', { results: { described: '“smith”', people: [ann, patient('x', '<b>Evil</b>')], nextHref: '/app/staff/people?q=smith&cursor=abc' } }, now);
    expect(page.title).toBe('People found for “smith”');
    const main = page.main.value;
    expect(main).toContain('<a href="/app/staff/people/ann">Ann Smith</a>');
    expect(main).toContain('943 476 5919');
    expect(main).toContain('3 February 1950 (76)');
    expect(main).toContain('Needs a Polish interpreter');
    expect(main).toContain('&lt;b&gt;Evil&lt;/b&gt;');
    expect(main).toContain('href="/app/staff/people?q=smith&amp;cursor=abc"');
    expect(main).toMatch(/<caption[^>]*>People found for “smith”<\/caption>/);
  });

  it('says what to fix when the search cannot run, keeping what was typed', () => {
    const page = renderPeopleSearchPage('31/2/1950', { error: 'Enter a real date of birth, for example 3/2/1950' }, now);
    expect(page.errors).toEqual([{ field: 'q', message: 'Enter a real date of birth, for example 3/2/1950' }]);
    expect(page.main.value).toContain('value="31/2/1950"');
  });

  it('shows the needs form again with errors and what was typed', () => {
    const typed = { preferredChannels: 'email', noInternet: 'yes', language: 'pl', version: '3' };
    const parsed = parseAccessNeedsForm(typed);
    const errors = 'errors' in parsed ? parsed.errors : [];
    const page = renderNeedsPage({ patient: patient('ann', 'Smith'), needs: DEFAULT_ACCESS_NEEDS, carers: [], errors, typed, csrf: 'token-1' });
    expect(page.title).toBe('Access needs of Ann Smith');
    expect(page.errors?.map((e) => e.field)).toEqual(['preferredChannels', 'safeToContactAtHome']);
    const main = page.main.value;
    expect(main).toContain('<input type="hidden" name="csrf" value="token-1">');
    expect(main).toContain('<input type="hidden" name="version" value="3">');
    expect(main).toMatch(/value="email" checked/);
    expect(main).toContain('action="/app/staff/people/ann/needs" method="post"');
  });

  it('after someone else saved first: says so, shows what is recorded now, and carries the new version', () => {
    const recorded = withAccessNeeds(patient('ann', 'Smith', { meta: { versionId: '4', lastUpdated: '2026-11-21T11:00:00Z' } }), { ...DEFAULT_ACCESS_NEEDS, largePrint: true }) as StoredResource;
    const page = renderNeedsPage({
      patient: recorded,
      needs: { ...DEFAULT_ACCESS_NEEDS, largePrint: true },
      carers: [],
      errors: [{ field: 'changed-meanwhile', message: 'Someone else changed their details while you were editing. Check what is recorded now, then save again' }],
      typed: { easyRead: 'yes', safeToContactAtHome: 'yes' },
      changedMeanwhile: true,
      csrf: 't',
    });
    const main = page.main.value;
    expect(main).toContain('id="changed-meanwhile"');
    expect(main).toContain('Someone else changed their details while you were editing');
    expect(main).toContain('<li>Needs large print</li>');
    expect(main).toContain('name="version" value="4"');
    expect(main).toMatch(/id="easyRead" name="easyRead" type="checkbox" value="yes" checked/);
  });
});
