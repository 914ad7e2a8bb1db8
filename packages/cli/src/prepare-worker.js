// A preparation worker thread (see prepare-pool.ts). Kindred runs its TypeScript sources
// directly, so the thread registers the TypeScript loader before loading its module.
import { register } from 'tsx/esm/api';

register();
await import('./prepare-worker-main.ts');
