/**
 * The dates of improvement changes to mark on a measure's chart and offer as rebase dates: the
 * plan-do-study-act cycles that name the measure, read through the signed-in person's audited record.
 */
import type { Repository } from '@kindred/store';
import type { Marker } from './insight-data.ts';

export async function changeMarkers(_record: Repository, _measureId: string): Promise<Marker[]> {
  return [];
}
