/**
 * A person's communication and access needs profile (issue 4, "Access needs and channels"), kept on
 * their FHIR `Patient` as decision 0013 maps it:
 * - `Patient.communication` (http://hl7.org/fhir/R4/patient-definitions.html#Patient.communication):
 *   the language they read and speak (BCP 47), `preferred`; British Sign Language is the language `bfi`;
 * - the standard extension `patient-interpreterRequired` (http://hl7.org/fhir/R4/extension-patient-interpreterrequired.html);
 * - one complex extension, `access-needs`, with a sub-extension for each need.
 *
 * Recorded once and read by every workflow through `readAccessNeeds`. Pure: a Patient in, a value
 * out, or a new Patient out; inputs are never changed. No record access here (save-access-needs.ts).
 */
import type { Resource } from '@kindred/fhir';
import { ContactChannel } from '../messaging/channel-choice.ts';

export const ACCESS_NEEDS_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/access-needs';
export const INTERPRETER_REQUIRED_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired';
/** BCP 47 (http://hl7.org/fhir/R4/valueset-languages.html): the system of Patient.communication.language */
export const LANGUAGE_SYSTEM = 'urn:ietf:bcp:47';
/** British Sign Language, as a language (ISO 639-3 `bfi`) */
export const BSL_LANGUAGE = 'bfi';

export interface AccessNeeds {
  /** the channels the person prefers, most preferred first */
  preferredChannels: readonly ContactChannel[];
  /** the other channels they can use */
  possibleChannels: readonly ContactChannel[];
  /** no internet, or no smartphone or computer */
  noInternet: boolean;
  /** the language they read and speak, BCP 47 ("en", "pl", "pa-Guru") */
  language: string;
  /** they need an interpreter for `language` */
  interpreterRequired: boolean;
  /** they use British Sign Language */
  bsl: boolean;
  easyRead: boolean;
  largePrint: boolean;
  hearingLoss: boolean;
  sightLoss: boolean;
  /** the carer who helps them: "RelatedPerson/…" */
  carerHelps?: string;
  /** in their words or staff's, e.g. "a quiet room", "first appointment of the day" */
  reasonableAdjustments: readonly string[];
  longerAppointment: boolean;
  /** false when a letter, a call or a visit to their home could put them at risk */
  safeToContactAtHome: boolean;
}

/** What we assume when nothing is recorded: English, no needs, safe to contact at home, no channel chosen yet. */
export const DEFAULT_ACCESS_NEEDS: AccessNeeds = Object.freeze({
  preferredChannels: Object.freeze([]),
  possibleChannels: Object.freeze([]),
  noInternet: false,
  language: 'en',
  interpreterRequired: false,
  bsl: false,
  easyRead: false,
  largePrint: false,
  hearingLoss: false,
  sightLoss: false,
  reasonableAdjustments: Object.freeze([]),
  longerAppointment: false,
  safeToContactAtHome: true,
});

/** The yes/no needs, each with its sub-extension (decision 0013); the sub-extension's url is the field's name. */
const FLAGS = ['noInternet', 'easyRead', 'largePrint', 'hearingLoss', 'sightLoss', 'longerAppointment', 'safeToContactAtHome'] as const;
type Flag = (typeof FLAGS)[number];

interface Extension {
  url: string;
  valueBoolean?: boolean;
  valueCode?: string;
  valueString?: string;
  valueReference?: { reference?: string };
  extension?: Extension[];
  [key: string]: unknown;
}

interface Communication {
  language?: { coding?: { system?: string; code?: string }[]; text?: string };
  preferred?: boolean;
}

const CHANNELS: ReadonlySet<string> = new Set(Object.values(ContactChannel));
const isChannel = (code: unknown): code is ContactChannel => typeof code === 'string' && CHANNELS.has(code);

function extensionsOf(value: unknown): Extension[] {
  return Array.isArray(value) ? (value as unknown[]).filter((e): e is Extension => typeof e === 'object' && e !== null && typeof (e as Extension).url === 'string') : [];
}

function languageCodeOf(entry: Communication): string | undefined {
  const coding = entry.language?.coding?.find((c) => c.system === LANGUAGE_SYSTEM && typeof c.code === 'string') ?? entry.language?.coding?.find((c) => typeof c.code === 'string');
  return coding?.code;
}

