/**
 * How every command finds the record: `--database-url postgres://…` (or KINDRED_DATABASE_URL)
 * for PostgreSQL, else `--data DIR` (or KINDRED_DATA, default ./data) for the embedded SQLite.
 */
import { openStore, type Store, type StoreConfig } from '@kindred/store';

export interface StoreFlags {
  data?: string;
  'database-url'?: string;
}

export const STORE_OPTIONS = {
  data: { type: 'string' },
  'database-url': { type: 'string' },
} as const;

export function storeConfig(flags: StoreFlags, env: NodeJS.ProcessEnv = process.env): StoreConfig {
  const url = flags['database-url'] ?? env.KINDRED_DATABASE_URL;
  if (flags['database-url'] !== undefined && flags.data !== undefined) {
    throw new UsageError('Give either --data DIR (SQLite) or --database-url URL (PostgreSQL), not both.');
  }
  if (url !== undefined && url !== '') {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError(`--database-url must be a postgres:// url (got "${url.split('@').pop() ?? ''}").`);
    return { kind: 'postgres', databaseUrl: url };
  }
  return { kind: 'sqlite', dataDir: flags.data ?? env.KINDRED_DATA ?? './data' };
}

export function openStoreFromFlags(flags: StoreFlags): Promise<Store> {
  return openStore(storeConfig(flags));
}

/** A mistake in how the command was called: print the message and the usage, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
