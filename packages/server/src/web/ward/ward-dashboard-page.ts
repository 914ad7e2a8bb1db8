/**
 * The virtual ward's dashboard as HTML: the people on the ward by risk (red first, then amber, then
 * green; the service's order). Each red or amber person (or anyone with an open alert) has a card:
 * their colour as a tag with its word and the reasons, their latest readings with their colours,
 * NEWS2 and its band, missed readings, open alerts and a small trend chart per measure. The green
 * are one table (latest readings and NEWS2), their charts on their own page. NEWS2 is shown with its caution: from home readings it supports
 * judgement and does not replace it (decision 0016).
 *
 * Pure rendering: the monitoring service's WardDashboard in, the page out.
 */
import { MEASURES, RagColour, type Measure, type DashboardRow, type MeasureSeries, type VirtualWard, type WardDashboard } from '@kindred/care';
import { html, type SafeHtml } from '../../pages/html.ts';
import { button, form, insetText, select, table, warningCallout } from '../components.ts';
import { shortDateTimeText } from '../staff/staff-format.ts';
import { trendChart, type ChartBands } from './ward-chart.ts';
import { CHARTED, MEASURE_WORDS, NEWS2_BAND_WORDS, ragTag } from './ward-words.ts';

export interface WardDashboardView {
  dashboard: WardDashboard;
  /** the wards the member of staff may choose between (more than one: a chooser) */
  wards: readonly VirtualWard[];
  now: number;
  /** the thresholds of each person's plan, by patient id then measure, to shade the charts */
  bands: ReadonlyMap<string, Readonly<Partial<Record<Measure, ChartBands>>>>;
  /** the organisation chosen, when the member of staff has several */
  org?: string;
  /** keeps the organisation in links when they have several */
  linkOf(path: string): string;
}

const DAY = 86_400_000;

function seriesCharts(row: DashboardRow, bandsOf: (series: MeasureSeries) => ChartBands, now: number, size: 'small' | 'large', idPrefix: string): SafeHtml {
  const charted = row.series.filter((s) => CHARTED.has(s.measure));
  if (charted.length === 0) return html``;
  return html`<ul class="nhsuk-list app-trend-list">${charted.map(
    (s) => html`<li class="app-trend-list__item"><span class="nhsuk-body-s nhsuk-u-margin-bottom-0">${MEASURE_WORDS[s.measure].label}</span><br>${trendChart({
      id: `${idPrefix}-${s.measure}`,
      label: `${MEASURE_WORDS[s.measure].label} for ${row.name}, last 7 days`,
      unit: s.unit,
      points: s.points.map((p) => ({ at: Date.parse(p.at), value: p.value, colour: p.colour })),
      bands: bandsOf(s),
      from: now - 7 * DAY,
      to: now,
      size,
    })}</li>`,
  )}</ul>`;
}

function latestList(row: DashboardRow): SafeHtml {
  if (row.latest.length === 0) return html`No readings yet`;
  return html`<ul class="nhsuk-list nhsuk-u-margin-bottom-0">${row.latest.map(
    (v) => html`<li>${MEASURES[v.measure].short} ${v.display} ${v.colour === RagColour.green ? html`` : ragTag(v.colour)}</li>`,
  )}</ul>`;
}

