/**
 * A measure broken down by a group of people (IMD fifth, age band, sex, ethnicity, access need,
 * carer or not): a table per group (numerator, denominator, value) with a plain horizontal bar chart
 * of the same numbers, and for IMD fifths the equity gaps between the most and least deprived, said
 * in words. The chart is inline SVG with a text alternative (role="img", aria-label); the table is
 * its data. Only counts of people's requests and contacts, never a person.
 *
 * Pure rendering: the breakdown in, HTML out.
 */
import { html, type SafeHtml } from '../../pages/html.ts';
import { insetText, table } from '../components.ts';
import { count, lowerFirst, round, valueText } from './insight-words.ts';

export interface BreakdownGroup {
  label: string;
  numerator: number;
  denominator?: number;
  value: number | null;
}

/** The equity gaps (from the SPC engine's inequality()): most deprived against least deprived. */
export interface EquityGaps {
  absoluteGap: number;
  relativeGap: number | null;
  sii: number;
  rii: number | null;
  mostDeprived?: unknown;
  leastDeprived?: unknown;
}

export interface BreakdownView {
  stratum: string;
  /** "Deprivation of where people live (IMD fifth)" */
  stratumLabel: string;
  groups: readonly BreakdownGroup[];
  inequality: EquityGaps | null;
  /** the measure has a denominator (a share or a rate), so the table shows it */
  hasDenominator: boolean;
  /** why there is no breakdown (e.g. no deprivation table is loaded), in words */
  problem?: string;
}

const BAR_HEIGHT = 22;
const GAP = 8;
const LABEL_WIDTH = 220;
const BAR_WIDTH = 340;

/** A horizontal bar per group, scaled to the largest value; the table below holds the same numbers. */
export function breakdownChart(title: string, groups: readonly BreakdownGroup[], unit: string | undefined): SafeHtml {
  const height = groups.length * (BAR_HEIGHT + GAP) + GAP;
  const width = LABEL_WIDTH + BAR_WIDTH + 90;
  const top = Math.max(0, ...groups.map((g) => (g.value !== null && Number.isFinite(g.value) ? Math.abs(g.value) : 0)));
  const label = `${title}: ${groups.map((g) => `${g.label} ${valueText(g.value, unit)}`).join('; ')}.`;
  return html`<svg class="app-insight-bars" role="img" aria-label="${label}" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" font-family="Frutiger W01, Arial, sans-serif" font-size="14">
  ${groups.map((g, i) => {
    const y = GAP + i * (BAR_HEIGHT + GAP);
    const barWidth = g.value === null || top === 0 ? 0 : Math.max(1, Math.round((Math.abs(g.value) / top) * BAR_WIDTH));
    return html`<text x="${LABEL_WIDTH - 8}" y="${y + 16}" text-anchor="end" fill="#212b32">${g.label}</text>
  <rect x="${LABEL_WIDTH}" y="${y}" width="${BAR_WIDTH}" height="${BAR_HEIGHT}" fill="#f0f4f5"></rect>
  <rect x="${LABEL_WIDTH}" y="${y}" width="${barWidth}" height="${BAR_HEIGHT}" fill="#005eb8"></rect>
  <text x="${LABEL_WIDTH + barWidth + 6}" y="${y + 16}" fill="#212b32">${valueText(g.value, unit)}</text>`;
  })}
</svg>`;
}

/** A difference between two values: for shares, in percentage points (a gap of 10% would be read as a ratio). */
const gapNumber = (n: number | null, unit: string | undefined): string => {
  if (n === null || !Number.isFinite(n)) return 'cannot be worked out';
  return unit === '%' ? `${round(n, 1)} percentage points` : valueText(n, unit);
};

/** The equity gaps in plain words, each with its name, so that a reader who knows the terms finds them. */
export function equityGapsText(gaps: EquityGaps, unit: string | undefined): SafeHtml {
  const ratio = gaps.relativeGap === null || !Number.isFinite(gaps.relativeGap) ? 'cannot be worked out (the least deprived fifth has no value or a value of 0)' : `${round(gaps.relativeGap, 2)} times the least deprived fifth's`;
  return html`<h3>Gaps between the most and least deprived</h3>
<ul>
  <li><strong>Absolute gap: ${gapNumber(gaps.absoluteGap, unit)}.</strong> The value for the most deprived fifth of areas minus the value for the least deprived fifth.</li>
  <li><strong>Relative gap:</strong> the most deprived fifth's value is ${ratio}.</li>
  <li><strong>Slope index of inequality (SII): ${gapNumber(gaps.sii, unit)}.</strong> The difference between the least and the most deprived ends of the whole population, worked out from every fifth and how many people are in each, not only the two ends. Above 0, the value is higher where people are less deprived; below 0, it is higher where people are more deprived; near 0, there is little difference.</li>
  <li><strong>Relative index of inequality (RII): ${gaps.rii === null || !Number.isFinite(gaps.rii) ? 'cannot be worked out' : round(gaps.rii, 2)}.</strong> The slope index as a share of the average value: ${gaps.rii === null || !Number.isFinite(gaps.rii) ? 'it cannot be worked out when the average is 0' : `a difference of ${round(Math.abs(gaps.rii) * 100, 0)}% of the average between the two ends`}.</li>
</ul>`;
}

/** The section for one breakdown: chart, table and, for IMD fifths, the equity gaps. */
export function renderBreakdown(view: BreakdownView, measureTitle: string, unit: string | undefined): SafeHtml {
  const title = `${measureTitle} by ${lowerFirst(view.stratumLabel)}`;
  if (view.problem !== undefined) return html`<h2 id="breakdown">${title}</h2>${insetText(view.problem)}`;
  if (view.groups.length === 0) return html`<h2 id="breakdown">${title}</h2>${insetText('There is no data to break down for this organisation and period.')}`;
  const head = view.hasDenominator ? ['Group', 'Numerator', 'Denominator', 'Value'] : ['Group', 'Count', 'Value'];
  const rows = view.groups.map((g) => (view.hasDenominator ? [g.label, count(g.numerator), count(g.denominator), valueText(g.value, unit)] : [g.label, count(g.numerator), valueText(g.value, unit)]));
  return html`<h2 id="breakdown">${title}</h2>
${breakdownChart(title, view.groups, unit)}
${table(title, head, rows)}
${view.stratum === 'imd-quintile'
  ? view.inequality !== null
    ? equityGapsText(view.inequality, unit)
    : insetText('The gaps between the most and least deprived cannot be worked out: the most or the least deprived fifth has no data.')
  : html``}`;
}
