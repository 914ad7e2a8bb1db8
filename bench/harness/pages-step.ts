/**
 * The pages section (issue 4): the web app's main pages on a busy practice. A demo area
 * (`kindred demo`), then open online requests added to one practice until its inbox holds
 * 10,000 (clones of the demo's own open requests, for the practice's people, spread over the
 * last days), then `kindred serve --demo` and two people signed in through the sign-in service's
 * pages: the practice's receptionist and a person. For each main page: time to the whole answer
 * on loopback from one client, one request at a time after warm-up (an upper bound of the
 * server's render time), and the page's weight on a first visit: the HTML and both stylesheets as
 * transferred (Brotli), without images (the pages have none).
 */
import { request as httpRequest } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import { openStore } from '@kindred/store';
import { readDemoAccounts, type DemoAccount } from '../../packages/server/src/pages/demo-accounts.ts';
import { signInToWebApp, type WebUser } from '../../tests/e2e/web/web-client.ts';
import { BenchFailure } from './bench-failure.ts';
import type { BenchStore } from './backends.ts';
import { formatCount, type Reporter } from './console-progress.ts';
import { REPO_ROOT, runKindred, startKindredServer } from './kindred-process.ts';
import { summariseLatency, type LatencySummary } from './search-step.ts';

export const OPEN_REQUESTS = 10_000;
const DEMO_PEOPLE = 3_000;
const WARM_UP = 5;
const IMD_FILE = join(REPO_ROOT, '..', 'shared', 'data', 'imd', 'imd2025_england_lsoa21_rank_decile.csv');
const TASK_CODE = 'https://kindred.health/fhir/CodeSystem/task-code|online-request';

export interface PageMeasurement {
  name: string;
  path: string;
  latency: LatencySummary;
  /** the HTML as sent (compressed) and as it is */
  htmlBytes: number;
  htmlRawBytes: number;
  /** HTML and stylesheets as transferred on a first visit */
  weightBytes: number;
}

export interface PagesMeasurement {
  backend: string;
  scale: string;
  people: number;
  openRequests: number;
  runs: number;
  pages: PageMeasurement[];
}

