/**
 * The channel adapter's contract, in GOV.UK Notify's model: a text message to a phone number, an
 * email to an address or a letter to a postal address, each from a named template with
 * personalisation and an optional reference; the answer is the message's id and status.
 * (https://docs.notifications.service.gov.uk/rest-api.html#send-a-message)
 *
 * Types and the one error of the messaging room only: no sending, no templating, no I/O. A message
 * that cannot go is a `MessageError` naming what is wrong, never a silent drop.
 */
import { FhirError, type ErrorName } from '@kindred/fhir';

export const TemplateVariant = { standard: 'standard', largePrint: 'large-print', easyRead: 'easy-read' } as const;
export type TemplateVariant = (typeof TemplateVariant)[keyof typeof TemplateVariant];

/** The three channels Notify sends by. (The app is not one: a message in the app is its `Communication`.) */
export const SendChannel = { sms: 'sms', email: 'email', letter: 'letter' } as const;
export type SendChannel = (typeof SendChannel)[keyof typeof SendChannel];

interface MessageBase {
  /** the template's name in our template set, e.g. "appointment-reminder" */
  template: string;
  /** defaults to "standard" */
  variant?: TemplateVariant;
  /** the value of each ((field)) of the template; extra fields are ignored, as Notify does */
  personalisation: Readonly<Record<string, string>>;
  /** the caller's own reference (Notify keeps up to 1,000 characters) */
  reference?: string;
}

export interface SmsMessage extends MessageBase {
  phoneNumber: string;
}

export interface EmailMessage extends MessageBase {
  emailAddress: string;
}

/** A UK postal address: Notify wants 3 to 7 lines, the last a real UK postcode. */
export interface PostalAddress {
  /** the lines before the postcode (name first), 2 to 6 of them */
  lines: readonly string[];
  postcode: string;
}

export interface LetterMessage extends MessageBase {
  address: PostalAddress;
}

/**
 * A message's status in Notify's words (https://docs.notifications.service.gov.uk/rest-api.html#status-text-and-email).
 * Just after sending it is "created": accepted and queued (in Notify, or in Kindred's own outbox).
 */
export const MessageStatus = {
  created: 'created',
  sending: 'sending',
  delivered: 'delivered',
  permanentFailure: 'permanent-failure',
  temporaryFailure: 'temporary-failure',
  technicalFailure: 'technical-failure',
} as const;
export type MessageStatus = (typeof MessageStatus)[keyof typeof MessageStatus];

export interface SentMessage {
  id: string;
  status: MessageStatus;
  channel: SendChannel;
  /** the text as sent, personalisation filled in */
  body: string;
  /** email and letter only */
  subject?: string;
  reference?: string;
}

export interface MessageChannels {
  /** what this adapter is, for people: "the local outbox", "GOV.UK Notify at https://…" */
  readonly description: string;
  sendSms(message: SmsMessage): Promise<SentMessage>;
  sendEmail(message: EmailMessage): Promise<SentMessage>;
  sendLetter(message: LetterMessage): Promise<SentMessage>;
}

/** Every reason a message cannot be sent, each with the error it is in Kindred's catalogue. */
export const MessageProblem = {
  BAD_PHONE_NUMBER: 'INVALID_REQUEST',
  BAD_EMAIL_ADDRESS: 'INVALID_REQUEST',
  LETTER_ADDRESS_TOO_SHORT: 'INVALID_REQUEST',
  LETTER_WITHOUT_POSTCODE: 'INVALID_REQUEST',
  MISSING_PERSONALISATION: 'INVALID_REQUEST',
  UNKNOWN_TEMPLATE: 'INVALID_REQUEST',
  /** the channel refused the message or our credentials (a team key, a revoked key, a bad request) */
  CHANNEL_REFUSED: 'INTERNAL',
  /** the channel did not answer in time, is rate limiting us or failed: try again later */
  CHANNEL_UNAVAILABLE: 'UNAVAILABLE',
  /** the adapter's configuration is wrong (for example an API key of the wrong shape) */
  CHANNEL_MISCONFIGURED: 'INTERNAL',
} as const satisfies Record<string, ErrorName>;
export type MessageProblem = keyof typeof MessageProblem;

export class MessageError extends FhirError {
  readonly problem: MessageProblem;

  constructor(problem: MessageProblem, diagnostics: string, options: { expression?: string[]; cause?: unknown } = {}) {
    super(MessageProblem[problem], diagnostics, options);
    this.problem = problem;
  }
}
