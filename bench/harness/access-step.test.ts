/**
 * The access section's pieces at a tiny scale (5k resources, SQLite): the three stacks answer every
 * request the same for a patient's own GP, each stack's latency and overhead are recorded, the
 * audited stack leaves its entries in the trail, a GP of another practice is caught as a wrong
 * answer, and the section's own process measures and times out like the search process. Nothing
 * here asserts a speed: figures only have to exist.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditWriter, defaultAccessPolicy } from '@kindred/access';
import { openStore, type Store } from '@kindred/store';
import { accessSamples, planArea, type AccessSample } from '../area/index.ts';
import { practitionerId, practitionerRoleId } from '../area/area-plan.ts';
import { measureAccessInChild } from './access-process.ts';
import { ACCESS_REQUEST_KINDS, accessStacks, answerKey } from './access-stacks.ts';
import { AccessAnswerError, measureAccessKind } from './access-step.ts';
import { ensureAreaData } from './area-data.ts';
import { createBenchStore, type BenchStore } from './backends.ts';
import { silentReporter } from './console-progress.ts';
import { accessFigures } from './figures.ts';
import { measureImport } from './import-step.ts';
import { DEFAULT_DATABASE_URL } from './options.ts';

const SCALE = 5000;
const SEED = 1;
let root = '';
let bench: BenchStore | undefined;
let store: Store | undefined;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kindred-bench-access-'));
  const workDir = join(root, 'work');
  const area = await ensureAreaData(workDir, SEED, SCALE, silentReporter);
  bench = await createBenchStore('sqlite', { workDir, databaseUrl: DEFAULT_DATABASE_URL, keep: false }, 'access');
  await measureImport(bench, area, { workDir, databaseUrl: DEFAULT_DATABASE_URL, withFloor: false }, silentReporter);
  store = await openStore(bench.config);
}, 120_000);

afterAll(async () => {
  await store?.close();
  await bench?.destroy();
  rmSync(root, { recursive: true, force: true });
});

/** The same patient, asked about by a GP of another practice: not someone their organisation cares for. */
function gpElsewhere(sample: AccessSample): AccessSample {
  const plan = planArea({ resources: SCALE, seed: SEED });
  const other = plan.practices.find((p) => p.id !== sample.practice);
  const gp = other?.staff.find((g) => g.role === 'gp')?.first;
  if (other === undefined || gp === undefined) throw new Error('the area has one practice');
  return { ...sample, practice: other.id, practitioner: practitionerId(plan, gp), practitionerRole: practitionerRoleId(plan, gp) };
}

describe('the access section at a tiny scale', () => {
  it('answers the same through the baseline, access checks, and access checks with audit, and records the latencies', async () => {
    if (!store) throw new Error('no store');
    const samples = accessSamples(SEED, SCALE);
    const writer = createAuditWriter(store.audit);
    const stacks = accessStacks(store.repository, defaultAccessPolicy(), writer);
    const measured = [];
    for (const kind of ACCESS_REQUEST_KINDS) {
      const latency = await measureAccessKind(stacks, samples, kind, { rounds: 2, warmup: 0 });
      expect(latency.patients).toBe(samples.length);
      expect(latency.rounds).toBe(2);
      expect(latency.stacks.map((s) => s.stack)).toEqual(['baseline', 'access', 'access+audit']);
      for (const s of latency.stacks) {
        expect(s.runs).toBe(2 * samples.length);
        expect(s.p50).toBeGreaterThan(0);
        expect(s.p50).toBeLessThanOrEqual(s.p95);
      }
      expect(latency.overhead.map((o) => o.stack)).toEqual(['access', 'access+audit']);
      for (const o of latency.overhead) expect(Number.isFinite(o.p50) && Number.isFinite(o.p95)).toBe(true);
      measured.push(latency);
    }
    await writer.flush();
    // The audited stack's requests are in the trail, on the patient's own log.
    const [first] = samples;
    const log = await store.audit.forPatient(first?.patient ?? '', { count: 500 });
    expect(log.events.length).toBeGreaterThan(0);

    const figures = accessFigures(measured, [], 'sqlite', '5k');
    expect(figures).toHaveLength(ACCESS_REQUEST_KINDS.length * 10);
    expect(figures.filter((f) => f.unit === '%').every((f) => typeof f.pass === 'boolean' && f.target?.value === 15)).toBe(true);
  }, 120_000);

  it('fails a kind whose stacks answer differently: a GP of another practice does not see the patient', async () => {
    if (!store) throw new Error('no store');
    const [sample] = accessSamples(SEED, SCALE);
    if (!sample) throw new Error('no sample');
    const stranger = gpElsewhere(sample);
    const stacks = accessStacks(store.repository, defaultAccessPolicy(), createAuditWriter(store.audit));
    expect(await answerKey(await stacks.repositoryFor('access', stranger), 'read-patient', stranger)).toMatch(/^refused: /);
    await expect(measureAccessKind(stacks, [stranger], 'read-patient', { rounds: 1 })).rejects.toThrow(AccessAnswerError);
    await expect(measureAccessKind(stacks, [sample, stranger], 'search-observations', { rounds: 1 })).rejects.toThrow(/access answered .*, the baseline/);
  }, 60_000);

  it('measures in a process of its own, and records a kind that runs out of time', async () => {
    if (!bench) throw new Error('no store');
    const task = { config: bench.config, seed: SEED, requested: SCALE, patients: 50, settings: { rounds: 1 } };
    const done = await measureAccessInChild({ ...task, kinds: ['read-patient'] }, 60, silentReporter, async () => undefined);
    expect(done.wrong).toEqual([]);
    expect(done.timedOut).toEqual([]);
    expect(done.kinds.map((k) => k.kind)).toEqual(['read-patient']);
    let ended = 0;
    const slow = await measureAccessInChild({ ...task, kinds: ['search-observations', 'search-encounters'] }, 0.001, silentReporter, async () => void ended++);
    expect(slow).toEqual({ kinds: [], timedOut: [{ kind: 'search-observations', seconds: 0.001 }, { kind: 'search-encounters', seconds: 0.001 }], wrong: [] });
    expect(ended).toBe(2);
  }, 120_000);
});
