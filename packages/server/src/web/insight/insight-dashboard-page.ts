/**
 * The measures dashboard as HTML, for one organisation or the whole area: every measure in the
 * library as a card with its latest value, a small XmR chart, its variation and assurance icons
 * with their meaning in words, and a link to the measure's page. A GET form chooses the
 * organisation. When analytics are off, or the analytics copy of the record has not been refreshed
 * yet, the page says so instead. Only aggregates: never a person.
 *
 * Pure rendering: the computed cards in, the page's title and main content out.
 */
import { html, type SafeHtml } from '../../pages/html.ts';
import { button, form, insetText, select, type ChoiceItem, type FieldErrors } from '../components.ts';
import { markup } from './insight-measure-page.ts';
import { assuranceWords, dayWords, valueText, variationWords } from './insight-words.ts';

export interface MeasureCard {
  id: string;
  title: string;
  unit?: string;
  hasTarget: boolean;
  /** the latest period's start and value, when there is data */
  latest?: { date: string; value: number };
  /** the small chart (SVG), when there are points */
  chartSvg?: string;
  variationIcon: string | null;
  assuranceIcon: string | null;
  variationIconSvg?: string;
  assuranceIconSvg?: string;
  href: string;
  /** why there is no figure, when the measure cannot be worked out */
  problem?: string;
}

export type DashboardState =
  | { kind: 'off' }
  | { kind: 'not-refreshed' }
  | { kind: 'ready'; refreshedAt: string; cards: readonly MeasureCard[] };

export interface DashboardView {
  placeName: string;
  organisations: readonly ChoiceItem[];
  org: string;
  errors: FieldErrors;
  state: DashboardState;
}

function card(c: MeasureCard): SafeHtml {
  return html`<li class="nhsuk-grid-column-one-half nhsuk-card-group__item">
  <div class="nhsuk-card nhsuk-card--clickable app-insight-card">
    <div class="nhsuk-card__content">
      <h2 class="nhsuk-card__heading nhsuk-heading-m"><a class="nhsuk-card__link" href="${c.href}">${c.title}</a></h2>
      <p class="nhsuk-card__description">${c.problem !== undefined ? c.problem : c.latest !== undefined ? html`Latest: <strong>${valueText(c.latest.value, c.unit)}</strong> (period starting ${dayWords(c.latest.date)})` : 'No data yet'}</p>
      ${c.chartSvg !== undefined ? html`<div class="app-insight-card__chart">${markup(c.chartSvg)}</div>` : html``}
      ${c.latest !== undefined
        ? html`<ul class="nhsuk-list nhsuk-body-s app-insight-card__icons">
        <li>${c.variationIconSvg !== undefined ? html`<span class="app-insight-icon" aria-hidden="true">${markup(c.variationIconSvg)}</span> ` : html``}${variationWords(c.variationIcon)}</li>
        <li>${c.assuranceIconSvg !== undefined ? html`<span class="app-insight-icon" aria-hidden="true">${markup(c.assuranceIconSvg)}</span> ` : html``}${assuranceWords(c.assuranceIcon, c.hasTarget)}</li>
      </ul>`
        : html``}
    </div>
  </div>
</li>`;
}

function organisationForm(view: DashboardView): SafeHtml {
  return form('/app/staff/insight', '', html`${select({ id: 'org', label: 'Organisation', items: view.organisations, value: view.org, errors: view.errors })}${button('Show this organisation', { secondary: true })}`, { method: 'get' });
}

export function renderDashboardContent(view: DashboardView): { title: string; main: SafeHtml } {
  const title = `Measures – ${view.placeName}`;
  const state = view.state;
  const heading = html`<h1>Measures</h1><p class="nhsuk-lede-text">${view.placeName}</p>`;
  if (state.kind === 'off') {
    return {
      title,
      main: html`${heading}${insetText('Analytics are turned off on this Kindred server, so there are no measures to show. The people who run Kindred in your area can turn them on.')}`,
    };
  }
  if (state.kind === 'not-refreshed') {
    return {
      title,
      main: html`${heading}${insetText('The analytics copy of the record has not been refreshed yet, so there are no measures to show. It is refreshed in the background; try again later, or ask the people who run Kindred in your area.')}`,
    };
  }
  const main = html`${heading}
<p>How each service change is working, from the analytics copy of the record, last refreshed on ${dayWords(state.refreshedAt)} at ${state.refreshedAt.slice(11, 16)} (UTC). The charts are statistical process control (XmR) charts, as in NHS England's "Making Data Count". Choose a measure to see its chart, its data and who it works for.</p>
${organisationForm(view)}
<ul class="nhsuk-grid-row nhsuk-card-group">
${state.cards.map(card)}
</ul>`;
  return { title, main };
}
