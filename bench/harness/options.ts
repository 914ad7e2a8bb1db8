/**
 * The benchmark's command line (`kindred bench …`, `npm run bench -- …`): flags → a frozen
 * BenchOptions. Parsing only; deciding whether PostgreSQL is there happens later, in backends.ts.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SEED } from '../area/index.ts';

export const SECTIONS = ['import', 'search', 'access', 'http', 'memory', 'pages', 'monitoring', 'video', 'insight'] as const;
export type Section = (typeof SECTIONS)[number];

export const BACKEND_KINDS = ['sqlite', 'postgres'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchOptions {
  /** resource counts, ascending; search and HTTP run at the largest */
  scales: readonly number[];
  /** undefined: both when PostgreSQL answers, else SQLite */
  backends: readonly BackendKind[] | undefined;
  only: ReadonlySet<Section>;
  resultsDir: string;
  workDir: string;
  seed: number;
  /** timed runs of each search query (after warm-up), and timed rounds of each access request kind */
  runs: number;
  /** how long one search query may take for its check, warm-up and timed runs before it counts as timed out */
  searchTimeout: number;
  httpSeconds: number;
  httpConnections: number;
  /** an administrative connection: the harness creates and drops its databases through it */
  databaseUrl: string;
  /** keep the stores (data dirs, databases) after the run, to look at them */
  keep: boolean;
}

export const benchHelp = `kindred bench [--scale 100k,1m] [--backends sqlite,postgres] [--only import,search,access,http,memory,pages,monitoring,video,insight]
              [--runs N] [--search-timeout S] [--http-seconds S] [--http-connections N] [--seed S]
              [--results DIR] [--work DIR] [--database-url URL] [--keep]

  --scale           resource counts to import (e.g. 20k, 250k, 1m); search, access and HTTP run at the largest
  --backends        default: both when PostgreSQL answers at --database-url, else sqlite
  --only            sections to measure (default all); the import always runs because the others need it,
                    except for pages (the web app on a demo area with 10,000 open requests, which needs no import)
                    and monitoring (a red reading to the virtual ward's task, and its dashboard, on a ward of its own)
                    and video (the signalling of waiting rooms and calls of four over WebSockets, in one process);
                    insight (views' analytics copy, every measure, a chart page) runs on the largest scale's import
  --runs            timed runs of each of the ten search queries, and timed rounds of each access request (default 100)
  --search-timeout  seconds one search query (or access request kind) may take in all before it is recorded as timed out (default 120)
  --http-seconds    length of each autocannon run (default 10)
  --database-url    administrative PostgreSQL url (default KINDRED_BENCH_DATABASE_URL or ${DEFAULT_DATABASE_URL});
                    the harness creates and drops kindred_bench_* databases on that server
  --results         where results files go (default bench/results)
  --work            generated data and temporary stores (default bench/scratch)
  --keep            keep the imported stores afterwards`;

export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

/** "100k" → 100000, "1m" → 1000000, "2500" → 2500, "1.5m" → 1500000. */
export function parseScale(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim().replace(/_/g, ''));
  if (!match) throw new BenchUsageError(`--scale takes counts such as 100k or 1m, got "${text}"`);
  const factor = match[2]?.toLowerCase() === 'm' ? 1_000_000 : match[2]?.toLowerCase() === 'k' ? 1000 : 1;
  const value = Math.round(Number(match[1]) * factor);
  if (value < 1) throw new BenchUsageError(`--scale must be positive, got "${text}"`);
  return value;
}

/** 100000 → "100k", 1000000 → "1m", 1500000 → "1.5m", 2500 → "2500": the names used in tables and file names. */
export function scaleLabel(resources: number): string {
  if (resources >= 1_000_000 && resources % 100_000 === 0) return `${resources / 1_000_000}m`;
  if (resources >= 1000 && resources % 1000 === 0) return `${resources / 1000}k`;
  return String(resources);
}

function listOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T[] {
  const items = text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) throw new BenchUsageError(`--${flag} takes ${allowed.join(', ')}; got "${item}"`);
  }
  if (items.length === 0) throw new BenchUsageError(`--${flag} needs at least one of ${allowed.join(', ')}`);
  return [...new Set(items)] as T[];
}

function wholeNumber(flag: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new BenchUsageError(`--${flag} must be a whole number of at least ${min}, got "${text}"`);
  return value;
}

/** `benchDir` is the bench/ folder: the default results and work folders live there wherever the command runs from. */
export function parseBenchArgs(args: readonly string[], benchDir: string, env: NodeJS.ProcessEnv = process.env): BenchOptions & { help: boolean } {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      scale: { type: 'string' },
      backends: { type: 'string' },
      only: { type: 'string' },
      results: { type: 'string' },
      work: { type: 'string' },
      seed: { type: 'string' },
      runs: { type: 'string' },
      'search-timeout': { type: 'string' },
      'http-seconds': { type: 'string' },
      'http-connections': { type: 'string' },
      'database-url': { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (positionals.length > 0) throw new BenchUsageError(`unexpected argument "${positionals[0] ?? ''}"`);
  const scales = [...new Set((values.scale ?? '100k,1m').split(',').filter((s) => s.trim() !== '').map(parseScale))].sort((a, b) => a - b);
  if (scales.length === 0) throw new BenchUsageError('--scale needs at least one count');
  const databaseUrl = values['database-url'] ?? env.KINDRED_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) throw new BenchUsageError('--database-url must be a postgres:// url');
  return Object.freeze({
    help: values.help === true,
    scales,
    backends: values.backends === undefined ? undefined : listOf('backends', values.backends, BACKEND_KINDS),
    only: new Set(values.only === undefined ? SECTIONS : listOf('only', values.only, SECTIONS)),
    resultsDir: resolve(values.results ?? resolve(benchDir, 'results')),
    workDir: resolve(values.work ?? resolve(benchDir, 'scratch')),
    seed: wholeNumber('seed', values.seed, DEFAULT_SEED, 0),
    runs: wholeNumber('runs', values.runs, 100, 1),
    searchTimeout: wholeNumber('search-timeout', values['search-timeout'], 120, 1),
    httpSeconds: wholeNumber('http-seconds', values['http-seconds'], 10, 1),
    httpConnections: wholeNumber('http-connections', values['http-connections'], 64, 1),
    databaseUrl,
    keep: values.keep === true,
  });
}
