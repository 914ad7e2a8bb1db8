/** Recording a reading set: placeholder, filled in next. */
import type { Repository } from '@kindred/store';
import type { MonitoringDeps, ReadingSetInput, RecordedReadings } from './monitoring-api.ts';

export async function recordReadings(_repository: Repository, _deps: MonitoringDeps, _input: ReadingSetInput): Promise<RecordedReadings> {
  throw new Error('not yet');
}
