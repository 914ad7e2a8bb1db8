/**
 * Test fixture, run as a separate process by export-worker-processes.test.ts: opens the store
 * described by its argument and runs one Bulk export worker on it, so that the tests can show two
 * processes sharing one queue and a worker killed with SIGKILL mid-job. Not part of the server.
 *
 * Usage: node --import tsx worker-child-process.ts '{"store": StoreConfig, "worker": {...}}'
 */
import { openStore, type StoreConfig } from '@kindred/store';
import { startBulkExportWorker } from './export-worker.ts';

interface ChildConfig {
  store: StoreConfig;
  worker: { workerId?: string; pollMs?: number; leaseMs?: number; fileLines?: number };
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const store = await openStore(config.store);
const worker = startBulkExportWorker({ store, ...config.worker });
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void worker
    .stop()
    .then(() => store.close())
    .finally(() => process.exit(0));
});
