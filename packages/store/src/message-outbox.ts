/**
 * The `message_outbox` table: messages Kindred means to send (password reset links now;
 * appointment reminders later), each with its recipient, channel, template and personalisation in
 * the GOV.UK Notify style. A later channel adapter sends them; until then they wait here, so
 * nothing is lost and every node sees the same queue. Storage only: no sending, no templating.
 */
import { randomUUID } from 'node:crypto';
import type { SqlDriver } from './sql/driver.ts';

export const MessageChannel = { email: 'email', sms: 'sms', letter: 'letter' } as const;
export type MessageChannel = (typeof MessageChannel)[keyof typeof MessageChannel];

export interface OutboxMessage {
  messageId: string;
  /** an email address, phone number or postal address, as the channel needs */
  recipient: string;
  channel: MessageChannel;
  /** the template's name, e.g. "password-reset" */
  template: string;
  personalisation: Readonly<Record<string, string>>;
  status: 'pending' | 'sent' | 'failed';
  createdAt: number;
  sentAt?: number;
}

export type NewOutboxMessage = Pick<OutboxMessage, 'recipient' | 'channel' | 'template' | 'personalisation'>;

export interface MessageOutbox {
  /** queues a message; returns its id */
  add(message: NewOutboxMessage, now?: number): Promise<string>;
  /** pending messages, oldest first */
  pending(limit?: number): Promise<OutboxMessage[]>;
  markSent(messageId: string, now?: number): Promise<void>;
  /** the channel refused the message for good: it stays in the table, marked failed, never resent */
  markFailed(messageId: string): Promise<void>;
}

interface OutboxRow {
  message_id: string;
  recipient: string;
  channel: MessageChannel;
  template: string;
  personalisation: string;
  status: OutboxMessage['status'];
  created_at: number | string;
  sent_at: number | string | null;
}

export function sqlMessageOutbox(driver: SqlDriver): MessageOutbox {
  return {
    async add(message, now = Date.now()) {
      const messageId = randomUUID();
      await driver.execute(
        "INSERT INTO message_outbox (message_id, recipient, channel, template, personalisation, status, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
        [messageId, message.recipient, message.channel, message.template, JSON.stringify(message.personalisation), now],
      );
      return messageId;
    },
    async pending(limit = 100) {
      const rows = await driver.query<OutboxRow>(
        "SELECT message_id, recipient, channel, template, personalisation, status, created_at, sent_at FROM message_outbox WHERE status = 'pending' ORDER BY created_at LIMIT ?",
        [limit],
      );
      return rows.map((row) => ({
        messageId: row.message_id,
        recipient: row.recipient,
        channel: row.channel,
        template: row.template,
        personalisation: JSON.parse(row.personalisation) as Record<string, string>,
        status: row.status,
        createdAt: Number(row.created_at),
        ...(row.sent_at !== null ? { sentAt: Number(row.sent_at) } : {}),
      }));
    },
    async markSent(messageId, now = Date.now()) {
      await driver.execute("UPDATE message_outbox SET status = 'sent', sent_at = ? WHERE message_id = ?", [now, messageId]);
    },
    async markFailed(messageId) {
      await driver.execute("UPDATE message_outbox SET status = 'failed' WHERE message_id = ? AND status = 'pending'", [messageId]);
    },
  };
}
