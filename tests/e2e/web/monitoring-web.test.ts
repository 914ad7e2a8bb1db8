/**
 * The virtual ward in the web app over real HTTP, on SQLite and PostgreSQL, by people signed in
 * through the sign-in service's pages with no JavaScript (decision 0016): the hospital's clinician
 * enrols two people, takes readings on the phone, a red reading opens the ward's urgent alert and
 * puts that person at the top of the dashboard, "I have called them" closes it with a note, the
 * person sends readings by the web form (a typing slip comes back with its error and what was
 * typed), a carer is told who can send readings, and discharge takes the person off the ward.
 * Each role sees only what it should: a receptionist and a volunteer cannot see readings, and
 * another organisation's clinician cannot see the ward. Results are read back from the record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREA } from '@kindred/access/testing';
import { TASK_CODE_SYSTEM, VIRTUAL_WARD_ALERT } from '@kindred/care';
import { parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { TEST_WARD } from './monitoring-ward.ts';
import { startSignInServer, type SignInServer } from '../sign-in/sign-in-server.ts';
import { signInToWebApp, type WebUser } from './web-client.ts';

const backends = await testBackends();

const WARD = TEST_WARD;

/** A receptionist at the hospital, and a referral of Dave to it (so its clinician may enrol him). */
const EXTRA: Resource[] = [
  { resourceType: 'Practitioner', id: 'rec-hospital', name: [{ family: 'Front' }] },
  {
    resourceType: 'PractitionerRole',
    id: 'rec-hospital-role',
    active: true,
    practitioner: { reference: 'Practitioner/rec-hospital' },
    organization: { reference: 'Organization/hospital' },
    code: [{ coding: [{ system: 'https://kindred.health/fhir/CodeSystem/access-role', code: 'receptionist' }] }],
  },
  { resourceType: 'ServiceRequest', id: 'referral-dave', status: 'active', intent: 'order', subject: { reference: 'Patient/dave' }, performer: [{ reference: 'Organization/hospital' }] },
];

const ENROL = {
  ward: 'ward-hospital',
  measures: ['spo2', 'pulse', 'blood-pressure', 'temperature', 'respiratory-rate', 'consciousness', 'symptoms-worse'],
  'times-per-day': '2',
  'limit-spo2-redBelow': '92',
  'limit-spo2-amberBelow': '94',
  'limit-pulse-redBelow': '40',
  'limit-pulse-amberBelow': '50',
  'limit-pulse-amberAbove': '111',
  'limit-pulse-redAbove': '131',
  'limit-blood-pressure-redBelow': '90',
  'limit-blood-pressure-amberBelow': '100',
  'limit-blood-pressure-amberAbove': '180',
  'limit-blood-pressure-redAbove': '220',
  'limit-temperature-redBelow': '35',
  'limit-temperature-amberBelow': '36',
  'limit-temperature-amberAbove': '38.1',
  'limit-temperature-redAbove': '40',
  'limit-respiratory-rate-redBelow': '8',
  'limit-respiratory-rate-amberBelow': '11',
  'limit-respiratory-rate-amberAbove': '21',
  'limit-respiratory-rate-redAbove': '25',
  'spo2-scale': '1',
  'home-oxygen': 'no',
};

const GREEN = { spo2: '97', pulse: '72', systolic: '124', diastolic: '78', temperature: '36.8', 'respiratory-rate': '15', consciousness: 'A', 'symptoms-worse': 'no' };
const RED = { spo2: '89', pulse: '118', systolic: '102', diastolic: '64', temperature: '38.4', 'respiratory-rate': '26', consciousness: 'A', 'symptoms-worse': 'yes' };

async function search(store: TestStore, type: string, params: [string, string][]): Promise<StoredResource[]> {
  return (await store.repository.search(parseSearchRequest(type, [...params, ['_count', '200']], { handling: 'strict' }))).matches;
}

