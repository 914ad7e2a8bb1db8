/**
 * XmR (individuals and moving range) statistical process control, as NHS England's "Making Data
 * Count" programme and the NHS-R community's reference implementation (NHSRplotthedots) define it:
 * limits, special-cause rules, point types, the variation and assurance icons, rebasing and fixed
 * limits. Pure: numbers in, numbers and labels out; no I/O and no rounding (callers round for people).
 */

export type Improvement = 'increase' | 'decrease' | 'neutral';
export type PointType = 'common_cause' | 'special_cause_improvement' | 'special_cause_concern' | 'special_cause_neutral_high' | 'special_cause_neutral_low';
export type AssuranceIcon = 'consistent_pass' | 'consistent_fail' | 'inconsistent';
export type SpecialCauseRule = 'outside_limits' | 'trend' | 'two_in_three' | 'shift';

export interface SpcOptions {
  /** Which way is better; neutral (the default) labels special causes high or low. */
  improvement?: Improvement;
  target?: number;
  /** Dates at which the process changed: each starts a new segment (at the first point on or after it) with its own limits. */
  rebase?: readonly string[];
  /** Limits of each segment come from its first N points only, and are applied to the rest of it. */
  fixAfter?: number;
  /** Screen out moving ranges of 3.267 × AMR or more before the limits are set (default true; false matches the Excel tools). */
  screen?: boolean;
}

export interface SpcPoint {
  date: string;
  value: number;
  mean: number;
  lpl: number;
  upl: number;
  nearLpl: number;
  nearUpl: number;
  /** |value − previous value| within the segment; null for the first point of a segment. */
  movingRange: number | null;
  segment: number;
  pointType: PointType;
  /** The rule that made the point a special cause, the first in order of precedence. */
  rule?: SpecialCauseRule;
}

export interface SpcResult {
  points: SpcPoint[];
  variationIcon: PointType | null;
  assuranceIcon: AssuranceIcon | null;
  warnings: string[];
  improvement: Improvement;
  target?: number;
}

/** Bad input data or options, described in plain English. */
export class SpcInputError extends Error {
  override readonly name = 'SpcInputError';
}

