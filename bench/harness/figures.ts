/**
 * Measurements → figures: one number each, with its unit, which way is better, and the target it
 * is judged against where the issue sets one (import ≥ 20,000/s on SQLite and within 4× of the
 * floor; peak RSS during a 1M import under 1 GiB; search p95 under 20 ms on SQLite; HTTP reads
 * ≥ 5,000/s in one process; no failed HTTP requests; access checks and audit add under 15 % to
 * search and read latency). The targets live here and nowhere else.
 */
import { AREA_QUERY_NAMES } from '../area/index.ts';
import type { TimedOutRequest } from './access-process.ts';
import { ACCESS_REQUEST_KINDS } from './access-stacks.ts';
import type { AccessKindLatency } from './access-step.ts';
import type { HttpMeasurement } from './http-step.ts';
import type { PagesMeasurement } from './pages-step.ts';
import type { ImportMeasurement } from './import-step.ts';
import type { BackendKind, Section } from './options.ts';
import type { TimedOutQuery } from './search-process.ts';
import type { QueryLatency } from './search-step.ts';

export interface Target {
  op: '>=' | '<=' | '<' | '=';
  value: number;
}

export interface Figure {
  section: Section;
  backend: BackendKind;
  scale: string;
  name: string;
  value: number;
  unit: string;
  better: 'higher' | 'lower';
  target?: Target;
  /** whether the value meets the target; absent when there is none */
  pass?: boolean;
  /** a word on a value that is not a plain measurement, e.g. a bound from a time limit */
  note?: string;
}

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

export const TARGETS = {
  sqliteImportRate: { op: '>=', value: 20_000 },
  importToFloor: { op: '<=', value: 4 },
  /** applies from this many resources up ("peak RSS during the 1M import") */
  importPeakRss: { op: '<', value: GIB / MIB, fromResources: 1_000_000 },
  sqliteSearchP95: { op: '<', value: 20 },
  httpReadRate: { op: '>=', value: 5000 },
  failedRequests: { op: '=', value: 0 },
  /** percent added to the baseline's p50 and p95 by access checks, and by access checks with audit */
  accessOverhead: { op: '<', value: 15 },
  /** issue 4: server render time p95 (ms) and page weight without images (KB) of the main pages */
  pageP95: { op: '<', value: 50 },
  pageWeight: { op: '<', value: 100 },
  /** issue 5: from a red reading arriving (web form or text message) to the ward's urgent Task in the record, p95 (ms) */
  redReadingToTaskP95: { op: '<', value: 1000 },
  /** issue 6: a refresh of every measure for the area (seconds) */
  measureRefreshSeconds: { op: '<', value: 10 },
} as const;

export function meets(value: number, target: Target): boolean {
  switch (target.op) {
    case '>=':
      return value >= target.value;
    case '<=':
      return value <= target.value;
    case '<':
      return value < target.value;
    case '=':
      return value === target.value;
  }
}

function figure(base: Omit<Figure, 'pass' | 'target'>, target?: Target): Figure {
  const value = Math.round(base.value * 100) / 100;
  return target ? { ...base, value, target: { op: target.op, value: target.value }, pass: meets(value, target) } : { ...base, value };
}

export function importFigures(m: ImportMeasurement, backend: BackendKind, includeRate: boolean): Figure[] {
  const at = { backend, scale: m.scale };
  const figures: Figure[] = [];
  if (includeRate) {
    figures.push(figure({ section: 'import', ...at, name: 'import rate', value: m.rate, unit: 'resources/s', better: 'higher' }, backend === 'sqlite' ? TARGETS.sqliteImportRate : undefined));
    if (m.floor) {
      figures.push(figure({ section: 'import', ...at, name: 'floor rate', value: m.floor.rate, unit: 'rows/s', better: 'higher' }));
      figures.push(figure({ section: 'import', ...at, name: 'import vs floor', value: m.ratioToFloor ?? Number.NaN, unit: '× slower', better: 'lower' }, TARGETS.importToFloor));
    }
  }
  return figures;
}

export function importMemoryFigure(m: ImportMeasurement, backend: BackendKind): Figure {
  const target = m.resources >= TARGETS.importPeakRss.fromResources ? TARGETS.importPeakRss : undefined;
  return figure({ section: 'memory', backend, scale: m.scale, name: 'import peak RSS', value: m.peakRssBytes / MIB, unit: 'MiB', better: 'lower' }, target);
}

