/**
 * The access needs web form's fields → an `AccessNeeds`, or the errors to show in the page's error
 * summary (each naming the field and saying what to fix, in plain English), so the page can show
 * them beside what the person typed.
 *
 * The form works without JavaScript: checkboxes and radios arrive as strings ("yes"/"no", "on"
 * for a ticked checkbox, absent when unticked) and repeated fields as arrays.
 * Pure: nothing is saved here (save-access-needs.ts).
 */
import { ContactChannel } from '../messaging/channel-choice.ts';
import { languageName, type AccessNeeds } from './access-needs.ts';

export type FormFields = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface FieldError {
  /** the form field's name, for the error summary's link */
  field: string;
  message: string;
}

export const MAX_ADJUSTMENT_LENGTH = 500;
export const MAX_ADJUSTMENTS = 10;

const CHANNELS: ReadonlySet<string> = new Set(Object.values(ContactChannel));
const YES: ReadonlySet<string> = new Set(['yes', 'true', 'on']);
const NO: ReadonlySet<string> = new Set(['no', 'false', '']);

const QUESTIONS = {
  noInternet: 'whether they have no internet or device',
  interpreterRequired: 'whether they need an interpreter',
  bsl: 'whether they use British Sign Language',
  easyRead: 'whether they need easy read',
  largePrint: 'whether they need large print',
  hearingLoss: 'whether they have hearing loss',
  sightLoss: 'whether they have sight loss',
  longerAppointment: 'whether they need a longer appointment',
  safeToContactAtHome: 'whether it is safe to contact them at home',
} as const;
type YesNoField = keyof typeof QUESTIONS;

function values(fields: FormFields, name: string): string[] {
  const value = fields[name];
  if (value === undefined) return [];
  return (typeof value === 'string' ? [value] : [...value]).map((v) => v.trim());
}

function single(fields: FormFields, name: string): string | undefined {
  const all = values(fields, name).filter((v) => v !== '');
  return all.at(-1);
}

export function parseAccessNeedsForm(fields: FormFields): { needs: AccessNeeds } | { errors: FieldError[] } {
  const errors: FieldError[] = [];

  const yesNo = (name: YesNoField, required = false): boolean => {
    const value = single(fields, name)?.toLowerCase();
    if (value === undefined) {
      if (required) errors.push({ field: name, message: `Select ${QUESTIONS[name]}` });
      return name === 'safeToContactAtHome';
    }
    if (YES.has(value)) return true;
    if (NO.has(value)) return false;
    errors.push({ field: name, message: `Select yes or no for ${QUESTIONS[name]}` });
    return false;
  };

  const channels = (name: 'preferredChannels' | 'possibleChannels'): ContactChannel[] => {
    const chosen = values(fields, name).filter((v) => v !== '');
    const unknown = chosen.filter((c) => !CHANNELS.has(c));
    if (unknown.length > 0) errors.push({ field: name, message: `Choose from app, text message, email, phone or letter ("${unknown.join('", "')}" is not one of them)` });
    return [...new Set(chosen.filter((c): c is ContactChannel => CHANNELS.has(c)))];
  };

  const preferredChannels = channels('preferredChannels');
  // a channel already preferred need not be listed again as possible
  const possibleChannels = channels('possibleChannels').filter((c) => !preferredChannels.includes(c));
  const noInternet = yesNo('noInternet');
  if (noInternet) {
    const online = [...preferredChannels, ...possibleChannels].filter((c) => c === 'app' || c === 'email');
    if (online.length > 0) {
      errors.push({ field: 'preferredChannels', message: `They have no internet, so they cannot be reached by ${online.map((c) => (c === 'app' ? 'the app' : 'email')).join(' or ')}: untick it, or untick "no internet"` });
    }
  }

  const languageInput = single(fields, 'language') ?? 'en';
  let language = 'en';
  try {
    const [canonical] = Intl.getCanonicalLocales(languageInput);
    if (canonical === undefined || languageName(canonical) === undefined) throw new RangeError(languageInput);
    language = canonical;
  } catch {
    errors.push({ field: 'language', message: `Choose their language from the list ("${languageInput}" is not a language we know)` });
  }
  const interpreterRequired = yesNo('interpreterRequired');
  if (interpreterRequired && /^en\b/i.test(language)) errors.push({ field: 'language', message: 'Choose the language they need an interpreter for' });

  const carer = single(fields, 'carerHelps');
  if (carer !== undefined && !/^RelatedPerson\/[A-Za-z0-9\-.]{1,64}$/.test(carer)) errors.push({ field: 'carerHelps', message: 'Choose the carer who helps them from the list' });

  const adjustments = values(fields, 'reasonableAdjustments')
    .flatMap((v) => v.split(/\r?\n/))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (adjustments.some((a) => a.length > MAX_ADJUSTMENT_LENGTH)) {
    errors.push({ field: 'reasonableAdjustments', message: `Each reasonable adjustment must be ${MAX_ADJUSTMENT_LENGTH} characters or fewer` });
  }
  if (adjustments.length > MAX_ADJUSTMENTS) errors.push({ field: 'reasonableAdjustments', message: `Enter at most ${MAX_ADJUSTMENTS} reasonable adjustments, one on each line` });

  const needs: AccessNeeds = {
    preferredChannels,
    possibleChannels,
    noInternet,
    language,
    interpreterRequired,
    bsl: yesNo('bsl'),
    easyRead: yesNo('easyRead'),
    largePrint: yesNo('largePrint'),
    hearingLoss: yesNo('hearingLoss'),
    sightLoss: yesNo('sightLoss'),
    ...(carer !== undefined && errors.every((e) => e.field !== 'carerHelps') ? { carerHelps: carer } : {}),
    reasonableAdjustments: adjustments,
    longerAppointment: yesNo('longerAppointment'),
    safeToContactAtHome: yesNo('safeToContactAtHome', true),
  };
  return errors.length > 0 ? { errors } : { needs };
}