/** Scaling constants of the XmR chart (Wheeler; Making Data Count). */
const LIMIT = 2.66;
const NEAR_LIMIT = (2 * LIMIT) / 3;
const SCREEN = 3.267;
/** Fewer points than this give unreliable limits: icons are withheld and a warning is given. */
export const MIN_POINTS = 13;
/** A run of this many points makes a trend or a shift. */
const RUN = 7;

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/** Milliseconds since the epoch of an ISO 8601 date or date-time (a date alone is midnight UTC), or undefined if it is not a real one. */
export function parseSpcDate(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return undefined;
  const ms = m[4] === undefined ? day.getTime() : Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

function checkData(data: readonly { date: string; value: number }[]): number[] {
  const times: number[] = [];
  data.forEach((point, i) => {
    const where = `point ${i + 1}${typeof point.date === 'string' ? ` (${point.date})` : ''}`;
    if (typeof point.date !== 'string') throw new SpcInputError(`The date of ${where} is missing.`);
    const t = parseSpcDate(point.date);
    if (t === undefined) throw new SpcInputError(`The date of ${where} is not a date in the form YYYY-MM-DD.`);
    if (typeof point.value !== 'number' || !Number.isFinite(point.value)) throw new SpcInputError(`The value of ${where} is not a finite number.`);
    const before = times[times.length - 1];
    if (before !== undefined && t === before) throw new SpcInputError(`The date of ${where} is the same as the one before it; each date may appear once.`);
    if (before !== undefined && t < before) throw new SpcInputError(`The date of ${where} comes before the one before it; dates must be in ascending order.`);
    times.push(t);
  });
  return times;
}

function checkOptions(options: SpcOptions): number[] {
  const improvement = options.improvement ?? 'neutral';
  if (!['increase', 'decrease', 'neutral'].includes(improvement)) throw new SpcInputError(`The improvement direction must be increase, decrease or neutral, not "${String(improvement)}".`);
  if (options.target !== undefined && (typeof options.target !== 'number' || !Number.isFinite(options.target))) throw new SpcInputError('The target must be a finite number.');
  if (options.fixAfter !== undefined && !(Number.isInteger(options.fixAfter) && options.fixAfter >= 2)) {
    throw new SpcInputError(`Limits can be fixed after a whole number of points, 2 or more (a moving range needs two), not ${String(options.fixAfter)}.`);
  }
  return (options.rebase ?? []).map((d) => {
    const t = typeof d === 'string' ? parseSpcDate(d) : undefined;
    if (t === undefined) throw new SpcInputError(`The rebase date "${String(d)}" is not a date in the form YYYY-MM-DD.`);
    return t;
  });
}

/** Segment number of each point: a rebase date starts a new segment at the first point on or after it. */
function segmentsOf(times: readonly number[], rebases: readonly number[]): number[] {
  const starts = new Set<number>();
  for (const r of rebases) {
    const i = times.findIndex((t) => t >= r);
    if (i > 0) starts.add(i);
  }
  let segment = 0;
  return times.map((_, i) => (starts.has(i) ? ++segment : segment));
}

function average(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

interface Limits { mean: number; amr: number }

/**
 * Mean and average moving range of a segment's baseline (all of it, or its first fixAfter points).
 * Screening keeps moving ranges below 3.267 × AMR, as the reference does; if that leaves none (only
 * when every moving range is 0, so AMR is 0) AMR stays 0.
 */
export function baselineLimits(values: readonly number[], screen: boolean): Limits {
  const mean = average(values);
  const ranges = values.slice(1).map((v, i) => Math.abs(v - (values[i] as number)));
  if (ranges.length === 0) return { mean, amr: 0 };
  const amr = average(ranges);
  if (!screen) return { mean, amr };
  const kept = ranges.filter((r) => r < SCREEN * amr);
  return { mean, amr: kept.length === 0 ? amr : average(kept) };
}

/** Indices (within the segment) of points in a run of RUN or more consecutive points where `same(i)` links point i to i − 1. */
function runs(n: number, same: (i: number) => boolean, length: number): boolean[] {
  const flagged = new Array<boolean>(n).fill(false);
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && same(i)) continue;
    if (i - start >= length) for (let j = start; j < i; j++) flagged[j] = true;
    start = i;
  }
  return flagged;
}

type Direction = 1 | -1;

/** Special-cause rule and direction of each point of one segment, in the precedence of Making Data Count. */
function specialCauses(values: readonly number[], lim: Limits): ({ rule: SpecialCauseRule; direction: Direction } | undefined)[] {
  const n = values.length;
  const upl = lim.mean + LIMIT * lim.amr;
  const lpl = lim.mean - LIMIT * lim.amr;
  const nearUpl = lim.mean + NEAR_LIMIT * lim.amr;
  const nearLpl = lim.mean - NEAR_LIMIT * lim.amr;
  const side = values.map((v) => Math.sign(v - lim.mean));
  const outside = values.map((v) => v > upl || v < lpl);
  // Beyond the near limit but not beyond the process limit.
  const near = values.map((v, i) => !outside[i] && (v > nearUpl || v < nearLpl));
  const step = values.map((v, i) => (i === 0 ? 0 : Math.sign(v - (values[i - 1] as number))));

  // Trend: 7 points, so 6 differences, all strictly rising or all strictly falling; a tie (difference 0) breaks it.
  const trend = runs(n - 1, (k) => step[k + 1] !== 0 && step[k + 1] === step[k], RUN - 1);
  const inTrend = values.map((_, i) => (i > 0 && trend[i - 1] === true) || (i < n - 1 && trend[i] === true));
  // Shift: 7 points on one side of the mean; a point on the mean (side 0) breaks it.
  const shift = runs(n, (i) => side[i] !== 0 && side[i] === side[i - 1], RUN);
  // Two in three: in 3 consecutive points all on one side of the mean, at least 2 are near the limit; those near ones are flagged.
  const twoInThree = new Array<boolean>(n).fill(false);
  for (let i = 0; i + 2 < n; i++) {
    const w = [i, i + 1, i + 2];
    const s = side[i] as number;
    if (s === 0 || !w.every((j) => side[j] === s)) continue;
    if (w.filter((j) => near[j]).length < 2) continue;
    for (const j of w) if (near[j]) twoInThree[j] = true;
  }

  return values.map((_, i) => {
    const s = (side[i] as number) >= 0 ? 1 : -1;
    if (outside[i]) return { rule: 'outside_limits', direction: s };
    if (inTrend[i]) {
      // A point where a rising trend meets a falling one takes the direction of the trend after it.
      const after = i < n - 1 && trend[i] === true;
      return { rule: 'trend', direction: (after ? step[i + 1] : step[i]) === 1 ? 1 : -1 };
    }
    if (twoInThree[i]) return { rule: 'two_in_three', direction: s };
    if (shift[i]) return { rule: 'shift', direction: s };
    return undefined;
  });
}

