/**
 * A local stand-in for GOV.UK Notify's REST API, for tests only (never imported by product code):
 * a node:http server that checks requests exactly as Notify documents them and answers as Notify
 * does (https://docs.notifications.service.gov.uk/rest-api.html):
 * - `Authorization: Bearer <JWT>`: HS256, `iss` a known service id, `iat` within 30 seconds, signed
 *   with that service's secret; otherwise 401/403 AuthError;
 * - POST /v2/notifications/sms | email | letter with only the documented fields, a known template
 *   of the right type, a valid recipient and every ((field)) of the template supplied; otherwise
 *   400 ValidationError or BadRequestError;
 * - a success is 201 with the notification's id, reference, content, uri and template.
 * It records what it accepted, and can be told to answer the next request with a given status and
 * body, or to be slow, so the adapter's error mapping and timeout can be tested.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { jwtVerify, decodeProtectedHeader } from 'jose';
import type { SendChannel } from './message-channels.ts';
import { notifyTemplateKey } from './notify-channels.ts';
import { placeholdersOf, renderTemplate, type MessageTemplate } from './message-templates.ts';
import { ukPostcode } from './recipients.ts';

export interface NotifyStubOptions {
  serviceId: string;
  secretKey: string;
  /** Notify's templates, by their Notify id */
  templates: Readonly<Record<string, MessageTemplate>>;
  now?: () => number;
}

export interface AcceptedNotification {
  id: string;
  type: SendChannel;
  body: Record<string, unknown>;
  token: { header: Record<string, unknown>; claims: Record<string, unknown> };
}

export interface NotifyStub {
  readonly url: string;
  readonly accepted: readonly AcceptedNotification[];
  /** the next request gets this answer (after the authentication check) */
  answerNext(status: number, body: unknown): void;
  /** every answer waits this long first */
  delay(ms: number): void;
  close(): Promise<void>;
}

/** Notify's documented fields of each request body. */
const FIELDS: Record<SendChannel, readonly string[]> = {
  sms: ['phone_number', 'template_id', 'personalisation', 'reference', 'sms_sender_id'],
  email: ['email_address', 'template_id', 'personalisation', 'reference', 'email_reply_to_id', 'one_click_unsubscribe_url'],
  letter: ['template_id', 'personalisation', 'reference'],
};
const REQUIRED: Record<SendChannel, readonly string[]> = { sms: ['phone_number', 'template_id'], email: ['email_address', 'template_id'], letter: ['template_id', 'personalisation'] };

class NotifyFault extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

