/**
 * SMART launch context (http://hl7.org/fhir/smart-app-launch/app-launch.html#launch-app-ehr-launch):
 * EHR launch ids that Kindred issues for a patient (an opaque, short-lived, single-purpose id an
 * app receives as `launch`), and the patient in context of each grant, which every token of the
 * grant carries. Both are kept in the provider's records table so any node can resolve them.
 *
 * `POST [base]/Patient/[id]/$smart-launch` issues a launch id for a patient the caller may read
 * (the scoped repository decides that). This module must not decide who may see the patient.
 */
import { randomBytes } from 'node:crypto';
import { FhirError } from '@kindred/fhir';
import type { OidcRecordTable } from '@kindred/store';
import type { OperationRoute } from '../fhir-rest/fhir-request.ts';

const LAUNCH_MODEL = 'SmartLaunch';
const CONTEXT_MODEL = 'SmartContext';
/** A launch id is used within moments of being issued (the web app opens the SMART app at once). */
export const LAUNCH_LIFETIME_SECONDS = 5 * 60;

export interface LaunchContext {
  /** a Patient id */
  patient?: string;
}

export async function createLaunch(records: OidcRecordTable, context: LaunchContext, now: number): Promise<string> {
  const launch = randomBytes(24).toString('base64url');
  await records.upsert(LAUNCH_MODEL, launch, { ...context }, now + LAUNCH_LIFETIME_SECONDS * 1000);
  return launch;
}

export async function resolveLaunch(records: OidcRecordTable, launch: string, now: number): Promise<LaunchContext | undefined> {
  const found = await records.find(LAUNCH_MODEL, launch, now);
  return found && typeof found.patient === 'string' ? { patient: found.patient } : found ? {} : undefined;
}

export async function saveLaunchContext(records: OidcRecordTable, grantId: string, context: LaunchContext, expiresAt: number): Promise<void> {
  await records.upsert(CONTEXT_MODEL, grantId, { ...context, grantId }, expiresAt);
}

export async function launchContextOf(records: OidcRecordTable, grantId: string, now: number): Promise<LaunchContext | undefined> {
  const found = await records.find(CONTEXT_MODEL, grantId, now);
  return found && typeof found.patient === 'string' ? { patient: found.patient } : undefined;
}

/** The FHIR operation a web app (or an EHR) calls to launch a SMART app with a patient in context. */
export function smartLaunchRoute(records: OidcRecordTable, now: () => number = Date.now): OperationRoute {
  const route: OperationRoute = {
    method: 'POST',
    pattern: ['Patient', ':id', '$smart-launch'],
    async handle(_request, context, params) {
      const id = params.id ?? '';
      // Reading through the caller's scoped repository: a launch only for a patient they may read.
      if (!/^[A-Za-z0-9\-.]{1,64}$/.test(id)) throw new FhirError('INVALID_REQUEST', `"${id}" is not a FHIR id.`);
      await context.repository.read('Patient', id);
      const launch = await createLaunch(records, { patient: id }, now());
      return {
        status: 200,
        body: {
          resourceType: 'Parameters',
          parameter: [
            { name: 'launch', valueString: launch },
            { name: 'expires_in', valueInteger: LAUNCH_LIFETIME_SECONDS },
          ],
        },
      };
    },
  };
  return Object.freeze(route);
}
