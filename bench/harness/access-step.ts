/**
 * The access section's measurement of one request kind: first every sampled patient's request
 * through each stack, which must all answer the same (the GP sees everything about their practice's
 * patient) — a difference is a wrong answer and no figure is taken; then timed rounds, each round
 * every sampled patient once through every stack, the stacks' order turning from one request to the
 * next so that none is always first or last. p50 and p95 per stack, and each stack's overhead on
 * the baseline. Every timed request must answer as it did when checked.
 */
import type { AccessSample } from '../area/index.ts';
import { ACCESS_REQUESTS, ACCESS_STACKS, answerKey, makeRequest, type AccessRequestKind, type AccessStack, type AccessStacks } from './access-stacks.ts';
import { summariseLatency, type LatencySummary } from './search-step.ts';

export interface StackLatency extends LatencySummary {
  stack: AccessStack;
}

/** (stack − baseline) ÷ baseline × 100, on p50 and on p95. */
export interface Overhead {
  stack: Exclude<AccessStack, 'baseline'>;
  p50: number;
  p95: number;
}

export interface AccessKindLatency {
  kind: AccessRequestKind;
  description: string;
  request: string;
  patients: number;
  rounds: number;
  stacks: StackLatency[];
  overhead: Overhead[];
}

export interface AccessSettings {
  /** timed rounds (each: every sampled patient once through every stack) */
  rounds: number;
  /** untimed rounds after the check (default 1) */
  warmup?: number;
  /** stop a kind's timed rounds after this long (default 30 s; at least one round) */
  budgetSeconds?: number;
}

export class AccessAnswerError extends Error {
  override readonly name = 'AccessAnswerError';
  constructor(
    readonly kind: AccessRequestKind,
    readonly problems: readonly string[],
  ) {
    super(`access "${kind}" answered differently through the stacks: ${problems.join('; ')}`);
  }
}

function stackLatency(stack: AccessStack, times: number[]): StackLatency {
  return { stack, ...summariseLatency([...times].sort((a, b) => a - b)) };
}

const shorten = (key: string): string => (key.length > 160 ? `${key.slice(0, 160)}…` : key);

/** Every sample's answer through the baseline, after checking the other stacks answer the same; throws AccessAnswerError when they do not. */
export async function checkAnswers(stacks: AccessStacks, samples: readonly AccessSample[], kind: AccessRequestKind): Promise<string[]> {
  const problems: string[] = [];
  const expected: string[] = [];
  for (const sample of samples) {
    const keys = new Map<AccessStack, string>();
    for (const stack of ACCESS_STACKS) keys.set(stack, await answerKey(await stacks.repositoryFor(stack, sample), kind, sample));
    const baseline = keys.get('baseline') ?? '';
    expected.push(baseline);
    const nothing = baseline.startsWith('refused:') || (kind.startsWith('search') && baseline.split('|')[1] === '');
    if (nothing) problems.push(`Patient/${sample.patient}: the baseline found nothing (${shorten(baseline)})`);
    for (const stack of ACCESS_STACKS) {
      const key = keys.get(stack) ?? '';
      if (key !== baseline) problems.push(`Patient/${sample.patient} as Practitioner/${sample.practitioner}: ${stack} answered ${shorten(key)}, the baseline ${shorten(baseline)}`);
    }
  }
  if (problems.length > 0) throw new AccessAnswerError(kind, problems.slice(0, 5).concat(problems.length > 5 ? [`and ${problems.length - 5} more`] : []));
  return expected;
}

/** Checks, warms up and times `kind` for every sample through the three stacks. */
export async function measureAccessKind(stacks: AccessStacks, samples: readonly AccessSample[], kind: AccessRequestKind, settings: AccessSettings): Promise<AccessKindLatency> {
  const expected = await checkAnswers(stacks, samples, kind);
  const request = async (stack: AccessStack, sample: AccessSample): Promise<string> => makeRequest(await stacks.repositoryFor(stack, sample), kind, sample);
  for (let round = 0; round < (settings.warmup ?? 1); round++) {
    for (const sample of samples) for (const stack of ACCESS_STACKS) await request(stack, sample);
  }
  const times = new Map<AccessStack, number[]>(ACCESS_STACKS.map((s) => [s, []]));
  const budgetMs = (settings.budgetSeconds ?? 30) * 1000;
  const began = performance.now();
  let rounds = 0;
  let turn = 0;
  while (rounds < settings.rounds) {
    for (const [i, sample] of samples.entries()) {
      for (let k = 0; k < ACCESS_STACKS.length; k++) {
        const stack = ACCESS_STACKS[(turn + k) % ACCESS_STACKS.length] ?? 'baseline';
        const started = performance.now();
        const key = await request(stack, sample);
        times.get(stack)?.push(performance.now() - started);
        if (key !== expected[i]) throw new AccessAnswerError(kind, [`round ${rounds + 1}: ${stack} answered Patient/${sample.patient} differently from the checked answer`]);
      }
      turn++;
    }
    rounds++;
    if (performance.now() - began > budgetMs) break;
  }
  const latencies = ACCESS_STACKS.map((stack) => stackLatency(stack, times.get(stack) ?? []));
  const [baseline] = latencies;
  const overheadOf = (l: StackLatency): Overhead => ({
    stack: l.stack as Overhead['stack'],
    p50: baseline ? ((l.p50 - baseline.p50) / baseline.p50) * 100 : Number.NaN,
    p95: baseline ? ((l.p95 - baseline.p95) / baseline.p95) * 100 : Number.NaN,
  });
  return { kind, ...ACCESS_REQUESTS[kind], patients: samples.length, rounds, stacks: latencies, overhead: latencies.slice(1).map(overheadOf) };
}
