/**
 * The measure library: one JSON file per measure in library/, each checked on load against the
 * measure schema (measure-definition.ts), so a mistake in the data stops the start with a message
 * naming the measure and the field rather than producing wrong figures.
 */
import consultationsInPerson from './library/consultations-in-person.json' with { type: 'json' };
import consultationsOnline from './library/consultations-online.json' with { type: 'json' };
import consultationsPhone from './library/consultations-phone.json' with { type: 'json' };
import consultationsVideo from './library/consultations-video.json' with { type: 'json' };
import didNotAttendFaceToFace from './library/did-not-attend-face-to-face.json' with { type: 'json' };
import didNotAttendHomeVisit from './library/did-not-attend-home-visit.json' with { type: 'json' };
import didNotAttendPhone from './library/did-not-attend-phone.json' with { type: 'json' };
import didNotAttendVideo from './library/did-not-attend-video.json' with { type: 'json' };
import firstResponseHours from './library/first-response-hours.json' with { type: 'json' };
import preferredModalityGiven from './library/preferred-modality-given.json' with { type: 'json' };
import redFlagExits from './library/red-flag-exits.json' with { type: 'json' };
import requestsRouteInPerson from './library/requests-route-in-person.json' with { type: 'json' };
import requestsRouteOnlineAssisted from './library/requests-route-online-assisted.json' with { type: 'json' };
import requestsRouteOnlineSelf from './library/requests-route-online-self.json' with { type: 'json' };
import requestsRoutePhone from './library/requests-route-phone.json' with { type: 'json' };
import videoFallbackToPhone from './library/video-fallback-to-phone.json' with { type: 'json' };
import wardAlertResponseMinutes from './library/ward-alert-response-minutes.json' with { type: 'json' };
import wardAlerts from './library/ward-alerts.json' with { type: 'json' };
import { parseMeasureDefinition, type MeasureDefinition } from './measure-definition.ts';

const RAW: readonly unknown[] = [consultationsInPerson, consultationsOnline, consultationsPhone, consultationsVideo, didNotAttendFaceToFace, didNotAttendHomeVisit, didNotAttendPhone, didNotAttendVideo, firstResponseHours, preferredModalityGiven, redFlagExits, requestsRouteInPerson, requestsRouteOnlineAssisted, requestsRouteOnlineSelf, requestsRoutePhone, videoFallbackToPhone, wardAlertResponseMinutes, wardAlerts];

/** Parses a list of measures, refusing a repeated id. */
export function parseMeasureLibrary(raw: readonly unknown[]): readonly MeasureDefinition[] {
  const measures = raw.map(parseMeasureDefinition);
  const seen = new Set<string>();
  for (const measure of measures) {
    if (seen.has(measure.id)) throw new Error(`Two measures share the id "${measure.id}".`);
    seen.add(measure.id);
  }
  return Object.freeze(measures.map((m) => Object.freeze(m)));
}

export const MEASURE_LIBRARY: readonly MeasureDefinition[] = parseMeasureLibrary(RAW);

export function measureById(id: string): MeasureDefinition | undefined {
  return MEASURE_LIBRARY.find((m) => m.id === id);
}