/** Bytes of a GET as transferred (the client accepts Brotli and gzip and does not decode). */
function transferred(url: string, cookie: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { cookie, 'accept-encoding': 'br, gzip' } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Adds clones of the practice's open requests until it has `wanted` open; returns the practice's id and one open request. */
async function fillInbox(store: BenchStore, receptionist: DemoAccount, wanted: number, reporter: Reporter): Promise<{ practice: string; taskId: string }> {
  const opened = await openStore(store.config);
  try {
    const repo = opened.repository;
    const practitioner = receptionist.fhirUser;
    const roles = await repo.search(parseSearchRequest('PractitionerRole', [['practitioner', practitioner]], { handling: 'strict' }));
    const practice = (roles.matches[0]?.organization as { reference?: string } | undefined)?.reference;
    if (practice === undefined) throw new BenchFailure(`the demo receptionist ${receptionist.username} has no organisation`);
    const open = await repo.search(parseSearchRequest('Task', [['code', TASK_CODE], ['owner', practice], ['status', 'requested'], ['_count', '200']], { handling: 'strict' }));
    const templates = open.matches;
    if (templates.length === 0) throw new BenchFailure('the demo practice has no open requests to copy');
    const people = (await repo.search(parseSearchRequest('Patient', [['general-practitioner', practice], ['_count', '1000']], { handling: 'strict' }))).matches;
    const responses = new Map<string, StoredResource>();
    for (const task of templates) {
      const focus = (task.focus as { reference?: string } | undefined)?.reference?.replace('QuestionnaireResponse/', '');
      if (focus !== undefined) responses.set(task.id, await repo.read('QuestionnaireResponse', focus));
    }
    const toAdd = wanted - templates.length;
    reporter.note(`adding ${formatCount(toAdd)} open requests to ${practice} (${formatCount(people.length)} people)`);
    const batch: Resource[] = [];
    for (let i = 0; i < toAdd; i++) {
      const template = templates[i % templates.length]!;
      const response = responses.get(template.id);
      const person = people[(i * 7919) % people.length]!;
      const authored = new Date(Date.now() - ((i * 37) % (4 * 24 * 60)) * 60_000).toISOString();
      const qrId = `bench-qr-${i}`;
      const { meta: _taskMeta, ...task } = template;
      batch.push({ ...task, id: `bench-task-${i}`, identifier: [{ system: 'https://kindred.health/fhir/sid/request-submission', value: `bench-${i}` }], for: { reference: `Patient/${person.id}` }, focus: { reference: `QuestionnaireResponse/${qrId}` }, authoredOn: authored, priority: i % 10 === 0 ? 'urgent' : 'routine' });
      if (response !== undefined) {
        const { meta: _qrMeta, ...qr } = response;
        batch.push({ ...qr, id: qrId, identifier: { system: 'https://kindred.health/fhir/sid/request-submission', value: `bench-${i}` }, subject: { reference: `Patient/${person.id}` }, source: { reference: `Patient/${person.id}` }, authored });
      }
      if (batch.length >= 2000 || i === toAdd - 1) {
        const results = await repo.importResources(batch.splice(0));
        const rejected = results.filter((r) => r.outcome === 'rejected');
        if (rejected.length > 0) throw new BenchFailure(`the extra requests were refused: ${JSON.stringify(rejected[0])}`);
      }
    }
    await opened.analyze();
    return { practice, taskId: templates[0]!.id };
  } finally {
    await opened.close();
  }
}

async function measurePage(user: WebUser, origin: string, name: string, path: string, runs: number): Promise<PageMeasurement> {
  const cookie = user.browser.cookiesFor(origin);
  const times: number[] = [];
  let raw = 0;
  for (let i = 0; i < WARM_UP + runs; i++) {
    const started = performance.now();
    const response = await fetch(`${origin}${path}`, { headers: { cookie }, redirect: 'manual' });
    const body = await response.text();
    const elapsed = performance.now() - started;
    if (response.status !== 200) throw new BenchFailure(`${name} (${path}) answered ${response.status}: ${body.slice(0, 300)}`);
    raw = Buffer.byteLength(body);
    if (i >= WARM_UP) times.push(elapsed);
  }
  const html = await transferred(`${origin}${path}`, cookie);
  const sheets = await Promise.all(['/assets/nhsuk-frontend.min.css', '/assets/app.css'].map((p) => transferred(`${origin}${p}`, '')));
  return {
    name,
    path,
    latency: summariseLatency(times.sort((a, b) => a - b)),
    htmlBytes: html.bytes,
    htmlRawBytes: raw,
    weightBytes: html.bytes + sheets.reduce((n, s) => n + s.bytes, 0),
  };
}

export async function measurePages(store: BenchStore, runs: number, reporter: Reporter): Promise<PagesMeasurement> {
  const imd = existsSync(IMD_FILE) ? ['--imd', IMD_FILE] : [];
  reporter.note(`demo area of ${formatCount(DEMO_PEOPLE)} people`);
  const demo = await runKindred(['demo', '--people', String(DEMO_PEOPLE), '--quiet', ...imd, ...store.cliArgs]);
  if (demo.code !== 0) throw new BenchFailure(`kindred demo failed: ${demo.stderrTail.join('\n')}`);
  const accountsStore = await openStore(store.config);
  const accounts = await readDemoAccounts(accountsStore.settings).finally(() => accountsStore.close());
  const receptionist = accounts.find((a) => a.username === 'demo.receptionist');
  const person = accounts.find((a) => a.frontDoor === 'person' && a.username === 'demo.person');
  if (receptionist === undefined || person === undefined) throw new BenchFailure('the demo area has no receptionist or person account');
  const { taskId } = await fillInbox(store, receptionist, OPEN_REQUESTS, reporter);

  const server = await startKindredServer([...store.cliArgs, '--demo'], 120_000, { signIn: true });
  try {
    const staff = await signInToWebApp(server.origin, receptionist.username, receptionist.password, receptionist.totpSecret);
    const self = await signInToWebApp(server.origin, person.username, person.password);
    const plan: [WebUser, string, string][] = [
      [staff, 'triage inbox', '/app/staff'],
      [staff, 'a request', `/app/staff/requests/${taskId}`],
      [staff, 'booking', `/app/staff/requests/${taskId}/book`],
      [self, "person's home", '/app/person'],
      [self, 'request form', '/app/person/requests/new'],
      [staff, 'equity view', '/app/staff/equity'],
    ];
    const pages: PageMeasurement[] = [];
    for (const [user, name, path] of plan) {
      // the equity view reads every request of its period: a report, measured with fewer runs and no page target
      const times = name === 'equity view' ? Math.max(10, Math.round(runs / 10)) : runs;
      reporter.note(`${name}: ${times} requests after ${WARM_UP} to warm up`);
      pages.push(await measurePage(user, server.origin, name, path, times));
    }
    return { backend: store.backend, scale: `${formatCount(OPEN_REQUESTS)} open requests`, people: DEMO_PEOPLE, openRequests: OPEN_REQUESTS, runs, pages };
  } finally {
    await server.stop();
  }
}
