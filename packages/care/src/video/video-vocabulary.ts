/**
 * The codes and extension urls of a video consultation's record (decision 0015): the Encounter's
 * class and modality, the privacy answer, the modality used after a fallback, the participation
 * types of the people in the call and the consult note's type.
 *
 * Constants and small pure readers only: no record access.
 */
import type { Resource } from '@kindred/fhir';
import { MODALITY_SYSTEM, PARTICIPATION_TYPE_SYSTEM } from '../booking/booking-vocabulary.ts';

/** http://terminology.hl7.org/CodeSystem/v3-ActCode VR: "virtual" (the people are not in one place) */
export const VIRTUAL_ENCOUNTER_CLASS = Object.freeze({ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR', display: 'virtual' });
export const PRIVACY_ANSWER_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/privacy-answer';
export const MODALITY_USED_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/modality-used';
/** LOINC 11488-4 "Consult note" */
export const CONSULT_NOTE_TYPE = Object.freeze({ system: 'http://loinc.org', code: '11488-4', display: 'Consult note' });

/** "Are you somewhere you can talk privately?" */
export const PrivacyAnswer = { yes: 'yes', no: 'no', notSure: 'not-sure' } as const;
export type PrivacyAnswer = (typeof PrivacyAnswer)[keyof typeof PrivacyAnswer];
const PRIVACY_ANSWERS: ReadonlySet<string> = new Set(Object.values(PrivacyAnswer));
export const isPrivacyAnswer = (value: unknown): value is PrivacyAnswer => typeof value === 'string' && PRIVACY_ANSWERS.has(value);

/** Who takes part in the call besides the patient (the Encounter's subject). */
export const CallRole = { clinician: 'clinician', carer: 'carer', interpreter: 'interpreter', colleague: 'colleague' } as const;
export type CallRole = (typeof CallRole)[keyof typeof CallRole];

/** http://terminology.hl7.org/CodeSystem/v3-ParticipationType for each role in the call */
export const CALL_ROLE_TYPE: Readonly<Record<CallRole, { code: string; display: string }>> = {
  clinician: { code: 'PPRF', display: 'primary performer' },
  carer: { code: 'ESC', display: 'escort' },
  interpreter: { code: 'INTRP', display: 'interpreter' },
  colleague: { code: 'CON', display: 'consultant' },
};

export { MODALITY_SYSTEM, PARTICIPATION_TYPE_SYSTEM };

/** The modality coding on an Encounter's type: video, or phone after a fallback. */
export function encounterModalityOf(encounter: Resource): 'video' | 'phone' | undefined {
  const types = Array.isArray(encounter.type) ? (encounter.type as { coding?: { system?: string; code?: string }[] }[]) : [];
  const code = types.flatMap((t) => t.coding ?? []).find((c) => c.system === MODALITY_SYSTEM)?.code;
  return code === 'video' || code === 'phone' ? code : undefined;
}

/** The privacy answer on an Encounter, if given. */
export function privacyAnswerOf(encounter: Resource): PrivacyAnswer | undefined {
  const extensions = Array.isArray(encounter.extension) ? (encounter.extension as { url?: string; valueCode?: string }[]) : [];
  const code = extensions.find((e) => e.url === PRIVACY_ANSWER_EXTENSION)?.valueCode;
  return isPrivacyAnswer(code) ? code : undefined;
}

/** The modality actually used, from the Appointment's modality-used extension (absent: as booked). */
export function modalityUsedOf(appointment: Resource): string | undefined {
  const extensions = Array.isArray(appointment.extension) ? (appointment.extension as { url?: string; valueCoding?: { code?: string } }[]) : [];
  return extensions.find((e) => e.url === MODALITY_USED_EXTENSION)?.valueCoding?.code;
}