function pointTypeOf(direction: Direction, improvement: Improvement): PointType {
  if (improvement === 'neutral') return direction === 1 ? 'special_cause_neutral_high' : 'special_cause_neutral_low';
  const good = improvement === 'increase' ? 1 : -1;
  return direction === good ? 'special_cause_improvement' : 'special_cause_concern';
}

/** Assurance: where the target sits against the process limits (Making Data Count, "assurance icons"). */
function assuranceOf(target: number, lpl: number, upl: number, improvement: Improvement): AssuranceIcon | null {
  if (improvement === 'neutral') return null;
  if (target > upl) return improvement === 'increase' ? 'consistent_fail' : 'consistent_pass';
  if (target < lpl) return improvement === 'increase' ? 'consistent_pass' : 'consistent_fail';
  return 'inconsistent';
}

function dayOf(date: string): string {
  return date.slice(0, 10);
}

/** The XmR chart of a series of dated values. Throws SpcInputError for bad data or options. */
export function xmr(data: readonly { date: string; value: number }[], options: SpcOptions = {}): SpcResult {
  const rebases = checkOptions(options);
  const times = checkData(data);
  const improvement = options.improvement ?? 'neutral';
  const screen = options.screen ?? true;
  const segmentOf = segmentsOf(times, rebases);
  const points: SpcPoint[] = [];
  const warnings: string[] = [];
  const segmentCount = data.length === 0 ? 0 : (segmentOf[segmentOf.length - 1] as number) + 1;

  for (let s = 0; s < segmentCount; s++) {
    const first = segmentOf.indexOf(s);
    const last = segmentOf.lastIndexOf(s);
    const slice = data.slice(first, last + 1);
    const values = slice.map((p) => p.value);
    const baseline = options.fixAfter === undefined ? values : values.slice(0, options.fixAfter);
    const lim = baselineLimits(baseline, screen);
    const causes = specialCauses(values, lim);
    if (values.length < MIN_POINTS) {
      const span = `${dayOf(slice[0]?.date ?? '')} to ${dayOf(slice[slice.length - 1]?.date ?? '')}`;
      const which = segmentCount === 1 ? 'The series' : `Segment ${s + 1} (${span})`;
      warnings.push(`${which} has only ${values.length} point${values.length === 1 ? '' : 's'}; limits from fewer than ${MIN_POINTS} points are not reliable, so treat the special causes with care.`);
    }
    slice.forEach((p, k) => {
      const cause = causes[k];
      points.push({
        date: p.date,
        value: p.value,
        mean: lim.mean,
        lpl: lim.mean - LIMIT * lim.amr,
        upl: lim.mean + LIMIT * lim.amr,
        nearLpl: lim.mean - NEAR_LIMIT * lim.amr,
        nearUpl: lim.mean + NEAR_LIMIT * lim.amr,
        movingRange: k === 0 ? null : Math.abs(p.value - (values[k - 1] as number)),
        segment: s,
        pointType: cause ? pointTypeOf(cause.direction, improvement) : 'common_cause',
        ...(cause ? { rule: cause.rule } : {}),
      });
    });
  }

  const lastPoint = points[points.length - 1];
  const enough = lastPoint !== undefined && points.length >= MIN_POINTS;
  const target = options.target;
  return {
    points,
    variationIcon: enough ? lastPoint.pointType : null,
    assuranceIcon: enough && target !== undefined ? assuranceOf(target, lastPoint.lpl, lastPoint.upl, improvement) : null,
    warnings,
    improvement,
    ...(target !== undefined ? { target } : {}),
  };
}