function personCard(row: DashboardRow, view: WardDashboardView, index: number): SafeHtml {
  const href = view.linkOf(`/app/staff/ward/people/${encodeURIComponent(row.patientId)}`);
  const missed = row.missed.map((m) => MEASURE_WORDS[m].label).join(', ');
  const reasons = row.reasons.map((r) => r.text);
  return html`<div class="nhsuk-card app-ward-card app-ward-card--${row.colour}">
  <div class="nhsuk-card__content">
    <h2 class="nhsuk-card__heading nhsuk-heading-m"><a class="nhsuk-card__link" href="${href}">${row.name}</a> ${ragTag(row.colour)}${row.openAlerts.length > 0 ? html` <strong class="nhsuk-tag nhsuk-tag--red">Open alert${row.openAlerts.length > 1 ? `s (${row.openAlerts.length})` : ''}</strong>` : html``}</h2>
    ${reasons.length > 0 ? html`<ul class="nhsuk-list nhsuk-list--bullet">${reasons.map((r) => html`<li>${r}</li>`)}</ul>` : html`<p>Every reading is within the plan's limits.</p>`}
    <dl class="nhsuk-summary-list">
      <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Latest readings</dt><dd class="nhsuk-summary-list__value">${latestList(row)}${row.lastReadingAt !== undefined ? html`<span class="nhsuk-body-s">Taken ${shortDateTimeText(row.lastReadingAt)}</span>` : html``}</dd></div>
      <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">NEWS2</dt><dd class="nhsuk-summary-list__value">${row.news2 !== undefined ? html`${row.news2.score} (${NEWS2_BAND_WORDS[row.news2.band]} risk), ${shortDateTimeText(row.news2.takenAt)}` : 'Not enough readings within an hour to score'}</dd></div>
      <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Missed readings</dt><dd class="nhsuk-summary-list__value">${missed !== '' ? html`${ragTag(RagColour.amber, ': missed')} ${missed}` : 'None'}</dd></div>
    </dl>
    ${seriesCharts(row, (s) => view.bands.get(row.patientId)?.[s.measure] ?? {}, view.now, 'small', `chart-${index}`)}
  </div>
</div>`;
}

/** The people whose readings are all green: who, the latest readings and when, and NEWS2; their charts are on their own page. */
function greenTable(rows: readonly DashboardRow[], view: WardDashboardView): SafeHtml {
  if (rows.length === 0) return html``;
  return html`<h2>Green: within their plan's limits</h2>
${table(
  'People whose readings are green',
  ['Person', 'Latest readings', 'Taken', 'NEWS2'],
  rows.map((row) => [
    html`<a href="${view.linkOf(`/app/staff/ward/people/${encodeURIComponent(row.patientId)}`)}">${row.name}</a> ${ragTag(row.colour)}`,
    row.latest.map((v) => `${MEASURES[v.measure].short} ${v.display}`).join(', ') || 'No readings yet',
    row.lastReadingAt !== undefined ? shortDateTimeText(row.lastReadingAt) : '',
    row.news2 !== undefined ? `${row.news2.score} (${NEWS2_BAND_WORDS[row.news2.band]})` : '',
  ]),
  { captionHidden: true },
)}`;
}

function counts(rows: readonly DashboardRow[]): SafeHtml {
  const n = (colour: RagColour): number => rows.filter((r) => r.colour === colour).length;
  return html`<p>${rows.length} ${rows.length === 1 ? 'person' : 'people'} on the ward: ${ragTag(RagColour.red)} ${n(RagColour.red)} red, ${ragTag(RagColour.amber)} ${n(RagColour.amber)} amber, ${ragTag(RagColour.green)} ${n(RagColour.green)} green.</p>`;
}

function wardChooser(view: WardDashboardView): SafeHtml {
  if (view.wards.length < 2) return html``;
  return form(
    '/app/staff/ward',
    '',
    html`${view.org !== undefined ? html`<input type="hidden" name="org" value="${view.org}">` : html``}${select({ id: 'ward', label: 'Virtual ward', items: view.wards.map((w) => ({ value: w.id, text: w.name })), value: view.dashboard.ward.id })}${button('Show this ward', { secondary: true })}`,
    { method: 'get' },
  );
}

export function renderWardDashboard(view: WardDashboardView): { title: string; main: SafeHtml } {
  const { dashboard } = view;
  const ward = dashboard.ward;
  // red and amber in full, with their charts; green in one short table, so the page stays quick to read and to load
  const attention = dashboard.rows.filter((r) => r.colour !== RagColour.green || r.openAlerts.length > 0);
  const green = dashboard.rows.filter((r) => r.colour === RagColour.green && r.openAlerts.length === 0);
  const main = html`<h1>${ward.name}</h1>
${wardChooser(view)}
${ward.phone !== undefined ? html`<p>The ward's phone number: ${ward.phone}</p>` : html``}
${insetText(dashboard.caution)}
${counts(dashboard.rows)}
${dashboard.rows.length === 0 ? html`<p>Nobody is on this ward. To enrol someone, find them in <a href="/app/staff/people">People</a> and choose "Enrol in a virtual ward".</p>` : html``}
${dashboard.rows.some((r) => r.openAlerts.length > 0) ? warningCallout('Open alerts', html`<p>Call the people with an open alert first. Their readings were red.</p>`) : html``}
${attention.map((row, i) => personCard(row, view, i))}
${greenTable(green, view)}`;
  return { title: ward.name, main };
}
