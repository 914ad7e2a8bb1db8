/**
 * The GOV.UK Notify channel adapter: sends text messages, emails and letters through Notify's REST
 * API v2 with node's fetch (https://docs.notifications.service.gov.uk/rest-api.html):
 *   POST /v2/notifications/sms    {phone_number, template_id, personalisation, reference}
 *   POST /v2/notifications/email  {email_address, template_id, personalisation, reference}
 *   POST /v2/notifications/letter {template_id, personalisation (address_line_1…7 and fields), reference}
 * A success is 201 with the notification's id and content; an error is
 * `{"status_code": …, "errors": [{"error": "…", "message": "…"}]}`, mapped here to a MessageError.
 *
 * Chosen by configuration (an API key and each template's Notify id); the configuration is copied
 * and frozen. Recipients are checked before anything is sent; the template's personalisation is
 * checked by Notify (its copy of the template is the one that counts). Must never log the API key.
 */
import {
  MessageError,
  MessageStatus,
  TemplateVariant,
  type EmailMessage,
  type LetterMessage,
  type MessageChannels,
  type MessageProblem,
  type SendChannel,
  type SentMessage,
  type SmsMessage,
} from './message-channels.ts';
import { notifyToken, parseNotifyApiKey } from './notify-api-key.ts';
import { emailAddress, letterAddressLines, ukMobileNumber } from './recipients.ts';

export const NOTIFY_BASE_URL = 'https://api.notifications.service.gov.uk';
export const DEFAULT_NOTIFY_TIMEOUT_MS = 10_000;

export interface NotifyConfig {
  /** the key from Notify's API integration page: `{key name}-{service id}-{secret key}` */
  apiKey: string;
  /** the Notify template id of each of our templates, by `notifyTemplateKey` ("reply/letter/large-print") */
  templateIds: Readonly<Record<string, string>>;
  /** defaults to Notify's own; a test points it at a stub */
  baseUrl?: string;
  /** how long to wait for Notify's answer (default 10 seconds) */
  timeoutMs?: number;
  now?: () => number;
}

/** "reply/sms", "reply/letter/large-print": how the configuration names a template of ours. */
export function notifyTemplateKey(template: string, channel: SendChannel, variant: TemplateVariant = TemplateVariant.standard): string {
  return variant === TemplateVariant.standard ? `${template}/${channel}` : `${template}/${channel}/${variant}`;
}

/** Notify's error response (https://docs.notifications.service.gov.uk/rest-api.html#error-codes). */
interface NotifyErrorBody {
  status_code?: number;
  errors?: { error?: string; message?: string }[];
}

interface NotifyCreated {
  id: string;
  reference: string | null;
  content: { body: string; subject?: string };
}

/** Which of our problems a Notify error is; the message's wording matters less than its field. */
export function problemOfNotifyError(status: number, message: string): MessageProblem {
  if (status === 429 || status >= 500) return 'CHANNEL_UNAVAILABLE';
  if (status !== 400) return 'CHANNEL_REFUSED';
  if (message.startsWith('phone_number')) return 'BAD_PHONE_NUMBER';
  if (message.startsWith('email_address')) return 'BAD_EMAIL_ADDRESS';
  if (message.startsWith('Missing personalisation')) return 'MISSING_PERSONALISATION';
  if (/postcode/i.test(message)) return 'LETTER_WITHOUT_POSTCODE';
  if (/address/i.test(message)) return 'LETTER_ADDRESS_TOO_SHORT';
  if (message.startsWith('template_id') || message.startsWith('Template not found')) return 'UNKNOWN_TEMPLATE';
  return 'CHANNEL_REFUSED';
}

export function notifyChannels(config: NotifyConfig): MessageChannels {
  const settings = Object.freeze({
    key: parseNotifyApiKey(config.apiKey),
    templateIds: Object.freeze({ ...config.templateIds }),
    baseUrl: (config.baseUrl ?? NOTIFY_BASE_URL).replace(/\/+$/, ''),
    timeoutMs: config.timeoutMs ?? DEFAULT_NOTIFY_TIMEOUT_MS,
    now: config.now ?? Date.now,
  });

  const templateId = (message: SmsMessage | EmailMessage | LetterMessage, channel: SendChannel): string => {
    const key = notifyTemplateKey(message.template, channel, message.variant);
    const id = settings.templateIds[key];
    if (id === undefined) {
      throw new MessageError('UNKNOWN_TEMPLATE', `no GOV.UK Notify template id is configured for "${key}"`, { expression: ['template'] });
    }
    return id;
  };

  const post = async (channel: SendChannel, body: Record<string, unknown>, message: SmsMessage | EmailMessage | LetterMessage): Promise<SentMessage> => {
    const url = `${settings.baseUrl}/v2/notifications/${channel}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${await notifyToken(settings.key, settings.now())}`,
          'User-Agent': 'kindred-notify-adapter',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new MessageError(
        'CHANNEL_UNAVAILABLE',
        timedOut ? `GOV.UK Notify did not answer within ${settings.timeoutMs} ms; the ${channel} was not sent` : `GOV.UK Notify could not be reached; the ${channel} was not sent`,
        { cause: error },
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (response.status !== 201) {
      const first = (json as NotifyErrorBody | undefined)?.errors?.[0];
      const notifyMessage = first?.message ?? `HTTP ${response.status}`;
      const problem = problemOfNotifyError(response.status, notifyMessage);
      throw new MessageError(problem, `GOV.UK Notify refused the ${channel} (${response.status} ${first?.error ?? 'error'}): ${notifyMessage}`);
    }
    const created = json as Partial<NotifyCreated> | undefined;
    if (typeof created?.id !== 'string' || typeof created.content?.body !== 'string') {
      throw new MessageError('CHANNEL_UNAVAILABLE', `GOV.UK Notify answered 201 without a notification id and content; the ${channel} may or may not have been sent`);
    }
    return {
      id: created.id,
      status: MessageStatus.created,
      channel,
      body: created.content.body,
      ...(typeof created.content.subject === 'string' ? { subject: created.content.subject } : {}),
      ...(message.reference !== undefined ? { reference: message.reference } : {}),
    };
  };

  const common = (message: SmsMessage | EmailMessage | LetterMessage, channel: SendChannel) => ({
    template_id: templateId(message, channel),
    ...(message.reference !== undefined ? { reference: message.reference } : {}),
  });

  return {
    description: `GOV.UK Notify at ${settings.baseUrl}`,
    async sendSms(message) {
      const phone_number = ukMobileNumber(message.phoneNumber);
      return await post('sms', { phone_number, ...common(message, 'sms'), personalisation: { ...message.personalisation } }, message);
    },
    async sendEmail(message) {
      const email_address = emailAddress(message.emailAddress);
      return await post('email', { email_address, ...common(message, 'email'), personalisation: { ...message.personalisation } }, message);
    },
    async sendLetter(message) {
      const lines = letterAddressLines(message.address);
      const address = Object.fromEntries(lines.map((line, i) => [`address_line_${i + 1}`, line]));
      return await post('letter', { ...common(message, 'letter'), personalisation: { ...message.personalisation, ...address } }, message);
    },
  };
}
