/**
 * The benchmark suite (`kindred bench …`, `npm run bench`): generates the synthetic area once per
 * seed and scale, then for each backend and scale imports it into a fresh store beside the floor,
 * and at the largest scale measures search latency and HTTP throughput; memory throughout. Prints
 * a table with targets and the trend against the previous run, and writes a results file.
 *
 * Speed is measured here, never asserted in tests. A wrong answer or a failed import is a failure
 * (exit 1); a missed target is a finding (exit 0) that the table shows.
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAreaData, type AreaData } from './harness/area-data.ts';
import { planBackends } from './harness/backends.ts';
import { consoleReporter, formatCount, formatMiB, type Reporter } from './harness/console-progress.ts';
import type { Figure } from './harness/figures.ts';
import { REPO_ROOT } from './harness/kindred-process.ts';
import { codeState, machineInfo } from './harness/machine.ts';
import { benchHelp, BenchUsageError, parseBenchArgs, SECTIONS, scaleLabel, type BackendKind, type BenchOptions } from './harness/options.ts';
import { figureKey, previousResults, RESULTS_SCHEMA, writeResults, type BenchResults } from './harness/results-file.ts';
import { formatTable } from './harness/results-table.ts';
import { benchmarkScale, emptyScaleResults, scaleIsNeeded, type ScaleResults } from './harness/run-scale.ts';
import { OPEN_REQUESTS, measurePages } from './harness/pages-step.ts';
import { createBenchStore } from './harness/backends.ts';
import { measureVideo, videoFigures, videoLoadFor } from './harness/video-step.ts';
import { pagesFigures } from './harness/figures.ts';
import { measureMonitoring, monitoringFigures, wardPeopleFor } from './harness/monitoring-step.ts';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

export interface BenchIo {
  /** where the table goes (stdout) */
  out: NodeJS.WritableStream;
  /** progress and notes (stderr) */
  reporter: Reporter;
}

/** Figures in reading order: by section, then backend, then scale (as measured within those). */
function ordered(figures: readonly Figure[], scales: readonly number[], backends: readonly BackendKind[]): Figure[] {
  const rank = (f: Figure): number[] => [SECTIONS.indexOf(f.section), backends.indexOf(f.backend), scales.findIndex((s) => scaleLabel(s) === f.scale)];
  const compare = (a: number[], b: number[]): number => a.reduce((found, x, i) => found || x - (b[i] ?? 0), 0);
  return figures
    .map((f, i) => ({ f, key: [...rank(f), i] }))
    .sort((a, b) => compare(a.key, b.key))
    .map(({ f }) => f);
}

/** A folder as recorded: relative to the repository, never a path of this machine. */
function recordedPath(path: string): string {
  const inside = relative(REPO_ROOT, resolve(path));
  return inside.startsWith('..') || isAbsolute(inside) ? '(a folder outside the repository)' : inside;
}

/** The command line as recorded in the results: folders relative to the repository, database urls without credentials. */
export function recordedArgs(args: readonly string[]): string[] {
  const redact = (flag: string, value: string): string => {
    if (flag === '--results' || flag === '--work') return recordedPath(value);
    if (flag === '--database-url') {
      try {
        const u = new URL(value);
        return `${u.protocol}//${u.hostname}:${u.port || '5432'}${u.pathname}`;
      } catch {
        return '(a database url)';
      }
    }
    return value;
  };
  return args.map((arg, i) => {
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) return `${arg.slice(0, eq)}=${redact(arg.slice(0, eq), arg.slice(eq + 1))}`;
    const flag = args[i - 1];
    return flag !== undefined && flag.startsWith('--') && !arg.startsWith('--') ? redact(flag, arg) : arg;
  });
}

function describeData(area: AreaData): BenchResults['data'][number] {
  return {
    seed: area.seed,
    scale: area.label,
    requested: area.requested,
    resources: area.resources,
    byType: area.byType,
    bytes: area.bytes,
    ...(area.generatedSeconds !== undefined ? { generatedSeconds: Math.round(area.generatedSeconds * 10) / 10 } : {}),
  };
}

