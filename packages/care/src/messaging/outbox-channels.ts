/**
 * The embedded default channel adapter: a message is checked (recipient, template, every
 * personalisation field), rendered, and queued in the store's message outbox (`store.outbox`),
 * where staff and the person can see it in the app and from where a sender can later deliver it.
 * Nothing leaves the machine from here.
 *
 * The outbox keeps the recipient, channel, template and personalisation; the template variant is
 * kept in the template's name ("reply/large-print"). The reference is not kept in the outbox (it
 * has no column for one): it is in the message's `Communication`.
 */
import type { MessageOutbox } from '@kindred/store';
import {
  TemplateVariant,
  MessageStatus,
  type EmailMessage,
  type LetterMessage,
  type MessageChannels,
  type SendChannel,
  type SentMessage,
  type SmsMessage,
} from './message-channels.ts';
import { defaultTemplates, renderTemplate, type TemplateSet } from './message-templates.ts';
import { emailAddress, letterAddressLines, ukMobileNumber } from './recipients.ts';

/** The template as the outbox names it: "reply", or "reply/large-print" for a variant. */
export function outboxTemplateName(template: string, variant: TemplateVariant = TemplateVariant.standard): string {
  return variant === TemplateVariant.standard ? template : `${template}/${variant}`;
}

export function outboxChannels(outbox: MessageOutbox, templates: TemplateSet = defaultTemplates, now: () => number = Date.now): MessageChannels {
  const queue = async (
    channel: SendChannel,
    message: SmsMessage | EmailMessage | LetterMessage,
    checkRecipient: () => { recipient: string; extraPersonalisation?: Readonly<Record<string, string>> },
  ): Promise<SentMessage> => {
    const { recipient, extraPersonalisation = {} } = checkRecipient();
    const variant = message.variant ?? TemplateVariant.standard;
    const rendered = renderTemplate(templates.get(message.template, channel, variant), message.personalisation);
    const id = await outbox.add(
      { recipient, channel, template: outboxTemplateName(message.template, variant), personalisation: { ...message.personalisation, ...extraPersonalisation } },
      now(),
    );
    return { id, status: MessageStatus.created, channel, ...rendered, ...(message.reference !== undefined ? { reference: message.reference } : {}) };
  };
  return {
    description: 'the local outbox',
    sendSms: (message) => queue('sms', message, () => ({ recipient: ukMobileNumber(message.phoneNumber) })),
    sendEmail: (message) => queue('email', message, () => ({ recipient: emailAddress(message.emailAddress) })),
    sendLetter: (message) =>
      queue('letter', message, () => {
        const lines = letterAddressLines(message.address);
        // the address lines as Notify's letter personalisation names them, so a sender can pass them on unchanged
        return { recipient: lines.join('\n'), extraPersonalisation: Object.fromEntries(lines.map((line, i) => [`address_line_${i + 1}`, line])) };
      }),
  };
}
