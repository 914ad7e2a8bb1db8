/**
 * Server-rendered XmR chart in the style of NHS "Making Data Count": the data line with each point
 * coloured and shaped by its type, the mean (solid) and process limits (dashed) of each segment, the
 * target, dated markers (such as a PDSA change), axes and the two summary icons; also a plain-English
 * summary of the chart and its CSV. Pure string building: no DOM, no script, every text escaped.
 */
import { csvRecord } from '../csv.ts';
import { assuranceIconSvg, assuranceMeaning, escapeXml, isHigh, pointColour, SPC_COLOURS, variationIconSvg, variationMeaning } from './spc-icons.ts';
import { MIN_POINTS, parseSpcDate, type PointType, type SpcPoint, type SpcResult } from './xmr.ts';

export { assuranceIconSvg, variationIconSvg } from './spc-icons.ts';

export interface SpcChartOptions {
  title: string;
  unit?: string;
  markers?: readonly { date: string; label: string }[];
  width?: number;
  height?: number;
  /** Prefix of the ids inside the SVG, so that several charts can share a page. */
  idPrefix?: string;
}

/** A number for people: at most 4 significant figures, grouped in thousands. */
export function formatSpcNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Number(n.toPrecision(4)).toLocaleString('en-GB', { maximumFractionDigits: 6 });
}

function withUnit(n: number, unit: string | undefined): string {
  return unit ? `${formatSpcNumber(n)} ${unit}` : formatSpcNumber(n);
}

const RULE_WORDS: Record<NonNullable<SpcPoint['rule']>, string> = {
  outside_limits: 'outside the process limits',
  trend: 'part of a trend of 7 points rising or falling',
  two_in_three: 'two of three points close to a process limit',
  shift: 'part of a run of 7 points on one side of the mean',
};

const TYPE_WORDS: Record<PointType, string> = {
  common_cause: 'common cause',
  special_cause_improvement: 'special cause, improvement',
  special_cause_concern: 'special cause, concern',
  special_cause_neutral_high: 'special cause, high',
  special_cause_neutral_low: 'special cause, low',
};

/** A plain-English summary of the chart: latest value, mean and limits, what the icons mean, the special causes. */
export function describeSpc(result: SpcResult, options: { title: string; unit?: string }): string {
  const { points } = result;
  const last = points[points.length - 1];
  const first = points[0];
  if (last === undefined || first === undefined) return `${options.title}: no data yet.`;
  const parts: string[] = [];
  parts.push(`${options.title}: ${points.length} point${points.length === 1 ? '' : 's'} from ${first.date} to ${last.date}.`);
  parts.push(`The latest value (${last.date}) is ${withUnit(last.value, options.unit)}.`);
  const segments = last.segment + 1;
  const scope = segments > 1 ? ` since the last rebase (segment ${segments} of ${segments})` : '';
  parts.push(`The mean${scope} is ${withUnit(last.mean, options.unit)}; the process limits are ${formatSpcNumber(last.lpl)} to ${formatSpcNumber(last.upl)}.`);
  if (result.target !== undefined) parts.push(`The target is ${withUnit(result.target, options.unit)}.`);
  parts.push(`Variation: ${variationMeaning(result.variationIcon, result.improvement)}`);
  parts.push(`Assurance: ${assuranceMeaning(result.assuranceIcon)}`);
  const special = points.filter((p) => p.pointType !== 'common_cause');
  if (special.length === 0) {
    parts.push('No point shows special cause variation.');
  } else {
    const shown = special.slice(-5).map((p) => `${p.date} (${TYPE_WORDS[p.pointType]}${p.rule ? `: ${RULE_WORDS[p.rule]}` : ''})`);
    const more = special.length > shown.length ? `the latest ${shown.length}: ` : '';
    parts.push(`${special.length} point${special.length === 1 ? ' shows' : 's show'} special cause variation; ${more}${shown.join('; ')}.`);
  }
  if (points.length < MIN_POINTS) parts.push(`With fewer than ${MIN_POINTS} points the limits are not yet reliable.`);
  return [...parts, ...result.warnings].join(' ');
}

/**
 * The chart's data as CSV, numbers unrounded: the engine's columns, then any `extra` columns a
 * caller adds for each point (a measure's numerator and denominator).
 */
export function spcCsv(result: SpcResult, extra?: { headers: readonly string[]; values: (point: SpcPoint) => readonly unknown[] }): string {
  let csv = csvRecord(['date', 'value', 'mean', 'lpl', 'upl', 'near_lpl', 'near_upl', 'point_type', ...(extra?.headers ?? [])]);
  for (const p of result.points) csv += csvRecord([p.date, p.value, p.mean, p.lpl, p.upl, p.nearLpl, p.nearUpl, p.pointType, ...(extra?.values(p) ?? [])]);
  return csv;
}

