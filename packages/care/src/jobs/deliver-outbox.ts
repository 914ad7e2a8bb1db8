/**
 * The outbox sender: moves messages waiting in the store's message outbox (queued by the local
 * outbox adapter, messaging/outbox-channels.ts) to a real channel, such as GOV.UK Notify
 * (messaging/notify-channels.ts), oldest first, a batch at a time. A message the channel accepts is
 * marked sent; one it refuses for good is marked failed and stays in the table; one it cannot take
 * now (a timeout, rate limiting, Notify down) stays pending for the next run. Never dropped.
 *
 * Runs as a job on any node; must not reach the record (the message's Communication was written
 * when it was queued). Two senders at once could send a message twice: run one sender per area.
 */
import type { MessageOutbox, OutboxMessage } from '@kindred/store';
import { MessageError, TemplateVariant, type MessageChannels, type SentMessage } from '../messaging/message-channels.ts';

export interface DeliverOptions {
  /** how many pending messages to take this run (default 100) */
  batch?: number;
  now?: () => number;
}

export interface DeliveryFailure {
  messageId: string;
  /** true when it stays pending to be tried again */
  willRetry: boolean;
  reason: string;
}

export interface DeliveryReport {
  sent: number;
  failed: number;
  retryLater: number;
  failures: DeliveryFailure[];
}

const VARIANTS: ReadonlySet<string> = new Set(Object.values(TemplateVariant));

/** "reply/large-print" → the template and its variant (outbox-channels.ts names them so). */
function templateOf(name: string): { template: string; variant: TemplateVariant } {
  const slash = name.lastIndexOf('/');
  const variant = slash > 0 ? name.slice(slash + 1) : '';
  return VARIANTS.has(variant) ? { template: name.slice(0, slash), variant: variant as TemplateVariant } : { template: name, variant: TemplateVariant.standard };
}

function send(channels: MessageChannels, message: OutboxMessage): Promise<SentMessage> {
  const { template, variant } = templateOf(message.template);
  // the outbox's message id goes to the channel as the reference, so a delivery can be traced back
  const common = { template, variant, reference: message.messageId };
  switch (message.channel) {
    case 'sms':
      return channels.sendSms({ ...common, personalisation: message.personalisation, phoneNumber: message.recipient });
    case 'email':
      return channels.sendEmail({ ...common, personalisation: message.personalisation, emailAddress: message.recipient });
    case 'letter': {
      // the outbox keeps a letter's address as its lines, the postcode last (outbox-channels.ts)
      const lines = message.recipient.split('\n');
      const personalisation = Object.fromEntries(Object.entries(message.personalisation).filter(([key]) => !key.startsWith('address_line_')));
      return channels.sendLetter({ ...common, personalisation, address: { lines: lines.slice(0, -1), postcode: lines.at(-1) ?? '' } });
    }
  }
}

export async function deliverOutbox(outbox: MessageOutbox, channels: MessageChannels, options: DeliverOptions = {}): Promise<DeliveryReport> {
  const batch = options.batch ?? 100;
  if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) throw new RangeError(`batch must be a whole number from 1 to 10,000; it was ${batch}`);
  const now = options.now ?? Date.now;
  const report: DeliveryReport = { sent: 0, failed: 0, retryLater: 0, failures: [] };
  for (const message of await outbox.pending(batch)) {
    try {
      await send(channels, message);
      await outbox.markSent(message.messageId, now());
      report.sent += 1;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const willRetry = !(error instanceof MessageError) || error.problem === 'CHANNEL_UNAVAILABLE';
      if (willRetry) report.retryLater += 1;
      else {
        await outbox.markFailed(message.messageId);
        report.failed += 1;
      }
      report.failures.push({ messageId: message.messageId, willRetry, reason });
    }
  }
  return report;
}