function summary(results: BenchResults, file: string): string {
  const judged = results.figures.filter((f) => f.pass !== undefined);
  const missed = judged.filter((f) => f.pass === false);
  const lines = [
    '',
    judged.length === 0
      ? 'Targets: none apply to these figures.'
      : `Targets: ${judged.length - missed.length} of ${judged.length} met${missed.length > 0 ? `; missed: ${missed.map((f) => `${f.backend} ${f.scale} ${f.name}`).join(', ')}` : ''}.`,
    `Measured on ${results.machine.hostname}: ${results.machine.cpuModel}, ${results.machine.cores} cores, ${formatMiB(results.machine.memoryBytes)}, ${results.machine.os}, Node ${results.machine.node}, SQLite ${results.machine.sqlite}${results.machine.postgres ? `, PostgreSQL ${results.machine.postgres}` : ''}; load average at start ${results.machine.loadAverage.join(' ')}.`,
    `Code: ${results.code.commit}${results.code.dirty ? ' with uncommitted changes' : ''}.${results.code.changedDuringRun ? ` WARNING: the code changed during the run (${results.code.commitAtEnd} at the end); figures measured before the change are stale.` : ''}`,
    `Results: ${file}${results.previous ? ` (trend against ${results.previous.join(', ')})` : ' (no earlier results to compare with)'}.`,
  ];
  if (results.failures.length > 0) {
    lines.push('', `FAILED (${results.failures.length}): no figure is taken from a failed step or a wrong answer.`);
    for (const f of results.failures) lines.push(`  ✗ ${f.section} ${f.backend} ${f.scale}: ${f.message.split('\n')[0] ?? ''}`);
  }
  return lines.join('\n');
}

