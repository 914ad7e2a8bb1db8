/**
 * What only the GOV.UK Notify adapter does: the API key, the token on every request, the exact
 * request bodies, Notify's error answers and a timeout. (The behaviour it shares with the outbox is
 * in channels-contract.test.ts.) Against the local stub of Notify's API.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessageError } from './message-channels.ts';
import { defaultTemplates } from './message-templates.ts';
import { parseNotifyApiKey } from './notify-api-key.ts';
import { notifyChannels, problemOfNotifyError, type NotifyConfig } from './notify-channels.ts';
import { notifyTemplatesFor, startNotifyStub, type NotifyStub } from './notify-stub.ts';

const serviceId = randomUUID();
const secretKey = randomUUID();
const apiKey = `kindred-live-key-${serviceId}-${secretKey}`;
const { templateIds, byId } = notifyTemplatesFor(defaultTemplates.templates);
const reminder = { appointment_type: 'video', service: 'Leeds GP', date: '3 March', time: '10:30am', phone: '0113 496 0000' };

const problemOf = async (work: Promise<unknown>): Promise<[string, string]> => {
  try {
    await work;
    return ['sent', ''];
  } catch (error) {
    return error instanceof MessageError ? [error.problem, error.message] : ['not a MessageError', String(error)];
  }
};

describe('GOV.UK Notify API key', () => {
  it('reads the service id and secret from the end of the key (the key name may contain hyphens)', () => {
    expect(parseNotifyApiKey(apiKey)).toEqual({ keyName: 'kindred-live-key', serviceId, secretKey });
  });

  it.each(['', 'not-a-key', `${serviceId}-${secretKey}`, `name-${serviceId}${secretKey}`, `name-${serviceId}-${secretKey.slice(1)}x`])('refuses the key %j, without echoing it', (key) => {
    try {
      parseNotifyApiKey(key);
      expect.unreachable();
    } catch (error) {
      expect((error as MessageError).problem).toBe('CHANNEL_MISCONFIGURED');
      if (key.length > 0) expect((error as MessageError).message).not.toContain(key);
    }
  });
});

describe('GOV.UK Notify adapter', () => {
  let stub: NotifyStub;
  const channels = (overrides: Partial<NotifyConfig> = {}) => notifyChannels({ apiKey, templateIds, baseUrl: stub.url, timeoutMs: 2000, ...overrides });

  beforeAll(async () => {
    stub = await startNotifyStub({ serviceId, secretKey, templates: byId });
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.delay(0));

  it('posts the documented bodies to /v2/notifications/{sms,email,letter} with a fresh HS256 token (iss = service id, iat = now)', async () => {
    const before = stub.accepted.length;
    const sms = await channels().sendSms({ phoneNumber: '+44 7700 900123', template: 'appointment-reminder', personalisation: reminder, reference: 'r1' });
    await channels().sendEmail({ emailAddress: 'ada@example.org', template: 'password-reset', personalisation: { name: 'Ada', link: 'https://x/y', expires_in: '30 minutes' } });
    await channels().sendLetter({ address: { lines: ['Ada Lovelace', '1 High Street'], postcode: 'LS1 1AA' }, template: 'reply', personalisation: { name: 'Ada', service: 'GP', reply: 'Hello' } });
    const [smsRequest, emailRequest, letterRequest] = stub.accepted.slice(before);
    expect(smsRequest?.id).toBe(sms.id);
    expect(smsRequest?.type).toBe('sms');
    expect(smsRequest?.body).toEqual({ phone_number: '+447700900123', template_id: templateIds['appointment-reminder/sms'], personalisation: reminder, reference: 'r1' });
    expect(emailRequest?.body).toEqual({
      email_address: 'ada@example.org',
      template_id: templateIds['password-reset/email'],
      personalisation: { name: 'Ada', link: 'https://x/y', expires_in: '30 minutes' },
    });
    expect(letterRequest?.body).toEqual({
      template_id: templateIds['reply/letter'],
      personalisation: { name: 'Ada', service: 'GP', reply: 'Hello', address_line_1: 'Ada Lovelace', address_line_2: '1 High Street', address_line_3: 'LS1 1AA' },
    });
    expect(smsRequest?.token.header).toEqual({ typ: 'JWT', alg: 'HS256' });
    expect(smsRequest?.token.claims.iss).toBe(serviceId);
    expect(Math.abs((smsRequest?.token.claims.iat as number) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('the stub is as strict as Notify documents: undocumented fields, a wrong template type or no token are refused', async () => {
    const post = async (path: string, body: unknown, authorization?: string) => {
      const response = await fetch(`${stub.url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) };
    };
    expect(await post('/v2/notifications/sms', {})).toEqual({
      status: 401,
      body: { status_code: 401, errors: [{ error: 'AuthError', message: 'Unauthorized: authentication token must be provided' }] },
    });
    // a valid token, made the way the adapter does, through a request the adapter would not make
    const { notifyToken } = await import('./notify-api-key.ts');
    const bearer = `Bearer ${await notifyToken(parseNotifyApiKey(apiKey), Date.now())}`;
    const extra = await post('/v2/notifications/sms', { phone_number: '07700900123', template_id: templateIds['reply/sms'], personalisation: {}, to: 'x' }, bearer);
    expect(extra.status).toBe(400);
    expect(extra.body).toMatchObject({ errors: [{ error: 'ValidationError' }] });
    const wrongType = await post('/v2/notifications/email', { email_address: 'a@b.org', template_id: templateIds['reply/sms'] }, bearer);
    expect(wrongType.body).toMatchObject({ status_code: 400, errors: [{ error: 'BadRequestError', message: 'sms template is not suitable for email notification' }] });
  });

  it('a token signed with another secret, or from a clock more than 30 seconds out, is refused by Notify and reported as refused', async () => {
    const [wrongSecret, wrongSecretMessage] = await problemOf(
      channels({ apiKey: `kindred-${serviceId}-${randomUUID()}` }).sendSms({ phoneNumber: '07700900123', template: 'appointment-reminder', personalisation: reminder }),
    );
    expect(wrongSecret).toBe('CHANNEL_REFUSED');
    expect(wrongSecretMessage).toContain('403 AuthError');
    const [skewed, skewedMessage] = await problemOf(
      channels({ now: () => Date.now() - 60_000 }).sendSms({ phoneNumber: '07700900123', template: 'appointment-reminder', personalisation: reminder }),
    );
    expect(skewed).toBe('CHANNEL_REFUSED');
    expect(skewedMessage).toContain('clock must be accurate to within 30 seconds');
  });

  it.each([
    [400, 'ValidationError', 'phone_number Not a UK mobile number', 'BAD_PHONE_NUMBER'],
    [400, 'ValidationError', 'email_address Not a valid email address', 'BAD_EMAIL_ADDRESS'],
    [400, 'BadRequestError', 'Missing personalisation: date', 'MISSING_PERSONALISATION'],
    [400, 'ValidationError', 'Last line of address must be a real UK postcode or another country', 'LETTER_WITHOUT_POSTCODE'],
    [400, 'ValidationError', 'Address must be at least 3 lines', 'LETTER_ADDRESS_TOO_SHORT'],
    [400, 'BadRequestError', 'Template not found', 'UNKNOWN_TEMPLATE'],
    [400, 'BadRequestError', "Can't send to this recipient using a team-only API key", 'CHANNEL_REFUSED'],
    [403, 'AuthError', 'Invalid token: API key not found', 'CHANNEL_REFUSED'],
    [429, 'RateLimitError', 'Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds', 'CHANNEL_UNAVAILABLE'],
    [429, 'TooManyRequestsError', 'Exceeded send limits (250000) for today', 'CHANNEL_UNAVAILABLE'],
    [500, 'Exception', 'Internal server error', 'CHANNEL_UNAVAILABLE'],
  ])('maps Notify %i %s "%s" to %s, keeping Notify\'s words', async (status, error, message, problem) => {
    stub.answerNext(status, { status_code: status, errors: [{ error, message }] });
    const [got, text] = await problemOf(channels().sendSms({ phoneNumber: '07700900123', template: 'appointment-reminder', personalisation: reminder }));
    expect(got).toBe(problem);
    expect(text).toContain(message);
    expect(problemOfNotifyError(status, message)).toBe(problem);
  });

  it('gives up after its timeout, saying so', async () => {
    // the stub would answer 201 after a second: only the timeout makes this an error
    stub.delay(1000);
    const [problem, message] = await problemOf(channels({ timeoutMs: 150 }).sendSms({ phoneNumber: '07700900123', template: 'appointment-reminder', personalisation: reminder }));
    expect(problem).toBe('CHANNEL_UNAVAILABLE');
    expect(message).toContain('did not answer within 150 ms');
  });

  it('says when Notify cannot be reached, and never puts the API key in an error', async () => {
    const [problem, message] = await problemOf(channels({ baseUrl: 'http://127.0.0.1:9' }).sendEmail({ emailAddress: 'a@b.org', template: 'reply', personalisation: {} }));
    expect(problem).toBe('CHANNEL_UNAVAILABLE');
    expect(message).not.toContain(secretKey);
  });

  it('needs a Notify template id for each template it sends', async () => {
    const [problem, message] = await problemOf(
      notifyChannels({ apiKey, templateIds: {}, baseUrl: stub.url }).sendSms({ phoneNumber: '07700900123', template: 'reply', personalisation: {} }),
    );
    expect(problem).toBe('UNKNOWN_TEMPLATE');
    expect(message).toContain('"reply/sms"');
  });
});
