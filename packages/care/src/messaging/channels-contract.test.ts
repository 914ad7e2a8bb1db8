/**
 * One contract for every channel adapter, run against the local outbox on SQLite and PostgreSQL and
 * against the GOV.UK Notify adapter talking to a local stub of Notify's API (notify-stub.ts). What
 * "arrived" is read back from the outbox table, or from what the stub accepted.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '@kindred/store/testing';
import { MessageError, type LetterMessage, type MessageChannels, type SendChannel, type SmsMessage } from './message-channels.ts';
import { defaultTemplates } from './message-templates.ts';
import { notifyChannels } from './notify-channels.ts';
import { notifyTemplatesFor, startNotifyStub } from './notify-stub.ts';
import { outboxChannels, outboxTemplateName } from './outbox-channels.ts';

interface Arrived {
  channel: SendChannel;
  recipient: string;
  template: string;
  personalisation: Record<string, string>;
}

interface Harness {
  channels: MessageChannels;
  arrived(): Promise<Arrived[]>;
  close(): Promise<void>;
}

interface AdapterUnderTest {
  name: string;
  skip: string | undefined;
  open(): Promise<Harness>;
}

const backends = await testBackends();

const outboxAdapters: AdapterUnderTest[] = backends.map((backend) => ({
  name: `the local outbox on ${backend.name}`,
  skip: backend.skip,
  async open() {
    const store = await backend.open();
    return {
      channels: outboxChannels(store.outbox),
      arrived: async () =>
        (await store.outbox.pending()).map((m) => ({ channel: m.channel, recipient: m.recipient, template: m.template, personalisation: { ...m.personalisation } })),
      close: () => store.destroy(),
    };
  },
}));

const notifyAdapter: AdapterUnderTest = {
  name: 'GOV.UK Notify (local stub of its API)',
  skip: undefined,
  async open() {
    const serviceId = randomUUID();
    const secretKey = randomUUID();
    const { templateIds, byId } = notifyTemplatesFor(defaultTemplates.templates);
    const stub = await startNotifyStub({ serviceId, secretKey, templates: byId });
    return {
      channels: notifyChannels({ apiKey: `kindred_test-${serviceId}-${secretKey}`, templateIds, baseUrl: stub.url, timeoutMs: 5000 }),
      arrived: () =>
        Promise.resolve(
          stub.accepted.map((n) => {
            const template = byId[n.body.template_id as string];
            const personalisation = { ...(n.body.personalisation as Record<string, string>) };
            const addressLines = Object.keys(personalisation)
              .filter((k) => k.startsWith('address_line_'))
              .sort()
              .map((k) => personalisation[k]);
            return {
              channel: n.type,
              recipient: n.type === 'sms' ? String(n.body.phone_number) : n.type === 'email' ? String(n.body.email_address) : addressLines.join('\n'),
              template: template ? outboxTemplateName(template.name, template.variant) : 'unknown',
              personalisation,
            };
          }),
        ),
      close: () => stub.close(),
    };
  },
};

const appointment = { name: 'Ada', appointment_type: 'phone', service: 'Leeds GP', date: '3 March', time: '10:30am', phone: '0113 496 0000' } as const;

const problemOf = async (work: Promise<unknown>): Promise<string> => {
  try {
    await work;
    return 'sent';
  } catch (error) {
    return error instanceof MessageError ? error.problem : `not a MessageError: ${String(error)}`;
  }
};

describe.each([...outboxAdapters, notifyAdapter])('message channels contract: $name', (adapter) => {
  const { skip } = adapter;
  let harness: Harness;
  beforeAll(async () => {
    if (skip === undefined) harness = await adapter.open();
  });
  afterAll(async () => {
    if (skip === undefined) await harness.close();
  });
  const test = skip === undefined ? it : it.skip;

  test('sends a text message from a template, filled in, with its reference, and it arrives', async () => {
    const message: SmsMessage = Object.freeze({ phoneNumber: '07700 900123', template: 'appointment-reminder', personalisation: Object.freeze({ ...appointment }), reference: 'appt-1' });
    const before = (await harness.arrived()).length;
    const sent = await harness.channels.sendSms(message);
    expect(sent.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent).toMatchObject({ status: 'created', channel: 'sms', reference: 'appt-1' });
    expect(sent.body).toBe('Reminder: your phone appointment with Leeds GP is on 3 March at 10:30am. Cannot come? Call 0113 496 0000.');
    expect(sent.subject).toBeUndefined();
    const arrived = await harness.arrived();
    expect(arrived).toHaveLength(before + 1);
    expect(arrived.at(-1)).toEqual({ channel: 'sms', recipient: '+447700900123', template: 'appointment-reminder', personalisation: { ...appointment } });
    expect(message.phoneNumber).toBe('07700 900123');
  });

  test('sends an email with its subject; each message has its own id', async () => {
    const first = await harness.channels.sendEmail({ emailAddress: 'ada@example.org', template: 'appointment-confirmation', personalisation: appointment });
    const second = await harness.channels.sendEmail({ emailAddress: 'ada@example.org', template: 'appointment-confirmation', variant: 'easy-read', personalisation: appointment });
    expect(first.id).not.toBe(second.id);
    expect(first).toMatchObject({ status: 'created', channel: 'email', subject: 'Your appointment on 3 March' });
    expect(first.reference).toBeUndefined();
    expect(second.subject).toBe('Your appointment');
    expect(second.body).toContain('When: 3 March at 10:30am');
    expect((await harness.arrived()).at(-1)).toMatchObject({ channel: 'email', recipient: 'ada@example.org', template: 'appointment-confirmation/easy-read' });
  });

  test('sends a large-print letter to a postal address, postcode last', async () => {
    const letter: LetterMessage = {
      address: { lines: ['Ada Lovelace', '1 High Street', 'Leeds'], postcode: 'ls1 1aa' },
      template: 'reply',
      variant: 'large-print',
      personalisation: { name: 'Ada', service: 'Leeds GP', reply: 'Your results are normal.' },
      reference: 'reply-7',
    };
    const sent = await harness.channels.sendLetter(letter);
    expect(sent).toMatchObject({ status: 'created', channel: 'letter', subject: 'A reply from Leeds GP', reference: 'reply-7' });
    expect(sent.body).toBe('# A reply from Leeds GP\n\nDear Ada,\n\nYour results are normal.');
    const arrived = (await harness.arrived()).at(-1);
    expect(arrived).toMatchObject({ channel: 'letter', recipient: 'Ada Lovelace\n1 High Street\nLeeds\nLS1 1AA', template: 'reply/large-print' });
    expect(arrived?.personalisation).toMatchObject({ address_line_1: 'Ada Lovelace', address_line_4: 'LS1 1AA', reply: 'Your results are normal.' });
    expect(letter.address.postcode).toBe('ls1 1aa');
  });

  test('refuses what it cannot send, naming what is wrong, and nothing arrives', async () => {
    const before = (await harness.arrived()).length;
    const base = { template: 'appointment-reminder', personalisation: appointment };
    expect(await problemOf(harness.channels.sendSms({ ...base, phoneNumber: '0113 496 0000' }))).toBe('BAD_PHONE_NUMBER');
    expect(await problemOf(harness.channels.sendEmail({ ...base, emailAddress: 'ada at example.org' }))).toBe('BAD_EMAIL_ADDRESS');
    expect(await problemOf(harness.channels.sendLetter({ ...base, address: { lines: ['Ada', '1 High Street'], postcode: '' } }))).toBe('LETTER_WITHOUT_POSTCODE');
    expect(await problemOf(harness.channels.sendLetter({ ...base, address: { lines: ['Ada'], postcode: 'LS1 1AA' } }))).toBe('LETTER_ADDRESS_TOO_SHORT');
    expect(await problemOf(harness.channels.sendSms({ ...base, phoneNumber: '07700900123', personalisation: { service: 'x' } }))).toBe('MISSING_PERSONALISATION');
    expect(await problemOf(harness.channels.sendLetter({ template: 'password-reset', personalisation: {}, address: { lines: ['Ada', '1 High St'], postcode: 'LS1 1AA' } }))).toBe(
      'UNKNOWN_TEMPLATE',
    );
    expect(await problemOf(harness.channels.sendSms({ ...base, variant: 'large-print', phoneNumber: '07700900123' }))).toBe('UNKNOWN_TEMPLATE');
    expect(await harness.arrived()).toHaveLength(before);
  });

  test('a missing personalisation field is named in the error', async () => {
    const error = await harness.channels.sendSms({ phoneNumber: '07700900123', template: 'reply', personalisation: { service: 'Leeds GP' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageError);
    expect((error as MessageError).message).toContain('reply');
    expect((error as MessageError).status).toBe(400);
  });
});
