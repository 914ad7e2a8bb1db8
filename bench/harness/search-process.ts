/**
 * Runs the search measurement in a process of its own (search-child-main.ts) with a time limit per
 * query (isolated-child.ts). A query that does not finish in time is recorded as timed out —
 * slower than the limit — and the process is ended and started again for the remaining queries;
 * on PostgreSQL the server is told to end that process's connections too, so an abandoned query
 * stops loading the machine. A wrong answer is collected (the caller fails the run with it) and
 * the next query measured.
 */
import { fileURLToPath } from 'node:url';
import { AREA_QUERY_NAMES, type AreaQueryName } from '../area/index.ts';
import type { Reporter } from './console-progress.ts';
import { runIsolated } from './isolated-child.ts';
import { SearchAnswerError } from './search-check.ts';
import type { SearchResult, SearchTask } from './search-messages.ts';
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
  const found: IsolatedSearch = { queries: [], timedOut: [], wrong: [] };
  await runIsolated<AreaQueryName, SearchResult>({
    child: CHILD,
    label: 'search',
    items: task.names ?? AREA_QUERY_NAMES,
    task: (names) => ({ ...task, names }),
    timeoutSeconds,
    afterTimeout,
    onResult: (_name, result) => {
      for (const note of result.notes) reporter.note(note);
      found.queries.push(...result.latencies);
    },
    onWrong: (name, problems) => {
      reporter.note(`${name.padEnd(34)} WRONG ANSWER: no figure taken (${problems.join('; ')})`);
      found.wrong.push(new SearchAnswerError(name, problems));
    },
    onTimeout: (name) => {
      reporter.note(`${name.padEnd(34)} TIMED OUT: no answer within ${timeoutSeconds} s; the search process was ended`);
      found.timedOut.push({ name, seconds: timeoutSeconds });
    },
  });
  return found;
}