const alertsOf = (store: TestStore, patient: string) => search(store, 'Task', [['patient', `Patient/${patient}`], ['code', `${TASK_CODE_SYSTEM}|${VIRTUAL_WARD_ALERT}`]]);
const methodOf = (o: StoredResource): string | undefined => ((o.method as { coding?: { code?: string }[] } | undefined)?.coding ?? [])[0]?.code;

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the virtual ward in the web app on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let server: SignInServer;
    let ward: WebUser;
    const secrets: Record<string, string> = {};

    beforeAll(async () => {
      store = await backend.open();
      await store.repository.importResources([...AREA, ...EXTRA, WARD]);
      server = await startSignInServer(store);
      await server.addAccount({ username: 'alice', displayName: 'Alice Able', fhirUser: 'Patient/alice', password: 'alice password' });
      await server.addAccount({ username: 'ruth', displayName: 'Ruth', fhirUser: 'RelatedPerson/ruth', password: 'ruth password' });
      await server.addAccount({ username: 'vol', displayName: 'Val Helper', fhirUser: 'Practitioner/vol', password: 'volunteer password', volunteer: true });
      for (const [username, fhirUser] of [
        ['ward', 'Practitioner/dr-hospital'],
        ['front', 'Practitioner/rec-hospital'],
        ['south', 'Practitioner/dr-south'],
      ] as const) {
        secrets[username] = (await server.addAccount({ username, displayName: username, fhirUser, password: `${username} password`, totp: true })).totpSecret!;
      }
      ward = await signInToWebApp(server.origin, 'ward', 'ward password', secrets.ward);
    });
    afterAll(async () => {
      await server?.close();
      await store?.close();
    });

    it('enrols people from their record, with the ward, measures and limits chosen', async () => {
      const record = await ward.page('/app/staff/people/alice');
      expect(record.html).toContain('href="/app/staff/people/alice/virtual-ward"');
      const form = await ward.page('/app/staff/people/alice/virtual-ward');
      expect(form.status).toBe(200);
      expect(form.html).toContain('City Respiratory Virtual Ward');
      expect(form.html).toContain('hypercapnic respiratory failure');
      // a slip: limits out of order, typed text kept beside its error
      const slip = await ward.submit('/app/staff/people/alice/virtual-ward', { ...ENROL, 'limit-pulse-amberAbove': '30' }, form.html);
      expect(slip.status).toBe(400);
      expect(slip.html).toContain('nhsuk-error-summary');
      expect(slip.html).toContain('id="limit-pulse-amberAbove" name="limit-pulse-amberAbove" type="text" value="30"');
      const done = await ward.submit('/app/staff/people/alice/virtual-ward', ENROL, form.html);
      expect(done.status).toBe(200);
      expect(done.url).toMatch(/\/app\/staff\/ward\/people\/alice\?done=enrolled$/);
      expect(done.html).toContain('They are enrolled on the ward');
      const daveForm = await ward.page('/app/staff/people/dave/virtual-ward');
      expect((await ward.submit('/app/staff/people/dave/virtual-ward', ENROL, daveForm.html)).status).toBe(200);
      const plans = await search(store, 'CarePlan', [['care-team', 'CareTeam/ward-hospital'], ['status', 'active']]);
      expect(plans.map((p) => (p.subject as { reference: string }).reference).sort()).toEqual(['Patient/alice', 'Patient/dave']);
      expect(await search(store, 'EpisodeOfCare', [['patient', 'Patient/alice'], ['organization', 'Organization/hospital'], ['status', 'active']])).toHaveLength(1);
      // enrolled already: the form sends them to the ward page
      expect((await ward.page('/app/staff/people/alice/virtual-ward')).url).toMatch(/\/app\/staff\/ward\/people\/alice$/);
    });

    it('takes readings on the phone, and a red reading opens the urgent alert at the top of the dashboard', async () => {
      const dave = await ward.page('/app/staff/ward/people/dave');
      expect((await ward.submit('/app/staff/ward/people/dave/readings', GREEN, dave.html)).url).toMatch(/done=readings$/);
      const alice = await ward.page('/app/staff/ward/people/alice');
      const slip = await ward.submit('/app/staff/ward/people/alice/readings', { ...GREEN, spo2: '940' }, alice.html);
      expect(slip.status).toBe(400);
      expect(slip.html).toContain('value="940"');
      expect(slip.html).toContain('between 50 and 100');
      const saved = await ward.submit('/app/staff/ward/people/alice/readings', RED, alice.html);
      expect(saved.status).toBe(200);
      expect(saved.html).toContain('Phone call with staff');
      expect(saved.html).toContain('Open alerts');
      const observations = await search(store, 'Observation', [['subject', 'Patient/alice'], ['category', 'http://terminology.hl7.org/CodeSystem/observation-category|vital-signs']]);
      expect(observations.length).toBeGreaterThanOrEqual(7);
      expect(new Set(observations.map(methodOf))).toEqual(new Set(['staff-phone']));
      const alerts = await alertsOf(store, 'alice');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ priority: 'urgent', status: 'requested', owner: { reference: 'CareTeam/ward-hospital' } });

      const dashboard = await ward.page('/app/staff/ward');
      expect(dashboard.status).toBe(200);
      expect(dashboard.html).toContain('support clinical judgement');
      const aliceAt = dashboard.html.indexOf('/app/staff/ward/people/alice');
      const daveAt = dashboard.html.indexOf('/app/staff/ward/people/dave');
      expect(aliceAt).toBeGreaterThan(0);
      expect(aliceAt).toBeLessThan(daveAt);
      expect(dashboard.html.slice(aliceAt, daveAt)).toContain('Open alert');
      expect(dashboard.html.slice(aliceAt, daveAt)).toContain('nhsuk-tag--red">Red<');
      expect(dashboard.html).toContain('role="img"');
    });

    it('closes the alert with a note when the ward has called them', async () => {
      const [alert] = await alertsOf(store, 'alice');
      const page = await ward.page('/app/staff/ward/people/alice');
      const called = await ward.submit(`/app/staff/ward/people/alice/alerts/${alert!.id}/called`, { note: 'Advised to call 999; ambulance on its way.' }, page.html);
      expect(called.status, called.html.match(/<main[\s\S]*?<\/main>/)?.[0]).toBe(200);
      expect(called.url).toMatch(/done=called$/);
      const closed = await store.repository.read('Task', alert!.id);
      expect(closed.status).toBe('completed');
      expect(JSON.stringify(closed.note)).toContain('ambulance on its way');
      expect(called.html).not.toContain('I have called them');
    });

    it('lets the person send readings by the web form and tells them their colour', async () => {
      const alice = await signInToWebApp(server.origin, 'alice', 'alice password');
      const form = await alice.page('/app/person/readings');
      expect(form.status).toBe(200);
      expect(form.html).toContain('Oxygen level (SpO2)');
      expect(form.html).not.toContain('name="weight"');
      const slip = await alice.submit('/app/person/readings', { spo2: 'ninety' }, form.html);
      expect(slip.status).toBe(400);
      expect(slip.html).toContain('value="ninety"');
      const sent = await alice.submit('/app/person/readings', GREEN, form.html);
      expect(sent.status).toBe(200);
      expect(sent.url).toMatch(/\/app\/person\/readings\/sent\?colour=green$/);
      expect(sent.html).toContain('readings are green');
      const red = await alice.submit('/app/person/readings', { ...RED, spo2: '88' }, form.html);
      expect(red.html).toContain('readings are red');
      expect(red.html).toContain('call 999 now');
      expect(red.html).toContain('0113 496 0999');
      const web = (await search(store, 'Observation', [['subject', 'Patient/alice']])).filter((o) => methodOf(o) === 'web');
      expect(web.length).toBeGreaterThanOrEqual(7);
      // a new red reading after the first alert was closed opens a new one
      expect((await alertsOf(store, 'alice')).filter((t) => t.status === 'requested')).toHaveLength(1);
    });

    it('tells a carer who can send readings when the policy does not let carers send them', async () => {
      const ruth = await signInToWebApp(server.origin, 'ruth', 'ruth password');
      const page = await ruth.page('/app/person/readings');
      expect(page.status).toBe(200);
      expect(page.html).toContain('Carers cannot send readings');
      expect(page.html).toContain('0113 496 0999');
      expect(page.html).not.toContain('name="spo2"');
    });

    it('shows readings to no receptionist or volunteer, and the ward to no other organisation', async () => {
      const front = await signInToWebApp(server.origin, 'front', 'front password', secrets.front);
      expect((await front.page('/app/staff/ward')).status).toBe(403);
      const frontPerson = await front.page('/app/staff/ward/people/alice');
      expect(frontPerson.status).toBe(403);
      expect(frontPerson.html).not.toContain('Phone call with staff');
      const vol = await signInToWebApp(server.origin, 'vol', 'volunteer password');
      expect((await vol.page('/app/staff/ward')).status).toBe(403);
      expect((await vol.page('/app/staff/ward/people/alice')).status).toBe(403);
      const south = await signInToWebApp(server.origin, 'south', 'south password', secrets.south);
      const southWard = await south.page('/app/staff/ward');
      expect(southWard.status).toBe(404);
      expect(southWard.html).not.toContain('City Respiratory Virtual Ward');
      // asking for the ward by its id does not show it either: south's staff may not read it
      const asked = await south.page('/app/staff/ward?ward=ward-hospital');
      expect(asked.status).toBe(404);
      expect(asked.html).not.toContain('City Respiratory Virtual Ward');
      expect([403, 404]).toContain((await south.page('/app/staff/ward/people/alice')).status);
    });

    it('discharges a person from the ward', async () => {
      const page = await ward.page('/app/staff/ward/people/dave');
      const done = await ward.submit('/app/staff/ward/people/dave/discharge', { reason: 'Recovered' }, page.html);
      expect(done.url).toMatch(/\/app\/staff\/ward(\?|$)/);
      expect(done.html).not.toContain('/app/staff/ward/people/dave');
      expect(await search(store, 'CarePlan', [['subject', 'Patient/dave'], ['status', 'active']])).toHaveLength(0);
    });
  });
}
