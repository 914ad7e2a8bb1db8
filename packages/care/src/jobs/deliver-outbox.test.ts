/**
 * The outbox sender on SQLite and PostgreSQL against the local stub of GOV.UK Notify's API
 * (messaging/notify-stub.ts): what the outbox holds arrives at Notify as sent, refusals are kept as
 * failed, and messages Notify cannot take now stay pending for the next run.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { defaultTemplates } from '../messaging/message-templates.ts';
import { notifyChannels } from '../messaging/notify-channels.ts';
import { notifyTemplatesFor, startNotifyStub, type NotifyStub } from '../messaging/notify-stub.ts';
import { outboxChannels } from '../messaging/outbox-channels.ts';
import type { MessageChannels } from '../messaging/message-channels.ts';
import { deliverOutbox } from './deliver-outbox.ts';

const backends = await testBackends();
const reminder = { name: 'Alice', appointment_type: 'phone', service: 'North Street Surgery', date: '3 March', time: '10:30am', phone: '0113 496 0000' };

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the outbox sender on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let stub: NotifyStub;
    let notify: MessageChannels;
    let local: MessageChannels;
    beforeAll(async () => {
      store = await backend.open();
      const serviceId = randomUUID();
      const secretKey = randomUUID();
      const { templateIds, byId } = notifyTemplatesFor(defaultTemplates.templates);
      stub = await startNotifyStub({ serviceId, secretKey, templates: byId });
      notify = notifyChannels({ apiKey: `kindred_test-${serviceId}-${secretKey}`, templateIds, baseUrl: stub.url, timeoutMs: 5000 });
      local = outboxChannels(store.outbox);
    });
    afterEach(() => stub.delay(0));
    afterAll(async () => {
      await stub.close();
      await store.destroy();
    });

    it('sends a text, a large-print letter and an email through Notify, and marks them sent', async () => {
      await local.sendSms({ template: 'appointment-reminder', personalisation: reminder, phoneNumber: '07700 900123' });
      await local.sendLetter({ template: 'appointment-reminder', variant: 'large-print', personalisation: reminder, address: { lines: ['Alice Able', '1 High Street'], postcode: 'ls1 1aa' } });
      await local.sendEmail({ template: 'appointment-confirmation', personalisation: reminder, emailAddress: 'alice@example.org' });
      const report = await deliverOutbox(store.outbox, notify, { batch: 10 });
      expect(report).toEqual({ sent: 3, failed: 0, retryLater: 0, failures: [] });
      expect(await store.outbox.pending()).toEqual([]);
      expect(stub.accepted.map((n) => n.type)).toEqual(['sms', 'letter', 'email']);
      expect(stub.accepted[0]?.body).toMatchObject({ phone_number: '+447700900123', personalisation: reminder });
      expect(stub.accepted[1]?.body.personalisation).toMatchObject({ address_line_1: 'Alice Able', address_line_2: '1 High Street', address_line_3: 'LS1 1AA', time: '10:30am' });
      // nothing is sent twice
      expect(await deliverOutbox(store.outbox, notify, { batch: 10 })).toEqual({ sent: 0, failed: 0, retryLater: 0, failures: [] });
      expect(stub.accepted).toHaveLength(3);
    });

    it('keeps a message Notify cannot take now for the next run, and a refused one as failed; never drops either', async () => {
      await local.sendSms({ template: 'appointment-reminder', personalisation: reminder, phoneNumber: '07700 900124' });
      stub.answerNext(500, { status_code: 500, errors: [{ error: 'Exception', message: 'Internal server error' }] });
      const busy = await deliverOutbox(store.outbox, notify, { batch: 10 });
      expect(busy).toMatchObject({ sent: 0, failed: 0, retryLater: 1 });
      expect(busy.failures[0]).toMatchObject({ willRetry: true });
      expect(await store.outbox.pending()).toHaveLength(1);

      stub.answerNext(400, { status_code: 400, errors: [{ error: 'BadRequestError', message: 'Can’t send to this recipient using a team-only API key' }] });
      const refused = await deliverOutbox(store.outbox, notify, { batch: 10 });
      expect(refused).toMatchObject({ sent: 0, failed: 1, retryLater: 0 });
      expect(refused.failures[0]?.reason).toMatch(/team-only API key/);
      expect(await store.outbox.pending()).toEqual([]);
      const before = stub.accepted.length;
      expect(await deliverOutbox(store.outbox, notify, { batch: 10 })).toMatchObject({ sent: 0, failed: 0 });
      expect(stub.accepted).toHaveLength(before);
    });

    it('takes at most a batch a run, oldest first', async () => {
      // queued a millisecond apart, so "oldest first" has one answer
      let clock = Date.now();
      const ticking = outboxChannels(store.outbox, defaultTemplates, () => clock++);
      for (let i = 0; i < 5; i++) await ticking.sendSms({ template: 'appointment-reminder', personalisation: { ...reminder, time: `${i + 1}pm` }, phoneNumber: '07700 900125' });
      const before = stub.accepted.length;
      expect((await deliverOutbox(store.outbox, notify, { batch: 2 })).sent).toBe(2);
      expect(stub.accepted.slice(before).map((n) => (n.body.personalisation as { time: string }).time)).toEqual(['1pm', '2pm']);
      expect(await store.outbox.pending()).toHaveLength(3);
      expect((await deliverOutbox(store.outbox, notify, { batch: 10 })).sent).toBe(3);
    });
  });
}
