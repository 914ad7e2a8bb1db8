/**
 * Runs the search measurement in a process of its own (search-child-main.ts) with a time limit per
 * query. A query that does not finish in time is recorded as timed out — slower than the limit —
 * and the process is ended and started again for the remaining queries; on PostgreSQL the server
 * is told to end that process's connections too, so an abandoned query stops loading the machine.
 * A wrong answer is collected (the caller fails the run with it) and the next query measured.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AREA_QUERY_NAMES, type AreaQueryName } from '../area/index.ts';
import { BenchFailure } from './bench-failure.ts';
import type { Reporter } from './console-progress.ts';
import { REPO_ROOT } from './kindred-process.ts';
import { SearchAnswerError } from './search-check.ts';
import { isChildMessage, type SearchTask } from './search-messages.ts';
import type { QueryLatency } from './search-step.ts';

const CHILD = fileURLToPath(new URL('./search-child-main.ts', import.meta.url));

export interface TimedOutQuery {
  name: AreaQueryName;
  seconds: number;
}

export interface IsolatedSearch {
  queries: QueryLatency[];
  timedOut: TimedOutQuery[];
  /** queries that answered wrongly: no figure is taken for them, and the run fails */
  wrong: SearchAnswerError[];
}

type Outcome = { finished: true } | { finished: false; timedOut: AreaQueryName };

/** One child process over `names`; resolves when it has answered them all or one ran out of time. */
function runChild(
  task: SearchTask,
  timeoutSeconds: number,
  reporter: Reporter,
  collect: (q: QueryLatency[], name: AreaQueryName) => void,
  wrong: (error: SearchAnswerError, name: AreaQueryName) => void,
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    // tsx is resolved from the repository root, where it is installed.
    const child = fork(CHILD, [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const stderr: string[] = [];
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
    let current: AreaQueryName | undefined;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const answered = new Set<AreaQueryName>();
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      action();
    };
    child.on('message', (message: unknown) => {
      if (!isChildMessage(message)) return;
      switch (message.kind) {
        case 'start': {
          current = message.name;
          clearTimeout(timer);
          const name = message.name;
          timer = setTimeout(() => settle(() => resolve({ finished: false, timedOut: name })), timeoutSeconds * 1000);
          return;
        }
        case 'result':
          clearTimeout(timer);
          answered.add(message.name);
          for (const note of message.notes) reporter.note(note);
          collect(message.latencies, message.name);
          return;
        case 'wrong':
          clearTimeout(timer);
          answered.add(message.name);
          wrong(new SearchAnswerError(message.name, message.problems), message.name);
          return;
        case 'error':
          settle(() => reject(new BenchFailure(`the search process failed${current ? ` at "${current}"` : ''}: ${message.message}`)));
          return;
      }
    });
    child.on('error', (error) => settle(() => reject(error)));
    // 'close' comes after the last IPC message has been delivered, unlike 'exit'.
    child.on('close', (code) => {
      const all = task.names.every((n) => answered.has(n));
      settle(() => (all ? resolve({ finished: true }) : reject(new BenchFailure(`the search process ended (code ${code ?? 'signal'}) before answering every query: ${stderr.join('').slice(-2000)}`))));
    });
    child.send(task);
  });
}

/**
 * Checks and times the sample queries (all ten unless `task.names` says) against the store of `task.config`, each allowed
 * `timeoutSeconds` for its check, warm-up and timed runs. `afterTimeout` runs after a process is
 * ended for a slow query (PostgreSQL: end its server-side work).
 */
export async function measureSearchInChild(
  task: Omit<SearchTask, 'names'> & { names?: readonly AreaQueryName[] },
  timeoutSeconds: number,
  reporter: Reporter,
  afterTimeout: () => Promise<void>,
): Promise<IsolatedSearch> {
  const queries: QueryLatency[] = [];
  const timedOut: TimedOutQuery[] = [];
  const wrong: SearchAnswerError[] = [];
  let remaining: AreaQueryName[] = [...(task.names ?? AREA_QUERY_NAMES)];
  const done = (name: AreaQueryName): void => {
    remaining = remaining.filter((n) => n !== name);
  };
  while (remaining.length > 0) {
    const collect = (latencies: QueryLatency[], name: AreaQueryName): void => {
      queries.push(...latencies);
      done(name);
    };
    const answeredWrongly = (error: SearchAnswerError, name: AreaQueryName): void => {
      reporter.note(`${name.padEnd(34)} WRONG ANSWER: no figure taken (${error.problems.join('; ')})`);
      wrong.push(error);
      done(name);
    };
    const outcome = await runChild({ ...task, names: remaining }, timeoutSeconds, reporter, collect, answeredWrongly);
    if (outcome.finished) break;
    reporter.note(`${outcome.timedOut.padEnd(34)} TIMED OUT: no answer within ${timeoutSeconds} s; the search process was ended`);
    timedOut.push({ name: outcome.timedOut, seconds: timeoutSeconds });
    remaining = remaining.filter((n) => n !== outcome.timedOut);
    await afterTimeout();
  }
  return { queries, timedOut, wrong };
}
