/**
 * The insight section (issue 6, the learning health system), on the store the import just filled
 * (the largest scale): how fast the views' analytics copy is built and kept up to date, how long
 * a refresh of every measure takes, and how long a measure's chart page takes to render.
 *
 * - Full refresh: the built-in views (installed into the record as the server does) rebuilt from
 *   every resource of their types, read through Kindred's insight service (access-checked and
 *   audited, as `kindred serve` runs it) into a DuckDB file; rows written ÷ wall-clock seconds.
 * - Incremental refresh: CHANGED appointments are updated in the record (their status), then the
 *   copy applies the record's changes since the last refresh (the overlap window included; a full
 *   run first waits for the import to leave that window, as it would have in use).
 * - Every measure: `refreshAllMeasures` (every measure for the area and each organisation, every
 *   stratum, cached in the copy), as the server does after each view refresh; target under 10 s.
 * - Chart page: a measure's page (the XmR chart, its summary and data table, the breakdown by IMD
 *   quintile with its equity gaps) rendered without HTTP, each measure with data in turn, after
 *   warm-up (the benchmark area has appointments but no online requests or wards).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createAuditWriter, defaultAccessPolicy } from '@kindred/access';
import { BUILT_IN_VIEWS, MEASURE_LIBRARY, OVERLAP_MS, ensureViewDefinitions, openWarehouse, refreshAllMeasures, refreshImdTable, type RefreshReport, type Warehouse } from '@kindred/insight';
import { insightRecord, renderMeasurePage } from '@kindred/server';
import { parseSearchRequest } from '@kindred/fhir';
import { openStore } from '@kindred/store';
import { BenchFailure } from './bench-failure.ts';
import type { BenchStore } from './backends.ts';
import { formatCount, type Reporter } from './console-progress.ts';
import { TARGETS, meets, type Figure } from './figures.ts';
import type { BackendKind } from './options.ts';
import { summariseLatency, type LatencySummary } from './search-step.ts';

/** appointments changed before the incremental refresh */
export const CHANGED = 1_000;
const WARM_UP = 3;
/** from this many runs the incremental refresh waits for the import to leave the overlap window */
const SETTLE_FROM_RUNS = 50;

export interface InsightMeasurement {
  backend: BackendKind;
  scale: string;
  /** resources read by the full refresh (every resource of the views' types) */
  resourcesRead: number;
  full: { rows: number; ms: number; rowsPerSecond: number; views: { view: string; rows: number; ms: number }[] };
  incremental: { changed: number; resources: number; rows: number; ms: number; rowsPerSecond: number; settled: boolean };
  measures: { measures: number; series: number; ms: number };
  /** a measure's page, by measure in turn (those with data in the area) */
  chartPage: LatencySummary;
  /** measures with data in the area, whose pages are timed */
  chartedMeasures: number;
}

function checked(report: RefreshReport, what: string): RefreshReport {
  if (report.errors.length > 0) throw new BenchFailure(`${what}: ${report.errors.map((e) => `${e.view}: ${e.message}`).join('; ')}`);
  return report;
}

