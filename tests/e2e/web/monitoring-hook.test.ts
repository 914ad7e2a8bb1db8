/**
 * GOV.UK Notify's received-text callback over real HTTP, on SQLite and PostgreSQL (decision 0016):
 * Kindred built as `kindred serve` builds it, with the callback's token, and Notify's exact body
 * posted to POST /hooks/notify/received-text. A good text is recorded as readings (method sms) and
 * answered; an unreadable one is answered with what could not be read and an example; a number
 * nobody on a ward has is answered and nothing is recorded; a red text opens the ward's alert.
 * A wrong or missing token is 401, a bad body 400 with words, never 500. Replies are read from the
 * local outbox, where the app's message channels put them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREA } from '@kindred/access/testing';
import { createTokenService } from '@kindred/access';
import { Measure, TASK_CODE_SYSTEM, VIRTUAL_WARD_ALERT, enrolInVirtualWard } from '@kindred/care';
import { parseSearchRequest, type StoredResource } from '@kindred/fhir';
import { buildApp } from '@kindred/server';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { TEST_WARD } from './monitoring-ward.ts';
import type { FastifyInstance } from 'fastify';

const backends = await testBackends();
const TOKEN = 'notify-callback-token-for-tests-0001';
const ALICE_MOBILE = '07700 900123';
const WARD = TEST_WARD;

let ids = 0;
/** Notify's body, as notifications-api's send_inbound_sms_to_service posts it. */
const notifyBody = (from: string, message: string): Record<string, unknown> => ({
  id: `0b3f6c6e-5d2a-4c1b-9a7e-${String(++ids).padStart(12, '0')}`,
  source_number: from,
  destination_number: '07700900000',
  message,
  date_received: new Date().toISOString().replace('Z', '000Z'),
});

async function observationsOf(store: TestStore, patient: string): Promise<StoredResource[]> {
  return (await store.repository.search(parseSearchRequest('Observation', [['subject', `Patient/${patient}`], ['_count', '200']], { handling: 'strict' }))).matches;
}

async function repliesTo(store: TestStore, digits: string): Promise<string[]> {
  const pending = await store.outbox.pending(500);
  return pending.filter((m) => m.channel === 'sms' && m.recipient.replace(/\D/g, '').endsWith(digits)).map((m) => String(m.personalisation.reply ?? ''));
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the received-text callback on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let app: FastifyInstance;
    let origin: string;

    const post = (body: string | Record<string, unknown>, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
      fetch(`${origin}/hooks/notify/received-text`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

    beforeAll(async () => {
      store = await backend.open();
      const alice = AREA.find((r) => r.id === 'alice')!;
      await store.repository.importResources([...AREA.filter((r) => r.id !== 'alice'), { ...alice, telecom: [{ system: 'phone', use: 'mobile', value: ALICE_MOBILE }] }, WARD]);
      await enrolInVirtualWard(store.repository, {
        patientId: 'alice',
        wardId: 'ward-hospital',
        measures: [Measure.spo2, Measure.pulse, Measure.temperature, Measure.bloodPressure, Measure.respiratoryRate].map((measure) => ({ measure, timesPerDay: 2 })),
        spo2Scale: 1,
        homeOxygen: false,
        enrolledBy: { reference: 'PractitionerRole/dr-hospital-role' },
        now: Date.now() - 86_400_000,
      });
      app = await buildApp({ store, tokens: createTokenService(store.settings), version: 'test', logger: false, receivedText: { token: TOKEN } });
      origin = await app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(async () => {
      await app?.close();
      await store?.close();
    });

    it('records a good text as readings by SMS and replies to the number', async () => {
      const before = (await observationsOf(store, 'alice')).length;
      const response = await post(notifyBody('447700900123', 'O2 96 P 78 T 36.9 BP 124/80 RR 16'));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ outcome: 'recorded', replied: true });
      const observations = await observationsOf(store, 'alice');
      expect(observations.length).toBeGreaterThanOrEqual(before + 5);
      const methods = observations.map((o) => ((o.method as { coding?: { code?: string }[] } | undefined)?.coding ?? [])[0]?.code);
      expect(methods).toContain('sms');
      expect((await repliesTo(store, '7700900123')).length).toBeGreaterThan(0);
    });

    it('answers an unreadable text with what could not be read and an example, and records nothing', async () => {
      const before = (await observationsOf(store, 'alice')).length;
      const repliedBefore = (await repliesTo(store, '7700900123')).length;
      const response = await post(notifyBody('447700900123', 'feeling rough today'));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ outcome: 'unreadable', replied: true });
      expect(await observationsOf(store, 'alice')).toHaveLength(before);
      const replies = await repliesTo(store, '7700900123');
      expect(replies).toHaveLength(repliedBefore + 1);
      expect(replies.at(-1)).toMatch(/O2 \d+/);
    });

    it('answers a number that belongs to nobody on a ward, and records nothing', async () => {
      const countsBefore = await store.repository.countByType();
      const response = await post(notifyBody('447700900777', 'O2 96 P 78'));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ outcome: 'unknown-number', replied: true });
      expect((await store.repository.countByType()).Observation).toBe(countsBefore.Observation);
      expect((await repliesTo(store, '7700900777')).length).toBe(1);
    });

    it('opens the ward’s urgent alert for a red text', async () => {
      const response = await post(notifyBody('447700900123', 'O2 89 P 120 T 38.6 BP 95/60 RR 27'));
      expect(response.status).toBe(200);
      const tasks = (await store.repository.search(parseSearchRequest('Task', [['patient', 'Patient/alice'], ['code', `${TASK_CODE_SYSTEM}|${VIRTUAL_WARD_ALERT}`]], { handling: 'strict' }))).matches;
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ priority: 'urgent', status: 'requested', owner: { reference: 'CareTeam/ward-hospital' } });
    });

    it('refuses a missing or wrong token with 401 before reading the body', async () => {
      for (const headers of [{} as Record<string, string>, { authorization: `Bearer ${TOKEN}x` }, { authorization: 'Bearer nope' }, { authorization: `Basic ${TOKEN}` }]) {
        const response = await post(notifyBody('447700900123', 'O2 96'), headers);
        expect(response.status).toBe(401);
        expect(((await response.json()) as { error: string }).error).toContain('bearer token');
      }
    });

    it('answers a bad body with 400 and words, never 500', async () => {
      const cases: [string | Record<string, unknown>, string][] = [
        ['{"id": "x", "source_number": ', 'not valid JSON'],
        ['', 'not valid JSON'],
        [{ ...notifyBody('447700900123', 'O2 96'), message: 42 }, 'message must be the text'],
        [{ ...notifyBody('447700900123', 'O2 96'), source_number: null }, 'source_number'],
        [{ ...notifyBody('447700900123', 'O2 96'), date_received: 'soon' }, 'date_received'],
        [{ ...notifyBody('447700900123', 'x'.repeat(40_000)) }, 'too big'],
        ['[1, 2, 3]', 'JSON object'],
      ];
      for (const [body, words] of cases) {
        const response = await post(body);
        expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(((await response.json()) as { error: string }).error).toContain(words);
      }
      const wrongType = await fetch(`${origin}/hooks/notify/received-text`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/xml' }, body: '<sms/>' });
      expect(wrongType.status).toBe(400);
    });
  });
}
