/**
 * POST /hooks/notify/received-text: GOV.UK Notify's callback for a text message a person sent to
 * the service's number (decision 0016, "Text messages"). Notify posts JSON with a bearer token the
 * service chose (https://docs.notifications.service.gov.uk/rest-api.html#callbacks, "Received text
 * messages"):
 *
 *   { "id": "<uuid>", "source_number": "447700900111", "destination_number": "07700900000",
 *     "message": "O2 94 P 88", "date_received": "2017-05-14T12:15:30.000000Z" }
 *
 * (Notify's own code names the text `message`; `content`, as its received-text API names it, is
 * taken too. Other fields, such as `sms_sender_id`, are ignored.)
 *
 * - A missing or wrong token is 401 before the body is read; tokens are compared in constant time.
 * - A body that is not JSON, not the shape above or too big is 400 with words that say what is
 *   wrong, never 500: Notify retries failures, and a retry of a bad body cannot succeed.
 * - Otherwise the monitoring service reads the text (readings recorded, or what could not be read),
 *   and its reply goes back to the number by SMS through the app's message channels. The answer is
 *   200 with what happened (no health data in it).
 *
 * Runs as Kindred's monitoring system context (hooks/monitoring-system.ts): nobody is signed in.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { receivedText, type MessageChannels, type ReceivedTextInput } from '@kindred/care';
import { isFhirError } from '@kindred/fhir';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppSettings } from '../http/app-config.ts';
import { monitoringDepsFor } from './monitoring-system.ts';

export const RECEIVED_TEXT_PATH = '/hooks/notify/received-text';
/** A text message is at most a few hundred characters; Notify's whole body is well under this. */
export const RECEIVED_TEXT_LIMIT_BYTES = 16 * 1024;
/** The reply goes out with messaging's "reply" template ("((service)): ((reply))"), signed as the ward. */
export const RECEIVED_TEXT_REPLY_TEMPLATE = 'reply';
export const RECEIVED_TEXT_REPLY_FROM = 'Virtual ward';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** The bearer token of an Authorization header, compared in constant time (hashes of equal length). */
export function bearerMatches(header: string | undefined, expected: string): boolean {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  const given = match?.[1] ?? '';
  const equal = timingSafeEqual(digest(given), digest(expected));
  return match !== null && given.length > 0 && equal;
}

const problem = (reply: FastifyReply, status: number, message: string): FastifyReply => reply.code(status).header('Cache-Control', 'no-store').send({ error: message });

const isIsoInstant = (text: string): boolean => /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text) && !Number.isNaN(Date.parse(text));

/** The callback's body as the monitoring service's input, or the words that say what is wrong. */
export function parseReceivedText(body: unknown): { input: ReceivedTextInput; id: string } | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { error: 'The body must be a JSON object with id, source_number, destination_number, message and date_received.' };
  const fields = body as Record<string, unknown>;
  const text = fields.message !== undefined ? fields.message : fields.content;
  const wrong: string[] = [];
  if (typeof fields.id !== 'string' || fields.id.length === 0 || fields.id.length > 100) wrong.push('id must be a string (Notify’s id of the message)');
  if (typeof fields.source_number !== 'string' || !/^\+?[0-9 ]{5,20}$/.test(fields.source_number)) wrong.push('source_number must be the phone number the message came from, e.g. "447700900111"');
  if (fields.destination_number !== undefined && typeof fields.destination_number !== 'string') wrong.push('destination_number must be a string');
  if (typeof text !== 'string') wrong.push('message must be the text of the message, as a string');
  else if (text.length > 2000) wrong.push('message is longer than a text message can be');
  if (typeof fields.date_received !== 'string' || !isIsoInstant(fields.date_received)) wrong.push('date_received must be a date and time such as "2017-05-14T12:15:30.000000Z"');
  if (wrong.length > 0) return { error: `The body is not a received text message: ${wrong.join('; ')}.` };
  const received = String(fields.date_received);
  // Notify's times are UTC without always saying so
  const receivedAt = new Date(/[Zz]|[+-]\d{2}:?\d{2}$/.test(received) ? received : `${received}Z`).toISOString();
  return { id: String(fields.id), input: { from: String(fields.source_number).replace(/\s+/g, ''), content: String(text), receivedAt } };
}

/** The reply's number as the channels take it: Notify gives "447700900111", a UK mobile is "07700900111". */
function replyNumber(from: string): string {
  const digits = from.replace(/^\+/, '');
  return digits.startsWith('44') ? `0${digits.slice(2)}` : from;
}

export interface ReceivedTextConfig {
  /** the bearer token Notify sends (set in Notify's callback settings) */
  token: string;
}

export function receivedTextHook(settings: AppSettings, config: ReceivedTextConfig, channels: MessageChannels) {
  return async function receivedTextRoutes(app: FastifyInstance): Promise<void> {
    const monitoring = monitoringDepsFor(app, settings.store, channels);
    // the token is checked before the body is read: a caller without it costs nothing more
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!bearerMatches(request.headers.authorization, config.token)) {
        return problem(reply.header('WWW-Authenticate', 'Bearer'), 401, 'The bearer token is missing or wrong. Set it in Notify’s callback settings to the token Kindred was started with.');
      }
      return undefined;
    });
    app.setErrorHandler((error, request, reply) => {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 413) return problem(reply, 400, `The body is too big: a received text message is well under ${RECEIVED_TEXT_LIMIT_BYTES / 1024} KiB.`);
      if (status === 415) return problem(reply, 400, 'The body must be JSON (Content-Type: application/json).');
      if (status !== undefined && status >= 400 && status < 500) return problem(reply, 400, `The body is not valid JSON: ${(error as Error).message}`);
      if (isFhirError(error) && error.status < 500) return problem(reply, 400, error.message);
      request.log.error({ err: { name: (error as Error).name, message: (error as Error).message } }, 'a received text message could not be handled');
      return problem(reply, 503, 'The message could not be handled just now. Notify will send it again.');
    });

    app.post(RECEIVED_TEXT_PATH, { bodyLimit: RECEIVED_TEXT_LIMIT_BYTES }, async (request, reply) => {
      const parsed = parseReceivedText(request.body);
      if ('error' in parsed) return problem(reply, 400, parsed.error);
      const result = await receivedText(monitoring, parsed.input);
      // a text is never silently dropped: every one gets a reply (decision 0016)
      const sent = await channels
        .sendSms({ phoneNumber: replyNumber(parsed.input.from), template: RECEIVED_TEXT_REPLY_TEMPLATE, personalisation: { service: RECEIVED_TEXT_REPLY_FROM, reply: result.reply }, reference: `received-text:${parsed.id}` })
        .then(() => true)
        .catch((error: unknown) => {
          request.log.error({ err: { name: (error as Error).name, message: (error as Error).message } }, 'the reply to a received text message could not be sent');
          return false;
        });
      return reply.code(200).header('Cache-Control', 'no-store').send({ outcome: result.outcome, replied: sent });
    });
  };
}
