/**
 * A small trend chart of one measure as inline SVG, drawn on the server (no JavaScript, no
 * images to fetch): the threshold bands shaded behind the line (red, amber, green), each reading a
 * dot whose shape also says its colour (a circle for green, a square for amber, a triangle for
 * red: never colour alone), and a text alternative that says what the chart shows. The person's
 * monitoring page also has the readings as a table; the chart is a summary, not the only way in.
 *
 * Accessible image pattern: role="img" with aria-labelledby pointing at the SVG's <title> and <desc>
 * (https://www.w3.org/WAI/tutorials/images/complex/). Pure: numbers in, HTML out.
 */
import { html, type SafeHtml } from '../../pages/html.ts';
import { RagColour } from '@kindred/care';

export interface ChartPoint {
  /** when the reading was taken (ms since the epoch) */
  at: number;
  value: number;
  colour: RagColour;
}

/** A value at or beyond a bound takes its colour (decision 0016). */
export interface ChartBands {
  redBelow?: number;
  amberBelow?: number;
  amberAbove?: number;
  redAbove?: number;
}

export interface ChartOptions {
  /** a unique id on the page (for the title's and description's ids) */
  id: string;
  /** "Oxygen saturation (SpO2)" */
  label: string;
  /** "%", "beats a minute" */
  unit: string;
  points: readonly ChartPoint[];
  bands: ChartBands;
  /** the period shown (ms since the epoch) */
  from: number;
  to: number;
  size?: 'small' | 'large';
}

const SIZES = { small: { width: 240, height: 72 }, large: { width: 560, height: 180 } } as const;
const PAD = 6;
const FILL = { red: '#d5281b', amber: '#ffb81c', green: '#007f3b' } as const;

const round = (n: number): string => String(Math.round(n * 10) / 10);

function valueText(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function dayMonth(ms: number): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'Europe/London' }).format(new Date(ms));
}

/** The words a screen reader gets: what, over when, how many, the range and the latest. */
export function chartDescription(o: ChartOptions): string {
  const span = `${dayMonth(o.from)} to ${dayMonth(o.to)}`;
  if (o.points.length === 0) return `${o.label}: no readings from ${span}.`;
  const values = o.points.map((p) => p.value);
  const latest = [...o.points].sort((a, b) => b.at - a.at)[0]!;
  const reds = o.points.filter((p) => p.colour === RagColour.red).length;
  const ambers = o.points.filter((p) => p.colour === RagColour.amber).length;
  const flagged = [reds > 0 ? `${reds} red` : '', ambers > 0 ? `${ambers} amber` : ''].filter((s) => s !== '').join(' and ');
  return `${o.label} from ${span}: ${o.points.length} reading${o.points.length === 1 ? '' : 's'} from ${valueText(Math.min(...values))} to ${valueText(Math.max(...values))} ${o.unit}${flagged !== '' ? `, ${flagged}` : ', all green'}. Latest ${valueText(latest.value)} ${o.unit} on ${dayMonth(latest.at)} (${latest.colour}).`;
}

function marker(x: number, y: number, rag: RagColour, r: number): SafeHtml {
  if (rag === RagColour.red) return html`<path d="M${round(x)} ${round(y - r - 1)}L${round(x + r + 1)} ${round(y + r)}L${round(x - r - 1)} ${round(y + r)}Z" fill="${FILL.red}" stroke="#212b32" stroke-width="0.5"/>`;
  if (rag === RagColour.amber) return html`<rect x="${round(x - r)}" y="${round(y - r)}" width="${round(2 * r)}" height="${round(2 * r)}" fill="${FILL.amber}" stroke="#212b32" stroke-width="0.5"/>`;
  return html`<circle cx="${round(x)}" cy="${round(y)}" r="${round(r)}" fill="${FILL.green}"/>`;
}

export function trendChart(o: ChartOptions): SafeHtml {
  const { width, height } = SIZES[o.size ?? 'small'];
  const values = o.points.map((p) => p.value);
  const bounds = [o.bands.redBelow, o.bands.amberBelow, o.bands.amberAbove, o.bands.redAbove].filter((b): b is number => b !== undefined && Number.isFinite(b));
  const all = [...values, ...bounds];
  const lowest = all.length > 0 ? Math.min(...all) : 0;
  const highest = all.length > 0 ? Math.max(...all) : 1;
  const margin = Math.max((highest - lowest) * 0.1, 1);
  const yMin = lowest - margin;
  const yMax = highest + margin;
  const span = Math.max(o.to - o.from, 1);
  const x = (at: number): number => PAD + ((Math.min(Math.max(at, o.from), o.to) - o.from) / span) * (width - 2 * PAD);
  const y = (value: number): number => PAD + (1 - (value - yMin) / (yMax - yMin)) * (height - 2 * PAD);
  const clampY = (value: number): number => Math.min(Math.max(y(value), 0), height);

  // the bands, from the top: red above, amber above, green, amber below, red below
  const edges: { top: number; bottom: number; rag: RagColour }[] = [];
  const redAbove = o.bands.redAbove ?? Infinity;
  const amberAbove = o.bands.amberAbove ?? redAbove;
  const redBelow = o.bands.redBelow ?? -Infinity;
  const amberBelow = o.bands.amberBelow ?? redBelow;
  const band = (from: number, to: number, rag: RagColour): void => {
    if (to <= from) return;
    edges.push({ top: clampY(Math.min(to, yMax)), bottom: clampY(Math.max(from, yMin)), rag });
  };
  band(redAbove, Infinity, RagColour.red);
  band(amberAbove, redAbove, RagColour.amber);
  band(amberBelow, amberAbove, RagColour.green);
  band(redBelow, amberBelow, RagColour.amber);
  band(-Infinity, redBelow, RagColour.red);

  const sorted = [...o.points].sort((a, b) => a.at - b.at);
  const line = sorted.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(x(p.at))} ${round(y(p.value))}`).join('');
  const r = o.size === 'large' ? 4 : 3;
  const titleId = `${o.id}-title`;
  const descId = `${o.id}-desc`;
  return html`<svg class="app-trend-chart" role="img" aria-labelledby="${titleId} ${descId}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg" focusable="false">
<title id="${titleId}">${o.label}</title>
<desc id="${descId}">${chartDescription(o)}</desc>
${edges.map((e) => html`<rect x="0" y="${round(e.top)}" width="${width}" height="${round(Math.max(e.bottom - e.top, 0))}" fill="${FILL[e.rag]}" fill-opacity="${e.rag === RagColour.green ? '0.08' : '0.16'}"/>`)}
${sorted.length > 1 ? html`<path d="${line}" fill="none" stroke="#212b32" stroke-width="1.5"/>` : html``}
${sorted.map((p) => marker(x(p.at), y(p.value), p.colour, r))}
</svg>`;
}
