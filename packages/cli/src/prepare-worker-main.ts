/** The body of a preparation worker: prepares each batch it is sent and posts the results back. */
import { parentPort } from 'node:worker_threads';
import { prepareOne, type PrepareInput } from './prepare-pool.ts';

parentPort?.on('message', (message: { id: number; items: PrepareInput[] }) => {
  try {
    parentPort?.postMessage({ id: message.id, results: message.items.map(prepareOne) });
  } catch (error) {
    parentPort?.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
