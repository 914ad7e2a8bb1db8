/**
 * The search measurement's own process (started by search-process.ts with an IPC channel): opens
 * the store, then checks and times the sample queries it is sent, one message per query (a wrong
 * answer is reported and the next query measured). It lives
 * apart from the harness so that a query that never ends can be stopped by ending the process —
 * better-sqlite3 runs a query synchronously and cannot be interrupted from JavaScript.
 */
import { localAdministratorAccess, scopedRepository } from '@kindred/access';
import { openStore } from '@kindred/store';
import { sampleQueries } from '../area/index.ts';
import type { Reporter } from './console-progress.ts';
import { SearchAnswerError } from './search-check.ts';
import { sendToHarness } from './isolated-child.ts';
import { isSearchTask, type SearchResult, type SearchTask } from './search-messages.ts';
import { measureQuery } from './search-step.ts';

const send = sendToHarness<SearchResult>;

async function run(task: SearchTask): Promise<void> {
  const notes: string[] = [];
  const reporter: Reporter = { step: (text) => notes.push(text), note: (text) => notes.push(text), bar: () => ({ update: () => undefined, finish: () => undefined }) };
  const store = await openStore(task.config);
  try {
    const repository = scopedRepository(store.repository, localAdministratorAccess());
    const samples = sampleQueries(task.seed, task.requested);
    for (const name of task.names) {
      await send({ kind: 'start', item: name });
      try {
        const latencies = await measureQuery(repository, samples, name, task.settings, reporter);
        await send({ kind: 'result', item: name, result: { latencies, notes: notes.splice(0) } });
      } catch (error) {
        if (!(error instanceof SearchAnswerError)) throw error;
        // A wrong answer fails the benchmark, but the other queries still tell their story.
        await send({ kind: 'wrong', item: name, problems: [`${error.queryName}: ${error.problems.join('; ')}`] });
      }
    }
  } finally {
    await store.close();
  }
}

process.once('message', (message: unknown) => {
  const work = isSearchTask(message) ? run(message) : Promise.reject(new Error('unexpected message from the harness'));
  work
    .catch((error: unknown) => send({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
    .catch(() => undefined)
    .finally(() => process.disconnect());
});