/**
 * The chart's data as a table for people (the accessible alternative to the chart): one row per point,
 * numbers rounded for reading, the type and rule in words. Plain text: the page escapes it.
 */
export function spcTableRows(result: SpcResult, options: { unit?: string } = {}): { headers: string[]; rows: string[][] } {
  const value = options.unit ? `Value (${options.unit})` : 'Value';
  return {
    headers: ['Date', value, 'Mean', 'Lower process limit', 'Upper process limit', 'Variation'],
    rows: result.points.map((p) => [
      p.date,
      formatSpcNumber(p.value),
      formatSpcNumber(p.mean),
      formatSpcNumber(p.lpl),
      formatSpcNumber(p.upl),
      `${TYPE_WORDS[p.pointType]}${p.rule ? ` (${RULE_WORDS[p.rule]})` : ''}`,
    ]),
  };
}

/** Ticks for an axis from lo to hi: round steps of 1, 2 or 5 × 10^k. */
function niceTicks(lo: number, hi: number, count = 5): number[] {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** A marker shape per point type, so that the type shows without colour: circle, square, diamond, triangles. */
function pointShape(p: SpcPoint, x: number, y: number, high: boolean | undefined, label: string): string {
  const colour = pointColour(p.pointType);
  const title = `<title>${escapeXml(label)}</title>`;
  const attrs = `fill="${colour}" stroke="#ffffff" stroke-width="1" class="app-spc-point" data-point-type="${p.pointType}"`;
  const f = (n: number) => n.toFixed(1);
  switch (p.pointType) {
    case 'common_cause':
      return `<circle cx="${f(x)}" cy="${f(y)}" r="3.5" ${attrs}>${title}</circle>`;
    case 'special_cause_improvement':
      return `<rect x="${f(x - 5)}" y="${f(y - 5)}" width="10" height="10" ${attrs}>${title}</rect>`;
    case 'special_cause_concern':
      return `<polygon points="${f(x)},${f(y - 6.5)} ${f(x + 6.5)},${f(y)} ${f(x)},${f(y + 6.5)} ${f(x - 6.5)},${f(y)}" ${attrs}>${title}</polygon>`;
    case 'special_cause_neutral_high':
    case 'special_cause_neutral_low': {
      const d = high ? -1 : 1;
      return `<polygon points="${f(x)},${f(y + 6 * d)} ${f(x + 6)},${f(y - 5 * d)} ${f(x - 6)},${f(y - 5 * d)}" ${attrs}>${title}</polygon>`;
    }
  }
}

/** Index of the first point on or after a date, or -1. */
function indexOnOrAfter(points: readonly SpcPoint[], date: string): number {
  const t = parseSpcDate(date);
  if (t === undefined) return -1;
  return points.findIndex((p) => (parseSpcDate(p.date) ?? 0) >= t);
}

/** The XmR chart as an accessible SVG: <title> and <desc> (the summary) labelled on the root. */
export function renderSpcChart(result: SpcResult, options: SpcChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 360;
  const id = (options.idPrefix ?? 'spc').replace(/[^A-Za-z0-9_-]/g, '-');
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const head =
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-spc-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${titleId} ${descId}">` +
    `<title id="${titleId}">${escapeXml(options.title)}</title><desc id="${descId}">${escapeXml(describeSpc(result, options))}</desc>`;
  const { points } = result;
  if (points.length === 0) {
    return `${head}<text x="${width / 2}" y="${height / 2}" text-anchor="middle" font-family="Arial, sans-serif" font-size="14" fill="${SPC_COLOURS.text}">No data yet</text></svg>`;
  }

  const m = { left: 64, right: 100, top: 36, bottom: 56 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const all = points.flatMap((p) => [p.value, p.lpl, p.upl]).concat(result.target !== undefined ? [result.target] : []);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi - lo < 1e-12) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.06;
  lo -= pad;
  hi += pad;
  const step = points.length > 1 ? plotW / (points.length - 1) : 0;
  const xAt = (i: number) => m.left + (points.length > 1 ? i * step : plotW / 2);
  const yAt = (v: number) => m.top + ((hi - v) / (hi - lo)) * plotH;
  const f = (n: number) => n.toFixed(1);
  const font = 'font-family="Arial, sans-serif"';
  const out: string[] = [head];

  // Axes and ticks.
  out.push(`<g class="app-spc-axes" ${font} font-size="11" fill="${SPC_COLOURS.text}">`);
  out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + plotH}" stroke="${SPC_COLOURS.line}"/>`);
  out.push(`<line x1="${m.left}" y1="${m.top + plotH}" x2="${m.left + plotW}" y2="${m.top + plotH}" stroke="${SPC_COLOURS.line}"/>`);
  for (const t of niceTicks(lo, hi)) {
    out.push(`<text x="${m.left - 6}" y="${f(yAt(t) + 4)}" text-anchor="end">${escapeXml(formatSpcNumber(t))}</text>`);
  }
  // a date label (YYYY-MM-DD at 11px) is about 62px wide: at most one per 75px (never closer than 70px), and never more than 8
  const labels = Math.max(2, Math.min(8, Math.floor(plotW / 75)));
  const every = Math.max(1, Math.ceil(points.length / labels));
  points.forEach((p, i) => {
    // Regular labels, and the last one, leaving out a regular label that would sit too close to it.
    const last = points.length - 1;
    if ((i % every === 0 && xAt(last) - xAt(i) >= 70) || i === last) {
      out.push(`<text x="${f(xAt(i))}" y="${m.top + plotH + 16}" text-anchor="middle">${escapeXml(p.date.slice(0, 10))}</text>`);
    }
  });
  out.push(`<text x="${m.left + plotW / 2}" y="${height - 8}" text-anchor="middle">Date</text>`);
  out.push(`<text transform="translate(14 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.unit ?? 'Value')}</text>`);
  out.push('</g>');

  // Mean and limits of each segment.
  out.push('<g class="app-spc-limits">');
  const segments = [...new Set(points.map((p) => p.segment))];
  for (const s of segments) {
    const first = points.findIndex((p) => p.segment === s);
    const last = points.map((p) => p.segment).lastIndexOf(s);
    const p = points[first] as SpcPoint;
    const x1 = f(xAt(first) - (first > 0 ? step / 2 : 0));
    const x2 = f(xAt(last) + (last < points.length - 1 ? step / 2 : 0));
    out.push(`<line class="app-spc-mean" x1="${x1}" y1="${f(yAt(p.mean))}" x2="${x2}" y2="${f(yAt(p.mean))}" stroke="${SPC_COLOURS.text}" stroke-width="1.5"><title>Mean ${escapeXml(formatSpcNumber(p.mean))}</title></line>`);
    for (const [name, v] of [['Upper process limit', p.upl], ['Lower process limit', p.lpl]] as const) {
      out.push(`<line class="app-spc-limit" x1="${x1}" y1="${f(yAt(v))}" x2="${x2}" y2="${f(yAt(v))}" stroke="${SPC_COLOURS.line}" stroke-width="1.2" stroke-dasharray="6 4"><title>${name} ${escapeXml(formatSpcNumber(v))}</title></line>`);
    }
  }
  if (result.target !== undefined) {
    const y = f(yAt(result.target));
    out.push(`<line class="app-spc-target" x1="${m.left}" y1="${y}" x2="${m.left + plotW}" y2="${y}" stroke="${SPC_COLOURS.target}" stroke-width="1.5" stroke-dasharray="2 3"><title>Target ${escapeXml(formatSpcNumber(result.target))}</title></line>`);
    out.push(`<text x="${m.left + plotW + 4}" y="${f(Number(y) + 4)}" ${font} font-size="11" fill="${SPC_COLOURS.target}">Target</text>`);
  }
  out.push('</g>');

  // Markers (e.g. the date a change went live).
  out.push(`<g class="app-spc-markers" ${font} font-size="11" fill="${SPC_COLOURS.text}">`);
  for (const marker of options.markers ?? []) {
    const i = indexOnOrAfter(points, marker.date);
    if (i < 0) continue;
    const x = f(xAt(i) - (i > 0 ? step / 2 : 0));
    out.push(`<line class="app-spc-marker" x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + plotH}" stroke="${SPC_COLOURS.line}" stroke-width="1"><title>${escapeXml(`${marker.label} (${marker.date})`)}</title></line>`);
    out.push(`<text x="${Number(x) + 3}" y="${m.top - 6}">${escapeXml(marker.label)}</text>`);
  }
  out.push('</g>');

  // The data line and the points.
  out.push(`<polyline class="app-spc-line" fill="none" stroke="${SPC_COLOURS.line}" stroke-width="1.5" points="${points.map((p, i) => `${f(xAt(i))},${f(yAt(p.value))}`).join(' ')}"/>`);
  out.push('<g class="app-spc-points">');
  points.forEach((p, i) => {
    const label = `${p.date}: ${formatSpcNumber(p.value)}${options.unit ? ` ${options.unit}` : ''}, ${TYPE_WORDS[p.pointType]}${p.rule ? ` (${RULE_WORDS[p.rule]})` : ''}`;
    out.push(pointShape(p, xAt(i), yAt(p.value), isHigh(p.pointType, result.improvement), label));
  });
  out.push('</g>');

  // The icons, top right.
  const icons = [variationIconSvg(result.variationIcon, result.improvement), assuranceIconSvg(result.assuranceIcon)].filter((s) => s !== '');
  out.push('<g class="app-spc-icons">');
  icons.forEach((svg, k) => {
    out.push(svg.replace('<svg ', `<svg x="${width - m.right + 12 + k * 44}" y="4" `));
  });
  out.push('</g></svg>');
  return out.join('');
}
