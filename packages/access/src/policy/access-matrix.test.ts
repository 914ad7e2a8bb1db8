/**
 * The access matrix: for each role in a small area (GP, receptionist, hospital clinician, mental
 * health clinician, social worker, volunteer, privacy officer, a person, carers with, without and
 * with an expired consent, another practice's clinician, a system client), what they may read,
 * search, include, count, reach through chains and `_has`, see in history and compartments,
 * export, and write; on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { AREA, accessOf, observation, type Who } from './area-fixture.ts';
import { accessibleRecord } from './accessible-record.ts';
import { openBreakGlass } from './break-glass.ts';
import { defaultAccessPolicy } from './policy-config.ts';

const backends = await testBackends();
const policy = defaultAccessPolicy();

async function errorOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof FhirError) return `${error.status}`;
    throw error;
  }
  return 'ok';
}

function ids(resources: readonly StoredResource[]): string[] {
  return resources.map((r) => `${r.resourceType}/${r.id}`).sort();
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`access matrix on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    const as = async (who: Who): Promise<Repository> => (await accessibleRecord(store.repository, accessOf(who), policy)).repository;
    const find = async (who: Who, type: string, query = ''): Promise<string[]> => {
      const page = await (await as(who)).search(parseSearchRequest(type, [...new URLSearchParams(query)], { handling: 'strict' }));
      return ids([...page.matches, ...page.included]);
    };
    const total = async (who: Who, type: string, query: string): Promise<number | undefined> =>
      (await (await as(who)).search(parseSearchRequest(type, [...new URLSearchParams(`${query}&_total=accurate`)], { handling: 'strict' }))).total;

    beforeAll(async () => {
      store = await backend.open();
      for (const resource of AREA) await store.repository.update(resource);
    });
    afterAll(async () => store?.close());

    // Reading one resource: 'ok', 404 (not part of a record they may see) or 403 (a type their role never sees).
    const reads: [Who, Record<string, string>][] = [
      ['gpClinician', { 'Patient/alice': 'ok', 'Patient/dave': 'ok', 'Patient/carol': '404', 'Observation/obs-bp': 'ok', 'Observation/obs-sexual-health': 'ok', 'Condition/cond-safeguarding': 'ok', 'Consent/consent-ruth': 'ok', 'Task/task-dave': 'ok' }],
      ['receptionist', { 'Patient/alice': 'ok', 'Patient/carol': '404', 'Observation/obs-bp': '403', 'Consent/consent-ruth': 'ok' }],
      ['otherGpClinician', { 'Patient/alice': '404', 'Patient/carol': 'ok', 'Observation/obs-bp': '404', 'Observation/obs-carol': 'ok', 'RelatedPerson/ruth': '404' }],
      ['hospitalClinician', { 'Patient/alice': 'ok', 'Observation/obs-bp': 'ok', 'Observation/obs-sexual-health': '404', 'Condition/cond-safeguarding': '404', 'Patient/dave': '404', 'Patient/carol': '404' }],
      ['mentalHealthClinician', { 'Patient/alice': 'ok', 'Observation/obs-bp': 'ok', 'Observation/obs-sexual-health': 'ok', 'Condition/cond-safeguarding': '404' }],
      ['socialWorker', { 'Patient/alice': 'ok', 'Encounter/enc-alice': 'ok', 'Observation/obs-bp': '403', 'Condition/cond-safeguarding': '404', 'Patient/dave': '404' }],
      ['volunteer', { 'Task/task-dave': 'ok', 'Patient/dave': 'ok', 'Patient/alice': '404', 'Observation/obs-dave': '403', 'Consent/consent-ruth': '403' }],
      ['privacyOfficer', { 'Patient/alice': 'ok', 'Observation/obs-bp': '403' }],
      ['patient', { 'Patient/alice': 'ok', 'Observation/obs-bp': 'ok', 'Observation/obs-sexual-health': 'ok', 'Condition/cond-safeguarding': '404', 'Patient/carol': '404', 'RelatedPerson/ruth': 'ok', 'Organization/gp-north': 'ok' }],
      ['carerWithConsent', { 'Patient/alice': 'ok', 'Observation/obs-bp': 'ok', 'Observation/obs-sexual-health': '404', 'Condition/cond-safeguarding': '404', 'RelatedPerson/ruth': 'ok', 'Patient/dave': '404' }],
      ['carerWithExpiredConsent', { 'Patient/alice': '404', 'Observation/obs-bp': '404', 'RelatedPerson/sam': 'ok' }],
      ['carerWithoutConsent', { 'Patient/alice': '404', 'Consent/consent-ruth': '404' }],
      ['system', { 'Patient/alice': 'ok', 'Patient/carol': 'ok', 'Condition/cond-safeguarding': 'ok' }],
    ];
    for (const [who, expected] of reads) {
      it(`read as ${who}`, async () => {
        const repository = await as(who);
        const got: Record<string, string> = {};
        for (const reference of Object.keys(expected)) {
          const [type, id] = reference.split('/') as [string, string];
          got[reference] = await errorOf(repository.read(type, id));
        }
        expect(got).toEqual(expected);
      });
    }

    it('search returns only what each may see, and _total counts only that', async () => {
      expect(await find('hospitalClinician', 'Observation', 'subject=Patient/alice')).toEqual(['Observation/obs-bp']);
      expect(await total('hospitalClinician', 'Observation', 'subject=Patient/alice')).toBe(1);
      expect(await find('otherGpClinician', 'Observation', '')).toEqual(['Observation/obs-carol']);
      expect(await total('otherGpClinician', 'Patient', 'name=Able')).toBe(0);
      expect(await find('gpClinician', 'Patient', '')).toEqual(['Patient/alice', 'Patient/dave']);
      expect(await find('patient', 'Observation', '')).toEqual(['Observation/obs-bp', 'Observation/obs-sexual-health']);
      expect(await find('carerWithConsent', 'Observation', '')).toEqual(['Observation/obs-bp']);
      expect(await find('carerWithExpiredConsent', 'Observation', '')).toEqual([]);
      expect(await find('system', 'Observation', '')).toEqual(['Observation/obs-bp', 'Observation/obs-carol', 'Observation/obs-dave', 'Observation/obs-sexual-health']);
    });

    it('includes and revincludes add nothing the caller may not see', async () => {
      expect(await find('hospitalClinician', 'Patient', '_id=alice&_revinclude=Observation:subject&_revinclude=Condition:subject')).toEqual(['Observation/obs-bp', 'Patient/alice']);
      expect(await find('otherGpClinician', 'Observation', '_include=Observation:subject')).toEqual(['Observation/obs-carol', 'Patient/carol']);
      expect(await find('volunteer', 'Task', '_include=Task:patient&_revinclude:iterate=Observation:subject')).toEqual(['Patient/dave', 'Task/task-dave']);
    });

    it('chained and _has searches cannot test hidden data', async () => {
      // alice has a sexual health observation the hospital may not see: _has must not reveal it
      expect(await find('hospitalClinician', 'Patient', '_has:Observation:subject:code=45331-6')).toEqual([]);
      expect(await find('gpClinician', 'Patient', '_has:Observation:subject:code=45331-6')).toEqual(['Patient/alice']);
      expect(await find('otherGpClinician', 'Observation', 'subject:Patient.name=Able')).toEqual([]);
      expect(await find('hospitalClinician', 'Observation', 'subject:Patient.name=Able')).toEqual(['Observation/obs-bp']);
    });

    it('compartments hold only what may be seen', async () => {
      expect(await find('hospitalClinician', 'Observation', 'patient=alice')).toEqual(['Observation/obs-bp']);
      const compartment = parseSearchRequest('Condition', [], { handling: 'strict' });
      const page = await (await as('hospitalClinician')).search({ ...compartment, filters: [{ kind: 'compartment', compartmentType: 'Patient', id: 'alice', params: [{ resourceType: 'Condition', code: 'subject', type: 'reference' }] }] });
      expect(page.matches).toEqual([]);
    });

    it('history shows only what may be seen', async () => {
      const hospital = await as('hospitalClinician');
      const typeHistory = await hospital.history({ resourceType: 'Observation', count: 50 });
      expect(typeHistory.entries.map((e) => e.id).sort()).toEqual(['obs-bp']);
      expect(await errorOf(hospital.history({ resourceType: 'Condition', id: 'cond-safeguarding', count: 10 }))).toBe('404');
      const system = await (await as('otherGpClinician')).history({ count: 200 });
      expect(system.entries.every((e) => ['carol', 'obs-carol'].includes(e.id) || !['Patient', 'Observation', 'Consent', 'RelatedPerson', 'Condition', 'Encounter', 'ServiceRequest', 'Task'].includes(e.resourceType))).toBe(true);
    });

    it('export and counts cover only what may be seen', async () => {
      const exported: StoredResource[] = [];
      for await (const r of (await as('hospitalClinician')).exportResources({ types: ['Patient', 'Observation', 'Condition'] })) exported.push(r);
      expect(ids(exported)).toEqual(['Observation/obs-bp', 'Patient/alice']);
      const counts = await (await as('carerWithConsent')).countByType();
      expect(counts.Observation).toBe(1);
      expect(counts.Patient).toBe(1);
      expect(await errorOf((await as('volunteer')).importResources([]))).toBe('403');
    });

    it('volunteers see minimal contact details only', async () => {
      const dave = await (await as('volunteer')).read('Patient', 'dave');
      // the date of birth and GP practice too: a request they help with asks the child or adult safety questions and goes to the practice
      expect(Object.keys(dave).sort()).toEqual(['address', 'birthDate', 'generalPractitioner', 'id', 'meta', 'name', 'resourceType', 'telecom']);
      expect(dave.meta.tag).toContainEqual(expect.objectContaining({ code: 'SUBSETTED' }));
    });

    it("includes bring what the policy lets the caller read: the receptionist's requests bring the person and their answers (the policy's chains tied to the included row)", async () => {
      const answers = await store.repository.create({ resourceType: 'QuestionnaireResponse', status: 'completed', subject: { reference: 'Patient/dave' } });
      const request = await store.repository.create({
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        for: { reference: 'Patient/dave' },
        focus: { reference: `QuestionnaireResponse/${answers.resource.id}` },
        owner: { reference: 'Organization/gp-north' },
      });
      const page = await (await as('receptionist')).search(parseSearchRequest('Task', [['_id', request.resource.id], ['_include', 'Task:patient'], ['_include', 'Task:focus']], { handling: 'strict' }));
      expect(page.included.map((r) => `${r.resourceType}/${r.id}`).sort()).toEqual([`Patient/dave`, `QuestionnaireResponse/${answers.resource.id}`]);
      const other = await (await as('otherGpClinician')).search(parseSearchRequest('Observation', [['_id', 'obs-dave'], ['_include', 'Observation:patient']], { handling: 'strict' }));
      expect(other.matches).toEqual([]);
      expect(other.included).toEqual([]);
    });

    it("staff see their organisation's tasks, colleagues' included, through a search by owner as through the exact policy; never another organisation's", async () => {
      const task = (id: string, patient: string, owner: string) => ({ resourceType: 'Task', id, status: 'requested', intent: 'order', for: { reference: `Patient/${patient}` }, owner: { reference: owner } });
      // erin and fay are in nobody's care: only the tasks' owners make them visible (a task involves its owner's organisation with the person)
      await store.repository.importResources([
        { resourceType: 'Patient', id: 'erin', name: [{ family: 'Eve' }] },
        { resourceType: 'Patient', id: 'fay', name: [{ family: 'Fox' }] },
        task('task-colleague', 'erin', 'PractitionerRole/dr-north-role'),
        task('task-south', 'fay', 'PractitionerRole/dr-south-role'),
      ]);
      const receptionist = await as('receptionist');
      const ids = async (repository: Repository, params: [string, string][]) =>
        (await repository.search(parseSearchRequest('Task', params, { handling: 'strict' }))).matches.map((t) => t.id).sort();
      // by owner, within the organisation: the fast path
      expect(await ids(receptionist, [['owner', 'Organization/gp-north,PractitionerRole/dr-north-role,PractitionerRole/rec-north-role']])).toContain('task-colleague');
      // by id: the exact policy gives the same answer
      expect(await ids(receptionist, [['_id', 'task-colleague,task-south']])).toEqual(['task-colleague']);
      // an owner outside the organisation: the exact policy decides, and the other practice's task stays hidden
      expect(await ids(receptionist, [['owner', 'PractitionerRole/dr-north-role,PractitionerRole/dr-south-role']])).toEqual(['task-colleague']);
      expect(await ids(await as('otherGpClinician'), [['_id', 'task-colleague,task-south']])).toEqual(['task-south']);
    });

    it("staff see the teams they or their organisation belong to, such as a virtual ward that names no patient; never another organisation's", async () => {
      const team = (id: string, member: string) => ({ resourceType: 'CareTeam', id, status: 'active', name: id, participant: [{ member: { reference: member } }] });
      await store.repository.importResources([team('ward-north', 'Organization/gp-north'), team('ward-south', 'Organization/gp-south'), team('team-dr-north', 'PractitionerRole/dr-north-role')]);
      const teams = async (who: Who) => (await (await as(who)).search(parseSearchRequest('CareTeam', [['_id', 'ward-north,ward-south,team-dr-north']], { handling: 'strict' }))).matches.map((t) => t.id).sort();
      expect(await teams('receptionist')).toEqual(['ward-north']);
      expect(await teams('otherGpClinician')).toEqual(['ward-south']);
    });

    it('volunteers may fill in a request for the people their tasks are for, as its author and requester, and see only those forms', async () => {
      const form = (patient: string, author: string) => ({ resourceType: 'QuestionnaireResponse', status: 'completed', subject: { reference: `Patient/${patient}` }, author: { reference: author } });
      const request = (patient: string, requester: string) => ({
        resourceType: 'Task',
        status: 'requested',
        intent: 'order',
        for: { reference: `Patient/${patient}` },
        requester: { reference: requester },
        owner: { reference: 'Organization/gp-north' },
      });
      const volunteer = await as('volunteer');
      expect(await errorOf(volunteer.create(form('dave', 'Practitioner/vol')))).toBe('ok');
      expect(await errorOf(volunteer.create(form('alice', 'Practitioner/vol')))).toBe('403');
      expect(await errorOf(volunteer.create(form('dave', 'Practitioner/dr-north')))).toBe('403');
      expect(await errorOf(volunteer.create(request('dave', 'Practitioner/vol')))).toBe('ok');
      expect(await errorOf(volunteer.create(request('alice', 'Practitioner/vol')))).toBe('403');
      expect(await errorOf(volunteer.create(request('dave', 'Practitioner/rec-north')))).toBe('403');
      const forms = await volunteer.search(parseSearchRequest('QuestionnaireResponse', [], { handling: 'strict' }));
      expect(forms.matches.every((f) => (f.author as { reference?: string }).reference === 'Practitioner/vol')).toBe(true);
    });

    it('writes: only for people in care or with consent, and never widening one\'s own access', async () => {
      const write = async (who: Who, work: (r: Repository) => Promise<unknown>): Promise<string> => errorOf(work(await as(who)));
      expect(await write('hospitalClinician', (r) => r.create(observation('x', 'alice', '8867-4')))).toBe('ok');
      expect(await write('otherGpClinician', (r) => r.create(observation('x', 'alice', '8867-4')))).toBe('403');
      expect(
        await write('otherGpClinician', (r) =>
          r.create({ resourceType: 'EpisodeOfCare', status: 'active', patient: { reference: 'Patient/alice' }, managingOrganization: { reference: 'Organization/gp-south' } }),
        ),
      ).toBe('403');
      expect(await write('patient', (r) => r.create(observation('x', 'alice', '8867-4')))).toBe('ok');
      expect(await write('patient', (r) => r.create(observation('x', 'carol', '8867-4')))).toBe('403');
      const appointment = (patient: string) => ({ resourceType: 'Appointment', status: 'proposed', participant: [{ actor: { reference: `Patient/${patient}` }, status: 'needs-action' }] });
      expect(await write('carerWithConsent', (r) => r.create(appointment('alice')))).toBe('ok');
      expect(await write('carerWithConsent', (r) => r.create({ resourceType: 'Communication', status: 'completed', subject: { reference: 'Patient/alice' } }))).toBe('403');
      expect(await write('carerWithExpiredConsent', (r) => r.create(appointment('alice')))).toBe('403');
      // a volunteer may report back on their task, not pass it on, and not touch others' records
      const task = await store.repository.read('Task', 'task-dave');
      expect(await write('volunteer', (r) => r.update({ ...task, status: 'in-progress' }))).toBe('ok');
      const moved = await store.repository.read('Task', 'task-dave');
      expect(await write('volunteer', (r) => r.update({ ...moved, owner: { reference: 'Organization/council' } }))).toBe('403');
      expect(await write('otherGpClinician', (r) => r.delete('Observation', 'obs-bp'))).toBe('404');
      // and nothing refused was written
      const count = await store.repository.search({ ...parseSearchRequest('EpisodeOfCare', [], { handling: 'strict' }), total: 'accurate' });
      expect(count.total).toBe(0);
    });

    it('improvement ideas and cycles name nobody: staff except volunteers read, create and update them; people, carers and volunteers cannot; a Task about a person keeps its own rule', async () => {
      const IMPROVEMENT = 'https://kindred.health/fhir/CodeSystem/improvement';
      const idea = (extra: Record<string, unknown> = {}) => ({
        resourceType: 'Task',
        status: 'requested',
        intent: 'proposal',
        code: { coding: [{ system: IMPROVEMENT, code: 'improvement-idea' }] },
        description: 'The booking page asks for the date of birth twice',
        requester: { reference: 'PractitionerRole/rec-north-role' },
        owner: { reference: 'Organization/hospital' },
        ...extra,
      });
      const created = await (await as('receptionist')).create(idea());
      const id = created.resource.id;
      const reads = async (who: Who) => errorOf((await as(who)).read('Task', id));
      expect(await reads('hospitalClinician')).toBe('ok');
      expect(await reads('socialWorker')).toBe('ok');
      expect(await reads('otherGpClinician')).toBe('ok');
      expect(await reads('volunteer')).toBe('404');
      expect(await reads('patient')).toBe('404');
      expect(await reads('carerWithConsent')).toBe('404');
      expect(await find('privacyOfficer', 'Task', `_id=${id}`)).toEqual([`Task/${id}`]);
      // moving it on, by another organisation's staff; never deleting it
      const current = await (await as('hospitalClinician')).read('Task', id);
      expect(await errorOf((await as('hospitalClinician')).update({ ...current, status: 'in-progress', businessStatus: { text: 'test' } }))).toBe('ok');
      expect(await errorOf((await as('receptionist')).delete('Task', id))).toBe('403');
      // nobody but staff creates one, and one naming a person is judged as any Task about that person
      expect(await errorOf((await as('volunteer')).create(idea()))).toBe('403');
      expect(await errorOf((await as('patient')).create(idea()))).toBe('403');
      expect(await errorOf((await as('otherGpClinician')).create(idea({ for: { reference: 'Patient/alice' } })))).toBe('403');
      const aboutAlice = await store.repository.create(idea({ for: { reference: 'Patient/alice' } }));
      expect(await errorOf((await as('otherGpClinician')).read('Task', aboutAlice.resource.id))).toBe('404');
      expect(await errorOf((await as('gpClinician')).read('Task', aboutAlice.resource.id))).toBe('ok');
      // an ordinary Task naming nobody is still refused, and a Task about a person is unchanged
      expect(await errorOf((await as('receptionist')).create({ resourceType: 'Task', status: 'requested', intent: 'order', description: 'no person' }))).toBe('403');
      expect(await errorOf((await as('otherGpClinician')).read('Task', 'task-dave'))).toBe('404');
      expect(await errorOf((await as('volunteer')).read('Task', 'task-dave'))).toBe('ok');
      // turning a Task about a person into an idea is refused
      const dave = await store.repository.read('Task', 'task-dave');
      const { for: _for, ...withoutPerson } = dave;
      expect(await errorOf((await as('receptionist')).update({ ...withoutPerson, code: idea().code }))).toBe('403');
    });

    it('a transaction with one refused entry writes nothing', async () => {
      const before = (await store.repository.countByType()).Observation;
      const result = errorOf(
        (await as('hospitalClinician')).transaction(async (tx) => {
          await tx.create(observation('y', 'alice', '8867-4'));
          await tx.create(observation('z', 'carol', '8867-4'));
        }),
      );
      expect(await result).toBe('403');
      expect((await store.repository.countByType()).Observation).toBe(before);
    });

    it('a person revokes a carer\'s consent and the carer loses access at once', async () => {
      const ruth = await as('carerWithConsent');
      expect(await errorOf(ruth.read('Patient', 'alice'))).toBe('ok');
      const alice = await as('patient');
      const current = await alice.read('Consent', 'consent-ruth');
      await alice.update({ ...current, status: 'inactive' });
      expect(await errorOf((await as('carerWithConsent')).read('Patient', 'alice'))).toBe('404');
      await store.repository.update({ ...current, status: 'active' });
    });

    it('a consent that denies actors is refused, for everyone', async () => {
      const deny = { resourceType: 'Consent', status: 'active', scope: { text: 'x' }, category: [{ text: 'x' }], patient: { reference: 'Patient/alice' }, provision: { type: 'deny', actor: [{ role: { text: 'x' }, reference: { reference: 'Organization/gp-south' } }] } };
      expect(await errorOf((await as('patient')).create(deny))).toBe('422');
    });

    it('break-glass opens a record for a while, flagged, reviewed by the privacy officer and audited', async () => {
      const hospital = accessOf('hospitalClinician');
      const { principal } = await accessibleRecord(store.repository, hospital, policy);
      expect(await errorOf((await as('hospitalClinician')).read('Patient', 'carol'))).toBe('404');
      expect(await errorOf(openBreakGlass(store.repository, hospital, principal, policy, { patientId: 'carol', reason: 'short' }))).toBe('400');
      const receptionist = await accessibleRecord(store.repository, accessOf('receptionist'), policy);
      expect(await errorOf(openBreakGlass(store.repository, accessOf('receptionist'), receptionist.principal, policy, { patientId: 'carol', reason: 'unconscious in the emergency department' }))).toBe('403');
      expect(await errorOf(openBreakGlass(store.repository, hospital, principal, policy, { patientId: 'nobody-here', reason: 'unconscious in the emergency department' }))).toBe('404');

      const opened = await openBreakGlass(store.repository, hospital, principal, policy, { patientId: 'carol', reason: 'unconscious in the emergency department' });
      expect(await errorOf((await as('hospitalClinician')).read('Patient', 'carol'))).toBe('ok');
      expect(await find('hospitalClinician', 'Observation', 'subject=Patient/carol')).toEqual(['Observation/obs-carol']);
      // the hospital's privacy officer sees the flag and the review task, not carol's record
      expect(await find('privacyOfficer', 'Task', 'owner=Organization/hospital')).toContain(`Task/${opened.review.id}`);
      expect(await find('privacyOfficer', 'Flag', '')).toEqual([`Flag/${opened.flag.id}`]);
      expect(await errorOf((await as('privacyOfficer')).read('Patient', 'carol'))).toBe('404');
      // the access ends when the flag's period does
      const later = Date.now() + 2 * 3_600_000;
      const afterwards = await accessibleRecord(store.repository, hospital, policy, later);
      expect(await errorOf(afterwards.repository.read('Patient', 'carol'))).toBe('404');
      const audit = await store.audit.forPatient('carol', { count: 10 });
      expect(JSON.stringify(audit)).toContain('unconscious in the emergency department');
      await store.repository.delete('Flag', opened.flag.id);
    });

    it('patient/ scopes reach only the patient in context, within the policy', async () => {
      const launched = (who: Who, patient: string | undefined) =>
        accessibleRecord(store.repository, { ...accessOf(who, 'launch/patient patient/Observation.rs patient/Patient.rs'), ...(patient ? { patient } : {}) }, policy);
      const gp = (await launched('gpClinician', 'dave')).repository;
      expect(ids((await gp.search(parseSearchRequest('Observation', [], { handling: 'strict' }))).matches)).toEqual(['Observation/obs-dave']);
      expect(await errorOf(gp.read('Patient', 'alice'))).toBe('404');
      expect(await errorOf(gp.read('Patient', 'dave'))).toBe('ok');
      // the patient in context does not widen the policy: the other practice still sees nothing of alice
      const other = (await launched('otherGpClinician', 'alice')).repository;
      expect(await errorOf(other.read('Patient', 'alice'))).toBe('404');
      // without a patient in context, patient/ scopes grant nothing
      expect(await errorOf((await launched('gpClinician', undefined)).repository.read('Patient', 'dave'))).toBe('403');
    });

    it('SMART scopes narrow the policy and never widen it', async () => {
      const narrow = (await accessibleRecord(store.repository, accessOf('gpClinician', 'user/Patient.rs'), policy)).repository;
      expect(await errorOf(narrow.read('Patient', 'alice'))).toBe('ok');
      expect(await errorOf(narrow.read('Observation', 'obs-bp'))).toBe('403');
      const wide = (await accessibleRecord(store.repository, accessOf('otherGpClinician', 'system/*.cruds'), policy)).repository;
      expect(await errorOf(wide.read('Patient', 'alice'))).toBe('404');
    });
  });
}
