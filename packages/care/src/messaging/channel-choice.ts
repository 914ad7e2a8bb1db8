/**
 * Which channel a message goes by, from the person's communication and access needs profile
 * (issue 4, "Access needs and channels"): their preferred channels first, then any other they can
 * use; a channel is skipped when the person cannot use it, when we hold no contact detail for it,
 * when it would reach them at home where that is not safe, or when the template has no version in
 * the form they need (large print, easy read). When no written channel is left, staff must phone,
 * and the decision says why and with what help (an interpreter, BSL).
 *
 * Pure: the profile and the template set in, a decision out. No sending, no record.
 */
import { TemplateVariant, type PostalAddress, type SendChannel } from './message-channels.ts';
import type { TemplateSet } from './message-templates.ts';

/** The ways Kindred can reach a person. "app" is a message in the app (its `Communication`). */
export const ContactChannel = { app: 'app', sms: 'sms', email: 'email', phone: 'phone', letter: 'letter' } as const;
export type ContactChannel = (typeof ContactChannel)[keyof typeof ContactChannel];

export interface CommunicationProfile {
  /** the channels the person prefers, most preferred first */
  preferredChannels: readonly ContactChannel[];
  /** the other channels they can use, in the order to try them */
  possibleChannels: readonly ContactChannel[];
  /** no internet or no smartphone or computer: no app and no email (a text message to a mobile still reaches them) */
  noInternetOrDevice: boolean;
  largePrint: boolean;
  easyRead: boolean;
  /** British Sign Language: a voice call is not a way to reach them */
  bsl: boolean;
  /** the language an interpreter is needed for (BCP 47, e.g. "pl"), when one is */
  interpreterLanguage?: string;
  /** false when a letter (or anything sent to the home) could put them at risk */
  safeToContactAtHome: boolean;
  contact: {
    mobile?: string;
    email?: string;
    address?: PostalAddress;
    /** they have signed in to the app and can read messages there */
    appAccount?: boolean;
  };
}

export type ChannelDecision =
  | { kind: 'send'; channel: SendChannel; variant: TemplateVariant; skipped: readonly string[] }
  | { kind: 'app'; variant: TemplateVariant; skipped: readonly string[] }
  | { kind: 'staff-phone'; reasons: readonly string[]; interpreterLanguage?: string; bsl: boolean };

/**
 * The template a channel uses: the app shows the email's wording. A text message is short plain
 * text and has no large-print or easy-read form; a large-print letter is easy to read as well.
 */
function variantFor(channel: Exclude<ContactChannel, 'phone'>, profile: CommunicationProfile): TemplateVariant {
  if (channel === 'sms') return TemplateVariant.standard;
  if (profile.easyRead) return TemplateVariant.easyRead;
  if (profile.largePrint && channel === 'letter') return TemplateVariant.largePrint;
  return TemplateVariant.standard;
}

export function chooseChannel(profile: CommunicationProfile, template: string, templates: TemplateSet): ChannelDecision {
  const reasons: string[] = [];
  const staffPhone = (): ChannelDecision => ({
    kind: 'staff-phone',
    reasons: [
      ...reasons,
      ...(profile.bsl ? ['uses BSL: arrange a BSL interpreter or video relay'] : []),
      ...(!profile.safeToContactAtHome ? ['not safe to contact at home: use only the number and times they have agreed'] : []),
    ],
    ...(profile.interpreterLanguage !== undefined ? { interpreterLanguage: profile.interpreterLanguage } : {}),
    bsl: profile.bsl,
  });

  // Our templates are in English only: a person who needs an interpreter is phoned, with one.
  if (profile.interpreterLanguage !== undefined && !/^en\b/i.test(profile.interpreterLanguage)) {
    reasons.push(`needs an interpreter (${profile.interpreterLanguage}) and the messages are in English only`);
    return staffPhone();
  }

  const candidates = [...new Set([...profile.preferredChannels, ...profile.possibleChannels])];
  if (candidates.length === 0) reasons.push('no channel is recorded in the profile');
  for (const channel of candidates) {
    if (channel === 'phone') {
      if (profile.bsl) {
        reasons.push('phone: a voice call does not reach a BSL user');
        continue;
      }
      reasons.push('phone is the first channel that reaches them');
      return staffPhone();
    }
    const unusable = whyNot(channel, profile);
    if (unusable !== undefined) {
      reasons.push(`${channel}: ${unusable}`);
      continue;
    }
    const variant = variantFor(channel, profile);
    const templateChannel: SendChannel = channel === 'app' ? 'email' : channel;
    if (templates.find(template, templateChannel, variant) === undefined) {
      reasons.push(`${channel}: there is no ${variant === 'standard' ? '' : `${variant} `}${channel} version of "${template}"`);
      continue;
    }
    return channel === 'app' ? { kind: 'app', variant, skipped: reasons } : { kind: 'send', channel, variant, skipped: reasons };
  }
  return staffPhone();
}

function whyNot(channel: Exclude<ContactChannel, 'phone'>, profile: CommunicationProfile): string | undefined {
  const { contact } = profile;
  switch (channel) {
    case 'app':
      if (profile.noInternetOrDevice) return 'no internet or device';
      return contact.appAccount === true ? undefined : 'no app account';
    case 'email':
      if (profile.noInternetOrDevice) return 'no internet or device';
      return contact.email !== undefined && contact.email.trim() !== '' ? undefined : 'no email address';
    case 'sms':
      return contact.mobile !== undefined && contact.mobile.trim() !== '' ? undefined : 'no mobile number';
    case 'letter':
      if (!profile.safeToContactAtHome) return 'not safe to contact at home';
      return contact.address !== undefined && contact.address.postcode.trim() !== '' ? undefined : 'no postal address with a postcode';
  }
}
