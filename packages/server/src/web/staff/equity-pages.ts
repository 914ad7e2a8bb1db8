/**
 * The load and equity page as HTML (issue 4, "Triage and booking": "so a practice can see who is
 * not using the online route"): requests by route and outcome, then for each dimension (age band,
 * IMD quintile, access need) a plain bar chart of the share made online by the person themselves
 * and a table of counts per route, which is the chart's data. Groups that use the online route
 * much less are called out in words first. The chart is inline SVG with a text alternative
 * (role="img", aria-label), no script and no style attribute.
 *
 * Pure rendering: the care service's LoadAndEquity in, the page's title and main content out.
 */
import { EQUITY_OUTCOMES, EQUITY_ROUTES, type EquityDimension, type EquityGroup, type EquityOutcome, type EquityRoute, type LoadAndEquity } from '@kindred/care';
import { html, type SafeHtml } from '../../pages/html.ts';
import { button, form, insetText, select, table, tag, textInput, warningCallout, type FieldErrors } from '../components.ts';
import { formatCalendarDate } from './people-format.ts';
import type { PageContent } from './people-pages.ts';
import { ROUTE_WORDS } from '../shared/request-words.ts';

const EQUITY_ROUTE_WORDS: Readonly<Record<EquityRoute, string>> = { ...ROUTE_WORDS, unrecorded: 'Not recorded' };

const OUTCOME_WORDS: Readonly<Record<EquityOutcome, string>> = {
  book: 'Booked an appointment',
  reply: 'Replied',
  'sign-post': 'Sign-posted elsewhere',
  refer: 'Referred',
  close: 'Closed',
  open: 'Still open',
  'no-outcome': 'Finished with no outcome recorded',
};

const DIMENSIONS: readonly { dimension: EquityDimension; heading: string; hint: string }[] = [
  { dimension: 'age', heading: 'By age', hint: 'Age on the day of the request.' },
  {
    dimension: 'imd',
    heading: 'By deprivation of where people live',
    hint: 'The Index of Multiple Deprivation (IMD) of the area of their home address, in fifths: 1 is the most deprived fifth of areas in England, 5 the least.',
  },
  { dimension: 'need', heading: 'By access need', hint: 'A person with more than one need counts under each of them.' },
];

/** The group's name in a table or chart. */
export function groupLabel(group: EquityGroup): string {
  const g = group.group;
  if (group.dimension === 'age') return g === 'unknown' ? 'Age not recorded' : g === '80+' ? '80 and over' : g.replace('-', ' to ');
  if (group.dimension === 'imd') return g === 'unknown' ? 'Area not known' : g === '1' ? '1 (most deprived)' : g === '5' ? '5 (least deprived)' : g;
  const needs: Readonly<Record<string, string>> = {
    'no-internet': 'No internet',
    interpreter: 'Needs an interpreter',
    bsl: 'Uses BSL',
    'easy-read-or-large-print': 'Easy read or large print',
    'hearing-or-sight-loss': 'Hearing or sight loss',
    none: 'No access needs recorded',
    unknown: 'Record could not be read',
  };
  return needs[g] ?? g;
}

/** Who the group is, as the subject of a sentence: "People aged 80 and over". */
export function groupPeople(group: EquityGroup): string {
  const g = group.group;
  if (group.dimension === 'age') return g === '80+' ? 'People aged 80 and over' : g === '0-17' ? 'Children and young people (0 to 17)' : g === 'unknown' ? 'People whose age is not recorded' : `People aged ${g.replace('-', ' to ')}`;
  if (group.dimension === 'imd') {
    if (g === 'unknown') return 'People whose area is not known';
    if (g === '1') return 'People in the most deprived areas (IMD fifth 1)';
    if (g === '5') return 'People in the least deprived areas (IMD fifth 5)';
    return `People in IMD fifth ${g}`;
  }
  const needs: Readonly<Record<string, string>> = {
    'no-internet': 'People with no internet',
    interpreter: 'People who need an interpreter',
    bsl: 'People who use BSL',
    'easy-read-or-large-print': 'People who need easy read or large print',
    'hearing-or-sight-loss': 'People with hearing or sight loss',
    none: 'People with no access needs recorded',
    unknown: 'People whose record could not be read',
  };
  return needs[g] ?? g;
}

