/**
 * The results file: one JSON document per run, bench/results/<YYYY-MM-DD>T<HHMM>-<hostname>.json
 * (UTC), never overwriting an earlier one, and the lookup of the previous run's figures for the
 * trend. Earlier files are only read. Paths of the machine never go in; its name and hardware do.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TimedOutRequest } from './access-process.ts';
import type { AccessKindLatency } from './access-step.ts';
import type { Figure } from './figures.ts';
import type { HttpMeasurement } from './http-step.ts';
import type { PagesMeasurement } from './pages-step.ts';
import type { ImportMeasurement } from './import-step.ts';
import type { CodeState, MachineInfo } from './machine.ts';
import type { BackendKind, Section } from './options.ts';
import type { TimedOutQuery } from './search-process.ts';
import type { QueryLatency } from './search-step.ts';

export const RESULTS_SCHEMA = 1;

export interface DataDescription {
  seed: number;
  scale: string;
  requested: number;
  resources: number;
  byType: Record<string, number>;
  bytes: number;
  generatedSeconds?: number;
}

export interface Failure {
  section: Section;
  backend: BackendKind;
  scale: string;
  message: string;
}

export interface BenchResults {
  schema: typeof RESULTS_SCHEMA;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  args: string[];
  code: CodeState & { commitAtEnd: string; fingerprintAtEnd: string; changedDuringRun: boolean };
  machine: MachineInfo;
  settings: { scales: string[]; backends: BackendKind[]; sections: Section[]; seed: number; runs: number; searchTimeout: number; httpSeconds: number; httpConnections: number };
  notes: string[];
  data: DataDescription[];
  import: ImportMeasurement[];
  search: { backend: BackendKind; scale: string; runs: number; queries: QueryLatency[]; timedOut: TimedOutQuery[] }[];
  /** `patients`: how many were sampled; `rounds`: the timed rounds asked for (each kind records how many it ran) */
  access: { backend: BackendKind; scale: string; patients: number; rounds: number; kinds: AccessKindLatency[]; timedOut: TimedOutRequest[] }[];
  http: HttpMeasurement[];
  /** the web app's main pages (issue 4); absent in files written before it was measured */
  pages?: PagesMeasurement[];
  memory: { backend: BackendKind; scale: string; importPeakRssBytes?: number; serverRssAtRestBytes?: number; serverRssAfterLoadBytes?: number }[];
  figures: Figure[];
  failures: Failure[];
  /** the earlier results files the trend compares with, newest first */
  previous?: string[];
}

export function figureKey(f: Pick<Figure, 'section' | 'backend' | 'scale' | 'name'>): string {
  return `${f.section}|${f.backend}|${f.scale}|${f.name}`;
}

function fileStamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

/** Writes `results` under a new name and returns it: `-2`, `-3` … when that minute's name is taken. */
export async function writeResults(dir: string, results: BenchResults): Promise<string> {
  await mkdir(dir, { recursive: true });
  const host = results.machine.hostname.replace(/[^A-Za-z0-9.-]+/g, '-') || 'unknown';
  const base = `${fileStamp(new Date(results.startedAt))}-${host}`;
  const text = `${JSON.stringify(results, null, 2)}\n`;
  for (let n = 1; n < 1000; n++) {
    const name = `${base}${n === 1 ? '' : `-${n}`}.json`;
    try {
      // 'wx' fails when the file exists, so an earlier run's results are never replaced.
      await writeFile(join(dir, name), text, { flag: 'wx' });
      return name;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`too many results files named ${base}`);
}

export interface PreviousResults {
  /** the earlier files the values come from, newest first */
  files: string[];
  /** each figure's latest earlier value, by figureKey */
  figures: ReadonlyMap<string, number>;
}

/**
 * Each `wanted` figure's value in the latest earlier run that measured it (a 1M figure compares with the
 * last 1M run, even when a 100k run came between) — from runs on the same machine when there are
 * any, since figures from another machine say little about a change. Unreadable files are skipped.
 */
export async function previousResults(dir: string, startedAt: string, hostname: string, wanted: ReadonlySet<string>): Promise<PreviousResults | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  } catch {
    return undefined;
  }
  const runs: { file: string; startedAt: string; hostname: string; figures: Figure[] }[] = [];
  for (const file of names) {
    try {
      const doc = JSON.parse(await readFile(join(dir, file), 'utf8')) as Partial<BenchResults>;
      if (typeof doc.startedAt !== 'string' || !Array.isArray(doc.figures) || doc.startedAt >= startedAt) continue;
      runs.push({ file, startedAt: doc.startedAt, hostname: doc.machine?.hostname ?? '', figures: doc.figures });
    } catch {
      continue;
    }
  }
  const here = runs.filter((r) => r.hostname === hostname);
  const candidates = (here.length > 0 ? here : runs).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const figures = new Map<string, number>();
  const files: string[] = [];
  for (const run of candidates) {
    let used = false;
    for (const f of run.figures) {
      const key = figureKey(f);
      if (!wanted.has(key) || figures.has(key)) continue;
      figures.set(key, f.value);
      used = true;
    }
    if (used) files.push(run.file);
  }
  return files.length > 0 ? { files, figures } : undefined;
}
