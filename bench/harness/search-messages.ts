/**
 * The messages between the harness and its search process (search-process.ts ⇄
 * search-child-main.ts), over Node's IPC channel: one task in, one message per query out (the protocol is isolated-child.ts's).
 */
import type { StoreConfig } from '@kindred/store';
import { AREA_QUERY_NAMES, type AreaQueryName } from '../area/index.ts';
import type { QueryLatency, SearchSettings } from './search-step.ts';

export interface SearchTask {
  config: StoreConfig;
  seed: number;
  /** the size the area was generated with: sampleQueries needs it */
  requested: number;
  names: AreaQueryName[];
  settings: SearchSettings;
}

/** What the child reports for one query: its latencies, and notes for the console. */
export interface SearchResult {
  latencies: QueryLatency[];
  notes: string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

export function isSearchTask(value: unknown): value is SearchTask {
  return isObject(value) && isObject(value.config) && typeof value.seed === 'number' && typeof value.requested === 'number'
    && Array.isArray(value.names) && value.names.every((n) => (AREA_QUERY_NAMES as readonly unknown[]).includes(n)) && isObject(value.settings);
}