export const percent = (share: number | null): string => (share === null ? 'No requests' : `${Math.round(share * 100)}%`);
const count = (n: number): string => n.toLocaleString('en-GB');

/** "People aged 80 and over use the online route much less: 12% against 48% overall (45 requests)." */
export function flaggedSentence(group: EquityGroup, overall: number | null): string {
  return `${groupPeople(group)} use the online route much less: ${percent(group.onlineSelfShare)} against ${percent(overall)} overall (${count(group.total)} requests).`;
}

const BAR_HEIGHT = 22;
const GAP = 8;
const LABEL_WIDTH = 200;
const BAR_WIDTH = 360;

/**
 * A horizontal bar per group: the share made online by the person themselves, with the
 * practice's overall share as a line. The table below it holds the same numbers.
 */
export function shareChart(title: string, groups: readonly EquityGroup[], overall: number | null): SafeHtml {
  const height = groups.length * (BAR_HEIGHT + GAP) + GAP + 18;
  const width = LABEL_WIDTH + BAR_WIDTH + 60;
  const label = `${title}: ${groups.map((g) => `${groupLabel(g)} ${percent(g.onlineSelfShare)}${g.flagged ? ' (much lower)' : ''}`).join('; ')}. Overall ${percent(overall)}.`;
  const overallX = overall === null ? undefined : LABEL_WIDTH + Math.round(overall * BAR_WIDTH);
  return html`<svg class="app-equity-chart" role="img" aria-label="${label}" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" font-family="Frutiger W01, Arial, sans-serif" font-size="14">
  ${groups.map((g, i) => {
    const y = GAP + i * (BAR_HEIGHT + GAP);
    const barWidth = g.onlineSelfShare === null ? 0 : Math.max(1, Math.round(g.onlineSelfShare * BAR_WIDTH));
    return html`<text x="${LABEL_WIDTH - 8}" y="${y + 16}" text-anchor="end" fill="#212b32">${groupLabel(g)}</text>
  <rect x="${LABEL_WIDTH}" y="${y}" width="${BAR_WIDTH}" height="${BAR_HEIGHT}" fill="#f0f4f5"></rect>
  <rect x="${LABEL_WIDTH}" y="${y}" width="${barWidth}" height="${BAR_HEIGHT}" fill="${g.flagged ? '#d5281b' : '#005eb8'}"></rect>
  <text x="${LABEL_WIDTH + barWidth + 6}" y="${y + 16}" fill="#212b32">${percent(g.onlineSelfShare)}</text>`;
  })}
  ${overallX !== undefined
    ? html`<line x1="${overallX}" y1="0" x2="${overallX}" y2="${height - 18}" stroke="#212b32" stroke-width="2" stroke-dasharray="4 3"></line>
  <text x="${overallX}" y="${height - 4}" text-anchor="middle" fill="#212b32">Overall ${percent(overall)}</text>`
    : html``}
</svg>`;
}

function groupTable(caption: string, groups: readonly EquityGroup[]): SafeHtml {
  const routes = EQUITY_ROUTES.filter((r) => r !== 'unrecorded' || groups.some((g) => g.byRoute.unrecorded > 0));
  const rows = groups.map((g) => [
    groupLabel(g),
    ...routes.map((r) => count(g.byRoute[r])),
    count(g.total),
    html`${percent(g.onlineSelfShare)}${g.flagged ? html` ${tag('Much lower', 'red')}` : html``}`,
  ]);
  return table(caption, ['Group', ...routes.map((r) => EQUITY_ROUTE_WORDS[r]), 'All requests', 'Share online by themself'], rows);
}

