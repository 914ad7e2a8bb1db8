/**
 * The triage inbox end to end on SQLite and PostgreSQL, through the access-checked repositories of
 * the north practice's receptionist and GP (packages/access testing fixture): order, rows, tabs,
 * paging, counts, and assignment, notes and outcomes under If-Match.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibleRecord, defaultAccessPolicy } from '@kindred/access';
import { accessOf, type Who } from '@kindred/access/testing';
import type { Resource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { inboxCounts, listInbox, type InboxFilter } from './list-inbox.ts';
import { addTriageNote, assignRequest, recordOutcome } from './triage-actions.ts';
import { NOW, TRIAGE_AREA, onlineRequest } from './triage-fixture.ts';
import { TRIAGE_OUTCOME_SYSTEM } from './triage-vocabulary.ts';
import { rejection } from '../rejection.ts';

const backends = await testBackends();


for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`triage inbox on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let receptionist: Repository;
    let gp: Repository;
    const repositoryOf = async (who: Who) => (await accessibleRecord(store.repository, accessOf(who), defaultAccessPolicy())).repository;
    const inbox = (filter: InboxFilter, extra: { count?: number; cursor?: string; practitionerRoleId?: string } = {}) =>
      listInbox(receptionist, { organisationId: 'gp-north', filter, now: NOW, ...extra });
    beforeAll(async () => {
      store = await backend.open();
      await store.repository.importResources(TRIAGE_AREA);
      receptionist = await repositoryOf('receptionist');
      gp = await repositoryOf('gpClinician');
    });
    afterAll(() => store.destroy());

    it('lists the practice\'s open requests urgent first, then overdue, then oldest, with what staff must see', async () => {
      const { rows, nextCursor } = await inbox('all');
      expect(nextCursor).toBeUndefined();
      expect(rows.map((r) => r.taskId)).toEqual(['req-alice-urgent', 'req-dave-admin', 'req-dave-medical']);
      const [urgent, overdue, newest] = rows;
      expect(urgent).toMatchObject({
        urgent: true,
        priority: 'urgent',
        overdue: false,
        category: 'medical',
        route: 'online-assisted',
        submittedBy: { reference: 'RelatedPerson/ruth' },
        submittedForReason: 'no internet',
        patient: { id: 'alice', name: 'Test Able', age: 80, nhsNumber: '9434765919' },
        carer: { reference: 'RelatedPerson/ruth', name: 'ruth' },
        respondBy: '2030-03-10T18:00:00Z',
        version: '1',
      });
      expect(urgent?.concerningAnswers).toEqual([{ question: 'Are you more breathless than usual?', answer: 'Yes' }]);
      expect(urgent?.accessNeeds).toContain('Needs a Polish interpreter');
      expect(overdue).toMatchObject({ taskId: 'req-dave-admin', overdue: true, category: 'admin', urgent: false });
      expect(newest).toMatchObject({ overdue: false, route: 'phone', concerningAnswers: [] });
      expect(newest?.carer).toBeUndefined();
    });

    it('the tabs: unassigned, admin, medical, overdue', async () => {
      const ids = async (filter: InboxFilter) => (await inbox(filter)).rows.map((r) => r.taskId);
      expect(await ids('unassigned')).toEqual(['req-alice-urgent', 'req-dave-admin', 'req-dave-medical']);
      expect(await ids('admin')).toEqual(['req-dave-admin']);
      expect(await ids('medical')).toEqual(['req-alice-urgent', 'req-dave-medical']);
      expect(await ids('overdue')).toEqual(['req-dave-admin']);
      await expect(inbox('mine')).rejects.toThrow(/needs your practitioner role/);
      await expect(inbox('everything' as InboxFilter)).rejects.toThrow(/filter must be one of/);
    });

    it('pages follow on without repeats or gaps', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await inbox('all', { count: 1, ...(cursor !== undefined ? { cursor } : {}) });
        expect(page.rows.length).toBeLessThanOrEqual(1);
        seen.push(...page.rows.map((r) => r.taskId));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(seen).toEqual(['req-alice-urgent', 'req-dave-admin', 'req-dave-medical']);
      await expect(inbox('all', { cursor: 'not-a-cursor' })).rejects.toThrow(/page link is not valid/);
    });

    it('another practice\'s staff see none of these, and the counts are per tab', async () => {
      const south = await listInbox(await repositoryOf('otherGpClinician'), { organisationId: 'gp-north', filter: 'all', now: NOW });
      expect(south.rows).toEqual([]);
      expect(await inboxCounts(receptionist, 'gp-north', NOW, 'rec-north-role')).toEqual({ all: 3, unassigned: 3, mine: 0, admin: 1, medical: 2, overdue: 1 });
    });

    it('assigning needs the version seen: two people at once, one wins and the other is told plainly', async () => {
      const results = await Promise.allSettled([
        assignRequest(receptionist, 'req-dave-medical', 'PractitionerRole/dr-north-role', '1', NOW),
        assignRequest(gp, 'req-dave-medical', 'PractitionerRole/rec-north-role', '1', NOW),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected')?.reason as { errorName: string; message: string };
      expect(lost.errorName).toBe('PRECONDITION_FAILED');
      expect(lost.message).toMatch(/Someone else changed this request while you had it open \(you saw version 1, it is now version 2\)/);
      const task = await store.repository.read('Task', 'req-dave-medical');
      expect(task).toMatchObject({ status: 'accepted', businessStatus: { coding: [{ code: 'triaged' }] } });
      const owner = (task.owner as { reference: string }).reference.replace('PractitionerRole/', '');
      const mine = await inbox('mine', { practitionerRoleId: owner });
      expect(mine.rows.map((r) => r.taskId)).toEqual(['req-dave-medical']);
      expect(mine.rows[0]?.assignedTo?.reference).toBe(`PractitionerRole/${owner}`);
      expect((await inbox('unassigned')).rows.map((r) => r.taskId)).not.toContain('req-dave-medical');
      expect((await rejection(assignRequest(receptionist, 'req-dave-medical', 'Patient/dave', '2'))).message).toMatch(/member of staff's role/);
    });

    it('notes are added with their author and time', async () => {
      const noted = await addTriageNote(gp, 'req-alice-urgent', 'Call today; needs a Polish interpreter', { reference: 'Practitioner/dr-north' }, '1', NOW);
      expect(noted.note).toEqual([{ authorReference: { reference: 'Practitioner/dr-north' }, time: new Date(NOW).toISOString(), text: 'Call today; needs a Polish interpreter' }]);
      expect((await rejection(addTriageNote(gp, 'req-alice-urgent', '   ', { reference: 'Practitioner/dr-north' }, '2'))).message).toMatch(/Write the note/);
      expect((await rejection(addTriageNote(gp, 'req-alice-urgent', 'late', { reference: 'Practitioner/dr-north' }, '1'))).errorName).toBe('PRECONDITION_FAILED');
    });

    it('an outcome completes the request, tells the person, and takes it out of the inbox; closing needs a reason', async () => {
      expect((await rejection(recordOutcome(receptionist, 'req-dave-admin', { kind: 'close', expectedVersion: '1' }))).message).toMatch(/say why/);
      expect((await rejection(recordOutcome(receptionist, 'req-dave-admin', { kind: 'book', expectedVersion: '1' }))).message).toMatch(/which appointment/);
      const done = await recordOutcome(receptionist, 'req-dave-admin', { kind: 'close', reason: 'Prescription already issued', expectedVersion: '1', by: { reference: 'Practitioner/rec-north' }, now: NOW });
      expect(done).toMatchObject({
        status: 'completed',
        statusReason: { text: 'Prescription already issued' },
        businessStatus: { coding: [{ code: 'closed' }], text: 'Closed' },
        output: [{ type: { coding: [{ system: TRIAGE_OUTCOME_SYSTEM, code: 'close' }] }, valueString: 'Prescription already issued' }],
      });
      expect((await rejection(recordOutcome(receptionist, 'req-dave-admin', { kind: 'reply', replyText: 'x', expectedVersion: '2' }))).errorName).toBe('CONFLICT');
      expect((await inbox('all')).rows.map((r) => r.taskId)).not.toContain('req-dave-admin');
      const daves = await store.repository.create({ resourceType: 'Appointment', status: 'booked', participant: [{ actor: { reference: 'Patient/dave' }, status: 'accepted' }] });
      expect((await rejection(recordOutcome(gp, 'req-alice-urgent', { kind: 'book', appointmentId: daves.resource.id, expectedVersion: '2' }))).message).toMatch(/not for the person this request is about/);
      const referred = await recordOutcome(gp, 'req-alice-urgent', { kind: 'refer', referTo: 'Organization/hospital', expectedVersion: '2' });
      expect(referred.output).toEqual([{ type: { coding: [{ system: TRIAGE_OUTCOME_SYSTEM, code: 'refer', display: 'Refer' }], text: 'Refer' }, valueReference: { reference: 'Organization/hospital' } }]);
    });

    it('a busy inbox: the category tab fills its page across many requests, in order, and counts them all', async () => {
      const many: Resource[] = [];
      let overdue = 0;
      for (let i = 0; i < 240; i++) {
        const day = String(1 + (i % 9)).padStart(2, '0');
        const authoredOn = `2030-02-${day}T${String(8 + (i % 10)).padStart(2, '0')}:00:00Z`;
        // the practice's target: an answer within 30 days
        const respondBy = new Date(Date.parse(authoredOn) + 30 * 86_400_000).toISOString();
        if (Date.parse(respondBy) < NOW) overdue += 1;
        many.push(...onlineRequest({ id: `bulk-${i}`, patient: i % 2 === 0 ? 'dave' : 'alice', category: i % 3 === 0 ? 'admin' : 'medical', authoredOn, respondBy }));
      }
      await store.repository.importResources(many);
      const admin: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await inbox('admin', { count: 25, ...(cursor !== undefined ? { cursor } : {}) });
        expect(page.rows.every((r) => r.category === 'admin')).toBe(true);
        admin.push(...page.rows.map((r) => r.taskId));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(admin).toHaveLength(80);
      expect(new Set(admin).size).toBe(80);
      const counts = await inboxCounts(receptionist, 'gp-north', NOW);
      expect(counts).toMatchObject({ all: 241, admin: 80, medical: 161 });
      expect(counts.overdue).toBe(overdue);
      const overdueRows = (await inbox('overdue', { count: 200 })).rows;
      expect(overdueRows.every((r) => r.overdue)).toBe(true);
      expect(overdueRows).toHaveLength(Math.min(200, overdue));
    });
  });
}
