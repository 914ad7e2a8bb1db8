/**
 * What the staff's people pages share: the page content type, a person's name and home address,
 * FHIR element helpers, page links for cursor paging, and template names in words. Pure.
 * The pages themselves: people-search-page.ts, people-person-page.ts, people-needs-page.ts.
 */
import { nameOf } from '@kindred/care';
import type { Resource } from '@kindred/fhir';
import { html, type SafeHtml } from '../../pages/html.ts';
import type { FieldErrors } from '../components.ts';

export interface PageContent {
  title: string;
  main: SafeHtml;
  errors?: FieldErrors;
}

export const personName = (patient: Resource): string => nameOf(patient) ?? 'Name not recorded';

export interface Address {
  use?: string;
  line?: string[];
  city?: string;
  postalCode?: string;
  period?: { end?: string };
}
export interface ContactPoint {
  system?: string;
  value?: string;
  use?: string;
  period?: { end?: string };
}
export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

export const statusOf = (resource: Resource): string => (typeof resource.status === 'string' ? resource.status : '');
export const listOf = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
export const currentOf = <T extends { use?: string; period?: { end?: string } }>(value: unknown): T[] => listOf<T>(value).filter((x) => x.use !== 'old' && x.period?.end === undefined);

export function homeAddress(patient: Resource): Address | undefined {
  const addresses = currentOf<Address>(patient.address);
  return addresses.find((a) => a.use === 'home') ?? addresses[0];
}

/** "appointment-reminder" → "Appointment reminder" */
export function templateWords(template: string | undefined): string {
  if (template === undefined || template === '') return 'Message';
  const spaced = template.replace(/[-_/]+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** First-page and next-page links (NHS.UK pagination): cursor paging goes forward, and back to the start. */
export function pagination(firstHref: string | undefined, nextHref: string | undefined): SafeHtml {
  if (firstHref === undefined && nextHref === undefined) return html``;
  return html`<nav class="nhsuk-pagination" role="navigation" aria-label="Pagination">
  <ul class="nhsuk-list nhsuk-pagination__list">
    ${firstHref !== undefined ? html`<li class="nhsuk-pagination-item--previous"><a class="nhsuk-pagination__link nhsuk-pagination__link--prev" href="${firstHref}"><span class="nhsuk-pagination__title">First page</span></a></li>` : html``}
    ${nextHref !== undefined ? html`<li class="nhsuk-pagination-item--next"><a class="nhsuk-pagination__link nhsuk-pagination__link--next" href="${nextHref}"><span class="nhsuk-pagination__title">Next page</span></a></li>` : html``}
  </ul>
</nav>`;
}
