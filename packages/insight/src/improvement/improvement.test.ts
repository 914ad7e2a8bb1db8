/**
 * The innovation log and plan-do-study-act cycles on SQLite and PostgreSQL, through the
 * access-checked repositories of the access tests' area: routing an idea to the team that owns the
 * page (the table in the store's settings), reporting, reading and listing by team, moving an idea
 * between stages (its team only), notes, cycles from an idea with their measures, the study and
 * act, the markers on a measure's chart, and who may not see any of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibleRecord, defaultAccessPolicy } from '@kindred/access';
import { AREA, accessOf, type Who } from '@kindred/access/testing';
import { isFhirError } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { addIdeaNote, listIdeas, moveIdea, readIdea, reportIdea, type StaffMember } from './improvement-ideas.ts';
import { DEFAULT_ROUTING, ROUTING_SETTING, loadRoutingTable, parseRoutingTable, routeIdea, ruleFor } from './improvement-routing.ts';
import { IMPROVEMENT_SYSTEM, REPORTED_FROM_EXTENSION, STAGE_SYSTEM } from './improvement-vocabulary.ts';
import { cycleProblems, improvementMarkers, listCycles, readCycle, startCycle, updateCycle } from './pdsa-cycles.ts';

const backends = await testBackends();
const policy = defaultAccessPolicy();

const RECEPTION: StaffMember = { role: 'PractitionerRole/rec-north-role', practitioner: 'Practitioner/rec-north', organisations: ['Organization/gp-north'] };
const HOSPITAL: StaffMember = { role: 'PractitionerRole/dr-hospital-role', practitioner: 'Practitioner/dr-hospital', organisations: ['Organization/hospital'] };
const NORTH_WARD = {
  resourceType: 'CareTeam',
  id: 'ward-north',
  status: 'active',
  name: 'North Virtual Ward',
  category: [{ coding: [{ system: 'https://kindred.health/fhir/CodeSystem/care-team-category', code: 'virtual-ward' }] }],
  participant: [{ member: { reference: 'Organization/hospital' } }, { member: { reference: 'Organization/gp-north' } }],
};

async function statusOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    if (isFhirError(error)) return String(error.status);
    throw error;
  }
}

describe('the routing table', () => {
  it('finds the longest matching prefix, and nothing for a page no rule names', () => {
    const table = parseRoutingTable(JSON.stringify({ rules: [{ prefix: '/app/staff', owner: { kind: 'organisation' } }, { prefix: '/app/staff/ward/', owner: { kind: 'virtual-ward' } }] }));
    expect(ruleFor(table, '/app/staff/ward/people/x?org=a')?.owner.kind).toBe('virtual-ward');
    expect(ruleFor(table, '/app/staff/wardrobe')?.prefix).toBe('/app/staff');
    expect(ruleFor(DEFAULT_ROUTING, '/app/staff/people/alice')).toBeUndefined();
  });

  it.each([
    ['{', 'is not JSON'],
    ['{"rules": {}}', '"rules" must be a list'],
    ['{"rules": [{"prefix": "ward", "owner": {"kind": "organisation"}}]}', 'rules[0].prefix must be a path of the app'],
    ['{"rules": [{"prefix": "/app/staff", "owner": {"kind": "team", "reference": "Patient/alice"}}]}', 'rules[0].owner.reference must be "Organization/id" or "CareTeam/id"'],
    ['{"rules": [{"prefix": "/app/staff", "owner": {"kind": "someone"}}]}', 'rules[0].owner.kind must be'],
  ])('refuses a table with a mistake: %s', (json, message) => {
    expect(() => parseRoutingTable(json)).toThrow(message);
  });
});

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the innovation log on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    const as = async (who: Who): Promise<Repository> => (await accessibleRecord(store.repository, accessOf(who), policy)).repository;

    beforeAll(async () => {
      store = await backend.open();
      await store.repository.importResources([...AREA, NORTH_WARD]);
    });
    afterAll(async () => store?.close());

    it('keeps the routing table in the settings: the default the first time, an operator\'s own after', async () => {
      const first = await loadRoutingTable(store.settings);
      expect(first.table).toEqual(DEFAULT_ROUTING);
      expect(JSON.parse((await store.settings.get(ROUTING_SETTING))!)).toEqual(DEFAULT_ROUTING);
      const other = await backend.open();
      try {
        await other.settings.getOrCreate(ROUTING_SETTING, () => JSON.stringify({ rules: [{ prefix: '/app/staff/video', owner: { kind: 'team', reference: 'Organization/hospital' } }] }));
        expect((await loadRoutingTable(other.settings)).table.rules).toEqual([{ prefix: '/app/staff/video', owner: { kind: 'team', reference: 'Organization/hospital' } }]);
        const broken = await backend.open();
        try {
          await broken.settings.getOrCreate(ROUTING_SETTING, () => '{"rules": 3}');
          const loaded = await loadRoutingTable(broken.settings);
          expect(loaded.table).toEqual(DEFAULT_ROUTING);
          expect(loaded.problem).toContain('"rules" must be a list');
        } finally {
          await broken.close();
        }
      } finally {
        await other.close();
      }
    });

    it('routes an idea to the team that owns the page it came from', async () => {
      const record = await as('receptionist');
      const route = (fromPage: string, organisations = ['Organization/gp-north']) => routeIdea(record, DEFAULT_ROUTING, { fromPage, reporterOrganisations: organisations });
      expect(await route('/app/staff/ward?ward=ward-north')).toEqual({ reference: 'CareTeam/ward-north', name: 'North Virtual Ward' });
      expect(await route('/app/staff/ward/people/alice')).toEqual({ reference: 'CareTeam/ward-north', name: 'North Virtual Ward' });
      expect(await route('/app/staff/requests/123')).toEqual({ reference: 'Organization/gp-north', name: 'North Street Surgery' });
      expect(await route('/app/staff/video?org=hospital', ['Organization/gp-north', 'Organization/hospital'])).toEqual({ reference: 'Organization/hospital', name: 'City Hospital Outpatients' });
      // ?org= of an organisation they have no role at is not followed
      expect((await route('/app/staff/video?org=hospital')).reference).toBe('Organization/gp-north');
      expect((await route('/app/staff/people/alice')).reference).toBe('Organization/gp-north');
      const fixed = parseRoutingTable(JSON.stringify({ rules: [{ prefix: '/app/staff/people', owner: { kind: 'team', reference: 'Organization/council' } }] }));
      expect(await routeIdea(record, fixed, { fromPage: '/app/staff/people/alice', reporterOrganisations: ['Organization/gp-north'] })).toEqual({ reference: 'Organization/council', name: 'Adult Social Care' });
    });

    it('reports an idea as a Task that names nobody, seen by staff, moved on by its team only, never seen by people or volunteers', async () => {
      const reception = await as('receptionist');
      const idea = await reportIdea(reception, {
        description: 'The ward page does not say when a reading is late',
        reporter: RECEPTION,
        owner: { reference: 'Organization/hospital', name: 'City Hospital Outpatients' },
        reportedFrom: '/app/staff/ward',
        now: Date.parse('2026-11-02T09:00:00Z'),
      });
      expect(idea).toMatchObject({ stage: 'idea', owner: { reference: 'Organization/hospital' }, requester: RECEPTION.role, reportedFrom: '/app/staff/ward' });
      const task = await store.repository.read('Task', idea.id);
      expect(task).toMatchObject({
        status: 'requested',
        intent: 'proposal',
        code: { coding: [{ system: IMPROVEMENT_SYSTEM, code: 'improvement-idea' }] },
        businessStatus: { coding: [{ system: STAGE_SYSTEM, code: 'idea' }] },
        extension: [{ url: REPORTED_FROM_EXTENSION, valueUrl: '/app/staff/ward' }],
      });
      expect(task.for).toBeUndefined();

      expect((await readIdea(await as('hospitalClinician'), idea.id)).description).toContain('late');
      expect(await statusOf(readIdea(await as('volunteer'), idea.id))).toBe('404');
      expect(await statusOf(readIdea(await as('patient'), idea.id))).toBe('404');
      expect(await statusOf(reportIdea(await as('volunteer'), { description: 'x', reporter: { role: 'PractitionerRole/vol-role', practitioner: 'Practitioner/vol', organisations: ['Organization/helping-hands'] }, owner: { reference: 'Organization/helping-hands', name: 'x' } }))).toBe('403');
      expect(await statusOf(reportIdea(reception, { description: '  ', reporter: RECEPTION, owner: { reference: 'Organization/gp-north', name: 'x' } }))).toBe('422');

      // by team
      const other = await reportIdea(reception, { description: 'Reception needs a quieter phone line', reporter: RECEPTION, owner: { reference: 'Organization/gp-north', name: 'North Street Surgery' } });
      expect((await listIdeas(await as('socialWorker'), { owner: 'Organization/hospital' })).map((i) => i.id)).toEqual([idea.id]);
      expect((await listIdeas(reception)).map((i) => i.id)).toEqual(expect.arrayContaining([idea.id, other.id]));

      // moving on: the owning team only, with a note in its history
      expect(await statusOf(moveIdea(reception, idea.id, { stage: 'test', by: RECEPTION }))).toBe('403');
      const testing = await moveIdea(await as('hospitalClinician'), idea.id, { stage: 'test', by: HOSPITAL, note: 'Trying a late badge on the dashboard' });
      expect(testing.stage).toBe('test');
      expect((await store.repository.read('Task', idea.id)).status).toBe('in-progress');
      const noted = await addIdeaNote(reception, idea.id, { text: 'Seen again this morning', by: RECEPTION });
      expect(noted.notes.map((n) => n.text)).toEqual(['Moved from idea to testing. Trying a late badge on the dashboard', 'Seen again this morning']);
      const adopted = await moveIdea(await as('hospitalClinician'), idea.id, { stage: 'adopt', by: HOSPITAL });
      expect(adopted.stage).toBe('adopt');
      expect((await store.repository.read('Task', idea.id)).status).toBe('completed');
      // a ward's staff move the ward's ideas
      const wardIdea = await reportIdea(reception, { description: 'Ward idea', reporter: RECEPTION, owner: { reference: 'CareTeam/ward-north', name: 'North Virtual Ward' } });
      expect((await moveIdea(reception, wardIdea.id, { stage: 'drop', by: RECEPTION })).stage).toBe('drop');
      expect(await statusOf(readIdea(reception, 'task-dave'))).toBe('404');
    });

    it('runs a plan-do-study-act cycle from an idea, records the study and act, and marks its change date on its measures', async () => {
      const reception = await as('receptionist');
      const idea = await reportIdea(reception, { description: 'Fewer people should need to phone', reporter: RECEPTION, owner: { reference: 'Organization/gp-north', name: 'North Street Surgery' } });
      const owner = { reference: 'Organization/gp-north', name: 'North Street Surgery' };
      const cycle = await startCycle(reception, {
        title: 'Shorter online request form',
        change: 'Remove the three optional questions from the request form',
        prediction: 'More requests online, no change in red flags',
        measures: ['requests-by-route', 'red-flag-exits', 'requests-by-route'],
        changeDate: '2026-10-05',
        changed: 'Questionnaire/request-form',
        ideaId: idea.id,
        reporter: RECEPTION,
        owner,
      });
      // its team's member started it: the idea is being tested
      expect(await readIdea(reception, idea.id)).toMatchObject({ stage: 'test', notes: [{ text: 'Moved from idea to testing. Testing it in the plan-do-study-act cycle "Shorter online request form".' }] });
      expect(cycle).toMatchObject({ title: 'Shorter online request form', measures: ['requests-by-route', 'red-flag-exits'], changeDate: '2026-10-05', ideaId: idea.id, changed: 'Questionnaire/request-form', status: 'in-progress' });
      const task = await store.repository.read('Task', cycle.id);
      expect(task).toMatchObject({ partOf: [{ reference: `Task/${idea.id}` }], focus: { reference: 'Questionnaire/request-form' }, executionPeriod: { start: '2026-10-05' } });
      expect((task.input as { valueCanonical?: string }[]).map((i) => i.valueCanonical).filter(Boolean)).toEqual([
        'https://kindred.health/fhir/Measure/requests-by-route',
        'https://kindred.health/fhir/Measure/red-flag-exits',
      ]);

      const studied = await updateCycle(await as('hospitalClinician'), cycle.id, {
        title: cycle.title,
        change: cycle.change,
        prediction: cycle.prediction,
        measures: cycle.measures,
        changeDate: '2026-10-05',
        changed: 'Questionnaire/request-form',
        study: 'Online requests rose from 40% to 52%; red flags unchanged',
        studyEnd: '2026-11-16',
        act: 'adopt',
      });
      expect(studied).toMatchObject({ act: 'adopt', status: 'completed', studyEnd: '2026-11-16' });
      expect(studied.study).toContain('52%');
      expect((await readCycle(reception, cycle.id)).act).toBe('adopt');
      expect((await listCycles(reception, { ideaId: idea.id })).map((c) => c.id)).toEqual([cycle.id]);

      await startCycle(reception, { title: 'Earlier', change: 'Call back before noon', measures: ['red-flag-exits'], changeDate: '2026-09-01', reporter: RECEPTION, owner });
      await startCycle(reception, { title: 'No date yet', change: 'Something', measures: ['red-flag-exits'], reporter: RECEPTION, owner });
      const markers = await improvementMarkers(reception, 'red-flag-exits');
      expect(markers.map((m) => [m.date, m.label])).toEqual([
        ['2026-09-01', 'Earlier'],
        ['2026-10-05', 'Shorter online request form'],
      ]);
      expect(markers[1]!.href).toBe(`/app/staff/improvement/cycles/${cycle.id}`);
      expect(await improvementMarkers(await as('volunteer'), 'red-flag-exits')).toEqual([]);
      expect(await statusOf(readCycle(reception, idea.id))).toBe('404');
      expect(await statusOf(updateCycle(reception, cycle.id, { title: '', change: 'x' }))).toBe('422');
    });
  });
}

describe('a cycle\'s fields', () => {
  it('names each problem by its field', () => {
    expect(cycleProblems({ title: '', change: '', changeDate: '2026-13-45', changed: 'Patient/alice', measures: ['Not an id'], study: '', act: 'adopt' }).map((p) => p.field)).toEqual([
      'title',
      'change',
      'changeDate',
      'changed',
      'measures',
      'study',
    ]);
    expect(cycleProblems({ title: 'T', change: 'C', changeDate: '2026-10-05', studyEnd: '2026-10-01' })).toEqual([{ field: 'studyEnd', message: 'The study cannot close before the change was made' }]);
    expect(cycleProblems({ title: 'T', change: 'C' })).toEqual([]);
  });
});
