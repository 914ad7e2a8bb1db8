/**
 * The search section: the area's ten sample queries run in-process the way the FHIR router runs
 * them (parseSearchRequest with strict handling, then the access-scoped repository's search), after
 * a warm-up, N timed runs each; p50 and p95 in milliseconds. Every answer is checked first (all
 * pages followed) and every timed run must return the same page, so a figure is never taken on a
 * wrong answer. Also times the second page of the sorted search, to show what paging costs.
 */
import { parseSearchRequest, type SearchRequest } from '@kindred/fhir';
import type { Repository, SearchPage } from '@kindred/store';
import { AREA_QUERY_NAMES, type AreaQuery, type AreaQueryName, type AreaSampleQueries } from '../area/index.ts';
import type { Reporter } from './console-progress.ts';
import { assertRightAnswer, refOf, SearchAnswerError, type CollectedAnswer } from './search-check.ts';

export interface QueryLatency extends LatencySummary {
  name: string;
  description: string;
  /** the query as a FHIR url would carry it, after [base]/ */
  query: string;
  /** matches over all pages, and those on the first page */
  matches: number;
  firstPage: number;
  included: number;
}

export interface SearchSettings {
  runs: number;
  warmup?: number;
  /** stop a slow query's timed runs after this long (default 30 s; at least one run) */
  budgetSeconds?: number;
}

/** Walking all pages stops here: the largest sample query matches a few thousand resources. */
const WALK_PAGE_LIMIT = 500;
const WALK_PAGE_SIZE = 1000;

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

/** How long a set of timed runs took, in ms. */
export interface LatencySummary {
  runs: number;
  p50: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

/** The summary of ascending `sorted` run times (ms). */
export function summariseLatency(sorted: readonly number[]): LatencySummary {
  return {
    runs: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

export function parseAreaQuery(query: AreaQuery): SearchRequest {
  return parseSearchRequest(query.resourceType, query.params, { handling: 'strict' });
}

const pageKey = (page: SearchPage): string => `${page.total ?? '-'}|${page.matches.map(refOf).join(',')}|${page.included.map(refOf).join(',')}`;

/** The first page as `request` returns it, and every match and included resource over all pages. */
export async function collectAnswer(repository: Repository, request: SearchRequest): Promise<CollectedAnswer> {
  const firstPage = await repository.search(request);
  const allMatches: string[] = [];
  const allIncluded = new Set<string>();
  // Bigger pages for the walk only (the pages' union must not depend on the page size), and no
  // walk at all when the first page holds everything: a slow query then runs once, not twice.
  let page = firstPage.nextCursor === undefined ? firstPage : await repository.search({ ...request, count: Math.max(request.count, WALK_PAGE_SIZE) });
  let pages = 1;
  for (;;) {
    for (const match of page.matches) allMatches.push(refOf(match));
    for (const included of page.included) allIncluded.add(refOf(included));
    if (page.nextCursor === undefined || pages >= WALK_PAGE_LIMIT) break;
    page = await repository.search({ ...request, count: Math.max(request.count, WALK_PAGE_SIZE), cursor: page.nextCursor });
    pages++;
  }
  return { firstPage, allMatches, allIncluded, complete: page.nextCursor === undefined };
}

async function timeRuns(
  name: string,
  run: () => Promise<SearchPage>,
  expectedKey: string,
  settings: SearchSettings,
): Promise<{ sorted: number[]; total: number }> {
  // Warm-up: a few runs, but no more than about two seconds of them for a slow query.
  const warmupStarted = performance.now();
  for (let i = 0; i < (settings.warmup ?? 3) && (i === 0 || performance.now() - warmupStarted < 2000); i++) await run();
  const times: number[] = [];
  const budgetMs = (settings.budgetSeconds ?? 30) * 1000;
  const began = performance.now();
  for (let i = 0; i < settings.runs; i++) {
    const started = performance.now();
    const page = await run();
    times.push(performance.now() - started);
    if (pageKey(page) !== expectedKey) throw new SearchAnswerError(name, [`run ${i + 1} returned a different page from the checked answer`]);
    if (performance.now() - began > budgetMs) break;
  }
  return { sorted: [...times].sort((a, b) => a - b), total: times.reduce((a, b) => a + b, 0) };
}

function latency(query: { name: string; description: string; query: string }, timed: { sorted: number[]; total: number }, answer: CollectedAnswer): QueryLatency {
  return {
    ...query,
    ...summariseLatency(timed.sorted),
    matches: answer.allMatches.length,
    firstPage: answer.firstPage.matches.length,
    included: answer.allIncluded.size,
  };
}

function report(reporter: Reporter, measured: QueryLatency): void {
  reporter.note(`${measured.name.padEnd(34)} p50 ${measured.p50.toFixed(2).padStart(8)} ms  p95 ${measured.p95.toFixed(2).padStart(8)} ms  (${measured.matches} matches, ${measured.runs} runs)`);
}

/**
 * Checks and times one sample query (two entries for sort-and-page: its first page, then its
 * second through the cursor). Throws SearchAnswerError when the answer is wrong.
 */
export async function measureQuery(repository: Repository, samples: AreaSampleQueries, name: AreaQueryName, settings: SearchSettings, reporter: Reporter): Promise<QueryLatency[]> {
  const query = samples.queries[name];
  const request = parseAreaQuery(query);
  const answer = await collectAnswer(repository, request);
  assertRightAnswer(query, answer);
  const run = (): Promise<SearchPage> => repository.search(parseAreaQuery(query));
  const measured = latency({ name, description: query.description, query: query.query }, await timeRuns(name, run, pageKey(answer.firstPage), settings), answer);
  report(reporter, measured);
  const cursor = answer.firstPage.nextCursor;
  if (name !== 'sort-and-page' || cursor === undefined) return [measured];

  // The second page through its cursor: what a client pays for each further page.
  const nextRequest = { ...request, cursor };
  const second = await repository.search(nextRequest);
  const expected = answer.allMatches.slice(request.count, request.count * 2);
  const got = second.matches.map(refOf);
  if (got.join(',') !== expected.join(',')) {
    throw new SearchAnswerError('sort-and-page (page 2)', [`page 2 holds ${got.length} matches that are not matches ${request.count + 1}–${request.count * 2} of the full answer`]);
  }
  const timedNext = await timeRuns('sort-and-page (page 2)', () => repository.search(nextRequest), pageKey(second), settings);
  const next = latency({ name: 'sort-and-page-next', description: `${query.description}: the second page, through its cursor`, query: `${query.query}&_cursor=…` }, timedNext, { ...answer, firstPage: second });
  report(reporter, next);
  return [measured, next];
}

/** Checks and times every sample query in this process; `samples` may carry altered expectations (tests). */
export async function measureSearch(repository: Repository, samples: AreaSampleQueries, settings: SearchSettings, reporter: Reporter): Promise<QueryLatency[]> {
  const results: QueryLatency[] = [];
  for (const name of AREA_QUERY_NAMES) results.push(...(await measureQuery(repository, samples, name, settings, reporter)));
  return results;
}
