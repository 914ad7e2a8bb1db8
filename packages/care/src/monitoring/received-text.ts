/** A text message of readings received through GOV.UK Notify: placeholder, filled in next. */
import { parseScopes, type AccessContext } from '@kindred/access';
import type { MonitoringDeps, ReceivedTextInput, ReceivedTextResult } from './monitoring-api.ts';

/** The narrowest scopes Kindred's monitoring needs when no person is signed in. */
export const MONITORING_SCOPES =
  'system/Patient.rs system/CareTeam.rs system/Organization.rs system/EpisodeOfCare.rs system/CarePlan.rs system/Observation.crs system/Task.crus system/Communication.crus';

/** Who writes alert Tasks and messages and handles received texts: Kindred's monitoring (audited like anyone). */
export const MONITORING_ACCESS: AccessContext = Object.freeze({
  subject: 'kindred-monitoring',
  scopes: parseScopes(MONITORING_SCOPES),
  tokenId: 'monitoring',
  expiresAt: new Date(8_640_000_000_000_000),
  issuer: 'urn:kindred:local',
});

export async function receivedText(_deps: MonitoringDeps, _input: ReceivedTextInput): Promise<ReceivedTextResult> {
  throw new Error('not yet');
}
