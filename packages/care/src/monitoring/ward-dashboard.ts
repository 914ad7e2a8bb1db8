/** The ward's dashboard: placeholder, filled in next. */
import type { Repository } from '@kindred/store';
import type { WardDashboard } from './monitoring-api.ts';

export async function wardDashboard(_repository: Repository, _wardId: string, _now: number): Promise<WardDashboard> {
  throw new Error('not yet');
}