export interface EquityPageInput {
  organisationName: string;
  /** the organisations the member of staff may choose from (id, name), when more than one */
  organisations: readonly { id: string; name: string }[];
  organisationId: string;
  /** the fields as shown: what was typed, or the period used */
  fields: { from: string; to: string };
  errors: FieldErrors;
  view?: LoadAndEquity;
}

function periodForm(input: EquityPageInput): SafeHtml {
  return form(
    '/app/staff/equity',
    '',
    html`<div class="app-period-fields">
${input.organisations.length > 1 ? select({ id: 'org', label: 'Practice or service', items: input.organisations.map((o) => ({ value: o.id, text: o.name })), value: input.organisationId }) : html``}
${textInput({ id: 'from', label: 'From', hint: 'For example, 1/9/2026', value: input.fields.from, errors: input.errors, width: 10 })}
${textInput({ id: 'to', label: 'To', hint: 'For example, 30/11/2026', value: input.fields.to, errors: input.errors, width: 10 })}
</div>
${button('Show this period', { secondary: true })}`,
    { method: 'get' },
  );
}

export function renderEquityPage(input: EquityPageInput): PageContent {
  const title = `Who uses which route – ${input.organisationName}`;
  const view = input.view;
  if (view === undefined) {
    return { title, main: html`<h1>Who uses which route</h1><p class="nhsuk-lede-text">${input.organisationName}</p>${periodForm(input)}`, errors: input.errors };
  }
  const period = `${formatCalendarDate(view.period.from.slice(0, 10))} to ${formatCalendarDate(view.period.to.slice(0, 10))}`;
  const flagged = view.groups.filter((g) => g.flagged);
  const routeRows = EQUITY_ROUTES.filter((r) => r !== 'unrecorded' || view.byRoute.unrecorded > 0).map((r) => [EQUITY_ROUTE_WORDS[r], count(view.byRoute[r]), view.total === 0 ? '' : percent(view.byRoute[r] / view.total)]);
  const outcomeRows = EQUITY_OUTCOMES.filter((o) => view.byOutcome[o] > 0 || o !== 'no-outcome').map((o) => [OUTCOME_WORDS[o], count(view.byOutcome[o])]);
  const sections = DIMENSIONS.map(({ dimension, heading, hint }) => {
    const groups = view.groups.filter((g) => g.dimension === dimension);
    return html`<h2>${heading}</h2>
<p class="nhsuk-body-s">${hint}</p>
${shareChart(`Share of requests made online by the person themselves, ${heading.toLowerCase()}`, groups, view.onlineSelfShare)}
${groupTable(`Requests by route, ${heading.toLowerCase()}`, groups)}`;
  });

  const main = html`<h1>Who uses which route</h1>
<p class="nhsuk-lede-text">${input.organisationName}: ${count(view.total)} requests from ${period}.${view.total > 0 ? ` ${percent(view.onlineSelfShare)} were made online by the person themselves.` : ''}</p>
${periodForm(input)}
${view.total === 0
  ? insetText('There were no requests in this period. Choose a longer period.')
  : html`${flagged.length > 0
      ? warningCallout('Who is not using the online route', html`<ul>${flagged.map((g) => html`<li>${flaggedSentence(g, view.onlineSelfShare)}</li>`)}</ul><p>Make sure they can reach you in other ways, and ask them what would help.</p>`)
      : insetText('No group uses the online route much less than everyone else in this period.')}
<p class="nhsuk-body-s">How groups are picked out: ${view.flagRule}.</p>
<h2>Requests by route</h2>
${table('Requests by route', ['Route', 'Requests', 'Share'], routeRows, { captionHidden: true })}
<h2>What came of them</h2>
${table('Requests by outcome', ['Outcome', 'Requests'], outcomeRows, { captionHidden: true })}
${sections}`}`;
  return { title, main, errors: input.errors };
}
