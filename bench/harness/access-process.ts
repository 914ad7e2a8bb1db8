/**
 * Runs the access measurement in a process of its own (access-child-main.ts) with a time limit per
 * request kind, as search-process.ts does for queries: a kind that does not finish in time is
 * recorded as timed out, the process is ended (and, on PostgreSQL, its server sessions) and started
 * again for the remaining kinds. Answers that differ between the stacks are collected (the caller
 * fails the run with them) and the next kind measured.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isAccessChildMessage, type AccessTask } from './access-messages.ts';
import { ACCESS_REQUEST_KINDS, type AccessRequestKind } from './access-stacks.ts';
import { AccessAnswerError, type AccessKindLatency } from './access-step.ts';
import { BenchFailure } from './bench-failure.ts';
import type { Reporter } from './console-progress.ts';
import { REPO_ROOT } from './kindred-process.ts';

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

type Outcome = { finished: true } | { finished: false; timedOut: AccessRequestKind };

interface Listener {
  result(latency: AccessKindLatency): void;
  wrong(error: AccessAnswerError): void;
}

/** One child process over `task.kinds`; resolves when it has answered them all or one ran out of time. */
function runChild(task: AccessTask, timeoutSeconds: number, listener: Listener): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    // tsx is resolved from the repository root, where it is installed.
    const child = fork(CHILD, [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const stderr: string[] = [];
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
    let current: AccessRequestKind | undefined;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const answered = new Set<AccessRequestKind>();
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      action();
    };
    child.on('message', (message: unknown) => {
      if (!isAccessChildMessage(message)) return;
      switch (message.kind) {
        case 'start': {
          current = message.request;
          clearTimeout(timer);
          const kind = message.request;
          timer = setTimeout(() => settle(() => resolve({ finished: false, timedOut: kind })), timeoutSeconds * 1000);
          return;
        }
        case 'result':
          clearTimeout(timer);
          answered.add(message.request);
          listener.result(message.latency);
          return;
        case 'wrong':
          clearTimeout(timer);
          answered.add(message.request);
          listener.wrong(new AccessAnswerError(message.request, message.problems));
          return;
        case 'error':
          settle(() => reject(new BenchFailure(`the access process failed${current ? ` at "${current}"` : ''}: ${message.message}`)));
          return;
      }
    });
    child.on('error', (error) => settle(() => reject(error)));
    // 'close' comes after the last IPC message has been delivered, unlike 'exit'.
    child.on('close', (code) => {
      const all = task.kinds.every((k) => answered.has(k));
      settle(() => (all ? resolve({ finished: true }) : reject(new BenchFailure(`the access process ended (code ${code ?? 'signal'}) before measuring every request: ${stderr.join('').slice(-2000)}`))));
    });
    child.send(task);
  });
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
  const kinds: AccessKindLatency[] = [];
  const timedOut: TimedOutRequest[] = [];
  const wrong: AccessAnswerError[] = [];
  let remaining: AccessRequestKind[] = [...(task.kinds ?? ACCESS_REQUEST_KINDS)];
  const done = (kind: AccessRequestKind): void => {
    remaining = remaining.filter((k) => k !== kind);
  };
  const listener: Listener = {
    result(latency) {
      report(reporter, latency);
      kinds.push(latency);
      done(latency.kind);
    },
    wrong(error) {
      reporter.note(`${error.kind.padEnd(20)} WRONG ANSWER: no figure taken (${error.problems.join('; ')})`);
      wrong.push(error);
      done(error.kind);
    },
  };
  while (remaining.length > 0) {
    const outcome = await runChild({ ...task, kinds: remaining }, timeoutSeconds, listener);
    if (outcome.finished) break;
    reporter.note(`${outcome.timedOut.padEnd(20)} TIMED OUT: not measured within ${timeoutSeconds} s; the access process was ended`);
    timedOut.push({ kind: outcome.timedOut, seconds: timeoutSeconds });
    done(outcome.timedOut);
    await afterTimeout();
  }
  return { kinds, timedOut, wrong };
}
