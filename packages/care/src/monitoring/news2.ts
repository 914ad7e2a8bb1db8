/**
 * NEWS2 (Royal College of Physicians, National Early Warning Score 2, 2017): placeholder, filled in next.
 */
import type { Consciousness, News2Result } from './monitoring-api.ts';

export interface News2Input {
  respiratoryRate: number;
  spo2: number;
  spo2Scale: 1 | 2;
  onOxygen: boolean;
  systolic: number;
  pulse: number;
  consciousness: Consciousness;
  temperature: number;
}

export function scoreNews2(_input: News2Input): News2Result {
  throw new Error('not yet');
}
