/** The body of a preparation worker: prepares each batch it is sent and posts the results back. */
import { parentPort, workerData } from 'node:worker_threads';
import { searchParamIdsFrom } from '@kindred/store';
import { prepareOne, type PrepareInput } from './prepare-pool.ts';

const pids = searchParamIdsFrom((workerData as { searchParamIds: [string, string, number][] }).searchParamIds);

parentPort?.on('message', (message: { id: number; items: PrepareInput[] }) => {
  try {
    parentPort?.postMessage({ id: message.id, results: message.items.map((item) => prepareOne(item, pids)) });
  } catch (error) {
    parentPort?.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
