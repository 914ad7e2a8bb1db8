/**
 * sendMessage end to end, on SQLite and PostgreSQL: the access-checked repository of the area's
 * receptionist (packages/access testing fixture), the local outbox as the channel; what the outbox
 * holds and what the record holds are read back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibleRecord, defaultAccessPolicy } from '@kindred/access';
import { AREA, accessOf } from '@kindred/access/testing';
import type { Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import type { CommunicationProfile } from './channel-choice.ts';
import { MessageError, type MessageChannels } from './message-channels.ts';
import { outboxChannels } from './outbox-channels.ts';
import { MESSAGE_ID_SYSTEM, MESSAGE_REFERENCE_SYSTEM, sendMessage, type OutboundMessage } from './send-message.ts';

const backends = await testBackends();

const person: CommunicationProfile = {
  preferredChannels: ['sms'],
  possibleChannels: ['letter'],
  noInternetOrDevice: false,
  largePrint: false,
  easyRead: false,
  bsl: false,
  safeToContactAtHome: true,
  contact: { mobile: '07700 900123', address: { lines: ['Alice Able', '1 High Street'], postcode: 'LS1 1AA' } },
};
const reminder: OutboundMessage = Object.freeze({
  recipient: { reference: 'Patient/alice' },
  sender: { reference: 'Organization/gp-north' },
  about: [{ reference: 'Appointment/appt-1' }],
  template: 'appointment-reminder',
  personalisation: { name: 'Alice', appointment_type: 'phone', service: 'North Street Surgery', date: '3 March', time: '10:30am', phone: '0113 496 0000' },
  reference: 'appt-1-reminder',
});
const SENT_AT = Date.parse('2026-03-01T09:00:00Z');

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`sendMessage on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let receptionist: Repository;
    let channels: MessageChannels;
    beforeAll(async () => {
      store = await backend.open();
      await store.repository.importResources(AREA);
      receptionist = (await accessibleRecord(store.repository, accessOf('receptionist'), defaultAccessPolicy())).repository;
      channels = outboxChannels(store.outbox);
    });
    afterAll(() => store.destroy());

    const communications = async () => {
      const all = [];
      for await (const resource of store.repository.exportResources({ types: ['Communication'] })) all.push(resource);
      return all;
    };

    it('sends by the profile\'s channel and records a Communication, in one call', async () => {
      const outcome = await sendMessage(receptionist, channels, person, reminder, { now: () => SENT_AT });
      expect(outcome.decision).toMatchObject({ kind: 'send', channel: 'sms', variant: 'standard' });
      const [queued] = await store.outbox.pending();
      expect(queued).toMatchObject({ messageId: outcome.sent?.id, channel: 'sms', recipient: '+447700900123', template: 'appointment-reminder' });
      const stored = await store.repository.read('Communication', outcome.communication.id);
      expect(stored).toMatchObject({
        status: 'in-progress',
        subject: { reference: 'Patient/alice' },
        recipient: [{ reference: 'Patient/alice' }],
        sender: { reference: 'Organization/gp-north' },
        about: [{ reference: 'Appointment/appt-1' }],
        medium: [{ coding: [{ code: 'WRITTEN' }], text: 'text message (SMS)' }],
        sent: '2026-03-01T09:00:00.000Z',
        payload: [{ contentString: 'Reminder: your phone appointment with North Street Surgery is on 3 March at 10:30am. Cannot come? Call 0113 496 0000.' }],
        identifier: [
          { system: MESSAGE_REFERENCE_SYSTEM, value: 'appt-1-reminder' },
          { system: MESSAGE_ID_SYSTEM, value: outcome.sent?.id },
        ],
      });
      expect(stored.meta?.versionId).toBe('2'); // written as preparation first, so the access check came before sending
      expect(reminder.about).toEqual([{ reference: 'Appointment/appt-1' }]);
    });

    it('a large-print letter when that is what reaches them', async () => {
      const outcome = await sendMessage(receptionist, channels, { ...person, preferredChannels: ['letter'], largePrint: true }, reminder);
      expect(outcome.decision).toMatchObject({ kind: 'send', channel: 'letter', variant: 'large-print' });
      expect(outcome.communication).toMatchObject({ medium: [{ coding: [{ code: 'MAILWRIT' }] }], topic: { text: 'appointment-reminder (large-print)' } });
      expect((outcome.communication.payload as { contentString: string }[])[0]?.contentString).toMatch(/^Reminder: your appointment\n\n# Reminder: your appointment/);
      expect((await store.outbox.pending()).at(-1)).toMatchObject({ channel: 'letter', template: 'appointment-reminder/large-print' });
    });

    it('in the app: the Communication is the message, and nothing goes to the outbox', async () => {
      const before = (await store.outbox.pending()).length;
      const outcome = await sendMessage(receptionist, channels, { ...person, preferredChannels: ['app'], contact: { appAccount: true } }, reminder);
      expect(outcome.decision.kind).toBe('app');
      expect(outcome.sent).toBeUndefined();
      expect(outcome.communication).toMatchObject({ status: 'completed', medium: [{ coding: [{ code: 'ONLINEWRIT' }] }] });
      expect(await store.outbox.pending()).toHaveLength(before);
    });

    it('when no written channel reaches them, it is left on hold for staff to phone, saying why', async () => {
      const before = (await store.outbox.pending()).length;
      const outcome = await sendMessage(receptionist, channels, { ...person, preferredChannels: ['sms'], interpreterLanguage: 'pl' }, reminder);
      expect(outcome.decision).toMatchObject({ kind: 'staff-phone', interpreterLanguage: 'pl' });
      expect(outcome.communication).toMatchObject({ status: 'on-hold', medium: [{ coding: [{ code: 'PHONE' }] }] });
      expect((outcome.communication.statusReason as { text: string }).text).toContain('needs an interpreter (pl)');
      expect(await store.outbox.pending()).toHaveLength(before);
    });

    it('a message the channel refuses is an error, and the record says it was not sent', async () => {
      const before = (await communications()).length;
      const error = await sendMessage(receptionist, channels, { ...person, contact: { mobile: '0113 496 0000' }, possibleChannels: [] }, reminder).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MessageError);
      expect((error as MessageError).problem).toBe('BAD_PHONE_NUMBER');
      const all = await communications();
      expect(all).toHaveLength(before + 1);
      const notDone = all.find((c) => c.status === 'not-done');
      expect((notDone?.statusReason as { text: string } | undefined)?.text).toMatch(/^Not sent through the local outbox: "0113 496 0000" is not a UK mobile number/);
    });

    it('a missing personalisation field sends nothing', async () => {
      const before = (await store.outbox.pending()).length;
      const error = await sendMessage(receptionist, channels, person, { ...reminder, personalisation: { name: 'Alice' } }).catch((e: unknown) => e);
      expect((error as MessageError).problem).toBe('MISSING_PERSONALISATION');
      expect(await store.outbox.pending()).toHaveLength(before);
    });

    it('a caller who may not write to the person\'s record sends nothing', async () => {
      const before = (await store.outbox.pending()).length;
      // carol is registered at the other practice: the receptionist is not caring for her
      const error = await sendMessage(receptionist, channels, person, { ...reminder, recipient: { reference: 'Patient/carol' } }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'FhirError', status: 403 });
      expect(await store.outbox.pending()).toHaveLength(before);
    });
  });
}