export async function runBenchmarks(args: string[], io: BenchIo = { out: process.stdout, reporter: consoleReporter() }): Promise<number> {
  let options: BenchOptions & { help: boolean };
  try {
    options = parseBenchArgs(args, BENCH_DIR);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const usage = error instanceof BenchUsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
    if (!usage) throw error;
    process.stderr.write(`kindred bench: ${(error as Error).message}\n\n${benchHelp}\n`);
    return 2;
  }
  if (options.help) {
    io.out.write(`${benchHelp}\n`);
    return 0;
  }
  const { reporter } = io;
  const startedAt = new Date();
  const codeAtStart = codeState();
  const backends = await planBackends(options);
  if (backends.note) reporter.note(backends.note);
  const machine = machineInfo({ sqlite: backends.sqliteVersion, ...(backends.postgresVersion !== undefined ? { postgres: backends.postgresVersion } : {}) });
  const sections = SECTIONS.filter((s) => options.only.has(s));
  reporter.step(
    `kindred bench: ${options.scales.map(scaleLabel).join(', ')} on ${backends.kinds.join(', ')}; ${sections.join(', ')}; seed ${options.seed}; commit ${codeAtStart.commit}${codeAtStart.dirty ? ' (uncommitted changes)' : ''}`,
  );
  reporter.note(`${machine.cpuModel}, ${machine.cores} cores, ${formatMiB(machine.memoryBytes)}, load ${machine.loadAverage.join(' ')}`);

  const largest = options.scales[options.scales.length - 1] ?? 0;
  const areas = new Map<number, AreaData>();
  for (const scale of options.scales) {
    if (!scaleIsNeeded(options.only, scale === largest)) continue;
    reporter.step(`data: synthetic area of ${formatCount(scale)} resources, seed ${options.seed}`);
    areas.set(scale, await ensureAreaData(options.workDir, options.seed, scale, reporter));
  }

  const collected: ScaleResults = emptyScaleResults();
  for (const backend of backends.kinds) {
    for (const [scale, area] of areas) {
      const part = await benchmarkScale({ backend, area, largest: scale === largest }, options, reporter);
      for (const key of Object.keys(collected) as (keyof ScaleResults)[]) (collected[key] as unknown[]).push(...part[key]);
    }
  }

  if (options.only.has('pages')) {
    for (const backend of backends.kinds) {
      reporter.step(`[${backend}] pages: the web app's main pages on a demo area with ${formatCount(OPEN_REQUESTS)} open requests in one practice, ${options.runs} requests each`);
      const store = await createBenchStore(backend, options, 'pages');
      try {
        const measured = await measurePages(store, options.runs, reporter);
        collected.pages.push(measured);
        collected.figures.push(...pagesFigures(measured, backend));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        collected.failures.push({ section: 'pages', backend, scale: `${formatCount(OPEN_REQUESTS)} open requests`, message });
        reporter.note(`✗ FAILED (pages): ${message}`);
      } finally {
        await store.destroy();
      }
    }
  }

  if (options.only.has('monitoring')) {
    for (const backend of backends.kinds) {
      reporter.step(`[${backend}] monitoring: a red reading to the virtual ward's task (web form and text message) and the ward's dashboard, ${formatCount(wardPeopleFor(options.runs))} people on the ward, ${options.runs} each`);
      const store = await createBenchStore(backend, options, 'monitoring');
      try {
        collected.figures.push(...monitoringFigures(await measureMonitoring(store, options.runs, reporter), backend));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        collected.failures.push({ section: 'monitoring', backend, scale: `${formatCount(wardPeopleFor(options.runs))} people on the ward`, message });
        reporter.note(`✗ FAILED (monitoring): ${message}`);
      } finally {
        await store.destroy();
      }
    }
  }

  if (options.only.has('video')) {
    for (const backend of backends.kinds) {
      const load = videoLoadFor(options.runs);
      reporter.step(`[${backend}] video: signalling in one process, ${load.rooms} waiting rooms × ${load.waitingPerRoom} waiting and ${load.calls} calls × ${load.perCall} relaying offers, answers and candidates`);
      const store = await createBenchStore(backend, options, 'video');
      try {
        const measured = await measureVideo(store, reporter, load);
        collected.figures.push(...videoFigures(measured));
        if (measured.errors.length > 0) collected.failures.push({ section: 'video', backend, scale: measured.scale, message: measured.errors.join('; ') });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        collected.failures.push({ section: 'video', backend, scale: 'signalling', message });
        reporter.note(`✗ FAILED (video): ${message}`);
      } finally {
        await store.destroy();
      }
    }
  }

  const finishedAt = new Date();
  const codeAtEnd = codeState();
  const previous = await previousResults(options.resultsDir, startedAt.toISOString(), machine.hostname, new Set(collected.figures.map(figureKey)));
  const results: BenchResults = {
    schema: RESULTS_SCHEMA,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    seconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 100) / 10,
    args: recordedArgs(args),
    code: { ...codeAtStart, commitAtEnd: codeAtEnd.commit, fingerprintAtEnd: codeAtEnd.fingerprint, changedDuringRun: codeAtEnd.fingerprint !== codeAtStart.fingerprint },
    machine,
    settings: {
      scales: options.scales.map(scaleLabel),
      backends: backends.kinds,
      sections,
      seed: options.seed,
      runs: options.runs,
      searchTimeout: options.searchTimeout,
      httpSeconds: options.httpSeconds,
      httpConnections: options.httpConnections,
    },
    notes: backends.note ? [backends.note] : [],
    data: [...areas.values()].map(describeData),
    ...collected,
    figures: ordered(collected.figures, options.scales, backends.kinds),
    ...(previous ? { previous: previous.files } : {}),
  };
  const file = await writeResults(options.resultsDir, results);
  io.out.write(`\n${formatTable(results.figures, previous)}\n${summary(results, relative(process.cwd(), join(options.resultsDir, file)))}\n`);
  return results.failures.length > 0 ? 1 : 0;
}
