/**
 * `POST [base]/Patient/{id}/$break-glass`: a clinician opens a person's record in an emergency.
 * The body is a Parameters with `reason` (valueString, required) and `minutes` (valueInteger,
 * optional, default 60). The answer is a Parameters with the Flag that marks the access, the
 * privacy officer's review Task and when the access ends.
 *
 * Wiring only: the access layer (openBreakGlass, through FhirContext.breakGlass) decides and records.
 */
import { FhirError, isPlainObject } from '@kindred/fhir';
import type { OperationCapability, OperationRoute } from '../fhir-rest/fhir-request.ts';

export const BREAK_GLASS_DEFINITION = 'urn:kindred:OperationDefinition/Patient-break-glass';

const capability: OperationCapability = {
  name: 'break-glass',
  definition: BREAK_GLASS_DEFINITION,
  resourceType: 'Patient',
  documentation:
    'POST Patient/[id]/$break-glass with Parameters reason (valueString, at least 10 characters) and minutes (valueInteger, default 60): ' +
    "a clinician whose role allows it opens this person's record in an emergency. The access is flagged on the record, alerted to the organisation's privacy officer as a review Task, and audited.",
};

function parametersOf(body: unknown): { reason: string; minutes?: number } {
  if (!isPlainObject(body) || body.resourceType !== 'Parameters') {
    throw new FhirError('INVALID_REQUEST', '$break-glass needs a Parameters body with a "reason" part (valueString) saying why you need emergency access.');
  }
  const parts = Array.isArray(body.parameter) ? body.parameter.filter(isPlainObject) : [];
  const reason = parts.find((p) => p.name === 'reason')?.valueString;
  if (typeof reason !== 'string') throw new FhirError('INVALID_REQUEST', '$break-glass needs a "reason" part (valueString) saying why you need emergency access.');
  const minutes = parts.find((p) => p.name === 'minutes')?.valueInteger;
  if (minutes !== undefined && typeof minutes !== 'number') throw new FhirError('INVALID_REQUEST', 'The "minutes" part must be a valueInteger.');
  return { reason, ...(minutes !== undefined ? { minutes } : {}) };
}

export const breakGlassRoutes: readonly OperationRoute[] = [
  {
    method: 'POST',
    pattern: ['Patient', ':id', '$break-glass'],
    capability,
    async handle(request, context, params) {
      if (!context.breakGlass) throw new FhirError('UNSUPPORTED', 'Emergency (break-glass) access is not offered by this server.');
      const result = await context.breakGlass({ patientId: params.id ?? '', ...parametersOf(request.body) });
      return {
        status: 200,
        body: {
          resourceType: 'Parameters',
          parameter: [
            { name: 'flag', resource: result.flag },
            { name: 'review', resource: result.review },
            { name: 'expires', valueDateTime: result.expires },
          ],
        },
      };
    },
  },
];
