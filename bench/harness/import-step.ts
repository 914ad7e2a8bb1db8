/**
 * The import section: the real `kindred import DIR` as a child process into a fresh store, timed
 * from process start to exit (start-up and migrations included: that is what an operator waits
 * for), with its peak resident memory; and beside it the floor on the same backend, in the same
 * run. An import that does not load every generated line is a failure, not a slow result.
 */
import type { AreaData } from './area-data.ts';
import { BenchFailure } from './bench-failure.ts';
import type { BenchStore } from './backends.ts';
import { formatCount, formatMiB, type Reporter } from './console-progress.ts';
import { runFloor, type FloorResult } from './floor.ts';
import { runKindred } from './kindred-process.ts';
import type { BenchOptions } from './options.ts';

export interface ImportMeasurement {
  backend: string;
  scale: string;
  resources: number;
  seconds: number;
  /** resources per second, over the whole child process */
  rate: number;
  peakRssBytes: number;
  floor?: FloorResult;
  /** floor rate ÷ import rate: how many times slower than the floor */
  ratioToFloor?: number;
}

/** The counts `kindred import` prints: the `total` row (created, updated, unchanged) and `rejected: N`. */
export function parseImportSummary(stdout: string): { written: number; rejected: number } | undefined {
  const number = (text: string | undefined): number => Number((text ?? '').replace(/,/g, ''));
  const total = /^total\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s*$/m.exec(stdout);
  const rejected = /^rejected:\s+([\d,]+)/m.exec(stdout);
  if (!total || !rejected) return undefined;
  return { written: number(total[1]) + number(total[2]) + number(total[3]), rejected: number(rejected[1]) };
}

export async function measureImport(
  store: BenchStore,
  area: AreaData,
  options: Pick<BenchOptions, 'workDir' | 'databaseUrl'> & { withFloor: boolean },
  reporter: Reporter,
): Promise<ImportMeasurement> {
  const label = `${store.backend}-${area.label}`;
  let floor: FloorResult | undefined;
  if (options.withFloor) {
    reporter.step(`[${store.backend} ${area.label}] floor: plain insert of the same ${formatCount(area.resources)} lines, 1000 per transaction`);
    floor = await runFloor(store.backend, area.dir, options, label);
    if (floor.rows !== area.resources) throw new BenchFailure(`the floor inserted ${floor.rows} lines but the area has ${area.resources} resources`);
    reporter.note(`${formatCount(floor.rate)} rows/s (${floor.seconds.toFixed(1)} s)`);
  }

  reporter.step(`[${store.backend} ${area.label}] import: kindred import into ${store.where} (child process)`);
  const bar = reporter.bar('import', 100);
  let percent = 0;
  let done = '0';
  let rss = 0;
  const show = (): void => bar.update(percent, `${done} resources  RSS ${formatMiB(rss)}`);
  const run = await runKindred(['import', area.dir, ...store.cliArgs], {
    onStderrLine: (line) => {
      const match = /(\d+)%\s+([\d,]+) resources/.exec(line);
      if (!match) return;
      percent = Number(match[1]);
      done = match[2] ?? done;
      show();
    },
    onPoll: (memory) => {
      rss = memory.rssBytes;
      show();
    },
  });
  const summary = parseImportSummary(run.stdout);
  if (run.code !== 0 || !summary || summary.rejected > 0 || summary.written !== area.resources) {
    const what = summary ? `${summary.written} written, ${summary.rejected} rejected of ${area.resources}` : 'no summary printed';
    const last = run.stderrTail[run.stderrTail.length - 1] ?? '';
    throw new BenchFailure(`kindred import failed (exit code ${run.code}, ${what}): ${last}\n${run.stderrTail.slice(-15, -1).join('\n')}`);
  }
  const rate = area.resources / run.seconds;
  bar.finish(`${formatCount(area.resources)} resources, ${formatCount(rate)}/s, peak RSS ${formatMiB(run.peakRssBytes)}`);
  return {
    backend: store.backend,
    scale: area.label,
    resources: area.resources,
    seconds: run.seconds,
    rate,
    peakRssBytes: run.peakRssBytes,
    ...(floor ? { floor, ratioToFloor: floor.rate / rate } : {}),
  };
}
