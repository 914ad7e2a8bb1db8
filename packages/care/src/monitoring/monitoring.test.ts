/**
 * Remote monitoring end to end on SQLite and PostgreSQL (decision 0016), through the access-checked
 * repositories of the area's people and staff (packages/access testing fixture) and Kindred's
 * monitoring system context: enrolment, readings by the web form, by text and by staff on the
 * phone, NEWS2, red alerts and the person's message, duplicates, late readings, bad and unknown
 * texts, the ward's dashboard, who may see the readings, and discharge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { activeMonitoringPlan, dischargeFromVirtualWard, enrolInVirtualWard, findVirtualWards, readVirtualWard } from './enrolment.ts';
import { Measure, type MonitoringDeps, type ReadingValues } from './monitoring-api.ts';
import { MOBILES, MONITORING_AREA, NOW, WARD_ID, at, monitoringDeps, repositoryOf, systemRepository } from './monitoring-fixture.ts';
import {
  CARE_PLAN_CATEGORY_SYSTEM,
  EPISODE_TYPE_SYSTEM,
  HOME_OXYGEN_EXTENSION,
  NEWS2_CODE,
  READING_METHOD_SYSTEM,
  SPO2_SCALE_EXTENSION,
  THRESHOLDS_EXTENSION,
} from './monitoring-vocabulary.ts';
import { MONITORING_SCOPES, receivedText } from './received-text.ts';
import { recordReadings } from './record-readings.ts';
import { wardDashboard } from './ward-dashboard.ts';
import { observationsOf as wardObservations, openAlertsOf, searchAll } from './ward-reads.ts';
import { rejection } from '../rejection.ts';

const backends = await testBackends();
const DR_NORTH = { reference: 'PractitionerRole/dr-north-role' };
const WARD_NURSE = { reference: 'PractitionerRole/dr-hospital-role' };
const ALICE = { reference: 'Patient/alice' };
const VITALS = [
  { measure: Measure.spo2, timesPerDay: 4 },
  { measure: Measure.pulse, timesPerDay: 4 },
  { measure: Measure.bloodPressure, timesPerDay: 4 },
  { measure: Measure.temperature, timesPerDay: 4 },
  { measure: Measure.respiratoryRate, timesPerDay: 4 },
  { measure: Measure.consciousness, timesPerDay: 4 },
];
const WELL: ReadingValues = { spo2: 97, pulse: 72, bloodPressure: { systolic: 128, diastolic: 82 }, temperature: 36.8, respiratoryRate: 16, consciousness: 'A' };


for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`remote monitoring on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let gp: Repository;
    let wardStaff: Repository;
    let otherGp: Repository;
    let alice: Repository;
    let system: Repository;
    let deps: MonitoringDeps;
    beforeAll(async () => {
      store = await backend.open();
      await store.repository.importResources(MONITORING_AREA);
      gp = await repositoryOf(store, 'gpClinician');
      wardStaff = await repositoryOf(store, 'hospitalClinician');
      otherGp = await repositoryOf(store, 'otherGpClinician');
      alice = await repositoryOf(store, 'patient');
      system = await systemRepository(store);
      deps = await monitoringDeps(store);
    });
    afterAll(() => store.destroy());

    const search = async (repository: Repository, type: string, params: [string, string][]): Promise<StoredResource[]> =>
      (await repository.search(parseSearchRequest(type, [...params, ['_count', '1000']], { handling: 'strict' }))).matches;
    // the readings of remote monitoring (the area has other Observations of its own)
    const monitored = (observations: StoredResource[]) => observations.filter((o) => o.basedOn !== undefined);
    const observationsOf = async (patientId: string) => monitored(await search(store.repository, 'Observation', [['patient', `Patient/${patientId}`]]));
    const alertsOf = (patientId: string) => search(store.repository, 'Task', [['patient', `Patient/${patientId}`], ['code', 'https://kindred.health/fhir/CodeSystem/task-code|virtual-ward-alert']]);

    it('finds the virtual wards, by organisation, and only CareTeams that are virtual wards', async () => {
      expect((await findVirtualWards(system)).map((w) => w.id)).toEqual([WARD_ID]);
      expect(await findVirtualWards(system, 'hospital')).toMatchObject([{ id: WARD_ID, name: 'City Hospital at Home', phone: '0113 496 0100', organization: { reference: 'Organization/hospital' } }]);
      expect(await findVirtualWards(system, 'gp-north')).toEqual([]);
    });

    it('enrols a person: an EpisodeOfCare for the ward\'s organisation and a remote-monitoring CarePlan with measures, frequencies and thresholds', async () => {
      const { carePlan, episodeOfCare } = await enrolInVirtualWard(
        gp,
        { patientId: 'alice', wardId: WARD_ID, measures: [...VITALS.slice(0, 1).map((m) => ({ ...m, thresholds: { redBelow: 91, amberBelow: 93 } })), ...VITALS.slice(1)], spo2Scale: 1, homeOxygen: false, enrolledBy: DR_NORTH, now: NOW, reason: 'Pneumonia, early discharge' },
        { wards: system },
      );
      expect(episodeOfCare).toMatchObject({
        status: 'active',
        type: [{ coding: [{ system: EPISODE_TYPE_SYSTEM, code: 'virtual-ward' }] }],
        patient: ALICE,
        managingOrganization: { reference: 'Organization/hospital' },
        team: [{ reference: `CareTeam/${WARD_ID}` }],
        period: { start: at(0) },
      });
      expect(carePlan).toMatchObject({
        status: 'active',
        intent: 'plan',
        category: [{ coding: [{ system: CARE_PLAN_CATEGORY_SYSTEM, code: 'remote-monitoring' }] }],
        subject: ALICE,
        careTeam: [{ reference: `CareTeam/${WARD_ID}` }],
        supportingInfo: [{ reference: `EpisodeOfCare/${episodeOfCare.id}` }],
        description: 'Pneumonia, early discharge',
        extension: [
          { url: SPO2_SCALE_EXTENSION, valueInteger: 1 },
          { url: HOME_OXYGEN_EXTENSION, valueBoolean: false },
        ],
      });
      const activities = carePlan.activity as { detail: { code: { coding: { code: string }[] }; scheduledTiming: unknown; extension?: { url: string; extension: unknown[] }[] } }[];
      expect(activities.map((a) => a.detail.code.coding[0]?.code)).toEqual(['59408-5', '8867-4', '85354-9', '8310-5', '9279-1', '67775-7']);
      expect(activities[0]?.detail.scheduledTiming).toEqual({ repeat: { frequency: 4, period: 1, periodUnit: 'd' } });
      expect(activities[0]?.detail.extension).toEqual([{ url: THRESHOLDS_EXTENSION, extension: [{ url: 'red-below', valueDecimal: 91 }, { url: 'amber-below', valueDecimal: 93 }] }]);

      const plan = await activeMonitoringPlan(alice, 'alice');
      expect(plan).toMatchObject({ patientId: 'alice', wardId: WARD_ID, spo2Scale: 1, homeOxygen: false, start: at(0) });
      expect(plan?.measures.find((m) => m.measure === 'spo2')).toMatchObject({ thresholds: { redBelow: 91, amberBelow: 93 }, periodMs: 6 * 3_600_000 });
      expect(plan?.measures.find((m) => m.measure === 'pulse')?.thresholds).toEqual({ redBelow: 40, amberBelow: 50, amberAbove: 111, redAbove: 131 });
      expect(plan?.episodeOfCare?.id).toBe(episodeOfCare.id);
    });

    it('refuses a second active enrolment on the same ward, saying why', async () => {
      const error = await rejection(enrolInVirtualWard(gp, { patientId: 'alice', wardId: WARD_ID, measures: VITALS, spo2Scale: 1, homeOxygen: false, enrolledBy: DR_NORTH, now: NOW + 1 }, { wards: system }));
      expect(error).toMatchObject({ errorName: 'CONFLICT', status: 409, message: 'Test Able is already on City Hospital at Home (since 2030-03-01). Change their plan, or discharge them first.' });
      expect(await search(store.repository, 'CarePlan', [['patient', 'Patient/alice']])).toHaveLength(1);
    });

    it('refuses plans that make no sense, and a CareTeam that is not a virtual ward', async () => {
      const base = { patientId: 'dave', wardId: WARD_ID, spo2Scale: 1 as const, homeOxygen: false, enrolledBy: DR_NORTH, now: NOW };
      expect((await rejection(enrolInVirtualWard(gp, { ...base, measures: [] }, { wards: system }))).message).toBe('Choose at least one measure to monitor.');
      expect((await rejection(enrolInVirtualWard(gp, { ...base, measures: [{ measure: Measure.pulse }] }, { wards: system }))).message).toMatch(/Say how often to measure pulse/);
      expect((await rejection(enrolInVirtualWard(gp, { ...base, measures: [{ measure: Measure.spo2, timesPerDay: 2, thresholds: { redBelow: 95, amberBelow: 92 } }] }, { wards: system }))).message).toMatch(/limits of spo2 cross/);
      expect((await rejection(enrolInVirtualWard(gp, { ...base, wardId: 'not-a-ward', measures: VITALS }, { wards: system }))).message).toBe('CareTeam/not-a-ward is not an active virtual ward.');
      expect(await search(store.repository, 'EpisodeOfCare', [['patient', 'Patient/dave']])).toEqual([]);
    });

    it('enrolment opens the person\'s record to the ward\'s staff, and to nobody else', async () => {
      await enrolInVirtualWard(gp, { patientId: 'dave', wardId: WARD_ID, measures: [{ measure: Measure.spo2, timesPerDay: 2 }, { measure: Measure.weight, timesPerDay: 1 }], spo2Scale: 1, homeOxygen: false, enrolledBy: DR_NORTH, now: NOW }, { wards: system });
      const south = await repositoryOf(store, 'otherGpClinician');
      await enrolInVirtualWard(south, { patientId: 'carol', wardId: WARD_ID, measures: [{ measure: Measure.spo2, timesPerDay: 4 }], spo2Scale: 2, homeOxygen: true, enrolledBy: { reference: 'PractitionerRole/dr-south-role' }, now: NOW }, { wards: system });
      expect((await activeMonitoringPlan(wardStaff, 'dave'))?.measures.map((m) => m.measure)).toEqual(['spo2', 'weight']);
      expect(await activeMonitoringPlan(otherGp, 'dave')).toBeUndefined();
      expect((await activeMonitoringPlan(wardStaff, 'carol'))?.measures[0]?.thresholds).toEqual({ redBelow: 85, amberBelow: 87 });
    });

    it('a reading set from the web form: one vital-signs Observation per value, stored through the person\'s own record, and NEWS2 from all seven', async () => {
      // Kindred's monitoring here may not write Observations at all: the readings can only be stored by Alice's own record
      const narrow = await monitoringDeps(store, MONITORING_SCOPES.replace('system/Observation.crs', 'system/Observation.rs'));
      const result = await recordReadings(alice, narrow, { patientId: 'alice', takenAt: at(1), receivedAt: at(1), values: WELL, source: 'web', enteredBy: ALICE });
      expect(result).toMatchObject({ colour: 'green', reasons: [], duplicate: false, late: false });
      expect(result.alertTask).toBeUndefined();
      expect(result.observations).toHaveLength(6);
      const spo2 = result.observations.find((o) => (o.code as { coding: { code: string }[] }).coding[0]?.code === '59408-5')!;
      expect(spo2).toMatchObject({
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
        subject: ALICE,
        effectiveDateTime: at(1),
        issued: at(1),
        performer: [ALICE],
        method: { coding: [{ system: READING_METHOD_SYSTEM, code: 'web' }] },
        valueQuantity: { value: 97, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
      });
      const bp = result.observations.find((o) => (o.code as { coding: { code: string }[] }).coding[0]?.code === '85354-9')!;
      expect(bp.component).toEqual([
        { code: { coding: [{ system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' }] }, valueQuantity: { value: 128, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
        { code: { coding: [{ system: 'http://loinc.org', code: '8462-4', display: 'Diastolic blood pressure' }] }, valueQuantity: { value: 82, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
      ]);
      const ids = new Set(result.observations.map((o) => (o.identifier as { value: string }[])[0]?.value));
      expect(ids.size).toBe(1);
      // RR 16 → 0, SpO2 97 → 0, air (plan) → 0, systolic 128 → 0, pulse 72 → 0, alert → 0, 36.8 → 0
      expect(result.news2Score).toMatchObject({ total: 0, band: 'low' });
      expect(result.news2).toMatchObject({ code: { coding: [{ system: NEWS2_CODE.system, code: NEWS2_CODE.code }] }, valueInteger: 0, effectiveDateTime: at(1) });
      expect((result.news2?.derivedFrom as { reference: string }[]).map((r) => r.reference).sort()).toEqual(result.observations.map((o) => `Observation/${o.id}`).sort());
    });

    it('NEWS2 needs all seven within an hour: a partial set is scored with the readings of the hour before it, not older ones', async () => {
      const partial = await recordReadings(alice, deps, { patientId: 'alice', takenAt: at(1.5), receivedAt: at(1.5), values: { pulse: 95, temperature: 37.2 }, source: 'web', enteredBy: ALICE });
      // pulse 95 → 1, the rest from the set of half an hour before → 0: total 1
      expect(partial.news2Score).toMatchObject({ total: 1, band: 'low' });
      expect(partial.colour).toBe('amber');
      const alone = await recordReadings(alice, deps, { patientId: 'alice', takenAt: at(3), receivedAt: at(3), values: { pulse: 80 }, source: 'web', enteredBy: ALICE });
      expect(alone.news2).toBeUndefined();
      expect(alone.colour).toBe('green');
    });

    it('a red reading creates the urgent Task for the ward and sends the person what to do now, in the same call', async () => {
      const outboxBefore = (await store.outbox.pending()).length;
      const result = await recordReadings(alice, deps, { patientId: 'alice', takenAt: at(4), receivedAt: at(4), values: { spo2: 90, pulse: 84 }, source: 'web', enteredBy: ALICE });
      expect(result).toMatchObject({ colour: 'red', alertCreated: true, duplicate: false });
      expect(result.reasons[0]).toEqual({ colour: 'red', measure: 'spo2', text: 'SpO2 90% is at or below the red limit of 91%' });
      expect(result.alertTask).toMatchObject({
        status: 'requested',
        intent: 'order',
        priority: 'urgent',
        code: { coding: [{ code: 'virtual-ward-alert' }] },
        for: { reference: 'Patient/alice' },
        owner: { reference: `CareTeam/${WARD_ID}` },
        focus: { reference: `Observation/${result.observations[0]?.id}` },
        reasonCode: { text: 'Red reading: SpO2 90% is at or below the red limit of 91%.' },
      });
      expect(result.message?.decision).toMatchObject({ kind: 'send', channel: 'sms' });
      const outbox = await store.outbox.pending();
      expect(outbox).toHaveLength(outboxBefore + 1);
      expect(outbox.at(-1)).toMatchObject({ channel: 'sms', template: 'monitoring-red-alert' });
      expect(result.message?.communication).toMatchObject({ status: 'in-progress', about: [{ reference: `Task/${result.alertTask?.id}` }] });
      expect(String((result.message?.communication.payload as { contentString: string }[])[0]?.contentString)).toBe(
        'Your readings need checking now. The City Hospital at Home team will call you within 30 minutes. If you feel very unwell or find it hard to breathe, call 999 now. If nobody has called in 30 minutes, phone 0113 496 0100.',
      );
      // the ward's staff see the alert; the person's GP at another practice does not
      expect((await search(wardStaff, 'Task', [['patient', 'Patient/alice']])).map((t) => t.id)).toContain(result.alertTask?.id);
      expect(await search(otherGp, 'Task', [['patient', 'Patient/alice']])).toEqual([]);
    });

    it('a second red reading while the alert is open adds a note to it and makes no new Task; staff on the phone are the performer', async () => {
      const result = await recordReadings(wardStaff, deps, { patientId: 'alice', takenAt: at(4.5), receivedAt: at(4.5), values: { spo2: 89 }, source: 'staff-phone', enteredBy: WARD_NURSE });
      expect(result).toMatchObject({ colour: 'red', alertCreated: false });
      expect(result.observations[0]).toMatchObject({ performer: [WARD_NURSE], method: { coding: [{ code: 'staff-phone' }] } });
      const alerts = await alertsOf('alice');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.id).toBe(result.alertTask?.id);
      expect((alerts[0]?.note as { text: string }[]).map((n) => n.text)).toEqual(['Another red reading: Red reading: SpO2 89% is at or below the red limit of 91%.']);
    });

    it('the same set again stores nothing new and raises no second alert', async () => {
      const before = await observationsOf('alice');
      const again = await recordReadings(alice, deps, { patientId: 'alice', takenAt: at(4), receivedAt: at(4.6), values: { pulse: 84, spo2: 90 }, source: 'web', enteredBy: ALICE });
      expect(again).toMatchObject({ duplicate: true, colour: 'red' });
      expect(again.alertTask).toBeUndefined();
      expect(again.observations.map((o) => o.id).sort()).toEqual(before.filter((o) => o.effectiveDateTime === at(4)).map((o) => o.id).sort());
      expect(await observationsOf('alice')).toHaveLength(before.length);
      const [alert] = await alertsOf('alice');
      expect(alert?.note as unknown[]).toHaveLength(1);
    });

    it('a late reading is stored and scored; its red alert says it is late and when it was taken', async () => {
      const result = await recordReadings(alice, deps, { patientId: 'alice', takenAt: at(3.5), receivedAt: at(11), values: { spo2: 88 }, source: 'web', enteredBy: ALICE });
      expect(result).toMatchObject({ late: true, colour: 'red', alertCreated: false });
      const [alert] = await alertsOf('alice');
      expect((alert?.note as { text: string }[]).at(-1)?.text).toBe(
        'Another red reading: Red reading: SpO2 88% is at or below the red limit of 91%. This reading arrived late: it was taken on Friday 1 March 2030 at 12:30pm.',
      );
    });

    it('a text message of readings from an enrolled person: recorded as sms, with a reply of what was recorded and what to do', async () => {
      const reply = await receivedText(deps, { from: '447700900456', content: 'O2 96 WT 70.5', receivedAt: at(1) });
      expect(reply).toMatchObject({ outcome: 'recorded', patientId: 'dave' });
      expect(reply.reply).toBe('Thank you. We recorded: oxygen 96%, weight 70.5 kg. Your readings are in your usual range. Send your next readings as planned.');
      expect(reply.recorded?.observations.map((o) => (o.method as { coding: { code: string }[] }).coding[0]?.code)).toEqual(['sms', 'sms']);
      expect(reply.recorded?.observations[0]?.performer).toEqual([{ reference: 'Patient/dave', display: 'Test Dunn' }]);
    });

    it('the same text sent twice is one reading set', async () => {
      const before = await observationsOf('dave');
      const again = await receivedText(deps, { from: MOBILES.dave, content: 'wt 70.5, o2 96', receivedAt: at(1.1) });
      expect(again.outcome).toBe('duplicate');
      expect(again.reply).toBe('We already have these readings (received at 10am), so nothing new was recorded.');
      expect(await observationsOf('dave')).toHaveLength(before.length);
    });

    it('a text that cannot be read gets a clear reply, and nothing is stored', async () => {
      const before = await observationsOf('dave');
      const reply = await receivedText(deps, { from: '07700900456', content: 'O2 9x BP 128', receivedAt: at(1.2) });
      expect(reply.outcome).toBe('unreadable');
      expect(reply.reply).toBe(
        'Sorry, we could not read all of your message. We could not read "O2 9x": oxygen level needs a number, like O2 94. Blood pressure needs both numbers, the top and the bottom one, like BP 128/82. We read "BP 128". Nothing has been recorded. Please send all your readings again like this: O2 94 P 88 T 37.8 BP 128/82 RR 18',
      );
      expect(await observationsOf('dave')).toHaveLength(before.length);
    });

    it('a text from a number that belongs to nobody on a virtual ward is told so, and nothing is recorded', async () => {
      const before = (await search(store.repository, 'Observation', [])).length;
      const reply = await receivedText(deps, { from: '447700900999', content: 'O2 94', receivedAt: at(1.3) });
      expect(reply).toEqual({ outcome: 'unknown-number', reply: 'This phone number is not linked to a virtual ward, so we have not recorded your readings. Please call your ward team on the number they gave you.' });
      expect(await search(store.repository, 'Observation', [])).toHaveLength(before);
    });

    it('the dashboard lists people red, amber, green, with latest values, NEWS2, missed readings, open alerts and 7-day series', async () => {
      const dashboard = await wardDashboard(wardStaff, WARD_ID, NOW + 10.5 * 3_600_000, { wards: system });
      expect(dashboard.ward.name).toBe('City Hospital at Home');
      expect(dashboard.rows.map((r) => [r.patientId, r.colour])).toEqual([
        ['alice', 'red'],
        ['carol', 'amber'],
        ['dave', 'green'],
      ]);
      const [aliceRow, carolRow, daveRow] = dashboard.rows;
      expect(aliceRow?.openAlerts).toHaveLength(1);
      expect(aliceRow?.latest.find((l) => l.measure === 'spo2')).toMatchObject({ value: 89, display: '89%', colour: 'red', takenAt: at(4.5) });
      expect(aliceRow?.news2).toMatchObject({ score: 1, band: 'low', takenAt: at(1.5) });
      expect(aliceRow?.series.find((s) => s.measure === 'spo2')?.points.map((p) => [p.value, p.colour])).toEqual([
        [97, 'green'],
        [88, 'red'],
        [90, 'red'],
        [89, 'red'],
      ]);
      expect(aliceRow?.series.find((s) => s.measure === 'blood-pressure')?.points).toEqual([{ at: at(1), value: 128, value2: 82, colour: 'green' }]);
      // 10.5 hours in: 6-hourly measures are missed 9 hours after their last reading, so those last taken at 1 hour
      expect(aliceRow?.missed).toEqual(['blood-pressure', 'respiratory-rate', 'consciousness']);
      expect(carolRow).toMatchObject({ name: 'Test Cole', missed: ['spo2'], latest: [], reasons: [{ colour: 'amber', measure: 'spo2', text: 'Oxygen level (SpO2): no reading when one was due' }] });
      expect(daveRow).toMatchObject({ missed: [], lastReadingAt: at(1) });
      expect(dashboard.caution).toMatch(/support clinical judgement/);
    });

    it("the dashboard's ward-wide reads find what one search per person finds, page by page, as the caller may see it", async () => {
      const people = ['alice', 'carol', 'dave'];
      const until = NOW + 10.5 * 3_600_000;
      const found = await wardObservations(wardStaff, people, NOW - 7 * 86_400_000, until);
      for (const who of people) {
        const one = await search(wardStaff, 'Observation', [['patient', `Patient/${who}`], ['date', `ge${new Date(NOW - 7 * 86_400_000).toISOString()}`], ['date', `le${new Date(until).toISOString()}`], ['_sort', '-date']]);
        expect((found.get(who) ?? []).map((o) => o.id)).toEqual(one.map((o) => o.id));
      }
      expect(found.get('alice')?.length).toBeGreaterThan(2);
      const paged = await searchAll(wardStaff, 'Observation', [['patient', 'Patient/alice'], ['_sort', '-date'], ['_count', '2']]);
      expect(paged.map((o) => o.id)).toEqual((await search(wardStaff, 'Observation', [['patient', 'Patient/alice'], ['_sort', '-date']])).map((o) => o.id));
      // another organisation's clinician: only the person their organisation cares for
      expect([...(await wardObservations(otherGp, people, NOW - 7 * 86_400_000, until)).keys()].filter((k) => k !== 'carol')).toEqual([]);
      expect([...(await openAlertsOf(wardStaff, people)).keys()]).toEqual(['alice']);
    });

    it('a member of staff elsewhere sees only the people their organisation cares for', async () => {
      const dashboard = await wardDashboard(otherGp, WARD_ID, NOW + 10.5 * 3_600_000, { wards: system });
      expect(dashboard.rows.map((r) => r.patientId)).toEqual(['carol']);
      // the ward itself: its organisation's staff read it through their own record, another organisation's may not
      expect((await wardDashboard(wardStaff, WARD_ID, NOW + 10.5 * 3_600_000)).ward.phone).toBe('0113 496 0100');
      expect((await rejection(readVirtualWard(otherGp, WARD_ID))).status).toBe(404);
    });

    it('a clinician at another organisation without the episode cannot see the person\'s readings; the person sees their own', async () => {
      const theirs = await observationsOf('alice');
      expect(theirs.length).toBeGreaterThan(0);
      expect(await search(otherGp, 'Observation', [['patient', 'Patient/alice']])).toEqual([]);
      expect((await rejection(otherGp.read('Observation', theirs[0]!.id))).status).toBe(404);
      expect(monitored(await search(alice, 'Observation', [['patient', 'Patient/alice']])).map((o) => o.id).sort()).toEqual(theirs.map((o) => o.id).sort());
      expect(await search(alice, 'Observation', [['patient', 'Patient/dave']])).toEqual([]);
    });

    it('NEWS2 of 5 or more is red on its own: the alert points to the score (scale 2, home oxygen from the plan)', async () => {
      const south = await repositoryOf(store, 'otherGpClinician');
      const values: ReadingValues = { respiratoryRate: 22, spo2: 90, bloodPressure: { systolic: 105, diastolic: 70 }, pulse: 95, consciousness: 'A', temperature: 37 };
      const result = await recordReadings(south, deps, { patientId: 'carol', takenAt: at(12), receivedAt: at(12), values, source: 'staff-phone', enteredBy: { reference: 'PractitionerRole/dr-south-role' } });
      // RR 22 → 2; SpO2 90 on scale 2 with oxygen → 0; oxygen (home oxygen) → 2; systolic 105 → 1; pulse 95 → 1; A → 0; 37.0 → 0. Total 6.
      expect(result.news2Score).toMatchObject({ total: 6, band: 'medium', parameters: { spo2: 0, airOrOxygen: 2 } });
      expect(result.colour).toBe('red');
      expect(result.alertTask).toMatchObject({ focus: { reference: `Observation/${result.news2?.id}` } });
      expect((result.alertTask?.reasonCode as { text: string }).text).toBe('Red reading: NEWS2 score 6 (medium risk): 5 or more needs action now.');
    });

    it('when the person cannot be sent the message, the alert still stands and says so', async () => {
      const refusing: MonitoringDeps = { ...deps, channels: { ...deps.channels, description: 'a refusing channel', sendSms: () => Promise.reject(new Error('the number is not in service')) } };
      const result = await recordReadings(wardStaff, refusing, { patientId: 'dave', takenAt: at(12), receivedAt: at(12), values: { spo2: 85 }, source: 'staff-phone', enteredBy: WARD_NURSE });
      expect(result).toMatchObject({ colour: 'red', alertCreated: true });
      expect(result.message).toBeUndefined();
      expect((result.alertTask?.note as { text: string }[]).map((n) => n.text)).toEqual(['The person could not be sent the "what to do now" message: the number is not in service']);
      const [communication] = await search(store.repository, 'Communication', [['recipient', 'Patient/dave']]);
      expect(communication).toMatchObject({ status: 'not-done' });
    });

    it('the same set sent twice at the same moment is stored once', async () => {
      const before = await observationsOf('dave');
      const send = () => recordReadings(wardStaff, deps, { patientId: 'dave', takenAt: at(13), receivedAt: at(13), values: { spo2: 96, weight: 70.1 }, source: 'staff-phone', enteredBy: WARD_NURSE });
      const results = await Promise.all([send(), send()]);
      expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
      expect(await observationsOf('dave')).toHaveLength(before.length + 2);
    });

    it('two red sets at the same moment make one alert, with a note for the other', async () => {
      const send = (spo2: number) => recordReadings(wardStaff, deps, { patientId: 'carol', takenAt: at(14), receivedAt: at(14), values: { spo2 }, source: 'staff-phone', enteredBy: WARD_NURSE });
      const open = await search(store.repository, 'Task', [['patient', 'Patient/carol'], ['status', 'requested']]);
      for (const task of open) await store.repository.update({ ...task, status: 'completed' });
      const results = await Promise.all([send(80), send(81)]);
      expect(results.map((r) => r.alertCreated).sort()).toEqual([false, true]);
      const alerts = (await alertsOf('carol')).filter((t) => t.status === 'requested');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.note as unknown[]).toHaveLength(1);
    });

    it('discharge ends the plan and the episode; texts are then not recorded', async () => {
      const { carePlan, episodeOfCare } = await dischargeFromVirtualWard(wardStaff, { patientId: 'alice', wardId: WARD_ID, dischargedBy: WARD_NURSE, now: NOW + 24 * 3_600_000, reason: 'Recovered' });
      expect(carePlan).toMatchObject({ status: 'completed', period: { start: at(0), end: at(24) }, note: [{ text: 'Discharged from the virtual ward: Recovered.' }] });
      expect(episodeOfCare).toMatchObject({ status: 'finished', period: { end: at(24) } });
      expect(await activeMonitoringPlan(alice, 'alice')).toBeUndefined();
      expect((await receivedText(deps, { from: MOBILES.alice, content: 'O2 94', receivedAt: at(25) })).outcome).toBe('unknown-number');
      expect((await rejection(dischargeFromVirtualWard(gp, { patientId: 'alice', wardId: WARD_ID, dischargedBy: DR_NORTH, now: NOW + 25 * 3_600_000 }))).status).toBe(404);
    });
  });
}
