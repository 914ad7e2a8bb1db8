/**
 * The innovation log's pages over HTTP (Fastify inject), on SQLite and PostgreSQL, signed in as
 * the area's receptionist and hospital clinician: the report link on staff pages, reporting from a
 * ward page (routed to the ward, the reporter told so), errors linked to their fields, no CSRF no
 * save, the log by stage and by team, moving an idea on (its team only), an update, a cycle from
 * the idea with its measures linked to their charts and the change date offered as a rebase,
 * the study and act, and the pages closed to volunteers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREA } from '@kindred/access/testing';
import { MEASURE_LIBRARY } from '@kindred/insight';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { staffTestApp, type StaffTestApp } from '../staff/staff-test-app.ts';

const backends = await testBackends();
const WARD = {
  resourceType: 'CareTeam',
  id: 'ward-north',
  status: 'active',
  name: 'North Virtual Ward',
  category: [{ coding: [{ system: 'https://kindred.health/fhir/CodeSystem/care-team-category', code: 'virtual-ward' }] }],
  participant: [{ member: { reference: 'Organization/hospital' } }, { member: { reference: 'Organization/gp-north' } }],
};
const WARD_TWO = { ...WARD, id: 'ward-two', name: 'Second Virtual Ward' };
/** what a cycle can say it changed: a form, and capacity at North Street and at the hospital */
const CHANGEABLE = [
  { resourceType: 'Questionnaire', id: 'request-form-v3', status: 'active', title: 'Ask your GP practice for help', version: '3' },
  { resourceType: 'HealthcareService', id: 'north-duty', name: 'Duty doctor', providedBy: { reference: 'Organization/gp-north' } },
  { resourceType: 'Schedule', id: 'north-duty-clinic', actor: [{ reference: 'HealthcareService/north-duty' }], comment: 'Duty doctor phone slots' },
  { resourceType: 'HealthcareService', id: 'hospital-clinic', name: 'Hospital clinic', providedBy: { reference: 'Organization/hospital' } },
];
const MEASURE = MEASURE_LIBRARY[0]!;

