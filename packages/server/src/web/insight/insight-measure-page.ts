/**
 * One measure's page as HTML: what it is and why it matters, the XmR chart with the dates of
 * improvement changes marked, the options form (organisation, rebase dates, fixing the limits,
 * screening, breakdown) that works by GET with no script, the chart's summary in words, its
 * warnings, the icons with their meaning in words, a data table of every point, the CSV download
 * and the breakdown by a group of people. Only aggregates: never a person.
 *
 * Pure rendering: the computed chart in, the page's title and main content out.
 */
import { html, SafeHtml } from '../../pages/html.ts';
import { backLink, button, checkboxes, form, insetText, select, table, textInput, warningCallout, type ChoiceItem, type FieldErrors } from '../components.ts';
import { renderBreakdown, type BreakdownView } from './insight-breakdown.ts';
import type { MeasureFields } from './insight-options.ts';
import { assuranceWords, count, dayWords, improvementWords, POINT_WORDS, round, valueText, variationWords, type Improvement, type PointType } from './insight-words.ts';

export interface MeasureInfo {
  id: string;
  title: string;
  /** why it matters, in plain English */
  description: string;
  unit?: string;
  improvement: Improvement;
  target?: number;
  /** "week", "month" */
  period?: string;
  /** the breakdowns it has: id and name */
  strata: readonly { id: string; label: string }[];
}

export interface PointRow {
  date: string;
  value: number;
  numerator?: number;
  denominator?: number;
  mean: number;
  lpl: number;
  upl: number;
  pointType: string;
}

export interface ChartView {
  /** the SVG chart (from the SPC engine) */
  svg: string;
  /** its summary in words (describeSpc) */
  summary: string;
  variationIcon: string | null;
  assuranceIcon: string | null;
  /** the icons as SVG, when there are icons */
  variationIconSvg?: string;
  assuranceIconSvg?: string;
  warnings: readonly string[];
  points: readonly PointRow[];
}

export interface MeasurePageView {
  measure: MeasureInfo;
  /** the organisation shown, or "the whole area" */
  placeName: string;
  organisations: readonly ChoiceItem[];
  fields: MeasureFields;
  errors: FieldErrors;
  /** the changes of improvement cycles that may be marked and offered as rebase dates */
  changes: readonly { date: string; label: string; cycles?: readonly { label: string; href: string }[] }[];
  chart?: ChartView;
  breakdown?: BreakdownView;
  /** "/app/staff/insight/measures/x.csv?…" */
  csvHref: string;
  dashboardHref: string;
  /** when the analytics copy was last refreshed (ISO), if it has been */
  refreshedAt?: string;
}

const pointWords = (type: string): string => POINT_WORDS[type as PointType] ?? type;

function optionsForm(view: MeasurePageView): SafeHtml {
  const { fields, errors, measure } = view;
  const strata: ChoiceItem[] = [{ value: '', text: 'No breakdown' }, ...measure.strata.map((s) => ({ value: s.id, text: s.label }))];
  return form(
    `/app/staff/insight/measures/${encodeURIComponent(measure.id)}`,
    '',
    html`<h2>Change what the chart shows</h2>
${select({ id: 'org', label: 'Organisation', items: view.organisations, value: fields.org, errors })}
${view.changes.length > 0
  ? checkboxes({
      name: 'change',
      legend: 'Work out the limits again after a change',
      hint: 'The dates when changes from improvement cycles went live. They are marked on the chart.',
      items: view.changes.map((c) => ({ value: c.date, text: `${dayWords(c.date)}: ${c.label}` })),
      value: fields.changes,
      errors,
      small: true,
    })
  : html``}
${textInput({ id: 'rebase', label: 'Other dates after which to work out the limits again (rebase)', hint: 'For example, 1/3/2026. Separate several dates with commas.', value: fields.rebase, errors, width: 20 })}
${textInput({ id: 'fixAfter', label: 'Fix the limits after this many points (optional)', hint: 'The limits are worked out from the first points only and carried on after them.', value: fields.fixAfter, errors, width: 4, inputmode: 'numeric' })}
${checkboxes({
  name: 'noScreen',
  legend: 'Large moving ranges',
  items: [{ value: '1', text: 'Do not screen out large moving ranges', hint: 'Screening leaves out moving ranges above 3.267 times the average before the limits are worked out. The NHS spreadsheet tools do not screen.' }],
  value: fields.noScreen ? ['1'] : [],
  errors,
  small: true,
})}
${select({ id: 'stratum', label: 'Break down by', items: strata, value: fields.stratum, errors })}
${button('Show the chart', { secondary: true })}`,
    { method: 'get', id: 'options' },
  );
}

