/**
 * The messages between the harness and its access process (access-process.ts ⇄
 * access-child-main.ts), over Node's IPC channel: one task in, one message per request kind out (the protocol is isolated-child.ts's).
 */
import type { StoreConfig } from '@kindred/store';
import { ACCESS_REQUEST_KINDS, type AccessRequestKind } from './access-stacks.ts';
import type { AccessSettings } from './access-step.ts';

export interface AccessTask {
  config: StoreConfig;
  seed: number;
  /** the size the area was generated with: accessSamples needs it */
  requested: number;
  /** how many patients to sample */
  patients: number;
  kinds: AccessRequestKind[];
  settings: AccessSettings;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

export function isAccessTask(value: unknown): value is AccessTask {
  return isObject(value) && isObject(value.config) && typeof value.seed === 'number' && typeof value.requested === 'number' && typeof value.patients === 'number'
    && Array.isArray(value.kinds) && value.kinds.every((k) => (ACCESS_REQUEST_KINDS as readonly unknown[]).includes(k)) && isObject(value.settings);
}