export async function measureInsight(bench: BenchStore, scale: string, workDir: string, runs: number, reporter: Reporter): Promise<InsightMeasurement> {
  const startedAt = Date.now();
  const store = await openStore(bench.config);
  const file = join(workDir, 'stores', `insight-${bench.backend}-${process.pid}.duckdb`);
  rmSync(file, { force: true });
  const warehouse = await openWarehouse({ path: file });
  try {
    const audit = createAuditWriter(store.audit);
    const record = await insightRecord(store, defaultAccessPolicy(), audit);
    await ensureViewDefinitions(record, BUILT_IN_VIEWS);

    // An incremental refresh re-reads the changes from OVERLAP_MS before the previous refresh began
    // (decision 0017): a full refresh straight after the import would leave the import in that
    // window. A full run waits until the import is out of it, as it would be in use; a short run
    // (the harness's own test) does not wait.
    const settled = runs >= SETTLE_FROM_RUNS;
    if (settled) {
      const wait = startedAt + OVERLAP_MS + 5_000 - Date.now();
      if (wait > 0) {
        reporter.note(`[${bench.backend} ${scale}] insight: waiting ${Math.ceil(wait / 1000)} s for the import to leave the refresh's overlap window`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    reporter.note(`[${bench.backend} ${scale}] insight: full refresh of ${BUILT_IN_VIEWS.length} views`);
    const full = checked(await warehouse.refresh(record, { full: true }), 'full refresh');
    const resourcesRead = full.views.reduce((n, v) => n + v.resources, 0);
    if (full.rowsWritten === 0) throw new BenchFailure('the full refresh wrote no rows: the views found nothing in the area');
    await refreshImdTable(warehouse, store.reference);

    // change some appointments, as a day's work would, then apply the changes
    const page = await store.repository.search(parseSearchRequest('Appointment', [['_count', String(CHANGED)]], { handling: 'strict' }));
    let changed = 0;
    for (const appointment of page.matches) {
      const status = appointment.status === 'fulfilled' ? 'noshow' : 'fulfilled';
      await store.repository.update({ ...appointment, status });
      changed += 1;
    }
    reporter.note(`[${bench.backend} ${scale}] insight: incremental refresh after ${formatCount(changed)} changed appointments`);
    const incremental = checked(await warehouse.refresh(record), 'incremental refresh');
    const incrementalResources = incremental.views.reduce((n, v) => n + (v.mode === 'incremental' ? v.resources : 0), 0);
    if (incrementalResources < changed) throw new BenchFailure(`the incremental refresh applied ${incrementalResources} changes; ${changed} appointments were changed`);

    reporter.note(`[${bench.backend} ${scale}] insight: every measure for the area and each organisation`);
    const measures = await warehouseMeasures(warehouse);

    reporter.note(`[${bench.backend} ${scale}] insight: measure pages, ${runs} renders after warm-up`);
    // the area holds data for some measures only (it has no online requests or wards): their pages have charts
    const charted: string[] = [];
    for (const { id } of MEASURE_LIBRARY) {
      const rendered = await renderMeasurePage(warehouse, id, { stratum: 'imd-quintile' });
      if (rendered.status !== 200) throw new BenchFailure(`the page of measure ${id} answered ${rendered.status}`);
      if (rendered.html.includes('<svg')) charted.push(id);
    }
    if (charted.length === 0) throw new BenchFailure('no measure has a chart on this area');
    const times: number[] = [];
    for (let i = 0; i < WARM_UP + runs; i++) {
      const id = charted[i % charted.length]!;
      const started = performance.now();
      await renderMeasurePage(warehouse, id, { stratum: 'imd-quintile' });
      const ms = performance.now() - started;
      if (i >= WARM_UP) times.push(ms);
    }
    const measured: InsightMeasurement = {
      backend: bench.backend,
      scale,
      resourcesRead,
      full: { rows: full.rowsWritten, ms: full.ms, rowsPerSecond: full.rowsPerSecond, views: full.views.map((v) => ({ view: v.view, rows: v.rows, ms: v.ms })) },
      incremental: { changed, resources: incrementalResources, rows: incremental.rowsWritten, ms: incremental.ms, rowsPerSecond: incremental.rowsPerSecond, settled },
      measures,
      chartPage: summariseLatency(times.sort((a, b) => a - b)),
      chartedMeasures: charted.length,
    };
    await audit.flush();
    return measured;
  } finally {
    await warehouse.close();
    await store.close();
    rmSync(file, { force: true });
    rmSync(`${file}.wal`, { force: true });
  }
}

async function warehouseMeasures(warehouse: Warehouse): Promise<InsightMeasurement['measures']> {
  const started = performance.now();
  const result = await refreshAllMeasures(warehouse);
  return { ...result, ms: performance.now() - started };
}

export function insightFigures(m: InsightMeasurement): Figure[] {
  const at = { section: 'insight' as const, backend: m.backend, scale: m.scale };
  const round = (v: number): number => Math.round(v * 100) / 100;
  const target = TARGETS.measureRefreshSeconds;
  const measureSeconds = round(m.measures.ms / 1000);
  return [
    { ...at, name: 'view full refresh rate', value: Math.round(m.full.rowsPerSecond), unit: 'rows/s', better: 'higher', note: `${formatCount(m.full.rows)} rows from ${formatCount(m.resourcesRead)} resources in ${round(m.full.ms / 1000)} s` },
    { ...at, name: 'view incremental refresh', value: round(m.incremental.ms), unit: 'ms', better: 'lower', note: `${formatCount(m.incremental.changed)} changed appointments; ${formatCount(m.incremental.resources)} resources and ${formatCount(m.incremental.rows)} rows re-read${m.incremental.settled ? '' : ' (the import still in the overlap window)'}` },
    { ...at, name: 'every measure refreshed', value: measureSeconds, unit: 's', better: 'lower', target: { op: target.op, value: target.value }, pass: meets(measureSeconds, target), note: `${m.measures.measures} measures, ${formatCount(m.measures.series)} series` },
    { ...at, name: 'measure chart page p50', value: round(m.chartPage.p50), unit: 'ms', better: 'lower', note: `${m.chartedMeasures} of ${MEASURE_LIBRARY.length} measures have data here` },
    { ...at, name: 'measure chart page p95', value: round(m.chartPage.p95), unit: 'ms', better: 'lower' },
  ];
}