const idFrom = (location: string | undefined, pattern: RegExp): string => {
  const id = pattern.exec(location ?? '')?.[1];
  if (id === undefined) throw new Error(`no id in ${String(location)}`);
  return id;
};

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the innovation log's pages on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let web: StaffTestApp;
    beforeAll(async () => {
      store = await backend.open();
      await store.repository.importResources([...AREA, WARD, WARD_TWO, ...CHANGEABLE]);
      web = await staffTestApp(store);
    });
    afterAll(async () => {
      await web.close();
      await store.destroy();
    });

    it('reports an idea from a ward page: the link carries the page, the form says where it goes, errors link to the field, and the reporter sees the team', async () => {
      const log = await web.get('receptionist', '/app/staff/improvement');
      expect(log.status).toBe(200);
      expect(log.body).toContain('href="/app/staff/improvement/report?from=%2Fapp%2Fstaff%2Fimprovement"');

      const form = await web.get('receptionist', '/app/staff/improvement/report?from=%2Fapp%2Fstaff%2Fward');
      expect(form.status).toBe(200);
      expect(form.body).toContain('North Virtual Ward');
      expect(form.body).toContain('name="from" value="/app/staff/ward"');

      // the link names the path; the page's query comes from the Referer when it is that page of this site
      const fromWardTwo = await web.app.inject({
        method: 'GET',
        url: '/app/staff/improvement/report?from=%2Fapp%2Fstaff%2Fward',
        headers: { 'x-test-who': 'receptionist', host: 'kindred.test', referer: 'http://kindred.test/app/staff/ward?ward=ward-two' },
      });
      expect(fromWardTwo.body).toContain('Second Virtual Ward');
      expect(fromWardTwo.body).toContain('name="from" value="/app/staff/ward?ward=ward-two"');
      const elsewhereReferer = await web.app.inject({
        method: 'GET',
        url: '/app/staff/improvement/report?from=%2Fapp%2Fstaff%2Fward',
        headers: { 'x-test-who': 'receptionist', host: 'kindred.test', referer: 'http://other.test/app/staff/ward?ward=ward-two' },
      });
      expect(elsewhereReferer.body).toContain('name="from" value="/app/staff/ward"');

      expect((await web.post('receptionist', '/app/staff/improvement/report', { from: '/app/staff/ward', description: 'x' }, { csrf: 'wrong' })).status).toBe(403);
      const empty = await web.post('receptionist', '/app/staff/improvement/report', { from: '/app/staff/ward', description: '   ' });
      expect(empty.status).toBe(400);
      expect(empty.body).toContain('<a href="#description">Say what you noticed or what you suggest</a>');
      expect(empty.body).toContain('<title>Error: Report a problem or an idea');

      const sent = await web.post('receptionist', '/app/staff/improvement/report', { from: '/app/staff/ward', description: 'Late readings are <hard> to spot' });
      expect(sent.status).toBe(303);
      const id = idFrom(sent.location, /\/ideas\/([^/]+)\/sent$/);
      const told = await web.get('receptionist', sent.location!);
      expect(told.body).toContain('It has gone to <strong>North Virtual Ward</strong>');

      // a page outside the staff's app is not followed
      const elsewhere = await web.post('receptionist', '/app/staff/improvement/report', { from: 'https://example.org/', description: 'From nowhere' });
      const elsewhereIdea = await web.get('receptionist', elsewhere.location!.replace(/\/sent$/, ''));
      expect(elsewhereIdea.body).not.toContain('example.org');
      expect(elsewhereIdea.body).toContain('North Street Surgery');

      const listed = await web.get('receptionist', '/app/staff/improvement?team=CareTeam%2Fward-north');
      expect(listed.body).toContain(`href="/app/staff/improvement/ideas/${id}"`);
      expect(listed.body).toContain('Late readings are &lt;hard&gt; to spot');
      expect(listed.body).not.toContain('From nowhere');
    });

    it("moves an idea on by its team's staff only, adds updates, and starts a cycle whose measures link to their charts with the change date as a rebase", async () => {
      const sent = await web.post('receptionist', '/app/staff/improvement/report', { from: '/app/staff/video?org=hospital', description: 'The video waiting room has no clock' });
      const id = idFrom(sent.location, /\/ideas\/([^/]+)\/sent$/);
      // the receptionist has no role at the hospital: the idea goes to their own practice
      const page = await web.get('receptionist', `/app/staff/improvement/ideas/${id}`);
      expect(page.body).toContain('North Street Surgery');
      expect(page.body).toContain('action="/app/staff/improvement/ideas/' + id + '/stage"');

      const bad = await web.post('receptionist', `/app/staff/improvement/ideas/${id}/stage`, { stage: 'later', note: 'kept' });
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('<a href="#stage">Choose a stage</a>');
      expect(bad.body).toContain('kept</textarea>');
      const moved = await web.post('receptionist', `/app/staff/improvement/ideas/${id}/stage`, { stage: 'test', note: 'Trying a clock' });
      expect(moved).toMatchObject({ status: 303, location: `/app/staff/improvement/ideas/${id}?done=stage` });
      // another organisation's clinician sees it, cannot move it, can add an update
      const hospitalView = await web.get('hospitalClinician', `/app/staff/improvement/ideas/${id}`);
      expect(hospitalView.body).toContain('Only the staff of North Street Surgery can move this idea on');
      expect((await web.post('hospitalClinician', `/app/staff/improvement/ideas/${id}/stage`, { stage: 'drop' })).status).toBe(403);
      expect((await web.post('hospitalClinician', `/app/staff/improvement/ideas/${id}/notes`, { text: '' })).status).toBe(400);
      expect((await web.post('hospitalClinician', `/app/staff/improvement/ideas/${id}/notes`, { text: 'We have the same problem' })).status).toBe(303);
      const history = await web.get('receptionist', `/app/staff/improvement/ideas/${id}?done=note`);
      expect(history.body).toContain('Moved from idea to testing. Trying a clock');
      expect(history.body).toContain('We have the same problem');
      expect(history.body).toContain('Your update has been added.');
      const log = await web.get('receptionist', '/app/staff/improvement');
      expect(log.body).toMatch(/<h2 id="stage-test">Testing \(1\)<\/h2>/);

      const newForm = await web.get('receptionist', `/app/staff/improvement/cycles/new?idea=${id}`);
      expect(newForm.body).toContain('The video waiting room has no clock');
      expect(newForm.body).toContain(`value="${MEASURE.id}"`);
      const wrong = await web.post('receptionist', '/app/staff/improvement/cycles', { idea: id, title: '', change: 'A clock', changeDate: '2026-02-31', measures: [MEASURE.id] });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toContain('<a href="#title">Give the cycle a short title</a>');
      expect(wrong.body).toContain('<a href="#changeDate">');
      expect(wrong.body).toMatch(new RegExp(`value="${MEASURE.id}" checked`));
      const started = await web.post('receptionist', '/app/staff/improvement/cycles', { idea: id, title: 'A clock in the waiting room', change: 'Show the time', prediction: 'Fewer people leave', changeDate: '2026-11-02', measures: [MEASURE.id] });
      expect(started.status).toBe(303);
      const cycleId = idFrom(started.location, /\/cycles\/([^/?]+)\?done=started$/);
      const cycle = await web.get('receptionist', started.location!);
      expect(cycle.body).toContain(`href="/app/staff/insight/measures/${MEASURE.id}?rebase=2026-11-02"`);
      expect(cycle.body).toContain('The cycle has started.');
      expect((await web.get('receptionist', `/app/staff/improvement/ideas/${id}`)).body).toContain(`href="/app/staff/improvement/cycles/${cycleId}"`);

      const noStudy = await web.post('hospitalClinician', `/app/staff/improvement/cycles/${cycleId}`, { title: 'A clock in the waiting room', change: 'Show the time', changeDate: '2026-11-02', measures: [MEASURE.id], study: '', act: 'adopt' });
      expect(noStudy.status).toBe(400);
      expect(noStudy.body).toContain('<a href="#study">Say what happened before deciding what to do</a>');
      const studied = await web.post('hospitalClinician', `/app/staff/improvement/cycles/${cycleId}`, {
        title: 'A clock in the waiting room',
        change: 'Show the time',
        changeDate: '2026-11-02',
        measures: [MEASURE.id],
        study: 'Fewer people left the waiting room',
        studyEnd: '2026-11-20',
        act: 'adopt',
      });
      expect(studied.status).toBe(303);
      const after = await web.get('receptionist', `/app/staff/improvement/cycles/${cycleId}`);
      expect(after.body).toContain('Fewer people left the waiting room');
      expect(after.body).toContain('Adopt the change');
      expect((await web.get('receptionist', '/app/staff/improvement/cycles')).body).toContain('A clock in the waiting room');
      expect((await web.get('receptionist', '/app/staff/improvement/cycles/task-dave')).status).toBe(404);
    });

    it("offers what can have changed in Kindred (the forms, and the capacity of the viewer's organisation only) and records the one chosen", async () => {
      const form = await web.get('receptionist', '/app/staff/improvement/cycles/new');
      expect(form.status).toBe(200);
      const options = [...form.body.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => [m[1], m[2]]);
      expect(options).toEqual(
        expect.arrayContaining([
          ['', 'Nothing in Kindred'],
          ['Questionnaire/request-form-v3', 'Form: Ask your GP practice for help (version 3)'],
          ['HealthcareService/north-duty', 'Service: Duty doctor'],
          ['Schedule/north-duty-clinic', 'Capacity: Duty doctor phone slots'],
        ]),
      );
      expect(options.map((o) => o[0])).not.toContain('HealthcareService/hospital-clinic');
      const started = await web.post('receptionist', '/app/staff/improvement/cycles', { title: 'More duty slots', change: 'Two more phone slots each morning', changed: 'Schedule/north-duty-clinic', changeDate: '2026-11-02', measures: [MEASURE.id] });
      expect(started.status).toBe(303);
      const cycleId = idFrom(started.location, /\/cycles\/([^/?]+)\?done=started$/);
      expect((await store.repository.read('Task', cycleId)).focus).toEqual({ reference: 'Schedule/north-duty-clinic' });
      const edit = await web.get('receptionist', `/app/staff/improvement/cycles/${cycleId}/edit`);
      expect(edit.body).toMatch(/<option value="Schedule\/north-duty-clinic" selected>/);
    });

    it('is closed to volunteers', async () => {
      expect((await web.get('volunteer', '/app/staff/improvement')).status).toBe(403);
      expect((await web.post('volunteer', '/app/staff/improvement/report', { description: 'x' })).status).toBe(403);
    });
  });
}
