/** Outbound messages (issue 4, "Access needs and channels"): channel adapters in GOV.UK Notify's model, templates, channel choice. */
export * from './message-channels.ts';
export { defaultTemplates, placeholdersOf, renderTemplate, templateSetOf, type MessageTemplate, type RenderedMessage, type TemplateSet } from './message-templates.ts';
export { emailAddress, letterAddressLines, ukMobileNumber, ukPostcode } from './recipients.ts';
export { outboxChannels, outboxTemplateName } from './outbox-channels.ts';
export { DEFAULT_NOTIFY_TIMEOUT_MS, NOTIFY_BASE_URL, notifyChannels, notifyTemplateKey, type NotifyConfig } from './notify-channels.ts';
export { parseNotifyApiKey, type NotifyApiKey } from './notify-api-key.ts';
export { ContactChannel, chooseChannel, type ChannelDecision, type CommunicationProfile } from './channel-choice.ts';
export {
  COMMUNICATION_MEDIUM,
  MESSAGE_ID_SYSTEM,
  MESSAGE_REFERENCE_SYSTEM,
  MESSAGE_TEMPLATE_SYSTEM,
  PARTICIPATION_MODE_SYSTEM,
  sendMessage,
  type OutboundMessage,
  type Reference,
  type SendMessageOptions,
  type SendOutcome,
} from './send-message.ts';
