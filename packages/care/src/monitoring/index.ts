/** Remote monitoring (virtual wards, decision 0016): re-exports only. */
export * from './monitoring-api.ts';
export * from './monitoring-vocabulary.ts';
export { NEWS2_RESPONSE, PLAUSIBLE, scoreNews2, type News2Input } from './news2.ts';
export { DEFAULT_THRESHOLDS, SPO2_SCALE_2_THRESHOLDS, defaultThresholds, measureLabel, missedMeasures, periodMsOf, readingColour, thresholdColour, valueText } from './thresholds.ts';
export { READING_TEXT_EXAMPLE, READING_TEXT_MAX_CHARS, parseReadingText } from './sms-readings.ts';
export { monitoringPlanOf, virtualWardOf } from './monitoring-plan.ts';
export { activeMonitoringPlan, dischargeFromVirtualWard, enrolInVirtualWard, findVirtualWards, readVirtualWard, type WardOptions } from './enrolment.ts';
export { ACVPU_SYSTEM, readingSetId, valuesOfObservation } from './reading-observations.ts';
export { recordReadings } from './record-readings.ts';
export { DEFAULT_RESPONSE_MINUTES, MonitoringTemplate, openAlertTasks } from './ward-alert.ts';
export { MONITORING_ACCESS, MONITORING_SCOPES, colourAdvice, nationalNumber, readingsSummary, receivedText } from './received-text.ts';
export { NEWS2_CAUTION, wardDashboard } from './ward-dashboard.ts';
