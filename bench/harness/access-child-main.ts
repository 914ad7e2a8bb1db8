/**
 * The access measurement's own process (started by access-process.ts with an IPC channel): opens
 * the store, samples the patients, builds the three stacks with one audit writer for the run, then
 * checks and times each request kind it is sent, one message per kind (answers that differ between
 * the stacks are reported and the next kind measured). It lives apart from the harness so that a
 * request that never ends can be stopped by ending the process, as for search.
 */
import { createAuditWriter, defaultAccessPolicy } from '@kindred/access';
import { openStore } from '@kindred/store';
import { accessSamples } from '../area/index.ts';
import { sendToHarness } from './isolated-child.ts';
import { isAccessTask, type AccessTask } from './access-messages.ts';
import { accessStacks } from './access-stacks.ts';
import { AccessAnswerError, measureAccessKind, type AccessKindLatency } from './access-step.ts';

const send = sendToHarness<AccessKindLatency>;

async function run(task: AccessTask): Promise<void> {
  const store = await openStore(task.config);
  const writer = createAuditWriter(store.audit);
  try {
    const samples = accessSamples(task.seed, task.requested, task.patients);
    // Loaded once, as the server loads it at start.
    const stacks = accessStacks(store.repository, defaultAccessPolicy(), writer);
    for (const request of task.kinds) {
      await send({ kind: 'start', item: request });
      try {
        await send({ kind: 'result', item: request, result: await measureAccessKind(stacks, samples, request, task.settings) });
      } catch (error) {
        if (!(error instanceof AccessAnswerError)) throw error;
        // A wrong answer fails the benchmark, but the other kinds still tell their story.
        await send({ kind: 'wrong', item: request, problems: [...error.problems] });
      }
    }
  } finally {
    await writer.flush();
    await store.close();
  }
}

process.once('message', (message: unknown) => {
  const work = isAccessTask(message) ? run(message) : Promise.reject(new Error('unexpected message from the harness'));
  work
    .catch((error: unknown) => send({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
    .catch(() => undefined)
    .finally(() => process.disconnect());
});
