/**
 * What the access needs profile means for the people who use it:
 * - `accessNeedsSummary`: the plain-English lines staff see before every contact (issue 4: "Staff
 *   see it before every contact"), most important first;
 * - `communicationProfileOf`: the profile messaging chooses a channel from (decision 0012), with the
 *   contact details from the Patient (http://hl7.org/fhir/R4/patient.html: telecom, address).
 *
 * Pure: no record access, no sending.
 */
import type { Resource } from '@kindred/fhir';
import type { CommunicationProfile, ContactChannel } from '../messaging/channel-choice.ts';
import type { PostalAddress } from '../messaging/message-channels.ts';
import { languageName, type AccessNeeds } from './access-needs.ts';

const CHANNEL_WORDS: Record<ContactChannel, string> = {
  app: 'a message in the app',
  sms: 'text message',
  email: 'email',
  phone: 'phone',
  letter: 'letter',
};

const isEnglish = (code: string): boolean => /^en\b/i.test(code);

/** Plain-English lines for staff, e.g. "Needs a Polish interpreter", "Not safe to contact at home". */
export function accessNeedsSummary(needs: AccessNeeds): string[] {
  const lines: string[] = [];
  if (!needs.safeToContactAtHome) lines.push('Not safe to contact at home: use only the number and times they have agreed');
  if (needs.interpreterRequired && !isEnglish(needs.language)) lines.push(`Needs ${article(languageName(needs.language) ?? needs.language)} interpreter`);
  else if (!isEnglish(needs.language)) lines.push(`Speaks ${languageName(needs.language) ?? needs.language}`);
  if (needs.bsl) lines.push('Uses British Sign Language (BSL): book a BSL interpreter, phone included');
  if (needs.noInternet) lines.push('No internet: phone or letter');
  if (needs.hearingLoss) lines.push('Has hearing loss');
  if (needs.sightLoss) lines.push('Has sight loss');
  if (needs.largePrint) lines.push('Needs large print');
  if (needs.easyRead) lines.push('Needs easy read');
  if (needs.longerAppointment) lines.push('Needs a longer appointment');
  for (const adjustment of needs.reasonableAdjustments) lines.push(`Reasonable adjustment: ${adjustment}`);
  if (needs.carerHelps !== undefined) lines.push('A carer helps them: see who before you contact them');
  if (needs.preferredChannels.length > 0) lines.push(`Prefers ${needs.preferredChannels.map((c) => CHANNEL_WORDS[c]).join(', then ')}`);
  else lines.push('How they like to be contacted is not recorded: ask them');
  return lines;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

interface ContactPoint {
  system?: string;
  value?: string;
  use?: string;
  period?: { end?: string };
}

interface Address {
  use?: string;
  line?: string[];
  city?: string;
  district?: string;
  postalCode?: string;
  period?: { end?: string };
}

interface HumanName {
  use?: string;
  text?: string;
  given?: string[];
  family?: string;
  prefix?: string[];
}

const current = <T extends { use?: string; period?: { end?: string } }>(items: unknown): T[] =>
  (Array.isArray(items) ? (items as T[]) : []).filter((i) => i.use !== 'old' && i.period?.end === undefined);

const UK_MOBILE = /^(\+44\s?7|0044\s?7|07)/;

/** The person's name for the top line of a letter: "Alice Able". */
export function nameOf(patient: Resource): string | undefined {
  const names = current<HumanName>(patient.name);
  const name = names.find((n) => n.use === 'usual') ?? names.find((n) => n.use === 'official') ?? names[0];
  if (name === undefined) return undefined;
  if (name.text !== undefined && name.text.trim() !== '') return name.text.trim();
  const full = [...(name.given ?? []), name.family ?? ''].join(' ').trim();
  return full === '' ? undefined : full;
}

function postalAddressOf(patient: Resource): PostalAddress | undefined {
  const addresses = current<Address>(patient.address);
  const home = addresses.find((a) => a.use === 'home') ?? addresses[0];
  if (home?.postalCode === undefined) return undefined;
  const name = nameOf(patient);
  const lines = [...(name !== undefined ? [name] : []), ...(home.line ?? []), ...(home.city !== undefined ? [home.city] : [])].filter((l) => l.trim() !== '');
  return { lines, postcode: home.postalCode };
}

export interface ProfileOptions {
  /** they have signed in to the app and can read messages there (the identity layer knows, not the Patient) */
  appAccount?: boolean;
}

/** The profile messaging's `chooseChannel` reads: the needs, with the Patient's current mobile, email and home address. */
export function communicationProfileOf(patient: Resource, needs: AccessNeeds, options: ProfileOptions = {}): CommunicationProfile {
  const telecom = current<ContactPoint>(patient.telecom);
  const mobile = telecom.find((t) => t.system === 'sms' && t.value !== undefined) ?? telecom.find((t) => t.system === 'phone' && (t.use === 'mobile' || UK_MOBILE.test(t.value ?? '')));
  const email = telecom.find((t) => t.system === 'email' && t.value !== undefined);
  const address = postalAddressOf(patient);
  return {
    preferredChannels: [...needs.preferredChannels],
    possibleChannels: [...needs.possibleChannels],
    noInternetOrDevice: needs.noInternet,
    largePrint: needs.largePrint,
    easyRead: needs.easyRead,
    bsl: needs.bsl,
    ...(needs.interpreterRequired ? { interpreterLanguage: needs.language } : {}),
    safeToContactAtHome: needs.safeToContactAtHome,
    contact: {
      ...(mobile?.value !== undefined ? { mobile: mobile.value } : {}),
      ...(email?.value !== undefined ? { email: email.value } : {}),
      ...(address !== undefined ? { address } : {}),
      ...(options.appAccount === true ? { appAccount: true } : {}),
    },
  };
}
