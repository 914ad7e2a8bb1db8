/**
 * Online requests end to end on SQLite and PostgreSQL, through the access-checked repository of
 * each person who fills one in: the person themself, a carer with consent ("manage-requests"), a
 * receptionist on the phone for someone with no internet; a red-flag exit; field errors that keep
 * what was typed; a double submission; the practice at capacity (call-back, admin-only); what the
 * person sees; and a member of staff at another practice who cannot see any of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibleRecord, defaultAccessPolicy } from '@kindred/access';
import { AREA, accessOf, consent, type Who } from '@kindred/access/testing';
import { parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { communicationProfileOf } from '../access-needs/access-needs-summary.ts';
import { DEFAULT_ACCESS_NEEDS } from '../access-needs/access-needs.ts';
import { outboxChannels } from '../messaging/outbox-channels.ts';
import { sendMessage } from '../messaging/send-message.ts';
import { callBackSlots, capacityNow, countRequestsToday, readCapacity } from './capacity.ts';
import { readAnswers, responseItems } from './request-answers.ts';
import { defaultRequestQuestionnaire, ensureRequestQuestionnaire } from './request-questionnaire.ts';
import { listRequestsForPatient, requestReceivedMessage } from './request-status.ts';
import { ONLINE_REQUEST_CAPACITY_EXTENSION, SUBMISSION_TOKEN_SYSTEM } from './request-vocabulary.ts';
import { isChildOn, submitRequest, type RequestSubmission, type SubmitOutcome } from './submit-request.ts';

const backends = await testBackends();

const MODALITY = 'https://kindred.health/fhir/CodeSystem/consultation-modality';
const PURPOSE = 'https://kindred.health/fhir/CodeSystem/schedule-purpose';
/** Wednesday 4 March 2026, noon in London */
const NOW = new Date('2026-03-04T12:00:00Z');

const callBackSchedule = (id: string, service: string): Resource => ({
  resourceType: 'Schedule',
  id,
  active: true,
  serviceType: [{ coding: [{ system: MODALITY, code: 'phone' }] }, { coding: [{ system: PURPOSE, code: 'call-back' }] }],
  actor: [{ reference: `HealthcareService/${service}` }],
});
const slot = (id: string, schedule: string, start: string, status = 'free'): Resource => ({
  resourceType: 'Slot',
  id,
  schedule: { reference: `Schedule/${schedule}` },
  status,
  start,
  end: new Date(Date.parse(start) + 10 * 60_000).toISOString(),
});

const PRACTICES: readonly Resource[] = [
  {
    resourceType: 'HealthcareService',
    id: 'north-online',
    active: true,
    providedBy: { reference: 'Organization/gp-north' },
    name: 'Online requests',
    availableTime: [{ daysOfWeek: ['mon', 'tue', 'wed', 'thu', 'fri'], availableStartTime: '08:00:00', availableEndTime: '18:30:00' }],
    extension: [
      {
        url: ONLINE_REQUEST_CAPACITY_EXTENSION,
        extension: [
          { url: 'dailyLimit', valueInteger: 3 },
          { url: 'whenFull', valueCode: 'call-back' },
          { url: 'responseDays', valueInteger: 2 },
        ],
      },
    ],
  },
  { resourceType: 'HealthcareService', id: 'south-online', active: true, providedBy: { reference: 'Organization/gp-south' }, name: 'Online requests' },
  callBackSchedule('north-call-back', 'north-online'),
  callBackSchedule('south-call-back', 'south-online'),
  slot('cb-1', 'north-call-back', '2026-03-05T10:30:00Z'),
  slot('cb-2', 'north-call-back', '2026-03-05T10:40:00Z'),
  slot('cb-busy', 'north-call-back', '2026-03-05T10:50:00Z', 'busy'),
  slot('cb-past', 'north-call-back', '2026-03-04T09:00:00Z'),
  slot('cb-south', 'south-call-back', '2026-03-05T10:30:00Z'),
  { resourceType: 'Patient', id: 'bella', name: [{ given: ['Bella'], family: 'Able' }], birthDate: '2026-01-10', generalPractitioner: [{ reference: 'Organization/gp-north' }] },
  consent('consent-ruth-requests', 'alice', 'RelatedPerson/ruth', { actions: ['view-record', 'manage-requests'] }),
  { resourceType: 'RelatedPerson', id: 'una', patient: { reference: 'Patient/alice' }, name: [{ family: 'una' }] },
  consent('consent-una-requests', 'alice', 'RelatedPerson/una', { actions: ['manage-requests'] }),
];

