/** Remote monitoring (virtual wards, decision 0016): re-exports only. */
export * from './monitoring-api.ts';
export * from './monitoring-vocabulary.ts';
export { scoreNews2, type News2Input } from './news2.ts';
export { DEFAULT_THRESHOLDS, missedMeasures, periodMsOf, readingColour, thresholdColour } from './thresholds.ts';
export { READING_TEXT_EXAMPLE, parseReadingText } from './sms-readings.ts';
export { activeMonitoringPlan, dischargeFromVirtualWard, enrolInVirtualWard, findVirtualWards } from './enrolment.ts';
export { recordReadings } from './record-readings.ts';
export { MONITORING_ACCESS, MONITORING_SCOPES, receivedText } from './received-text.ts';
export { wardDashboard } from './ward-dashboard.ts';
