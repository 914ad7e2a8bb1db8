/**
 * Measurements that run in a process of their own (search-child-main.ts, access-child-main.ts),
 * because a SQLite query cannot be interrupted from JavaScript: one task in, one message per item
 * (a query, a request kind) out, each item allowed a time limit. An item that overruns is recorded
 * as timed out, the process is ended (and `afterTimeout` runs: on PostgreSQL it ends the process's
 * server sessions) and started again for the remaining items. This module is the protocol and the
 * supervision only; what an item measures is the child's business.
 */
import { fork } from 'node:child_process';
import { BenchFailure } from './bench-failure.ts';
import { REPO_ROOT } from './kindred-process.ts';

export type ChildMessage<R> =
  | { kind: 'start'; item: string }
  | { kind: 'result'; item: string; result: R }
  | { kind: 'wrong'; item: string; problems: string[] }
  | { kind: 'error'; message: string };

export function isChildMessage(value: unknown): value is ChildMessage<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind === 'string' && ['start', 'result', 'wrong', 'error'].includes(kind);
}

/** Sends one message to the harness from inside a child process. */
export function sendToHarness<R>(message: ChildMessage<R>): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('this module runs only as a child process with an IPC channel'));
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

export interface IsolatedRunOptions<I extends string, R> {
  /** the child's module file */
  child: string;
  /** "search", "access": for messages */
  label: string;
  items: readonly I[];
  /** the task message for a child that is to measure `items` */
  task(items: I[]): object;
  timeoutSeconds: number;
  afterTimeout(): Promise<void>;
  onResult(item: I, result: R): void;
  onWrong(item: I, problems: string[]): void;
  onTimeout(item: I): void;
}

type Outcome<I> = { finished: true } | { finished: false; timedOut: I };

function runChild<I extends string, R>(options: IsolatedRunOptions<I, R>, items: I[]): Promise<Outcome<I>> {
  return new Promise((resolve, reject) => {
    // tsx is resolved from the repository root, where it is installed.
    const child = fork(options.child, [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const stderr: string[] = [];
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
    let current: I | undefined;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const answered = new Set<string>();
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      action();
    };
    child.on('message', (message: unknown) => {
      if (!isChildMessage(message)) return;
      if (message.kind === 'error') {
        settle(() => reject(new BenchFailure(`the ${options.label} process failed${current ? ` at "${current}"` : ''}: ${message.message}`)));
        return;
      }
      const item = message.item as I;
      clearTimeout(timer);
      if (message.kind === 'start') {
        current = item;
        timer = setTimeout(() => settle(() => resolve({ finished: false, timedOut: item })), options.timeoutSeconds * 1000);
        return;
      }
      answered.add(item);
      if (message.kind === 'result') options.onResult(item, message.result as R);
      else options.onWrong(item, message.problems);
    });
    child.on('error', (error) => settle(() => reject(error)));
    // 'close' comes after the last IPC message has been delivered, unlike 'exit'.
    child.on('close', (code) => {
      const all = items.every((i) => answered.has(i));
      settle(() =>
        all
          ? resolve({ finished: true })
          : reject(new BenchFailure(`the ${options.label} process ended (code ${code ?? 'signal'}) before answering every item: ${stderr.join('').slice(-2000)}`)),
      );
    });
    child.send(options.task(items));
  });
}

/** Measures every item, in as many child processes as time-outs make necessary. */
export async function runIsolated<I extends string, R>(options: IsolatedRunOptions<I, R>): Promise<void> {
  let remaining = [...options.items];
  const done = (item: I): void => {
    remaining = remaining.filter((i) => i !== item);
  };
  const tracked: IsolatedRunOptions<I, R> = {
    ...options,
    onResult: (item, result) => {
      options.onResult(item, result);
      done(item);
    },
    onWrong: (item, problems) => {
      options.onWrong(item, problems);
      done(item);
    },
  };
  while (remaining.length > 0) {
    const outcome = await runChild(tracked, remaining);
    if (outcome.finished) break;
    options.onTimeout(outcome.timedOut);
    done(outcome.timedOut);
    await options.afterTimeout();
  }
}
