/**
 * The codes and extension urls of booking by modality (decision 0013): how a Slot and an
 * Appointment say whether they are by video, phone, face to face or a home visit, the person's
 * stated preference and the modality given, the interpreter participant and the offer Task.
 *
 * Constants and small pure readers only: no record access.
 */
import { FhirError, type Resource } from '@kindred/fhir';
import { MODALITY_SYSTEM } from '../requests/request-vocabulary.ts';

export { MODALITY_SYSTEM };

export const Modality = { video: 'video', phone: 'phone', faceToFace: 'face-to-face', homeVisit: 'home-visit' } as const;
export type Modality = (typeof Modality)[keyof typeof Modality];

/** The words people use, for messages and pages. */
export const MODALITY_WORDS: Readonly<Record<Modality, string>> = {
  video: 'video',
  phone: 'phone',
  'face-to-face': 'face-to-face',
  'home-visit': 'home visit',
};

const MODALITIES: ReadonlySet<string> = new Set(Object.values(Modality));
export const isModality = (code: unknown): code is Modality => typeof code === 'string' && MODALITIES.has(code);

export const PREFERRED_MODALITY_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/preferred-modality';
export const MODALITY_GIVEN_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/modality-given';
/** on a cancelled Appointment: the Appointment booked in its place */
export const REBOOKED_AS_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/rebooked-as';
/** on a cancelled Appointment: who cancelled it (the person, a carer or staff) */
export const CANCELLED_BY_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/cancelled-by';
/** on an Appointment: who booked it */
export const BOOKED_BY_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/booked-by';

/** http://terminology.hl7.org/CodeSystem/v3-ParticipationType: the interpreter (INTRP) */
export const PARTICIPATION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';
export const TASK_CODE_SYSTEM = 'https://kindred.health/fhir/CodeSystem/task-code';
export const APPOINTMENT_OFFER_CODE = 'appointment-offer';

export function modalityCoding(modality: Modality): { system: string; code: Modality; display: string } {
  return { system: MODALITY_SYSTEM, code: modality, display: MODALITY_WORDS[modality] };
}

/** The modality in a Slot's or Appointment's serviceType, if it has one. */
export function modalityOf(resource: Resource): Modality | undefined {
  const types = Array.isArray(resource.serviceType) ? (resource.serviceType as { coding?: { system?: string; code?: string }[] }[]) : [];
  const code = types.flatMap((t) => t.coding ?? []).find((c) => c.system === MODALITY_SYSTEM)?.code;
  return isModality(code) ? code : undefined;
}

export function assertModality(value: unknown, field: string): Modality {
  if (!isModality(value)) {
    throw new FhirError('INVALID_REQUEST', `${field} must be one of ${[...MODALITIES].join(', ')}; it was ${JSON.stringify(value)}.`, { expression: [field] });
  }
  return value;
}

/** An instant as epoch ms, or INVALID_REQUEST naming the field. */
export function instantOf(value: string, field: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms) || !/T\d{2}:\d{2}/.test(value)) {
    throw new FhirError('INVALID_REQUEST', `${field} must be a date and time with a time zone, such as 2026-03-03T09:00:00Z; it was "${value}".`, { expression: [field] });
  }
  return ms;
}

/** "Patient/123" → "123"; undefined when the reference is not to that type. */
export function idIn(reference: string | undefined, type: string): string | undefined {
  return reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : undefined;
}
