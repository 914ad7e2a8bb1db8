/**
 * The benchmark harness end to end at a tiny scale (5k resources, 3 search runs and access rounds,
 * 1 s of HTTP load): the results file has every section, the table prints, the floor and the import ran, and a wrong
 * search answer really stops the benchmark. Nothing here asserts a speed: figures only have to exist.
 * PostgreSQL is measured too when it answers (as `kindred bench` decides by default), at
 * KINDRED_TEST_DATABASE_URL when that is set.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAdministratorAccess, scopedRepository } from '@kindred/access';
import { openStore } from '@kindred/store';
import { sampleQueries, type AreaSampleQueries } from '../area/index.ts';
import { runBenchmarks } from '../run.ts';
import { ensureAreaData } from './area-data.ts';
import { createBenchStore } from './backends.ts';
import { silentReporter } from './console-progress.ts';
import { measureImport } from './import-step.ts';
import { DEFAULT_DATABASE_URL } from './options.ts';
import type { BenchResults } from './results-file.ts';
import { SearchAnswerError } from './search-check.ts';
import { measureSearchInChild } from './search-process.ts';
import { measureSearch } from './search-step.ts';

const SCALE = 5000;
let root = '';
let resultsDir = '';
let workDir = '';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kindred-bench-test-'));
  resultsDir = join(root, 'results');
  workDir = join(root, 'work');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('kindred bench at a tiny scale', () => {
  it('imports beside the floor, checks and times the searches, loads the server, and records it all', async () => {
    const out = collector();
    // The same PostgreSQL server as the storage tests; CI's KINDRED_REQUIRE_POSTGRES makes its absence a failure.
    const database = process.env.KINDRED_TEST_DATABASE_URL ? ['--database-url', process.env.KINDRED_TEST_DATABASE_URL] : [];
    const backends = process.env.KINDRED_REQUIRE_POSTGRES === '1' ? ['--backends', 'sqlite,postgres'] : [];
    const args = ['--scale', '5k', '--runs', '3', '--http-seconds', '1', '--results', resultsDir, '--work', workDir, ...database, ...backends];
    const code = await runBenchmarks(args, { out: out.stream, reporter: silentReporter });
    const files = readdirSync(resultsDir);
    expect(files).toHaveLength(1);
    const results = JSON.parse(readFileSync(join(resultsDir, files[0] ?? ''), 'utf8')) as BenchResults;
    expect(results.failures).toEqual([]);
    expect(code).toBe(0);
    expect(files[0]).toMatch(/^\d{4}-\d\d-\d\dT\d{4}-.+\.json$/);

    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.sqlite).toMatch(/^3\./);
    expect(results.code.commit).not.toBe('');
    const measured = results.settings.backends;
    expect(measured[0]).toBe('sqlite');

    const [data] = results.data;
    expect(data?.seed).toBe(1);
    expect(data?.resources).toBeGreaterThan(4000);
    expect(Object.values(data?.byType ?? {}).reduce((a, b) => a + b, 0)).toBe(data?.resources);
    expect(data?.bytes).toBeGreaterThan(0);

    expect(results.import.map((m) => m.backend)).toEqual(measured);
    for (const m of results.import) {
      expect(m.resources).toBe(data?.resources);
      expect(m.floor?.rows).toBe(data?.resources);
      expect(m.rate).toBeGreaterThan(0);
      expect(m.ratioToFloor).toBeGreaterThan(0);
      expect(m.peakRssBytes).toBeGreaterThan(0);
    }
    for (const s of results.search) {
      expect(s.queries.map((q) => q.name)).toEqual(expect.arrayContaining(Object.keys(sampleQueries(1, SCALE).queries)));
      expect(s.timedOut).toEqual([]);
      for (const q of s.queries) {
        expect(q.runs).toBe(3);
        expect(q.p50).toBeLessThanOrEqual(q.p95);
      }
    }
    expect(results.search.map((s) => s.backend)).toEqual(measured);
    expect(results.access.map((a) => a.backend)).toEqual(measured);
    for (const a of results.access) {
      expect(a.timedOut).toEqual([]);
      expect(a.kinds.map((k) => k.kind)).toEqual(['read-patient', 'read-observation', 'search-observations', 'search-encounters']);
      for (const k of a.kinds) expect(k.stacks.map((st) => st.runs)).toEqual([k.rounds * k.patients, k.rounds * k.patients, k.rounds * k.patients]);
    }
    expect(results.http.map((h) => h.backend)).toEqual(measured);
    for (const h of results.http) {
      expect(h.loads.map((l) => l.name)).toEqual(['read', 'search']);
      for (const load of h.loads) {
        expect(load.requests).toBeGreaterThan(0);
        expect(load.non2xx + load.errors).toBe(0);
      }
      expect(h.rssAtRestBytes).toBeGreaterThan(0);
    }
    expect(results.memory.map((m) => m.backend)).toEqual(measured);
    expect(results.figures.filter((f) => f.target !== undefined).every((f) => typeof f.pass === 'boolean')).toBe(true);
    // the web app's pages, the virtual ward's alerts, video signalling and the views' analytics copy are measured on every backend too
    for (const section of ['pages', 'monitoring', 'video', 'insight'] as const) {
      expect(new Set(results.figures.filter((f) => f.section === section).map((f) => f.backend)), section).toEqual(new Set(measured));
    }

    const table = out.text();
    expect(table).toMatch(/step\s+backend\s+scale\s+figure\s+value\s+unit\s+target\s+result\s+previous\s+trend/);
    for (const name of ['import rate', 'floor rate', 'import vs floor', 'patient-by-name p95', 'read-patient access+audit overhead p95', 'read throughput', 'import peak RSS', 'server RSS at rest']) {
      expect(table).toContain(name);
    }
    expect(table).toMatch(/Targets: \d+ of \d+ met/);
  }, 480_000);

  it('stops with the query named when a search answer is wrong, and records a query that runs out of time', async () => {
    const area = await ensureAreaData(workDir, 1, SCALE, silentReporter);
    const store = await createBenchStore('sqlite', { workDir, databaseUrl: DEFAULT_DATABASE_URL, keep: false }, 'wrong-answer');
    try {
      await measureImport(store, area, { workDir, databaseUrl: DEFAULT_DATABASE_URL, withFloor: false }, silentReporter);
      const opened = await openStore(store.config);
      try {
        const repository = scopedRepository(opened.repository, localAdministratorAccess());
        const right = sampleQueries(1, SCALE);
        const alter = (name: keyof AreaSampleQueries['queries'], change: object): AreaSampleQueries => ({
          ...right,
          queries: { ...right.queries, [name]: { ...right.queries[name], ...change } },
        });
        const settings = { runs: 1, warmup: 0 };
        const total = right.queries['patient-by-identifier'].expectTotal ?? 1;
        await expect(measureSearch(repository, alter('patient-by-identifier', { expectTotal: total + 1 }), settings, silentReporter)).rejects.toThrow(SearchAnswerError);
        await expect(measureSearch(repository, alter('include', { expectIncluded: ['Organization/not-there'] }), settings, silentReporter)).rejects.toThrow(
          /search "include" answered wrongly: missing included resources: Organization\/not-there/,
        );
        await expect(measureSearch(repository, right, settings, silentReporter)).resolves.toHaveLength(11);
      } finally {
        await opened.close();
      }
      // The same check in the search process, and a time limit that every query overruns.
      const task = { config: store.config, seed: 1, requested: SCALE, settings: { runs: 1 } };
      await expect(measureSearchInChild({ ...task, names: ['chained'] }, 60, silentReporter, async () => undefined)).resolves.toMatchObject({ queries: [{ name: 'chained' }], timedOut: [], wrong: [] });
      // Another seed's expectations name patients this area does not have: every answer is wrong.
      const mismatched = await measureSearchInChild({ ...task, seed: 2, names: ['patient-by-identifier', 'revinclude'] }, 60, silentReporter, async () => undefined);
      expect(mismatched.queries).toEqual([]);
      expect(mismatched.wrong.map((e) => e.queryName)).toEqual(['patient-by-identifier', 'revinclude']);
      expect(mismatched.wrong[0]?.message).toMatch(/expected exactly 1 matches, got 0/);
      let ended = 0;
      const slow = await measureSearchInChild({ ...task, names: ['patient-by-name', 'has'] }, 0.001, silentReporter, async () => void ended++);
      expect(slow).toEqual({ queries: [], timedOut: [{ name: 'patient-by-name', seconds: 0.001 }, { name: 'has', seconds: 0.001 }], wrong: [] });
      expect(ended).toBe(2);
    } finally {
      await store.destroy();
    }
  }, 120_000);
});
