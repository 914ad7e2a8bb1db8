/**
 * Runs the access measurement in a process of its own (access-child-main.ts) with a time limit per
 * request kind (isolated-child.ts), as the search measurement does for queries: a kind that does
 * not finish in time is recorded as timed out, the process is ended (and, on PostgreSQL, its server
 * sessions) and started again for the remaining kinds. Answers that differ between the stacks are
 * collected (the caller fails the run with them) and the next kind measured.
 */
import { fileURLToPath } from 'node:url';
import type { AccessTask } from './access-messages.ts';
import { ACCESS_REQUEST_KINDS, type AccessRequestKind } from './access-stacks.ts';
import { AccessAnswerError, type AccessKindLatency } from './access-step.ts';
import type { Reporter } from './console-progress.ts';
import { runIsolated } from './isolated-child.ts';

const CHILD = fileURLToPath(new URL('./access-child-main.ts', import.meta.url));

export interface TimedOutRequest {
  kind: AccessRequestKind;
  seconds: number;
}

export interface IsolatedAccess {
  kinds: AccessKindLatency[];
  timedOut: TimedOutRequest[];
  /** kinds whose stacks answered differently: no figure is taken for them, and the run fails */
  wrong: AccessAnswerError[];
}

function report(reporter: Reporter, latency: AccessKindLatency): void {
  const cell = (stack: string): string => {
    const l = latency.stacks.find((s) => s.stack === stack);
    return `${stack} ${l ? `${l.p50.toFixed(2)}/${l.p95.toFixed(2)}` : '—'}`;
  };
  const overhead = latency.overhead.map((o) => `${o.stack} +${o.p50.toFixed(0)}%/+${o.p95.toFixed(0)}%`).join(', ');
  reporter.note(`${latency.kind.padEnd(20)} p50/p95 ms: ${['baseline', 'access', 'access+audit'].map(cell).join('  ')}  (overhead ${overhead}; ${latency.patients} patients × ${latency.rounds} rounds)`);
}

/**
 * Checks and times the access requests (all four kinds unless `task.kinds` says) against the
 * store of `task.config`, each kind allowed `timeoutSeconds` for its check, warm-up and timed
 * rounds. `afterTimeout` runs after a process is ended for a slow kind (PostgreSQL: end its server-side work).
 */
export async function measureAccessInChild(
  task: Omit<AccessTask, 'kinds'> & { kinds?: readonly AccessRequestKind[] },
  timeoutSeconds: number,
  reporter: Reporter,
  afterTimeout: () => Promise<void>,
): Promise<IsolatedAccess> {
  const found: IsolatedAccess = { kinds: [], timedOut: [], wrong: [] };
  await runIsolated<AccessRequestKind, AccessKindLatency>({
    child: CHILD,
    label: 'access',
    items: task.kinds ?? ACCESS_REQUEST_KINDS,
    task: (kinds) => ({ ...task, kinds }),
    timeoutSeconds,
    afterTimeout,
    onResult: (_kind, latency) => {
      report(reporter, latency);
      found.kinds.push(latency);
    },
    onWrong: (kind, problems) => {
      reporter.note(`${kind.padEnd(20)} WRONG ANSWER: no figure taken (${problems.join('; ')})`);
      found.wrong.push(new AccessAnswerError(kind, problems));
    },
    onTimeout: (kind) => {
      reporter.note(`${kind.padEnd(20)} TIMED OUT: not measured within ${timeoutSeconds} s; the access process was ended`);
      found.timedOut.push({ kind, seconds: timeoutSeconds });
    },
  });
  return found;
}
