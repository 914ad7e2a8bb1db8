/**
 * The monitoring section (issue 5, remote monitoring): how soon a red reading becomes the ward's
 * urgent Task in the record, and how fast the ward's dashboard is with a full ward.
 *
 * A ward of 200 enrolled people (fewer when --runs is small), each with three days of readings (written through the monitoring
 * service, as real readings are), then `kindred serve` with sign-in and the received-text callback
 * on, and two people signed in through the sign-in pages: the ward's clinician and one person.
 * - Red reading → Task, by the web form: the person posts a red reading set (the form, with its
 *   CSRF token); the time is from sending the POST until the answer, by which the Task is written
 *   (the alert is made in the same request). Each time the Task is then checked in the record.
 * - The same by text message: Notify's received-text callback body, posted with the bearer token.
 * Between two readings the alert is closed (not timed), so each red reading makes a new Task
 * rather than adding a note to the open one. 100 of each (or --runs).
 * - The dashboard: GET /app/staff/ward as the clinician, after warm-up.
 * Loopback, one client, one request at a time: an upper bound of the server's own time.
 */
import { createAccounts, localAdministratorAccess, scopedRepository } from '@kindred/access';
import {
  CARE_TEAM_CATEGORY_SYSTEM,
  MONITORING_ACCESS,
  Measure,
  ReadingSource,
  TASK_CODE_SYSTEM,
  VIRTUAL_WARD,
  VIRTUAL_WARD_ALERT,
  enrolInVirtualWard,
  outboxChannels,
  recordReadings,
  type MonitoringDeps,
} from '@kindred/care';
import { parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import { openStore, type Repository } from '@kindred/store';
import { signInToWebApp, type WebUser } from '../../tests/e2e/web/web-client.ts';
import { csrfOf } from '../../tests/e2e/sign-in/sign-in-server.ts';
import { BenchFailure } from './bench-failure.ts';
import type { BenchStore } from './backends.ts';
import { formatCount, type Reporter } from './console-progress.ts';
import { meets, TARGETS, type Figure } from './figures.ts';
import { startKindredServer } from './kindred-process.ts';
import type { BackendKind } from './options.ts';
import { summariseLatency, type LatencySummary } from './search-step.ts';

/** people on the ward for the dashboard; fewer when the runs are few (the harness's own tiny test) */
export const WARD_PEOPLE = 200;
export const wardPeopleFor = (runs: number): number => Math.min(WARD_PEOPLE, Math.max(20, runs * 2));
const HISTORY_DAYS = 3;
const WARM_UP = 5;
const DAY = 86_400_000;
const TOKEN = 'bench-received-text-token-0000000001';
const WARD_ID = 'bench-virtual-ward';
const ALERT_CODE = `${TASK_CODE_SYSTEM}|${VIRTUAL_WARD_ALERT}`;
const MEASURES = [Measure.spo2, Measure.pulse, Measure.bloodPressure, Measure.temperature, Measure.respiratoryRate, Measure.consciousness, Measure.symptomsWorse];

export interface MonitoringMeasurement {
  backend: string;
  scale: string;
  people: number;
  runs: number;
  webToTask: LatencySummary;
  textToTask: LatencySummary;
  dashboard: LatencySummary;
}

const mobileOf = (i: number): string => `07700 900${String(i).padStart(3, '0')}`;

function areaResources(people: number): Resource[] {
  const out: Resource[] = [
    { resourceType: 'Organization', id: 'bench-hospital', name: 'Bench Hospital' },
    { resourceType: 'Practitioner', id: 'bench-ward-clinician', name: [{ family: 'Ward', given: ['Bench'] }] },
    {
      resourceType: 'PractitionerRole',
      id: 'bench-ward-clinician-role',
      active: true,
      practitioner: { reference: 'Practitioner/bench-ward-clinician' },
      organization: { reference: 'Organization/bench-hospital' },
      code: [{ coding: [{ system: 'https://kindred.health/fhir/CodeSystem/access-role', code: 'clinician' }] }],
    },
    {
      resourceType: 'CareTeam',
      id: WARD_ID,
      status: 'active',
      category: [{ coding: [{ system: CARE_TEAM_CATEGORY_SYSTEM, code: VIRTUAL_WARD }] }],
      name: 'Bench Virtual Ward',
      managingOrganization: [{ reference: 'Organization/bench-hospital' }],
      participant: [{ member: { reference: 'Organization/bench-hospital' } }],
      telecom: [{ system: 'phone', value: '0300 555 0000' }],
    },
  ];
  for (let i = 0; i < people; i++) {
    out.push({
      resourceType: 'Patient',
      id: `bench-ward-person-${i}`,
      name: [{ family: `Person${i}`, given: ['Bench'] }],
      birthDate: '1950-01-01',
      telecom: [{ system: 'phone', use: 'mobile', value: mobileOf(i) }],
    });
  }
  return out;
}

/** The ward: `people` enrolled three days ago, with two reading sets a day since, green and amber. */
export async function fillWard(repository: Repository, deps: MonitoringDeps, people: number, reporter: Reporter): Promise<void> {
  const imported = await repository.importResources(areaResources(people));
  const rejected = imported.filter((r) => r.outcome === 'rejected');
  if (rejected.length > 0) throw new BenchFailure(`the bench ward was refused: ${JSON.stringify(rejected[0])}`);
  const now = Date.now();
  const by = { reference: 'PractitionerRole/bench-ward-clinician-role' };
  reporter.note(`enrolling ${formatCount(people)} people with ${HISTORY_DAYS} days of readings`);
  for (let i = 0; i < people; i++) {
    const patientId = `bench-ward-person-${i}`;
    await enrolInVirtualWard(repository, { patientId, wardId: WARD_ID, measures: MEASURES.map((measure) => ({ measure, timesPerDay: 2 })), spo2Scale: 1, homeOxygen: false, enrolledBy: by, now: now - HISTORY_DAYS * DAY });
    for (let set = HISTORY_DAYS * 2; set >= 1; set--) {
      const at = new Date(now - set * (DAY / 2)).toISOString();
      const spo2 = i % 10 === 0 ? 94 : 96 + (set % 2);
      await recordReadings(repository, deps, {
        patientId,
        takenAt: at,
        receivedAt: at,
        values: { spo2, pulse: 70 + (set % 7), bloodPressure: { systolic: 120 + (set % 9), diastolic: 78 }, temperature: 36.8, respiratoryRate: 16, consciousness: 'A', symptomsWorse: false },
        source: ReadingSource.web,
        enteredBy: { reference: `Patient/${patientId}` },
      });
    }
  }
}

async function openAlert(repository: Repository, patientId: string): Promise<StoredResource | undefined> {
  const page = await repository.search(parseSearchRequest('Task', [['patient', `Patient/${patientId}`], ['code', ALERT_CODE], ['status', 'requested'], ['_count', '5']], { handling: 'strict' }));
  return page.matches[0];
}

/** Closes the open alert so that the next red reading makes a new Task (not timed). */
async function closeAlert(repository: Repository, patientId: string, what: string): Promise<void> {
  const task = await openAlert(repository, patientId);
  if (task === undefined) throw new BenchFailure(`no urgent Task was in the record after a red reading by ${what}`);
  const { meta: _meta, ...rest } = task;
  await repository.update({ ...rest, status: 'completed' });
}

async function timed(runs: number, step: (i: number) => Promise<void>, after: (i: number) => Promise<void>): Promise<LatencySummary> {
  const times: number[] = [];
  for (let i = 0; i < WARM_UP + runs; i++) {
    const started = performance.now();
    await step(i);
    const elapsed = performance.now() - started;
    await after(i);
    if (i >= WARM_UP) times.push(elapsed);
  }
  return summariseLatency(times.sort((a, b) => a - b));
}

const RED_FORM = { spo2: '88', pulse: '121', systolic: '98', diastolic: '60', temperature: '38.6', 'respiratory-rate': '27', consciousness: 'A', 'symptoms-worse': 'yes' };

async function postForm(user: WebUser, origin: string, path: string, csrf: string, fields: Record<string, string>): Promise<number> {
  const body = new URLSearchParams({ csrf, ...fields });
  const response = await fetch(`${origin}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: user.browser.cookiesFor(`${origin}${path}`) }, body: body.toString() });
  await response.arrayBuffer();
  return response.status;
}

export async function measureMonitoring(store: BenchStore, runs: number, reporter: Reporter): Promise<MonitoringMeasurement> {
  const people = wardPeopleFor(runs);
  const opened = await openStore(store.config);
  const accounts = createAccounts(opened.identity, opened.outbox);
  let clinicianSecret: string;
  try {
    const repository = scopedRepository(opened.repository, localAdministratorAccess());
    const deps: MonitoringDeps = { system: scopedRepository(opened.repository, MONITORING_ACCESS), channels: outboxChannels(opened.outbox) };
    await fillWard(repository, deps, people, reporter);
    const clinician = await accounts.add({ username: 'bench.ward', displayName: 'Bench Ward', fhirUser: 'Practitioner/bench-ward-clinician', password: 'bench ward password', totp: true });
    clinicianSecret = new URL(clinician.totpUri ?? 'x:').searchParams.get('secret') ?? '';
    await accounts.add({ username: 'bench.person', displayName: 'Bench Person', fhirUser: 'Patient/bench-ward-person-1', password: 'bench person password' });
    await opened.analyze();
  } finally {
    await opened.close();
  }

  // the callback's token reaches `kindred serve` through its environment, as an operator sets it
  const before = process.env.KINDRED_NOTIFY_RECEIVED_TEXT_TOKEN;
  process.env.KINDRED_NOTIFY_RECEIVED_TEXT_TOKEN = TOKEN;
  const server = await startKindredServer(store.cliArgs, 120_000, { signIn: true }).finally(() => {
    if (before === undefined) delete process.env.KINDRED_NOTIFY_RECEIVED_TEXT_TOKEN;
    else process.env.KINDRED_NOTIFY_RECEIVED_TEXT_TOKEN = before;
  });
  const check = await openStore(store.config);
  try {
    const record = scopedRepository(check.repository, localAdministratorAccess());
    const origin = server.origin;
    const ward = await signInToWebApp(origin, 'bench.ward', 'bench ward password', clinicianSecret);
    const person = await signInToWebApp(origin, 'bench.person', 'bench person password');
    const form = await person.page('/app/person/readings');
    if (form.status !== 200 || !form.html.includes('name="spo2"')) throw new BenchFailure(`the readings form answered ${form.status}`);
    const csrf = csrfOf(form.html);

    reporter.note(`red reading by the web form → the ward's Task: ${runs} readings after ${WARM_UP} to warm up`);
    const webToTask = await timed(
      runs,
      async () => {
        const status = await postForm(person, origin, '/app/person/readings', csrf, RED_FORM);
        if (status !== 303) throw new BenchFailure(`the readings form answered ${status}, not a redirect`);
      },
      () => closeAlert(record, 'bench-ward-person-1', 'the web form'),
    );

    reporter.note(`red reading by text message → the ward's Task: ${runs} texts after ${WARM_UP} to warm up`);
    const texter = 2;
    // each text a different reading set, taken a minute apart before now (the same text twice is stored once)
    const start = Date.now() - (WARM_UP + runs + 1) * 60_000;
    const textToTask = await timed(
      runs,
      async (i) => {
        const response = await fetch(`${origin}/hooks/notify/received-text`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({ id: `bench-${i}`, source_number: `44${mobileOf(texter).replace(/\s/g, '').slice(1)}`, destination_number: '07700900000', message: `O2 ${85 + (i % 5)} P ${110 + (i % 90)} T 38.7 BP 96/60 RR 28`, date_received: new Date(start + i * 60_000).toISOString() }),
        });
        const answer = (await response.json()) as { outcome?: string };
        if (response.status !== 200 || answer.outcome !== 'recorded') throw new BenchFailure(`the received-text callback answered ${response.status} ${JSON.stringify(answer)}`);
      },
      () => closeAlert(record, `bench-ward-person-${texter}`, 'text message'),
    );

    reporter.note(`the ward's dashboard with ${formatCount(people)} people: ${runs} requests after ${WARM_UP} to warm up`);
    const cookie = ward.browser.cookiesFor(origin);
    const dashboard = await timed(
      runs,
      async () => {
        const response = await fetch(`${origin}/app/staff/ward`, { headers: { cookie }, redirect: 'manual' });
        const body = await response.text();
        if (response.status !== 200 || !body.includes(`bench-ward-person-${people - 1}`)) throw new BenchFailure(`the ward's dashboard answered ${response.status} without everyone on it`);
      },
      async () => undefined,
    );
    return { backend: store.backend, scale: `${formatCount(people)} people on the ward`, people, runs, webToTask, textToTask, dashboard };
  } finally {
    await check.close();
    await server.stop();
  }
}

export function monitoringFigures(m: MonitoringMeasurement, backend: BackendKind): Figure[] {
  const at = { section: 'monitoring' as const, backend, scale: m.scale, unit: 'ms', better: 'lower' as const };
  const judged = (name: string, value: number): Figure => {
    const rounded = Math.round(value * 100) / 100;
    const target = TARGETS.redReadingToTaskP95;
    return { ...at, name, value: rounded, target: { op: target.op, value: target.value }, pass: meets(rounded, target) };
  };
  const plain = (name: string, value: number): Figure => ({ ...at, name, value: Math.round(value * 100) / 100 });
  return [
    plain('red reading → task (web form) p50', m.webToTask.p50),
    judged('red reading → task (web form) p95', m.webToTask.p95),
    plain('red reading → task (text) p50', m.textToTask.p50),
    judged('red reading → task (text) p95', m.textToTask.p95),
    plain('ward dashboard p50', m.dashboard.p50),
    plain('ward dashboard p95', m.dashboard.p95),
  ];
}
