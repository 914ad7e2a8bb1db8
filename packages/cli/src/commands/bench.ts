/**
 * `kindred bench …` (also `npm run bench`): runs the benchmark suite in bench/, which prints a
 * table and records results in bench/results/. The suite lives beside the packages, not in them,
 * because it is a tool for the people working on Kindred rather than part of what runs in an area.
 */
export const benchUsage = `kindred bench [--scale 100k,1m] [--backends sqlite,postgres] [--only import,search,access,http,memory,pages,monitoring,video]
              [--runs N] [--search-timeout S] [--http-seconds S] [--http-connections N] [--seed N]
              [--results DIR] [--work DIR] [--keep] [--database-url URL]

  Measures bulk import (beside a plain-insert floor), search latency, access-policy overhead, HTTP
  throughput, memory, the web app's pages, virtual ward alerts and video signalling capacity on a
  generated synthetic area, prints a table beside the previous results, and writes
  bench/results/<date>T<time>-<machine>.json. bench/README.md explains every option and figure.`;

interface BenchModule {
  runBenchmarks(args: string[]): Promise<number>;
}

export async function runBench(args: string[]): Promise<number> {
  const entry = new URL('../../../../bench/run.ts', import.meta.url);
  const mod = (await import(entry.href)) as BenchModule;
  return mod.runBenchmarks(args);
}
