/**
 * One backend at one scale: a fresh store, the import (with the floor), then — at the largest scale
 * — search latency and the overhead of access checks and audit (each in a process of its own, so a
 * query that never ends can be stopped) and HTTP throughput on what was imported, and the memory
 * figures; the store is
 * thrown away at the end. Each section's failure is recorded and the next section still runs
 * (except after a failed import, which leaves nothing to measure).
 */
import { measureAccessInChild } from './access-process.ts';
import type { AreaData } from './area-data.ts';
import { createBenchStore } from './backends.ts';
import type { Reporter } from './console-progress.ts';
import { accessFigures, httpFigures, importFigures, importMemoryFigure, searchFigures, serverMemoryFigures } from './figures.ts';
import { measureHttp, measureServerAtRest } from './http-step.ts';
import { measureImport } from './import-step.ts';
import type { BackendKind, BenchOptions, Section } from './options.ts';
import type { BenchResults, Failure } from './results-file.ts';
import { measureSearchInChild } from './search-process.ts';
import { insightFigures, measureInsight } from './insight-step.ts';

/** What one (backend, scale) adds to the results document. */
export type ScaleResults = Pick<BenchResults, 'import' | 'search' | 'access' | 'http' | 'memory' | 'figures' | 'failures'> & { pages: NonNullable<BenchResults['pages']> };

export function emptyScaleResults(): ScaleResults {
  return { import: [], search: [], access: [], http: [], memory: [], pages: [], figures: [], failures: [] };
}

/** Patients sampled for the access section (fewer in an area too small to be sure of that many). */
export const ACCESS_PATIENTS = 50;

export interface ScalePlan {
  backend: BackendKind;
  area: AreaData;
  /** search, access and HTTP run at the largest scale only */
  largest: boolean;
}

/** Whether this scale needs an import at all: for its own figures, or for search/access/HTTP on top of it. */
export function scaleIsNeeded(only: ReadonlySet<Section>, largest: boolean): boolean {
  // pages measure the web app on a demo area of their own, not on the imported store
  return only.has('import') || only.has('memory') || (largest && (only.has('search') || only.has('access') || only.has('http') || only.has('insight')));
}

export async function benchmarkScale(plan: ScalePlan, options: BenchOptions, reporter: Reporter): Promise<ScaleResults> {
  const { backend, area, largest } = plan;
  const out = emptyScaleResults();
  const fail = (section: Section, error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    out.failures.push({ section, backend, scale: area.label, message } satisfies Failure);
    reporter.note(`✗ FAILED (${section}): ${message.split('\n').join('\n           ')}`);
  };
  const memory: ScaleResults['memory'][number] = { backend, scale: area.label };

  const store = await createBenchStore(backend, options, area.label);
  try {
    const imported = await measureImport(store, area, { ...options, withFloor: options.only.has('import') }, reporter).catch((error: unknown) => {
      fail('import', error);
      return undefined;
    });
    if (!imported) return out;
    if (options.only.has('import')) {
      out.import.push(imported);
      out.figures.push(...importFigures(imported, backend, true));
    }
    if (options.only.has('memory')) {
      memory.importPeakRssBytes = imported.peakRssBytes;
      out.figures.push(importMemoryFigure(imported, backend));
    }

    if (largest && options.only.has('search')) {
      reporter.step(`[${backend} ${area.label}] search: ten sample queries in a search process, ${options.runs} runs each after warm-up (at most ${options.searchTimeout} s a query)`);
      try {
        const task = { config: store.config, seed: area.seed, requested: area.requested, settings: { runs: options.runs } };
        const { queries, timedOut, wrong } = await measureSearchInChild(task, options.searchTimeout, reporter, () => store.endSessions());
        out.search.push({ backend, scale: area.label, runs: options.runs, queries, timedOut });
        out.figures.push(...searchFigures(queries, timedOut, backend, area.label));
        for (const error of wrong) fail('search', error);
      } catch (error) {
        fail('search', error);
      }
    }

    if (largest && options.only.has('access')) {
      reporter.step(
        `[${backend} ${area.label}] access: ${ACCESS_PATIENTS} patients' reads and searches as their GP, through the baseline, access checks, and access checks with audit; up to ${options.runs} rounds (at most ${options.searchTimeout} s a request kind)`,
      );
      try {
        const task = { config: store.config, seed: area.seed, requested: area.requested, patients: ACCESS_PATIENTS, settings: { rounds: options.runs } };
        const { kinds, timedOut, wrong } = await measureAccessInChild(task, options.searchTimeout, reporter, () => store.endSessions());
        out.access.push({ backend, scale: area.label, patients: kinds[0]?.patients ?? ACCESS_PATIENTS, rounds: options.runs, kinds, timedOut });
        out.figures.push(...accessFigures(kinds, timedOut, backend, area.label));
        for (const error of wrong) fail('access', error);
      } catch (error) {
        fail('access', error);
      }
    }

    if (largest && options.only.has('http')) {
      try {
        const http = await measureHttp(store, area.dir, area.label, { seconds: options.httpSeconds, connections: options.httpConnections }, reporter);
        out.http.push(http);
        out.figures.push(...httpFigures(http, backend));
        if (options.only.has('memory')) {
          memory.serverRssAtRestBytes = http.rssAtRestBytes;
          memory.serverRssAfterLoadBytes = http.rssAfterLoadBytes;
          out.figures.push(...serverMemoryFigures(backend, area.label, http.rssAtRestBytes, http.rssAfterLoadBytes));
        }
      } catch (error) {
        fail('http', error);
      }
    } else if (options.only.has('memory')) {
      try {
        memory.serverRssAtRestBytes = await measureServerAtRest(store, area.label, reporter);
        out.figures.push(...serverMemoryFigures(backend, area.label, memory.serverRssAtRestBytes));
      } catch (error) {
        fail('memory', error);
      }
    }
    if (options.only.has('memory')) out.memory.push(memory);
    if (largest && options.only.has('insight')) {
      reporter.step(`[${backend} ${area.label}] insight: the views' analytics copy (full and incremental refresh), every measure, and a measure's chart page, ${options.runs} renders`);
      try {
        out.figures.push(...insightFigures(await measureInsight(store, area.label, options.workDir, options.runs, reporter)));
      } catch (error) {
        fail('insight', error);
      }
    }
    return out;
  } finally {
    if (options.keep) reporter.note(`kept the store at ${store.where}`);
    await store.destroy().catch((error: unknown) => reporter.note(`could not remove the store at ${store.where}: ${String(error)}`));
  }
}