/** p50 and p95 of each query; a query that ran out of time shows the limit as its (lower-bound) value. */
export function searchFigures(queries: readonly QueryLatency[], timedOut: readonly TimedOutQuery[], backend: BackendKind, scale: string): Figure[] {
  const p95Target = backend === 'sqlite' ? TARGETS.sqliteSearchP95 : undefined;
  const at = { section: 'search' as const, backend, scale, unit: 'ms', better: 'lower' as const };
  const measured = queries.map((q) => ({ name: q.name, rows: [figure({ ...at, name: `${q.name} p50`, value: q.p50 }), figure({ ...at, name: `${q.name} p95`, value: q.p95 }, p95Target)] }));
  const limited = timedOut.map((t) => ({ name: t.name, rows: [{ ...figure({ ...at, name: `${t.name} p95`, value: t.seconds * 1000 }, p95Target), note: `timed out: slower than ${t.seconds} s, not measured` }] }));
  // In the order the queries are defined, wherever the time-outs fell.
  const order = (name: string): number => AREA_QUERY_NAMES.findIndex((n) => name.startsWith(n));
  return [...measured, ...limited].sort((a, b) => order(a.name) - order(b.name)).flatMap((q) => q.rows);
}

/**
 * For each request kind: p50 and p95 through each stack (ms), then the overhead of access checks
 * and of access checks with audit on the baseline (%, target < 15). A kind that ran out of time
 * shows its overheads as unmeasured misses.
 */
export function accessFigures(kinds: readonly AccessKindLatency[], timedOut: readonly TimedOutRequest[], backend: BackendKind, scale: string): Figure[] {
  const at = { section: 'access' as const, backend, scale, better: 'lower' as const };
  const measured = kinds.map((k) => ({
    kind: k.kind,
    rows: [
      ...k.stacks.flatMap((s) => [figure({ ...at, name: `${k.kind} ${s.stack} p50`, value: s.p50, unit: 'ms' }), figure({ ...at, name: `${k.kind} ${s.stack} p95`, value: s.p95, unit: 'ms' })]),
      ...k.overhead.flatMap((o) => [
        figure({ ...at, name: `${k.kind} ${o.stack} overhead p50`, value: o.p50, unit: '%' }, TARGETS.accessOverhead),
        figure({ ...at, name: `${k.kind} ${o.stack} overhead p95`, value: o.p95, unit: '%' }, TARGETS.accessOverhead),
      ]),
    ],
  }));
  const limited = timedOut.map((t) => ({
    kind: t.kind,
    rows: [{ ...figure({ ...at, name: `${t.kind} access+audit overhead p95`, value: Number.NaN, unit: '%' }, TARGETS.accessOverhead), note: `timed out: not measured within ${t.seconds} s` }],
  }));
  const order = (kind: string): number => ACCESS_REQUEST_KINDS.findIndex((k) => k === kind);
  return [...measured, ...limited].sort((a, b) => order(a.kind) - order(b.kind)).flatMap((k) => k.rows);
}

export function httpFigures(m: HttpMeasurement, backend: BackendKind): Figure[] {
  const at = { section: 'http' as const, backend, scale: m.scale };
  return m.loads.flatMap((load) => [
    figure({ ...at, name: `${load.name} throughput`, value: load.rate, unit: 'requests/s', better: 'higher' }, load.name === 'read' ? TARGETS.httpReadRate : undefined),
    figure({ ...at, name: `${load.name} latency p50`, value: load.latencyP50, unit: 'ms', better: 'lower' }),
    figure({ ...at, name: `${load.name} latency p99`, value: load.latencyP99, unit: 'ms', better: 'lower' }),
    figure({ ...at, name: `${load.name} failed requests`, value: load.non2xx + load.errors, unit: 'requests', better: 'lower' }, TARGETS.failedRequests),
  ]);
}

export function serverMemoryFigures(backend: BackendKind, scale: string, atRestBytes: number, afterLoadBytes?: number): Figure[] {
  const at = { section: 'memory' as const, backend, scale, unit: 'MiB', better: 'lower' as const };
  return [
    figure({ ...at, name: 'server RSS at rest', value: atRestBytes / MIB }),
    ...(afterLoadBytes !== undefined ? [figure({ ...at, name: 'server RSS after load', value: afterLoadBytes / MIB })] : []),
  ];
}

export function pagesFigures(m: PagesMeasurement, backend: BackendKind): Figure[] {
  const at = { section: 'pages' as const, backend, scale: m.scale };
  return m.pages.flatMap((page) => [
    figure({ ...at, name: `${page.name} p95`, value: page.latency.p95, unit: 'ms', better: 'lower' }, page.name === 'equity view' ? undefined : TARGETS.pageP95),
    figure({ ...at, name: `${page.name} weight`, value: page.weightBytes / 1024, unit: 'KB', better: 'lower' }, TARGETS.pageWeight),
  ]);
}