/** The person's access needs as recorded on their Patient; the defaults where nothing is recorded. */
export function readAccessNeeds(patient: Resource): AccessNeeds {
  const communication = (Array.isArray(patient.communication) ? patient.communication : []) as Communication[];
  // the preferred language first, then in the order recorded; BSL is read as `bsl`, not as the language
  const ordered = [...communication.filter((c) => c.preferred === true), ...communication.filter((c) => c.preferred !== true)];
  const codes = ordered.map(languageCodeOf).filter((c): c is string => c !== undefined);
  const spoken = codes.find((c) => c.toLowerCase() !== BSL_LANGUAGE);
  const extensions = extensionsOf(patient.extension);
  const interpreter = extensions.find((e) => e.url === INTERPRETER_REQUIRED_EXTENSION)?.valueBoolean;
  const parts = extensionsOf(extensions.find((e) => e.url === ACCESS_NEEDS_EXTENSION)?.extension);
  const flag = (name: Flag): boolean => parts.find((p) => p.url === name)?.valueBoolean ?? DEFAULT_ACCESS_NEEDS[name];
  const carer = parts.find((p) => p.url === 'carerHelps')?.valueReference?.reference;

  return {
    preferredChannels: parts.filter((p) => p.url === 'preferredChannel').map((p) => p.valueCode).filter(isChannel),
    possibleChannels: parts.filter((p) => p.url === 'possibleChannel').map((p) => p.valueCode).filter(isChannel),
    noInternet: flag('noInternet'),
    language: spoken ?? DEFAULT_ACCESS_NEEDS.language,
    interpreterRequired: interpreter ?? DEFAULT_ACCESS_NEEDS.interpreterRequired,
    bsl: codes.some((c) => c.toLowerCase() === BSL_LANGUAGE),
    easyRead: flag('easyRead'),
    largePrint: flag('largePrint'),
    hearingLoss: flag('hearingLoss'),
    sightLoss: flag('sightLoss'),
    ...(carer !== undefined ? { carerHelps: carer } : {}),
    reasonableAdjustments: parts.filter((p) => p.url === 'reasonableAdjustment' && typeof p.valueString === 'string').map((p) => p.valueString as string),
    longerAppointment: flag('longerAppointment'),
    safeToContactAtHome: flag('safeToContactAtHome'),
  };
}

function languageEntry(code: string, preferred: boolean): Communication {
  const display = languageName(code);
  return { language: { coding: [{ system: LANGUAGE_SYSTEM, code }], ...(display !== undefined ? { text: display } : {}) }, preferred };
}

/** "pl" → "Polish"; undefined when the code is not one Intl knows. */
export function languageName(code: string): string | undefined {
  if (code.toLowerCase() === BSL_LANGUAGE) return 'British Sign Language';
  try {
    const name = new Intl.DisplayNames(['en-GB'], { type: 'language', fallback: 'none' }).of(code);
    return name === undefined || name === code ? undefined : name;
  } catch {
    return undefined;
  }
}

/**
 * A new Patient that records `needs`: its communication languages are replaced by the profile's
 * (BSL, when used, is the preferred one), the interpreter and access-needs extensions are
 * written, and every other extension and element is kept as it was.
 */
export function withAccessNeeds(patient: Resource, needs: AccessNeeds): Resource {
  const communication: Communication[] = [languageEntry(needs.language, !needs.bsl), ...(needs.bsl ? [languageEntry(BSL_LANGUAGE, true)] : [])];
  const parts: Extension[] = [
    ...needs.preferredChannels.map((code) => ({ url: 'preferredChannel', valueCode: code })),
    ...needs.possibleChannels.map((code) => ({ url: 'possibleChannel', valueCode: code })),
    // each yes/no need is written only when it differs from what we assume without a record
    ...FLAGS.filter((name) => needs[name] !== DEFAULT_ACCESS_NEEDS[name]).map((name) => ({ url: name, valueBoolean: needs[name] })),
    ...(needs.carerHelps !== undefined ? [{ url: 'carerHelps', valueReference: { reference: needs.carerHelps } }] : []),
    ...needs.reasonableAdjustments.map((text) => ({ url: 'reasonableAdjustment', valueString: text })),
  ];
  const others = extensionsOf(patient.extension).filter((e) => e.url !== ACCESS_NEEDS_EXTENSION && e.url !== INTERPRETER_REQUIRED_EXTENSION);
  const extension: Extension[] = [
    ...others,
    { url: INTERPRETER_REQUIRED_EXTENSION, valueBoolean: needs.interpreterRequired },
    ...(parts.length > 0 ? [{ url: ACCESS_NEEDS_EXTENSION, extension: parts }] : []),
  ];
  return { ...patient, communication, extension };
}
