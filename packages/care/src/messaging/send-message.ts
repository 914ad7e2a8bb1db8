/**
 * Sends one message to a person the way their profile says, and records it as a FHIR
 * `Communication` (http://hl7.org/fhir/R4/communication.html) through the repository it is given,
 * which is the access-checked one: a caller who may not write to this person's record sends nothing.
 *
 * In one call: choose the channel (channel-choice.ts); write the Communication as `preparation`
 * (so the access check comes before anything leaves); send; then record the outcome:
 * - sent by SMS, email or letter: `in-progress` (handed to the channel; delivery is not yet known),
 *   with the sent time, the text as sent and the channel's message id;
 * - the app: `completed`: the Communication is the message the person reads in the app;
 * - staff must phone: `on-hold`, medium PHONE, with the reasons, for the staff's call list;
 * - the channel refused: `not-done` with the error's words, and the error is thrown. Never a silent drop.
 *
 * Must not talk to a database or a channel other than through what it is given.
 */
import type { Resource, StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { chooseChannel, type ChannelDecision, type CommunicationProfile } from './channel-choice.ts';
import { MessageError, TemplateVariant, type MessageChannels, type SendChannel, type SentMessage } from './message-channels.ts';
import { defaultTemplates, renderTemplate, type RenderedMessage, type TemplateSet } from './message-templates.ts';

/** Coding systems of the Communications this module writes. */
export const MESSAGE_ID_SYSTEM = 'https://kindred.health/fhir/sid/message-id';
export const MESSAGE_REFERENCE_SYSTEM = 'https://kindred.health/fhir/sid/message-reference';
export const MESSAGE_TEMPLATE_SYSTEM = 'https://kindred.health/fhir/CodeSystem/message-template';
/** http://terminology.hl7.org/CodeSystem/v3-ParticipationMode (the value set of Communication.medium) */
export const PARTICIPATION_MODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationMode';

/** How each channel is written as Communication.medium (v3-ParticipationMode), with words for people. */
export const COMMUNICATION_MEDIUM = {
  app: { code: 'ONLINEWRIT', display: 'online written', text: 'message in the app' },
  email: { code: 'EMAILWRIT', display: 'email', text: 'email' },
  letter: { code: 'MAILWRIT', display: 'mail', text: 'letter' },
  sms: { code: 'WRITTEN', display: 'written', text: 'text message (SMS)' },
  phone: { code: 'PHONE', display: 'telephone', text: 'phone call by staff' },
} as const;

/** A FHIR Reference (http://hl7.org/fhir/R4/references.html#Reference), literal: "Patient/123". */
export interface Reference {
  reference: string;
  display?: string;
}

export interface OutboundMessage {
  /** the person the message is for: "Patient/…" */
  recipient: Reference;
  template: string;
  personalisation: Readonly<Record<string, string>>;
  /** what it concerns: the Appointment, ServiceRequest, Task… */
  about?: readonly Reference[];
  /** who it is from: the Organization, PractitionerRole… */
  sender?: Reference;
  reference?: string;
}

export interface SendOutcome {
  decision: ChannelDecision;
  communication: StoredResource;
  /** what the channel answered; absent for the app and for a staff phone call */
  sent?: SentMessage;
}

export interface SendMessageOptions {
  templates?: TemplateSet;
  now?: () => number;
}

/** The words of the message, for the record and for staff phoning: the email's (the letter's, the text's) version. */
function renderFor(templates: TemplateSet, message: OutboundMessage, channel: SendChannel, variant: TemplateVariant): RenderedMessage {
  return renderTemplate(templates.get(message.template, channel, variant), message.personalisation);
}

function firstStandardRendering(templates: TemplateSet, message: OutboundMessage): RenderedMessage {
  const channel = (['email', 'letter', 'sms'] as const).find((c) => templates.find(message.template, c) !== undefined);
  if (channel === undefined) throw new MessageError('UNKNOWN_TEMPLATE', `there is no template named "${message.template}"`, { expression: ['template'] });
  return renderFor(templates, message, channel, TemplateVariant.standard);
}

const payloadOf = (rendered: RenderedMessage): { contentString: string }[] => [
  { contentString: rendered.subject !== undefined ? `${rendered.subject}\n\n${rendered.body}` : rendered.body },
];

export async function sendMessage(
  repository: Repository,
  channels: MessageChannels,
  profile: CommunicationProfile,
  message: OutboundMessage,
  options: SendMessageOptions = {},
): Promise<SendOutcome> {
  const templates = options.templates ?? defaultTemplates;
  const now = options.now ?? Date.now;
  const decision = chooseChannel(profile, message.template, templates);
  const mediumKey = decision.kind === 'send' ? decision.channel : decision.kind === 'app' ? 'app' : 'phone';
  const medium = COMMUNICATION_MEDIUM[mediumKey];
  const variant = decision.kind === 'staff-phone' ? TemplateVariant.standard : decision.variant;

  const base: Resource = {
    resourceType: 'Communication',
    status: 'preparation',
    ...(message.recipient.reference.startsWith('Patient/') ? { subject: { ...message.recipient } } : {}),
    recipient: [{ ...message.recipient }],
    ...(message.sender !== undefined ? { sender: { ...message.sender } } : {}),
    ...(message.about !== undefined && message.about.length > 0 ? { about: message.about.map((r) => ({ ...r })) } : {}),
    medium: [{ coding: [{ system: PARTICIPATION_MODE_SYSTEM, code: medium.code, display: medium.display }], text: medium.text }],
    topic: { coding: [{ system: MESSAGE_TEMPLATE_SYSTEM, code: message.template }], text: variant === TemplateVariant.standard ? message.template : `${message.template} (${variant})` },
    ...(message.reference !== undefined ? { identifier: [{ system: MESSAGE_REFERENCE_SYSTEM, value: message.reference }] } : {}),
  };

  if (decision.kind === 'app') {
    // the app shows the email's wording; rendering first means a missing field writes nothing
    const rendered = renderFor(templates, message, 'email', decision.variant);
    const { resource } = await repository.create({ ...base, status: 'completed', sent: new Date(now()).toISOString(), payload: payloadOf(rendered) });
    return { decision, communication: resource };
  }
  if (decision.kind === 'staff-phone') {
    const rendered = firstStandardRendering(templates, message);
    const { resource } = await repository.create({ ...base, status: 'on-hold', statusReason: { text: `Staff must phone: ${decision.reasons.join('; ')}` }, payload: payloadOf(rendered) });
    return { decision, communication: resource };
  }

  const prepared = (await repository.create(base)).resource;
  let sent: SentMessage;
  try {
    sent = await sendBy(channels, decision.channel, decision.variant, profile, message);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await repository.update({ ...prepared, status: 'not-done', statusReason: { text: `Not sent through ${channels.description}: ${reason}` } });
    throw error;
  }
  const { resource } = await repository.update({
    ...prepared,
    status: 'in-progress',
    sent: new Date(now()).toISOString(),
    identifier: [...(prepared.identifier as object[] | undefined ?? []), { system: MESSAGE_ID_SYSTEM, value: sent.id }],
    payload: payloadOf(sent),
    note: [{ text: `Sent through ${channels.description}` }],
  });
  return { decision, communication: resource, sent };
}

function sendBy(channels: MessageChannels, channel: SendChannel, variant: TemplateVariant, profile: CommunicationProfile, message: OutboundMessage): Promise<SentMessage> {
  const common = { template: message.template, variant, personalisation: message.personalisation, ...(message.reference !== undefined ? { reference: message.reference } : {}) };
  const { contact } = profile;
  switch (channel) {
    case 'sms':
      return channels.sendSms({ ...common, phoneNumber: contact.mobile ?? '' });
    case 'email':
      return channels.sendEmail({ ...common, emailAddress: contact.email ?? '' });
    case 'letter':
      return channels.sendLetter({ ...common, address: contact.address ?? { lines: [], postcode: '' } });
  }
}
