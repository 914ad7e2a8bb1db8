/**
 * The server's background work on SQLite and PostgreSQL: the reminder sweep runs as Kindred's
 * messaging service through the access policy (a reminder for a booked appointment tomorrow, once
 * however often it runs, in the outbox and in the audit trail); and the outbox is delivered to a
 * real channel only when one is configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREA } from '@kindred/access/testing';
import { defaultAccessPolicy } from '@kindred/access';
import { DEFAULT_ACCESS_NEEDS, withAccessNeeds, type MessageChannels } from '@kindred/care';
import type { Resource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { startCareJobs } from './care-jobs.ts';

const backends = await testBackends();
const TOMORROW = new Date(Date.now() + 24 * 3_600_000).toISOString();
const TOMORROW_END = new Date(Date.now() + 24.25 * 3_600_000).toISOString();

const area: Resource[] = [
  ...AREA.map((r) => (r.resourceType === 'Patient' && r.id === 'dave' ? withAccessNeeds({ ...r, telecom: [{ system: 'sms', value: '07700 900456' }] }, { ...DEFAULT_ACCESS_NEEDS, preferredChannels: ['sms'] }) : r)),
  {
    resourceType: 'Appointment',
    id: 'appt-dave',
    status: 'booked',
    start: TOMORROW,
    end: TOMORROW_END,
    serviceType: [{ coding: [{ system: 'https://kindred.health/fhir/CodeSystem/consultation-modality', code: 'phone' }] }],
    participant: [
      { actor: { reference: 'Patient/dave' }, status: 'accepted' },
      { actor: { reference: 'PractitionerRole/dr-north-role' }, status: 'accepted' },
    ],
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the server's care jobs on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    beforeAll(async () => {
      store = await backend.open();
      const results = await store.repository.importResources(area);
      expect(results.filter((r) => r.outcome === 'rejected')).toEqual([]);
    });
    afterAll(() => store.destroy());

    it('sends a reminder for tomorrow once, into the outbox, as the messaging service in the audit trail', async () => {
      const jobs = startCareJobs({ store, accessPolicy: defaultAccessPolicy(), everyMs: 0 });
      const first = await jobs.runOnce();
      expect(first.reminders).toMatchObject({ due: 1, sent: 1, alreadyReminded: 0, failed: 0 });
      expect(first.delivery).toBeUndefined();
      const second = await jobs.runOnce();
      expect(second.reminders).toMatchObject({ due: 1, sent: 0, alreadyReminded: 1 });
      await jobs.stop();
      const pending = await store.outbox.pending();
      expect(pending.filter((m) => m.template === 'appointment-reminder')).toHaveLength(1);
      const events = await store.audit.forPatient('dave', { count: 100 });
      expect(JSON.stringify(events)).toContain('kindred-messaging');
    });

    it('hands the outbox to the real channel when one is configured, and marks what it sent', async () => {
      const handed: string[] = [];
      const notify: MessageChannels = {
        description: 'a test channel',
        sendSms: async (m) => {
          handed.push(`${m.template}:${m.phoneNumber}`);
          return { id: `sms-${handed.length}`, status: 'created', channel: 'sms', body: m.template };
        },
        sendEmail: async (m) => ({ id: 'e', status: 'created', channel: 'email', body: m.template }),
        sendLetter: async (m) => ({ id: 'l', status: 'created', channel: 'letter', body: m.template }),
      };
      const jobs = startCareJobs({ store, accessPolicy: defaultAccessPolicy(), deliverTo: notify, everyMs: 0 });
      const run = await jobs.runOnce();
      await jobs.stop();
      expect(run.delivery?.sent).toBeGreaterThan(0);
      expect(handed).toContain('appointment-reminder:+447700900456');
      expect(await store.outbox.pending()).toHaveLength(0);
    });
  });
}
