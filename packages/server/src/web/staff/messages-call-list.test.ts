/**
 * The call list and the outbox as staff see them, on SQLite and PostgreSQL, through the
 * access-checked record: messages sendMessage could not send in writing are on the call list of
 * the person's practice (not another's); recording a call completes the message, once; the
 * outbox shows only messages whose Communication the viewer may see (never, say, a password
 * reset link).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibleRecord, defaultAccessPolicy } from '@kindred/access';
import { AREA, accessOf, type Who } from '@kindred/access/testing';
import { outboxChannels, sendMessage, type CommunicationProfile, type OutboundMessage } from '@kindred/care';
import type { Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { listStaffCalls, recordStaffCall, visibleOutbox } from './messages-call-list.ts';

const backends = await testBackends();

const profile = (overrides: Partial<CommunicationProfile>): CommunicationProfile => ({
  preferredChannels: ['sms'],
  possibleChannels: [],
  noInternetOrDevice: false,
  largePrint: false,
  easyRead: false,
  bsl: false,
  safeToContactAtHome: true,
  contact: { mobile: '07700 900123' },
  ...overrides,
});

const message = (patient: string): OutboundMessage => ({
  recipient: { reference: `Patient/${patient}` },
  sender: { reference: 'Organization/gp-north' },
  template: 'appointment-reminder',
  personalisation: { name: 'Alice', appointment_type: 'phone', service: 'North Street Surgery', date: '3 March', time: '10:30am', phone: '0113 496 0000' },
});

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the staff's call list and outbox on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    const as = async (who: Who): Promise<Repository> => (await accessibleRecord(store.repository, accessOf(who), defaultAccessPolicy())).repository;
    let callId = '';
    beforeAll(async () => {
      store = await backend.open();
      await store.repository.importResources(AREA);
      const receptionist = await as('receptionist');
      const channels = outboxChannels(store.outbox);
      const phoned = await sendMessage(receptionist, channels, profile({ interpreterLanguage: 'pl' }), message('alice'));
      callId = phoned.communication.id;
      await sendMessage(receptionist, channels, profile({}), message('dave'));
      // a message of the identity layer, with no Communication: never on a staff page
      await store.outbox.add({ recipient: 'someone@example.org', channel: 'email', template: 'password-reset', personalisation: { link: 'https://example.org/reset/secret' } });
    });
    afterAll(() => store.destroy());

    it('lists the calls to make with the person and the reasons, for their practice only', async () => {
      const page = await listStaffCalls(await as('receptionist'));
      expect(page.calls).toHaveLength(1);
      const [call] = page.calls;
      expect(call?.patient?.id).toBe('alice');
      expect(call?.reasons).toEqual(['needs an interpreter (pl) and the messages are in English only']);
      expect((await listStaffCalls(await as('otherGpClinician'))).calls).toEqual([]);
    });

    it('records the call once; a second record of the same call is refused in words', async () => {
      const receptionist = await as('receptionist');
      const seen = (await receptionist.read('Communication', callId)).meta.versionId;
      const noAnswer = await recordStaffCall(receptionist, callId, { outcome: 'no-answer', note: 'rang twice', by: 'Practitioner/rec-north', seenVersion: seen, now: Date.parse('2026-11-21T10:00:00Z') });
      expect(noAnswer).toMatchObject({ status: 'on-hold', note: [{ text: 'Phoned, no answer: rang twice', authorReference: { reference: 'Practitioner/rec-north' } }] });
      const stale = await recordStaffCall(receptionist, callId, { outcome: 'reached', note: '', by: 'Practitioner/rec-north', seenVersion: seen, now: Date.now() }).catch((e: unknown) => e);
      expect(stale).toMatchObject({ errorName: 'PRECONDITION_FAILED' });
      const done = await recordStaffCall(receptionist, callId, { outcome: 'reached', note: 'booked with a Polish interpreter', by: 'Practitioner/rec-north', seenVersion: noAnswer.meta.versionId, now: Date.parse('2026-11-21T11:00:00Z') });
      expect(done).toMatchObject({ status: 'completed', sent: '2026-11-21T11:00:00.000Z' });
      expect(done.statusReason).toBeUndefined();
      expect((done.note as { text: string }[]).map((n) => n.text)).toEqual(['Phoned, no answer: rang twice', 'Phoned: booked with a Polish interpreter']);
      await expect(recordStaffCall(receptionist, callId, { outcome: 'reached', note: '', by: 'Practitioner/rec-north', now: Date.now() })).rejects.toMatchObject({ errorName: 'INVALID_REQUEST' });
      expect((await listStaffCalls(receptionist)).calls).toEqual([]);
    });

    it('a member of staff of another practice cannot record the call', async () => {
      await expect(recordStaffCall(await as('otherGpClinician'), callId, { outcome: 'reached', note: '', by: 'Practitioner/dr-south', now: Date.now() })).rejects.toMatchObject({ status: expect.any(Number) as number });
    });

    it('shows the outbox messages whose Communication the viewer may see, and nothing else', async () => {
      expect(await store.outbox.pending()).toHaveLength(2);
      const mine = await visibleOutbox(await as('receptionist'), store.outbox, 1);
      expect(mine.rows.map((r) => [r.message.template, r.communication.subject])).toEqual([['appointment-reminder', { reference: 'Patient/dave' }]]);
      expect(mine).toMatchObject({ page: 1, hasNext: false, truncated: false });
      expect((await visibleOutbox(await as('otherGpClinician'), store.outbox, 1)).rows).toEqual([]);
      expect((await visibleOutbox(await as('receptionist'), store.outbox, 99)).page).toBe(1);
    });
  });
}
