/**
 * The harness's small parts without a database: flags, the import summary reader, percentiles,
 * the answer checker on hand-made pages, the table's trend, and results files that never replace
 * an earlier one. Fast; the end-to-end run is in bench-run.test.ts.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredResource } from '@kindred/fhir';
import type { AreaQuery } from '../area/index.ts';
import { recordedArgs } from '../run.ts';
import { accessFigures, meets, type Figure } from './figures.ts';
import { parseImportSummary } from './import-step.ts';
import { REPO_ROOT } from './kindred-process.ts';
import { BenchUsageError, parseBenchArgs, parseScale, scaleLabel } from './options.ts';
import { previousResults, writeResults, type BenchResults } from './results-file.ts';
import { formatTable, trend } from './results-table.ts';
import { answerProblems, type CollectedAnswer } from './search-check.ts';
import { percentile } from './search-step.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kindred-bench-parts-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('flags', () => {
  it('reads scales in k and m, sorted, and names them back', () => {
    expect(['100k', '1m', '20k', '2500', '1.5m'].map(parseScale)).toEqual([100_000, 1_000_000, 20_000, 2500, 1_500_000]);
    expect([100_000, 1_000_000, 2500, 1_500_000].map(scaleLabel)).toEqual(['100k', '1m', '2500', '1.5m']);
    const options = parseBenchArgs(['--scale', '1m,100k', '--only', 'search,import', '--runs', '7'], scratch, {});
    expect(options.scales).toEqual([100_000, 1_000_000]);
    expect([...options.only].sort()).toEqual(['import', 'search']);
    expect(options.runs).toBe(7);
    expect(options.backends).toBeUndefined();
    expect(options.resultsDir).toBe(join(scratch, 'results'));
  });

  it('refuses what it cannot read', () => {
    expect(() => parseBenchArgs(['--scale', 'lots'], scratch, {})).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(['--backends', 'mysql'], scratch, {})).toThrow(/--backends takes sqlite, postgres/);
    expect(() => parseBenchArgs(['--runs', '0'], scratch, {})).toThrow(BenchUsageError);
  });
});

describe('the recorded command line', () => {
  it('keeps folders relative to the repository and database urls without credentials', () => {
    const args = ['--scale', '1m', '--results', join(REPO_ROOT, 'bench', 'results'), `--work=${join(tmpdir(), 'elsewhere')}`, '--database-url', 'postgres://u:secret@db.example:6543/admin'];
    expect(recordedArgs(args)).toEqual(['--scale', '1m', '--results', join('bench', 'results'), '--work=(a folder outside the repository)', '--database-url', 'postgres://db.example:6543/admin']);
  });
});

describe('the import summary', () => {
  it('reads the total row and the rejected count that kindred import prints', () => {
    const stdout = 'type  created  updated  unchanged\nPatient  1,000  0  0\ntotal  101,234  2  3\nrejected: 0\n';
    expect(parseImportSummary(stdout)).toEqual({ written: 101_239, rejected: 0 });
    expect(parseImportSummary('nothing here')).toBeUndefined();
  });
});

describe('percentiles and targets', () => {
  it('uses the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.95)).toBe(95);
    expect(percentile([7], 0.95)).toBe(7);
  });

  it('judges each kind of target', () => {
    expect(meets(20_000, { op: '>=', value: 20_000 })).toBe(true);
    expect(meets(20, { op: '<', value: 20 })).toBe(false);
    expect(meets(0, { op: '=', value: 0 })).toBe(true);
  });
});

describe('the answer check', () => {
  const resource = (type: string, id: string, extra: Record<string, unknown> = {}): StoredResource => ({ resourceType: type, id, meta: { versionId: '1', lastUpdated: '2024-01-01T00:00:00Z' }, ...extra });
  const query: AreaQuery = {
    name: 'sort-and-page', description: '', resourceType: 'Observation', params: [], query: 'Observation?',
    expectMatches: ['Observation/a', 'Observation/b'], expectTotal: 2, expectAtLeast: 2, pageSize: 20, expectNewest: '2024-05-01',
  };
  const answer = (matches: StoredResource[], total = matches.length): CollectedAnswer => ({
    firstPage: { matches, included: [], total }, allMatches: matches.map((m) => `${m.resourceType}/${m.id}`), allIncluded: new Set(), complete: true,
  });

  it('accepts the right answer', () => {
    const right = answer([resource('Observation', 'b', { effectiveDateTime: '2024-05-01' }), resource('Observation', 'a', { effectiveDateTime: '2023-01-01' })]);
    expect(answerProblems(query, right)).toEqual([]);
  });

  it('names every way an answer is wrong', () => {
    const wrong = answer([resource('Observation', 'a', { effectiveDateTime: '2023-01-01' }), resource('Patient', 'c')], 3);
    const problems = answerProblems({ ...query, expectIncluded: ['Organization/o'] }, wrong).join('\n');
    expect(problems).toContain('matches of another type than Observation: Patient/c');
    expect(problems).toContain('total says 3 but the pages hold 2 matches');
    expect(problems).toContain('missing matches: Observation/b');
    expect(problems).toContain('missing included resources: Organization/o');
    expect(problems).toContain('the first match should be the newest');
  });
});

describe('access figures', () => {
  const stack = (name: 'baseline' | 'access' | 'access+audit', p50: number, p95: number) => ({ stack: name, runs: 10, p50, p95, mean: p50, min: p50, max: p95 });
  const kind = {
    kind: 'read-patient' as const, description: 'Read the patient', request: 'Patient/{id}', patients: 5, rounds: 2,
    stacks: [stack('baseline', 1, 2), stack('access', 1.1, 2.2), stack('access+audit', 1.5, 2.4)],
    overhead: [{ stack: 'access' as const, p50: 10, p95: 10 }, { stack: 'access+audit' as const, p50: 50, p95: 20 }],
  };

  it('gives each stack\'s p50 and p95, and judges each overhead against 15 %', () => {
    const figures = accessFigures([kind], [], 'sqlite', '100k');
    expect(figures.map((f) => f.name)).toEqual([
      'read-patient baseline p50', 'read-patient baseline p95', 'read-patient access p50', 'read-patient access p95', 'read-patient access+audit p50', 'read-patient access+audit p95',
      'read-patient access overhead p50', 'read-patient access overhead p95', 'read-patient access+audit overhead p50', 'read-patient access+audit overhead p95',
    ]);
    expect(figures.filter((f) => f.unit === '%').map((f) => f.pass)).toEqual([true, true, false, false]);
    expect(figures.filter((f) => f.unit === 'ms').every((f) => f.target === undefined && f.section === 'access')).toBe(true);
  });

  it('shows a kind that ran out of time as an unmeasured miss', () => {
    const [timedOut] = accessFigures([], [{ kind: 'search-encounters', seconds: 120 }], 'postgres', '1m');
    expect(timedOut).toMatchObject({ name: 'search-encounters access+audit overhead p95', pass: false, note: 'timed out: not measured within 120 s' });
  });
});

describe('results files and the trend', () => {
  const figure: Figure = { section: 'import', backend: 'sqlite', scale: '100k', name: 'import rate', value: 12_000, unit: 'resources/s', better: 'higher', target: { op: '>=', value: 20_000 }, pass: false };
  const results = (startedAt: string, value: number): BenchResults => ({
    schema: 1, startedAt, finishedAt: startedAt, seconds: 1, args: [],
    code: { commit: 'abc1234', commitAtEnd: 'abc1234', dirty: false, fingerprint: 'f', fingerprintAtEnd: 'f', changedDuringRun: false },
    machine: { hostname: 'bench-host', cpuModel: 'cpu', cores: 2, memoryBytes: 1, os: 'os', node: 'v20', sqlite: '3', loadAverage: [0, 0, 0] },
    settings: { scales: ['100k'], backends: ['sqlite'], sections: ['import'], seed: 1, runs: 1, searchTimeout: 1, httpSeconds: 1, httpConnections: 1 },
    notes: [], data: [], import: [], search: [], access: [], http: [], memory: [], failures: [], figures: [{ ...figure, value }],
  });

  it('never replaces an earlier file, and compares with the latest earlier run', async () => {
    const dir = join(scratch, 'results');
    const first = await writeResults(dir, results('2025-01-02T03:04:00.000Z', 10_000));
    const second = await writeResults(dir, results('2025-01-02T03:04:30.000Z', 12_000));
    expect(first).toBe('2025-01-02T0304-bench-host.json');
    expect(second).toBe('2025-01-02T0304-bench-host-2.json');
    expect(readdirSync(dir)).toHaveLength(2);
    const other = { ...figure, scale: '1m', value: 2000 };
    const older = await writeResults(dir, { ...results('2025-01-01T00:00:00.000Z', 9000), figures: [{ ...figure, value: 9000 }, other] });
    const wanted = new Set(['import|sqlite|100k|import rate', 'import|sqlite|1m|import rate']);
    const previous = await previousResults(dir, '2025-01-02T05:00:00.000Z', 'bench-host', wanted);
    // The 100k figure from the latest run; the 1M figure from the older run, the last to measure it.
    expect(previous?.files).toEqual([second, older]);
    expect(previous?.figures.get('import|sqlite|1m|import rate')).toBe(2000);
    const table = formatTable([{ ...figure, value: 13_200 }], previous);
    expect(table).toMatch(/import rate\s+13,200\s+resources\/s\s+≥ 20,000\s+MISS\s+12,000\s+↑ \+10\.0% better/);
  });

  it('says which way a change goes for figures where lower is better', () => {
    expect(trend(12, 10, 'lower')).toBe('↑ +20.0% worse');
    expect(trend(8, 10, 'lower')).toBe('↓ -20.0% better');
    expect(trend(10, undefined, 'lower')).toBe('');
  });
});
