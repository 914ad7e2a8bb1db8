/**
 * The dates of improvement changes to mark on a measure's chart and offer as rebase dates: the
 * plan-do-study-act cycles that name the measure, read through the signed-in person's audited
 * record (so looking at a measure's chart is in the audit trail). Several changes on one day are
 * one mark, their titles joined.
 */
import { improvementMarkers } from '@kindred/insight';
import type { Repository } from '@kindred/store';
import type { Marker } from './insight-data.ts';

export async function changeMarkers(record: Repository, measureId: string): Promise<Marker[]> {
  const byDate = new Map<string, { label: string; href: string }[]>();
  for (const marker of await improvementMarkers(record, measureId)) {
    const day = marker.date.slice(0, 10);
    byDate.set(day, [...(byDate.get(day) ?? []), { label: marker.label, href: marker.href }]);
  }
  return [...byDate].sort(([a], [b]) => a.localeCompare(b)).map(([date, cycles]) => ({ date, label: cycles.map((c) => c.label).join('; '), cycles }));
}