const send = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startNotifyStub(options: NotifyStubOptions): Promise<NotifyStub> {
  const now = options.now ?? Date.now;
  const accepted: AcceptedNotification[] = [];
  let next: { status: number; body: unknown } | undefined;
  let delayMs = 0;
  let url = '';

  const authenticate = async (req: IncomingMessage): Promise<AcceptedNotification['token']> => {
    const header = req.headers.authorization;
    if (header === undefined) throw new NotifyFault(401, 'AuthError', 'Unauthorized: authentication token must be provided');
    if (!header.startsWith('Bearer ')) throw new NotifyFault(401, 'AuthError', 'Unauthorized: authentication bearer scheme must be used');
    const token = header.slice('Bearer '.length);
    let protectedHeader: Record<string, unknown>;
    try {
      protectedHeader = decodeProtectedHeader(token);
    } catch {
      throw new NotifyFault(403, 'AuthError', 'Invalid token: signature, api token not found');
    }
    if (protectedHeader.alg !== 'HS256' || protectedHeader.typ !== 'JWT') throw new NotifyFault(403, 'AuthError', 'Invalid token: algorithm used is not HS256');
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, new TextEncoder().encode(options.secretKey), { algorithms: ['HS256'] }));
    } catch {
      throw new NotifyFault(403, 'AuthError', 'Invalid token: signature, api token not found');
    }
    if (claims.iss !== options.serviceId) throw new NotifyFault(403, 'AuthError', 'Invalid token: service not found');
    if (typeof claims.iat !== 'number' || !Number.isInteger(claims.iat)) throw new NotifyFault(403, 'AuthError', 'Invalid token: iat field not provided');
    if (Math.abs(now() / 1000 - claims.iat) > 30) throw new NotifyFault(403, 'AuthError', 'Error: Your system clock must be accurate to within 30 seconds');
    return { header: protectedHeader, claims };
  };

  const validate = (type: SendChannel, body: Record<string, unknown>): MessageTemplate => {
    for (const field of REQUIRED[type]) {
      if (body[field] === undefined) throw new NotifyFault(400, 'ValidationError', `${field} is a required property`);
    }
    const extra = Object.keys(body).filter((k) => !FIELDS[type].includes(k));
    if (extra.length > 0) throw new NotifyFault(400, 'ValidationError', `Additional properties are not allowed (${extra.join(', ')} was unexpected)`);
    const templateId = body.template_id;
    if (typeof templateId !== 'string' || !/^[0-9a-f-]{36}$/i.test(templateId)) throw new NotifyFault(400, 'ValidationError', 'template_id is not a valid UUID');
    const template = options.templates[templateId];
    if (template === undefined) throw new NotifyFault(400, 'BadRequestError', 'Template not found');
    if (template.channel !== type) throw new NotifyFault(400, 'BadRequestError', `${template.channel} template is not suitable for ${type} notification`);
    const personalisation = body.personalisation ?? {};
    if (typeof personalisation !== 'object' || personalisation === null || Array.isArray(personalisation)) {
      throw new NotifyFault(400, 'ValidationError', 'personalisation is not of type object');
    }
    const values = personalisation as Record<string, unknown>;
    if (body.reference !== undefined && (typeof body.reference !== 'string' || body.reference.length > 1000)) {
      throw new NotifyFault(400, 'ValidationError', 'reference is not a string of at most 1000 characters');
    }
    if (type === 'sms' && (typeof body.phone_number !== 'string' || !/^\+447\d{9}$|^07\d{9}$/.test(body.phone_number.replace(/\s/g, '')))) {
      throw new NotifyFault(400, 'ValidationError', 'phone_number Not a UK mobile number');
    }
    if (type === 'email' && (typeof body.email_address !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.email_address))) {
      throw new NotifyFault(400, 'ValidationError', 'email_address Not a valid email address');
    }
    if (type === 'letter') {
      const lines = [1, 2, 3, 4, 5, 6, 7].map((n) => values[`address_line_${n}`]).filter((line): line is string => typeof line === 'string' && line.trim() !== '');
      if (values.address_line_1 === undefined) throw new NotifyFault(400, 'ValidationError', 'personalisation address_line_1 is a required property');
      if (lines.length < 3) throw new NotifyFault(400, 'ValidationError', 'Address must be at least 3 lines');
      if (ukPostcode(lines.at(-1) ?? '') === undefined) throw new NotifyFault(400, 'ValidationError', 'Last line of address must be a real UK postcode or another country');
    }
    const missing = placeholdersOf(template).filter((field) => typeof values[field] !== 'string');
    if (missing.length > 0) throw new NotifyFault(400, 'BadRequestError', `Missing personalisation: ${missing.join(', ')}`);
    return template;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const match = /^\/v2\/notifications\/(sms|email|letter)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match?.[1]) return send(res, 404, { status_code: 404, errors: [{ error: 'NotFound', message: 'The requested URL was not found on the server.' }] });
    const type = match[1] as SendChannel;
    const token = await authenticate(req);
    if (next !== undefined) {
      const answer = next;
      next = undefined;
      return send(res, answer.status, answer.body);
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) throw new NotifyFault(400, 'BadRequestError', 'Content-Type must be application/json');
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      throw new NotifyFault(400, 'BadRequestError', 'Invalid JSON supplied in POST data');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new NotifyFault(400, 'BadRequestError', 'Invalid JSON supplied in POST data');
    const fields = body as Record<string, unknown>;
    const template = validate(type, fields);
    const rendered = renderTemplate(template, (fields.personalisation ?? {}) as Record<string, string>);
    const id = randomUUID();
    accepted.push({ id, type, body: fields, token });
    const templateId = fields.template_id as string;
    const content =
      type === 'sms'
        ? { body: rendered.body, from_number: 'KINDRED' }
        : type === 'email'
          ? { body: rendered.body, subject: rendered.subject ?? '', from_email: 'kindred@notifications.service.gov.uk', one_click_unsubscribe_url: null }
          : { body: rendered.body, subject: rendered.subject ?? '' };
    send(res, 201, {
      id,
      reference: fields.reference ?? null,
      content,
      uri: `${url}/v2/notifications/${id}`,
      template: { id: templateId, version: 1, uri: `${url}/services/${options.serviceId}/templates/${templateId}` },
      ...(type === 'letter' ? { scheduled_for: null, postage: 'second' } : { scheduled_for: null }),
    });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof NotifyFault) send(res, error.status, { status_code: error.status, errors: [{ error: error.error, message: error.message }] });
      else send(res, 500, { status_code: 500, errors: [{ error: 'Exception', message: 'Internal server error' }] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    accepted,
    answerNext: (status, body) => {
      next = { status, body };
    },
    delay: (ms) => {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Notify's ids for our templates, as an area would set them up: one Notify template per template of ours. */
export function notifyTemplatesFor(templates: readonly MessageTemplate[]): { templateIds: Record<string, string>; byId: Record<string, MessageTemplate> } {
  const templateIds: Record<string, string> = {};
  const byId: Record<string, MessageTemplate> = {};
  for (const t of templates) {
    const id = randomUUID();
    templateIds[notifyTemplateKey(t.name, t.channel, t.variant)] = id;
    byId[id] = t;
  }
  return { templateIds, byId };
}
