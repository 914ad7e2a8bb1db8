/**
 * The HTTP section: one `kindred serve` process on the imported store, a token from `kindred token`,
 * then autocannon in this process (loopback, N connections, a bounded duration) against reads of
 * real patients by id and a typical search (a patient's observations of one code). Requests/s,
 * latency p50/p99 and failed requests, which must be none; and the server's resident memory at
 * rest (started, no requests yet) and after the load.
 */
import { join } from 'node:path';
import autocannon, { type Result } from 'autocannon';
import { sampleLines } from './area-data.ts';
import { BenchFailure } from './bench-failure.ts';
import type { BenchStore } from './backends.ts';
import { formatCount, formatMiB, type Reporter } from './console-progress.ts';
import { runKindred, startKindredServer, type KindredServer } from './kindred-process.ts';

export interface LoadResult {
  name: 'read' | 'search';
  description: string;
  connections: number;
  seconds: number;
  requests: number;
  /** completed requests per second over the run */
  rate: number;
  latencyP50: number;
  latencyP99: number;
  latencyMean: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface HttpMeasurement {
  backend: string;
  scale: string;
  loads: LoadResult[];
  /** the server's resident set just after start, before any request */
  rssAtRestBytes: number;
  rssAfterLoadBytes: number;
  peakRssBytes: number;
}

export interface HttpSettings {
  seconds: number;
  connections: number;
  /** seconds of reads before measuring, so the server's code is compiled when timing starts */
  warmupSeconds?: number;
}

const SAMPLE_SIZE = 2000;

function load(origin: string, token: string, paths: readonly string[], seconds: number, connections: number): Promise<Result> {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: origin,
        connections,
        duration: seconds,
        timeout: 30,
        headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' },
        requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] ?? '/' }) }],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

function summarise(name: LoadResult['name'], description: string, result: Result, connections: number): LoadResult {
  const completed = result.requests.total;
  return {
    name,
    description,
    connections,
    seconds: result.duration,
    requests: completed,
    rate: completed / result.duration,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    latencyMean: result.latency.average,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** One request outside the load, to be sure the paths answer what they should before timing them. */
async function expectOk(origin: string, token: string, path: string, check: (body: Record<string, unknown>) => boolean, what: string): Promise<void> {
  const response = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' } });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200 || !check(body)) throw new BenchFailure(`${what}: GET ${path} answered ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
}

/** Paths for the load: real patient ids, and (patient, code) pairs of real observations. */
async function loadPaths(areaDir: string): Promise<{ reads: string[]; searches: string[] }> {
  const reads = await sampleLines(join(areaDir, 'Patient.ndjson'), SAMPLE_SIZE, (r) => (typeof r.id === 'string' ? `/fhir/Patient/${r.id}` : undefined));
  const searches = await sampleLines(join(areaDir, 'Observation.ndjson'), SAMPLE_SIZE, (r) => {
    const subject = (r.subject as { reference?: unknown } | undefined)?.reference;
    const coding = ((r.code as { coding?: unknown[] } | undefined)?.coding?.[0] ?? {}) as { system?: unknown; code?: unknown };
    if (typeof subject !== 'string' || typeof coding.system !== 'string' || typeof coding.code !== 'string') return undefined;
    return `/fhir/Observation?subject=${encodeURIComponent(subject)}&code=${encodeURIComponent(`${coding.system}|${coding.code}`)}`;
  });
  if (reads.length === 0 || searches.length === 0) throw new BenchFailure('no patients or observations in the generated area to load the server with');
  return { reads, searches };
}

export async function measureHttp(store: BenchStore, areaDir: string, scale: string, settings: HttpSettings, reporter: Reporter): Promise<HttpMeasurement> {
  const paths = await loadPaths(areaDir);
  reporter.step(`[${store.backend} ${scale}] http: kindred serve (one process), ${settings.connections} connections, ${settings.seconds} s per run`);
  const server: KindredServer = await startKindredServer(store.cliArgs);
  try {
    // Let start-up finish (the job worker's first poll, lazy connections) before calling it rest.
    await new Promise((done) => setTimeout(done, 1000));
    const rssAtRestBytes = server.memory()?.rssBytes ?? 0;
    const token = await runKindred(['token', ...store.cliArgs]);
    if (token.code !== 0) throw new BenchFailure(`kindred token failed: ${token.stderrTail.join('\n')}`);
    const bearer = token.stdout.trim();
    const firstRead = paths.reads[0] ?? '';
    await expectOk(server.origin, bearer, firstRead, (b) => b.resourceType === 'Patient' && `/fhir/Patient/${String(b.id)}` === firstRead, 'a read');
    await expectOk(server.origin, bearer, paths.searches[0] ?? '', (b) => b.resourceType === 'Bundle' && Array.isArray(b.entry) && b.entry.length >= 1, 'a search');

    const warmup = settings.warmupSeconds ?? Math.min(2, settings.seconds);
    if (warmup > 0) await load(server.origin, bearer, paths.reads, warmup, settings.connections);
    const runs: [LoadResult['name'], string, string[]][] = [
      ['read', 'GET /fhir/Patient/{id}, cycling through real patients', paths.reads],
      ['search', 'GET /fhir/Observation?subject=Patient/{id}&code={system|code}, cycling through real observations', paths.searches],
    ];
    const loads: LoadResult[] = [];
    for (const [name, description, list] of runs) {
      const result = summarise(name, description, await load(server.origin, bearer, list, settings.seconds, settings.connections), settings.connections);
      loads.push(result);
      reporter.note(`${name.padEnd(7)} ${formatCount(result.rate)} requests/s  p50 ${result.latencyP50} ms  p99 ${result.latencyP99} ms  non-2xx ${result.non2xx}  errors ${result.errors}`);
    }
    const after = server.memory();
    reporter.note(`server RSS at rest ${formatMiB(rssAtRestBytes)}, after load ${formatMiB(after?.rssBytes ?? 0)} (peak ${formatMiB(after?.peakRssBytes ?? 0)})`);
    const failed = loads.filter((l) => l.non2xx > 0 || l.errors > 0);
    if (failed.length > 0) {
      throw new BenchFailure(`HTTP requests failed: ${failed.map((l) => `${l.name}: ${l.non2xx} non-2xx, ${l.errors} errors`).join('; ')}`);
    }
    return { backend: store.backend, scale, loads, rssAtRestBytes, rssAfterLoadBytes: after?.rssBytes ?? 0, peakRssBytes: after?.peakRssBytes ?? 0 };
  } finally {
    await server.stop();
  }
}

/** The server's resident set at rest alone (when the HTTP load is not measured): start, settle, read, stop. */
export async function measureServerAtRest(store: BenchStore, scale: string, reporter: Reporter): Promise<number> {
  reporter.step(`[${store.backend} ${scale}] memory: kindred serve at rest`);
  const server = await startKindredServer(store.cliArgs);
  try {
    await new Promise((done) => setTimeout(done, 1000));
    const rss = server.memory()?.rssBytes ?? 0;
    reporter.note(`server RSS at rest ${formatMiB(rss)}`);
    return rss;
  } finally {
    await server.stop();
  }
}