const adultMedical = { category: 'medical', 'chest-pain': 'no', breathing: 'no', stroke: 'no', 'ending-life': 'no', 'heavy-bleeding': 'no' };
const cough = { ...adultMedical, problem: 'A cough for two weeks', 'how-long': 'weeks', 'getting-worse': 'no', 'would-like': 'appointment' };
const fitNote = { category: 'admin', 'admin-type': 'fit-note', 'admin-need': 'A fit note for my back' };

let tokens = 0;
const token = (): string => `form-token-${String(++tokens).padStart(8, '0')}`;

const self = (overrides: Partial<RequestSubmission> = {}): RequestSubmission => ({
  patientId: 'alice',
  organisationId: 'gp-north',
  submittedBy: { reference: 'Patient/alice' },
  route: 'online-self',
  submissionToken: token(),
  answers: cough,
  isChild: false,
  now: NOW,
  ...overrides,
});

function submitted(outcome: SubmitOutcome): Extract<SubmitOutcome, { kind: 'submitted' }> {
  if (outcome.kind !== 'submitted') throw new Error(`expected a submitted request, got ${JSON.stringify(outcome)}`);
  return outcome;
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`online requests on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    const as = async (who: Who): Promise<Repository> => (await accessibleRecord(store.repository, accessOf(who), defaultAccessPolicy())).repository;
    const withToken = async (type: string, value: string): Promise<StoredResource[]> =>
      (await store.repository.search(parseSearchRequest(type, [['identifier', `${SUBMISSION_TOKEN_SYSTEM}|${value}`]], { handling: 'strict' }))).matches;

    beforeAll(async () => {
      store = await backend.open();
      await store.repository.importResources([...AREA, ...PRACTICES]);
      await ensureRequestQuestionnaire(await as('system'));
    });
    afterAll(() => store.destroy());

    it('the form is created once, however often the service starts', async () => {
      const again = await ensureRequestQuestionnaire(await as('system'));
      const all = (await store.repository.search(parseSearchRequest('Questionnaire', [['url', String(again.url)]], { handling: 'strict' }))).matches;
      expect(all).toHaveLength(1);
      expect(again).toMatchObject({ version: '1', status: 'active' });
    });

    it('the person asks for themself: a completed response and a Task, as decision 0013 maps them', async () => {
      const input = self();
      const outcome = submitted(await submitRequest(await as('patient'), input));
      expect(outcome.created).toBe(true);
      expect(outcome.replyBy).toEqual(new Date('2026-03-06T18:30:00Z')); // 2 working days, at closing time
      expect(outcome.response).toMatchObject({
        resourceType: 'QuestionnaireResponse',
        status: 'completed',
        identifier: { system: SUBMISSION_TOKEN_SYSTEM, value: input.submissionToken },
        questionnaire: 'https://kindred.health/fhir/Questionnaire/online-request|1',
        subject: { reference: 'Patient/alice' },
        author: { reference: 'Patient/alice' },
        source: { reference: 'Patient/alice' },
        authored: NOW.toISOString(),
      });
      expect(outcome.task).toMatchObject({
        status: 'requested',
        intent: 'order',
        priority: 'routine',
        code: { coding: [{ system: 'https://kindred.health/fhir/CodeSystem/task-code', code: 'online-request' }, { system: 'https://kindred.health/fhir/CodeSystem/request-category', code: 'medical' }] },
        businessStatus: { coding: [{ code: 'received' }] },
        for: { reference: 'Patient/alice' },
        focus: { reference: `QuestionnaireResponse/${outcome.response.id}` },
        owner: { reference: 'Organization/gp-north' },
        requester: { reference: 'Patient/alice' },
        authoredOn: NOW.toISOString(),
        restriction: { period: { end: '2026-03-06T18:30:00.000Z' } },
        description: 'Medical request: A cough for two weeks',
        extension: [
          { url: 'https://kindred.health/fhir/StructureDefinition/request-route', valueCode: 'online-self' },
          { url: 'https://kindred.health/fhir/StructureDefinition/submitted-by', valueReference: { reference: 'Patient/alice' } },
          { url: 'https://kindred.health/fhir/StructureDefinition/request-category', valueCode: 'medical' },
        ],
      });
      // the person follows it; the practice's receptionist sees it; another practice does not
      expect((await listRequestsForPatient(await as('patient'), 'alice')).map((r) => r.task.id)).toContain(outcome.task.id);
      const seenByReception = (await listRequestsForPatient(await as('receptionist'), 'alice')).find((r) => r.task.id === outcome.task.id);
      expect(seenByReception?.status).toEqual({ stage: 'received', whatNext: 'The practice has your request. They will contact you by 6:30pm on Friday 6 March.', by: new Date('2026-03-06T18:30:00Z') });
      const otherPractice = await as('otherGpClinician');
      expect(await listRequestsForPatient(otherPractice, 'alice')).toEqual([]);
      await expect(otherPractice.read('Task', outcome.task.id)).rejects.toMatchObject({ errorName: 'NOT_FOUND' });
      await expect(otherPractice.read('QuestionnaireResponse', outcome.response.id)).rejects.toMatchObject({ errorName: 'NOT_FOUND' });
    });

    it('an answer the form marks urgent makes an urgent Task', async () => {
      const outcome = submitted(await submitRequest(await as('patient'), self({ answers: { ...cough, 'getting-worse': 'yes' } })));
      expect(outcome.task.priority).toBe('urgent');
    });

    it('a red flag stops the form, says what to do now, and records the exit without a Task', async () => {
      const input = self({ answers: { ...adultMedical, 'chest-pain': 'yes' } }); // nothing else answered: what to do now comes first
      const outcome = await submitRequest(await as('patient'), input);
      expect(outcome).toMatchObject({ kind: 'red-flag', linkId: 'chest-pain', advice: '999', text: expect.stringMatching(/^Call 999 now/) as unknown });
      const [response] = await withToken('QuestionnaireResponse', input.submissionToken);
      expect(response).toMatchObject({ status: 'stopped', extension: [{ url: 'https://kindred.health/fhir/StructureDefinition/red-flag', valueString: '999' }] });
      expect(await withToken('Task', input.submissionToken)).toEqual([]);
    });

    it('a child\'s red flags: a baby with a temperature → 111', async () => {
      const bella = await store.repository.read('Patient', 'bella');
      expect(isChildOn(bella, NOW)).toBe(true);
      expect(isChildOn(await store.repository.read('Patient', 'alice'), NOW)).toBe(false);
      const outcome = await submitRequest(await as('receptionist'), {
        ...self({ patientId: 'bella', submittedBy: { reference: 'Practitioner/rec-north' }, route: 'phone', onBehalfReason: 'parent on the phone' }),
        isChild: true,
        answers: { category: 'medical', 'baby-temperature': 'yes' },
      });
      expect(outcome).toMatchObject({ kind: 'red-flag', advice: '111', text: expect.stringContaining('Call 111 now') as unknown });
    });

    it('answers to fix come back as field errors with what was typed, and nothing is written', async () => {
      const input = self({ answers: { ...adultMedical, problem: 'x'.repeat(2001), 'how-long': 'forever' } });
      const outcome = await submitRequest(await as('patient'), input);
      expect(outcome).toEqual({
        kind: 'invalid',
        answers: input.answers,
        errors: [
          { field: 'problem', message: 'Your answer to "What is the problem?" must be 2,000 characters or fewer (it has 2,001)' },
          { field: 'how-long', message: 'Select one of the answers listed for "How long have you had it?"' },
          { field: 'getting-worse', message: 'Select yes or no for "Is it getting worse quickly?"' },
          { field: 'would-like', message: 'Select an answer for "What would you like us to do?"' },
        ],
      });
      expect(await withToken('QuestionnaireResponse', input.submissionToken)).toEqual([]);
    });

    it('a carer with consent asks on the person\'s behalf, and says why', async () => {
      const carer = await as('carerWithConsent');
      const missingReason = await submitRequest(carer, self({ submittedBy: { reference: 'RelatedPerson/ruth' }, route: 'online-assisted' }));
      expect(missingReason).toMatchObject({ kind: 'invalid', errors: [{ field: 'onBehalfReason', message: expect.stringMatching(/^Say why you are filling this in/) as unknown }] });
      const outcome = submitted(await submitRequest(carer, self({ submittedBy: { reference: 'RelatedPerson/ruth' }, route: 'online-assisted', onBehalfReason: 'carer with consent', answers: fitNote })));
      expect(outcome.task).toMatchObject({
        requester: { reference: 'RelatedPerson/ruth' },
        description: 'Admin request: A fit note for my back',
        extension: [
          { valueCode: 'online-assisted' },
          { valueReference: { reference: 'RelatedPerson/ruth' } },
          { url: 'https://kindred.health/fhir/StructureDefinition/submitted-for-reason', valueString: 'carer with consent' },
          { valueCode: 'admin' },
        ],
      });
      expect(outcome.response).toMatchObject({ author: { reference: 'RelatedPerson/ruth' }, source: { reference: 'Patient/alice' } });
      expect((await listRequestsForPatient(carer, 'alice')).map((r) => r.task.id)).toContain(outcome.task.id);
    });

    // Known gap, in the access layer: a conditional create searches only what the caller may read,
    // so a carer who may manage requests but not view the record does not see the first submission
    // and a resent form makes a second request. `it.fails` passes while the gap is there and fails
    // once it is closed (then make it a plain `it`).
    it.fails('a carer who may manage requests but not view the record: a resent form still makes one request', async () => {
      const una = (await accessibleRecord(store.repository, { ...accessOf('carerWithoutConsent'), fhirUser: 'RelatedPerson/una' }, defaultAccessPolicy())).repository;
      const input = self({ submittedBy: { reference: 'RelatedPerson/una' }, route: 'online-assisted', onBehalfReason: 'carer with consent', answers: fitNote });
      expect((await submitRequest(una, input)).kind).toBe('submitted');
      expect((await submitRequest(una, input)).kind).toBe('submitted');
      expect(await withToken('Task', input.submissionToken)).toHaveLength(1);
    });

    it('a carer without consent cannot ask for them', async () => {
      const input = self({ submittedBy: { reference: 'RelatedPerson/tom' }, route: 'online-assisted', onBehalfReason: 'carer' });
      await expect(submitRequest(await as('carerWithoutConsent'), input)).rejects.toMatchObject({ status: 403 });
      expect(await withToken('QuestionnaireResponse', input.submissionToken)).toEqual([]);
    });

    it('a receptionist on the phone for someone with no internet: the same data, the route and the reason recorded', async () => {
      const outcome = submitted(
        await submitRequest(await as('receptionist'), self({ patientId: 'dave', submittedBy: { reference: 'Practitioner/rec-north' }, route: 'phone', onBehalfReason: 'no internet' })),
      );
      expect(outcome.task).toMatchObject({ for: { reference: 'Patient/dave' }, requester: { reference: 'Practitioner/rec-north' } });
      expect(outcome.task.extension).toContainEqual({ url: 'https://kindred.health/fhir/StructureDefinition/request-route', valueCode: 'phone' });
      expect(outcome.task.extension).toContainEqual({ url: 'https://kindred.health/fhir/StructureDefinition/submitted-for-reason', valueString: 'no internet' });
      // the answers are the same data as when the person fills the form in themself
      const form = defaultRequestQuestionnaire();
      expect(outcome.response).toMatchObject({ author: { reference: 'Practitioner/rec-north' }, item: responseItems(form, readAnswers(form, { ...cough, 'is-child': false })) });
    });

    it('a double submission (two at once, one token) makes one request', async () => {
      const input = self();
      const patient = await as('patient');
      const [a, b] = (await Promise.all([submitRequest(patient, input), submitRequest(patient, input)])).map(submitted);
      expect(a?.task.id).toBe(b?.task.id);
      expect(a?.response.id).toBe(b?.response.id);
      expect([a?.created, b?.created].sort()).toEqual([false, true]);
      expect(await withToken('Task', input.submissionToken)).toHaveLength(1);
      expect(await withToken('QuestionnaireResponse', input.submissionToken)).toHaveLength(1);
      // and once more, later (a resent form)
      const again = submitted(await submitRequest(patient, input));
      expect(again).toMatchObject({ created: false, task: { id: a?.task.id } });
    });

    it('at capacity the form offers a call-back time, and the request says when they will be called', async () => {
      const reception = await as('receptionist');
      const capacity = await readCapacity(await as('patient'), 'gp-north');
      const count = await countRequestsToday(reception, 'gp-north', NOW);
      expect(count).toBeGreaterThanOrEqual(3);
      const state = capacityNow(capacity, count, NOW);
      expect(state).toEqual({ open: false, reason: 'daily-limit', offer: 'call-back', nextOpen: new Date('2026-03-05T08:00:00Z') });

      // only the practice's own free call-back times still to come
      expect((await callBackSlots(await as('patient'), 'gp-north', NOW)).map((s) => s.id)).toEqual(['cb-1', 'cb-2']);

      const noChoice = await submitRequest(await as('patient'), self({ capacity: state }));
      expect(noChoice).toMatchObject({ kind: 'invalid', errors: [{ field: 'callBackSlotId', message: 'Choose a time for us to call you back' }] });
      const otherPractice = await submitRequest(await as('patient'), self({ capacity: state, callBackSlotId: 'cb-south' }));
      expect(otherPractice).toMatchObject({ kind: 'invalid', errors: [{ field: 'callBackSlotId', message: 'That call-back time is no longer available: choose another time' }] });

      const outcome = submitted(await submitRequest(await as('patient'), self({ capacity: state, callBackSlotId: 'cb-1' })));
      expect(outcome.replyBy).toEqual(new Date('2026-03-05T10:30:00Z'));
      expect(outcome.task).toMatchObject({
        input: [{ type: { coding: [{ code: 'call-back-slot' }] }, valueReference: { reference: 'Slot/cb-1' } }],
        restriction: { period: { end: '2026-03-05T10:30:00.000Z' } },
        note: [{ text: "Sent Wednesday 4 March at midday, after the day's limit was reached: a call-back was offered. The practice opens again Thursday 5 March at 8am." }],
      });
      expect((await listRequestsForPatient(await as('patient'), 'alice')).find((r) => r.task.id === outcome.task.id)?.status.whatNext).toBe(
        'The practice has your request. They will call you back at 10:30am on Thursday 5 March.',
      );
    });

    it('admin-only when full: admin requests go through, a health problem is told what to do', async () => {
      const state = { open: false, reason: 'out-of-hours', offer: 'admin-only', nextOpen: new Date('2026-03-05T08:00:00Z') } as const;
      const medical = await submitRequest(await as('patient'), self({ capacity: state }));
      expect(medical).toMatchObject({ kind: 'invalid', errors: [{ field: 'category', message: expect.stringContaining('call 111') as unknown }] });
      const admin = submitted(await submitRequest(await as('patient'), self({ capacity: state, adminOnly: true, answers: fitNote })));
      expect(admin.task.extension).toContainEqual({ url: 'https://kindred.health/fhir/StructureDefinition/request-category', valueCode: 'admin' });
      expect(admin.replyBy).toEqual(new Date('2026-03-09T18:30:00Z')); // picked up Thursday: 2 working days → Monday
    });

    it('the "request received" message goes by the person\'s channel through messaging', async () => {
      const reception = await as('receptionist');
      const outcome = submitted(await submitRequest(reception, self({ patientId: 'dave', submittedBy: { reference: 'Practitioner/rec-north' }, route: 'phone', onBehalfReason: 'no internet' })));
      const dave = await reception.read('Patient', 'dave');
      const profile = communicationProfileOf(dave, { ...DEFAULT_ACCESS_NEEDS, noInternet: true, preferredChannels: ['letter'] });
      const sent = await sendMessage(reception, outboxChannels(store.outbox), profile, requestReceivedMessage(outcome.task, dave, 'North Street Surgery'));
      expect(sent.decision).toMatchObject({ kind: 'send', channel: 'letter' });
      expect(sent.communication).toMatchObject({ about: [{ reference: `Task/${outcome.task.id}` }], sender: { reference: 'Organization/gp-north' } });
      expect(JSON.stringify(sent.communication.payload)).toContain('We will contact you by 6:30pm on Friday 6 March');
    });

    it('a practice\'s new version of the form is the one used', async () => {
      const system = await as('system');
      const edited = defaultRequestQuestionnaire();
      const items = edited.item as { linkId: string; item?: { linkId: string; maxLength?: number }[] }[];
      const problem = items.find((i) => i.linkId === 'medical')?.item?.find((i) => i.linkId === 'problem');
      if (problem) problem.maxLength = 20;
      await system.create({ ...edited, version: '2' });
      const outcome = await submitRequest(await as('patient'), self());
      expect(outcome).toMatchObject({ kind: 'invalid', errors: [{ field: 'problem', message: expect.stringContaining('20 characters or fewer') as unknown }] });
    });
  });
}
