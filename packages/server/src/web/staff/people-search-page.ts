/**
 * The "Find a person" page as HTML: the search box (what was typed kept, its error beside it) and
 * the people found with their NHS number, date of birth and age, postcode and key access needs,
 * paged. Pure rendering.
 */
import { accessNeedsSummary, readAccessNeeds } from '@kindred/care';
import type { StoredResource } from '@kindred/fhir';
import { html } from '../../pages/html.ts';
import { button, form, table, textInput, type FieldErrors } from '../components.ts';
import { formatCalendarDate } from './people-format.ts';
import { homeAddress, pagination, personName, type PageContent } from './people-pages.ts';
import { ageOn, nhsNumberOf } from './staff-format.ts';

export interface PeopleResults {
  described: string;
  people: readonly StoredResource[];
  /** the link to the next page, when there is one */
  nextHref?: string;
  /** the link back to the first page, when this is a later one */
  firstHref?: string;
}

export function renderPeopleSearchPage(query: string, outcome: { results?: PeopleResults; error?: string }, now: number): PageContent {
  const errors: FieldErrors = outcome.error !== undefined ? [{ field: 'q', message: outcome.error }] : [];
  const results = outcome.results;
  const rows = (results?.people ?? []).map((p) => {
    const age = ageOn(typeof p.birthDate === 'string' ? p.birthDate : undefined, now);
    const needs = accessNeedsSummary(readAccessNeeds(p)).filter((line) => !line.startsWith('How they like to be contacted'));
    return [
      html`<a href="/app/staff/people/${p.id}">${personName(p)}</a>`,
      nhsNumberOf(p) ?? 'Not recorded',
      typeof p.birthDate === 'string' ? `${formatCalendarDate(p.birthDate)}${age !== undefined ? ` (${age})` : ''}` : 'Not recorded',
      homeAddress(p)?.postalCode ?? '',
      needs.slice(0, 2).join('. '),
    ];
  });
  const found =
    results === undefined
      ? html``
      : rows.length === 0
        ? html`<p>No one found for ${results.described}. Check what you typed, or search by NHS number or date of birth.</p>`
        : html`${table(`People found for ${results.described}`, ['Name', 'NHS number', 'Date of birth', 'Postcode', 'Needs'], rows)}${pagination(results.firstHref, results.nextHref)}`;
  const main = html`<h1>Find a person</h1>
${form(
  '/app/staff/people',
  '',
  html`${textInput({ id: 'q', label: 'Name, NHS number or date of birth', hint: 'For example, Ann Smith, 943 476 5919 or 3/2/1950', value: query, errors, type: 'search', width: 20, autocomplete: 'off' })}${button('Search', { secondary: true })}`,
  { method: 'get' },
)}
${found}`;
  return { title: results !== undefined && rows.length > 0 ? `People found for ${results.described}` : 'Find a person', main, errors };
}

/** First-page and next-page links (NHS.UK pagination): cursor paging goes forward, and back to the start. */
