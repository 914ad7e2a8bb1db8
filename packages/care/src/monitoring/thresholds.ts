/** Thresholds and RAG (decision 0016): placeholder, filled in next. */
import type { ColourReason, Measure, MeasurePlan, MonitoringPlan, News2Result, RagColour, ReadingValues, Thresholds } from './monitoring-api.ts';

export const DEFAULT_THRESHOLDS: Readonly<Partial<Record<Measure, Thresholds>>> = {};

export function periodMsOf(_plan: MeasurePlan): number {
  throw new Error('not yet');
}

export function thresholdColour(_measure: Measure, _value: number, _thresholds: Thresholds): { colour: RagColour; reason?: ColourReason } {
  throw new Error('not yet');
}

export function readingColour(_thresholds: Readonly<Partial<Record<Measure, Thresholds>>>, _values: ReadingValues, _news2?: News2Result): { colour: RagColour; reasons: ColourReason[] } {
  throw new Error('not yet');
}

export function missedMeasures(_plan: Pick<MonitoringPlan, 'measures' | 'start'>, _lastTaken: Readonly<Partial<Record<Measure, string>>>, _now: number): Measure[] {
  throw new Error('not yet');
}