function iconsAndWords(chart: ChartView, measure: MeasureInfo): SafeHtml {
  return html`<dl class="nhsuk-summary-list app-insight-icons">
  <div class="nhsuk-summary-list__row">
    <dt class="nhsuk-summary-list__key">Variation</dt>
    <dd class="nhsuk-summary-list__value">${chart.variationIconSvg !== undefined ? html`<span class="app-insight-icon" aria-hidden="true">${markup(chart.variationIconSvg)}</span> ` : html``}${variationWords(chart.variationIcon)}</dd>
  </div>
  <div class="nhsuk-summary-list__row">
    <dt class="nhsuk-summary-list__key">Assurance</dt>
    <dd class="nhsuk-summary-list__value">${chart.assuranceIconSvg !== undefined ? html`<span class="app-insight-icon" aria-hidden="true">${markup(chart.assuranceIconSvg)}</span> ` : html``}${assuranceWords(chart.assuranceIcon, measure.target !== undefined)}${measure.target !== undefined ? ` (target ${valueText(measure.target, measure.unit)})` : ''}</dd>
  </div>
</dl>`;
}

/** SVG made by the SPC engine (which escapes the text it puts in): already markup, put into the page as it is. */
export const markup = (svg: string): SafeHtml => new SafeHtml(svg);

/** The improvement changes marked on the chart, each linking to its cycle. */
function changesList(view: MeasurePageView): SafeHtml {
  const cycles = view.changes.flatMap((c) => (c.cycles ?? []).map((cycle) => ({ date: c.date, ...cycle })));
  if (cycles.length === 0) return html``;
  return html`<h2>Changes marked on the chart</h2>
<ul>${cycles.map((c) => html`<li>${dayWords(c.date)}: <a href="${c.href}">${c.label}</a></li>`)}</ul>`;
}

function dataTable(chart: ChartView, measure: MeasureInfo): SafeHtml {
  const withFraction = chart.points.some((p) => p.denominator !== undefined);
  const head = ['Period starting', 'Value', ...(withFraction ? ['Numerator', 'Denominator'] : []), 'Mean', 'Lower limit', 'Upper limit', 'Point'];
  const rows = chart.points.map((p) => [
    dayWords(p.date),
    valueText(p.value, measure.unit),
    ...(withFraction ? [count(p.numerator), count(p.denominator)] : []),
    round(p.mean),
    round(p.lpl),
    round(p.upl),
    pointWords(p.pointType),
  ]);
  return table(`Every point on the chart of ${measure.title.toLowerCase()}`, head, rows);
}

export function renderMeasurePageContent(view: MeasurePageView): { title: string; main: SafeHtml } {
  const { measure, chart } = view;
  const title = `${measure.title} – ${view.placeName}`;
  const chartSection =
    chart === undefined
      ? html``
      : chart.points.length === 0
        ? insetText('There is no data for this measure here yet.')
        : html`<figure class="app-insight-chart">${markup(chart.svg)}</figure>
${changesList(view)}
<h2>What the chart shows</h2>
<p>${chart.summary}</p>
${iconsAndWords(chart, measure)}
${chart.warnings.length > 0 ? warningCallout('Read this chart with care', html`<ul>${chart.warnings.map((w) => html`<li>${w}</li>`)}</ul>`) : html``}
${optionsForm(view)}
<h2>The data</h2>
<p><a href="${view.csvHref}" download>Download as CSV<span class="nhsuk-u-visually-hidden"> (the data of the chart of ${measure.title.toLowerCase()})</span></a></p>
${dataTable(chart, measure)}`;
  const main = html`${backLink(view.dashboardHref, 'All measures')}
<h1>${measure.title}</h1>
<p class="nhsuk-lede-text">${view.placeName}${measure.period !== undefined ? `, by ${measure.period}` : ''}.</p>
<p>${measure.description}</p>
<p class="nhsuk-body-s">${improvementWords(measure.improvement)}${measure.target !== undefined ? ` The target is ${valueText(measure.target, measure.unit)}.` : ''}${view.refreshedAt !== undefined ? html` The analytics copy of the record was last refreshed on ${dayWords(view.refreshedAt)} at ${view.refreshedAt.slice(11, 16)} (UTC).` : ''}</p>
${chartSection}
${chart === undefined || chart.points.length === 0 ? optionsForm(view) : html``}
${view.breakdown !== undefined ? renderBreakdown(view.breakdown, measure.title, measure.unit) : html``}`;
  return { title, main };
}
