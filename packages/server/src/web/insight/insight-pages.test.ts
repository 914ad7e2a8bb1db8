/**
 * The measure pages over HTTP, on a real store refreshed into a real analytics copy: the dashboard
 * for the viewer's organisation, another one and the whole area; a measure's chart, data table and
 * CSV checked against the requests made here; rebasing and screening options; the breakdown by IMD
 * fifth with its equity gaps; and bad options (an unknown measure is a 404 page, a date that is not a
 * date is the page again saying what to fix). Only staff see the pages, and only aggregates.
 * Runs on SQLite: the pages read the analytics copy (DuckDB) either way; the refresh from both
 * databases is tested with the warehouse.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AREA } from '@kindred/access/testing';
import type { Resource } from '@kindred/fhir';
import { BUILT_IN_VIEWS, compileView, loadImdIntoWarehouse, openWarehouse, startCycle, xmr, type Warehouse } from '@kindred/insight';
import { openSqliteTestStore, type TestStore } from '@kindred/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffTestApp, type StaffTestApp } from '../staff/staff-test-app.ts';
import { renderMeasurePage } from './insight-data.ts';

const SD = 'https://kindred.health/fhir/StructureDefinition';
const TASK_CODES = 'https://kindred.health/fhir/CodeSystem/task-code';

/** A person registered with North Street Surgery, living in an area of the given LSOA. */
const person = (id: string, lsoa: string): Resource => ({
  resourceType: 'Patient',
  id,
  name: [{ family: 'Measure', given: [id] }],
  address: [{ use: 'home', line: ['2 Low Road'], extension: [{ url: `${SD}/lsoa`, valueCoding: { system: 'https://kindred.health/fhir/CodeSystem/lsoa-2021', code: lsoa } }] }],
  generalPractitioner: [{ reference: 'Organization/gp-north' }],
});

/** An online request as the request journey writes it: its route, owner and when it was made. */
const request = (id: string, patient: string, authored: string, route: string, owner: string): Resource => ({
  resourceType: 'Task',
  id,
  status: 'requested',
  intent: 'order',
  priority: 'routine',
  code: { coding: [{ system: TASK_CODES, code: 'online-request' }] },
  for: { reference: `Patient/${patient}` },
  authoredOn: authored,
  owner: { reference: `Organization/${owner}` },
  extension: [{ url: `${SD}/request-route`, valueCode: route }],
});

/** 15 weeks from Monday 5 January 2026: North Street has 4 requests a week, this many of them online by the person themselves. */
const ONLINE_SELF = [1, 2, 2, 1, 2, 3, 2, 1, 2, 2, 3, 2, 1, 2, 4];
const WEEKS = ONLINE_SELF.map((_, i) => new Date(Date.UTC(2026, 0, 5 + 7 * i)).toISOString().slice(0, 10));

/** Online by themselves: always the person in the least deprived area; by phone: always the one in the most deprived. */
function requests(): Resource[] {
  const out: Resource[] = [];
  WEEKS.forEach((week, w) => {
    for (let i = 0; i < 4; i++) {
      const online = i < ONLINE_SELF[w]!;
      out.push(request(`n-${w}-${i}`, online ? 'least' : 'most', `${week}T0${i + 1}:00:00Z`, online ? 'online-self' : 'phone', 'gp-north'));
    }
    // South Lane: one phone request a week
    out.push(request(`s-${w}`, 'carol', `${week}T10:00:00Z`, 'phone', 'gp-south'));
  });
  return out;
}

const percent = (n: number): string => `${n.toLocaleString('en-GB', { maximumFractionDigits: 1 })}%`;
const mainOf = (body: string): string => /<main[\s\S]*<\/main>/.exec(body)?.[0] ?? '';

describe('the measure pages', () => {
  let store: TestStore;
  let warehouse: Warehouse;
  let app: StaffTestApp;
  let off: StaffTestApp;
  let fresh: Warehouse;
  let unrefreshed: StaffTestApp;
  const dir = mkdtempSync(join(tmpdir(), 'kindred-insight-pages-'));

  beforeAll(async () => {
    store = await openSqliteTestStore();
    await store.repository.importResources([...AREA, person('most', 'E01000001'), person('least', 'E01000003'), ...requests()]);
    const sources = BUILT_IN_VIEWS.map((definition) => ({ compiled: compileView(definition), definition }));
    warehouse = await openWarehouse({ path: join(dir, 'analytics.duckdb'), views: () => Promise.resolve({ sources, errors: [] }) });
    const report = await warehouse.refresh(store.repository);
    expect(report.errors).toEqual([]);
    await loadImdIntoWarehouse(warehouse, [
      { lsoaCode: 'E01000001', decile: 1 },
      { lsoaCode: 'E01000003', decile: 10 },
    ]);
    // a change that went live on Monday 2 March, studied on this measure
    await startCycle(store.repository, {
      title: 'Online form on the practice website front page',
      change: 'A link to the online form at the top of the front page',
      measures: ['requests-route-online-self'],
      changeDate: '2026-03-02',
      reporter: { role: 'PractitionerRole/dr-north-role', practitioner: 'Practitioner/dr-north', organisations: ['Organization/gp-north'] },
      owner: { reference: 'Organization/gp-north', name: 'North Street Surgery' },
    });
    app = await staffTestApp(store, { warehouse });
    off = await staffTestApp(store);
    fresh = await openWarehouse({ path: ':memory:', views: () => Promise.resolve({ sources, errors: [] }) });
    unrefreshed = await staffTestApp(store, { warehouse: fresh });
  });
  afterAll(async () => {
    await app?.close();
    await off?.close();
    await unrefreshed?.close();
    await fresh?.close();
    await warehouse?.close();
    await store?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows every measure for the viewer\'s own organisation, with its latest value and icons in words', async () => {
    const page = await app.get('gpClinician', '/app/staff/insight');
    expect(page.status, mainOf(page.body)).toBe(200);
    const main = mainOf(page.body);
    expect(main).toContain('North Street Surgery');
    expect(main).toContain('last refreshed on');
    expect(main).toContain('href="/app/staff/insight/measures/requests-route-online-self?org=Organization%2Fgp-north"');
    // the latest week: 4 of 4 online by themselves
    const card = main.slice(main.indexOf('requests-route-online-self?org'));
    expect(card.slice(0, 2000)).toContain(`Latest: <strong>${percent(100)}</strong>`);
    expect(card.slice(0, 4000)).toMatch(/Special cause|Common cause variation/);
    expect(main).toContain('<option value="area"');
    expect(main).toContain('<option value="Organization/gp-south"');
    expect(main).toContain('role="img"');
  });

  it('shows another organisation and the whole area when chosen', async () => {
    const south = mainOf((await app.get('gpClinician', '/app/staff/insight?org=Organization/gp-south')).body);
    expect(south).toContain('South Lane Practice');
    expect(south.slice(south.indexOf('requests-route-online-self?org'), south.indexOf('requests-route-online-self?org') + 2000)).toContain(`Latest: <strong>${percent(0)}</strong>`);
    const area = mainOf((await app.get('gpClinician', '/app/staff/insight?org=area')).body);
    expect(area).toContain('The whole area');
    // the whole area's last week: 4 online of 5
    expect(area.slice(area.indexOf('requests-route-online-self?org'), area.indexOf('requests-route-online-self?org') + 2000)).toContain(`Latest: <strong>${percent(80)}</strong>`);
    const unknown = await app.get('gpClinician', '/app/staff/insight?org=Organization/nowhere');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain('Choose an organisation from the list, or the whole area');
  });

  it('says when analytics are off', async () => {
    const page = await off.get('receptionist', '/app/staff/insight');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Analytics are turned off');
    expect((await off.get('receptionist', '/app/staff/insight/measures/requests-route-online-self')).status).toBe(503);
  });

  it('says when the analytics copy has not been refreshed yet', async () => {
    const page = await unrefreshed.get('gpClinician', '/app/staff/insight');
    expect(page.status).toBe(200);
    expect(page.body).toContain('has not been refreshed yet');
    expect(page.body).toContain('North Street Surgery');
    const measure = await unrefreshed.get('gpClinician', '/app/staff/insight/measures/requests-route-online-self');
    expect(measure.status).toBe(503);
    expect(measure.body).toContain('The measures are not ready yet');
  });

  it('draws the measure\'s XmR chart with every point in a table, as the SPC engine works it out from the requests', async () => {
    const page = await app.get('gpClinician', '/app/staff/insight/measures/requests-route-online-self');
    expect(page.status, mainOf(page.body)).toBe(200);
    const main = mainOf(page.body);
    expect(main).toContain('<h1>Requests online by the person themselves</h1>');
    expect(main).toContain('class="app-spc-chart"');
    const expected = xmr(
      ONLINE_SELF.map((n, i) => ({ date: WEEKS[i]!, value: (100 * n) / 4 })),
      { improvement: 'neutral' },
    );
    const rows = [...main.matchAll(/<tr class="nhsuk-table__row">([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<td class="nhsuk-table__cell">([\s\S]*?)<\/td>/g)].map((c) => c[1]));
    expect(rows).toHaveLength(15);
    expect(rows[0]).toEqual(['5 January 2026', percent(25), '1', '4', expected.points[0]!.mean.toLocaleString('en-GB', { maximumFractionDigits: 2 }), expected.points[0]!.lpl.toLocaleString('en-GB', { maximumFractionDigits: 2 }), expected.points[0]!.upl.toLocaleString('en-GB', { maximumFractionDigits: 2 }), expect.any(String)]);
    expect(rows[14]?.slice(0, 4)).toEqual(['13 April 2026', percent(100), '4', '4']);
    expect(main).toContain('Download as CSV');
    expect(main).toContain(`${expected.points.length} points from 2026-01-05 to 2026-04-13`);
  });

  it('downloads the points as CSV with their numerators and denominators', async () => {
    const csv = await app.get('gpClinician', '/app/staff/insight/measures/requests-route-online-self.csv?org=Organization/gp-north');
    expect(csv.status).toBe(200);
    const lines = csv.body.trim().split(/\r\n/);
    expect(lines[0]).toBe('date,value,mean,lpl,upl,near_lpl,near_upl,point_type,numerator,denominator');
    expect(lines).toHaveLength(16);
    expect(lines[15]).toMatch(/^2026-04-13,100,.*,4,4$/);
  });

  it('marks the improvement change on the chart and offers it as a rebase date', async () => {
    const main = mainOf((await app.get('gpClinician', '/app/staff/insight/measures/requests-route-online-self')).body);
    expect(main).toContain('name="change" type="checkbox" value="2026-03-02"');
    expect(main).toContain('2 March 2026: Online form on the practice website front page');
    expect(main).toMatch(/2 March 2026: <a href="\/app\/staff\/improvement\/cycles\/[^"]+">Online form on the practice website front page<\/a>/);
    expect(main).toContain('class="app-spc-marker"');
    expect(main).toContain('Online form on the practice website front page (2026-03-02)</title>');
    const rebased = mainOf((await app.get('gpClinician', '/app/staff/insight/measures/requests-route-online-self?change=2026-03-02')).body);
    expect(rebased).toContain('value="2026-03-02" checked');
    expect(rebased).toContain('segment 2 of 2');
  });

  it('rebases and stops screening when asked, and says what to fix when an option cannot be read', async () => {
    const rebased = mainOf((await app.get('gpClinician', '/app/staff/insight/measures/requests-route-online-self?rebase=2/3/2026&noScreen=1')).body);
    const expected = xmr(
      ONLINE_SELF.map((n, i) => ({ date: WEEKS[i]!, value: (100 * n) / 4 })),
      { rebase: ['2026-03-02'], screen: false },
    );
    expect(rebased).toContain('value="2/3/2026"');
    expect(rebased).toContain(expected.warnings[0]!);
    expect(rebased).toContain(`the process limits are`);
    const bad = await app.get('gpClinician', '/app/staff/insight/measures/requests-route-online-self?rebase=31/2/2026&fixAfter=one');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('Enter each rebase date as a real date');
    expect(bad.body).toContain('&quot;31/2/2026&quot; is not a date');
    expect(bad.body).toContain('Enter the number of points after which the limits are fixed as a whole number');
    expect(bad.body).toContain('value="31/2/2026"');
    const badCsv = await app.get('gpClinician', '/app/staff/insight/measures/requests-route-online-self.csv?rebase=soon');
    expect(badCsv.status).toBe(400);
  });

  it('breaks the measure down by IMD fifth with the equity gaps in words', async () => {
    const page = await app.get('gpClinician', '/app/staff/insight/measures/requests-route-online-self?stratum=imd-quintile');
    expect(page.status, mainOf(page.body)).toBe(200);
    const main = mainOf(page.body);
    const online = ONLINE_SELF.reduce((a, b) => a + b, 0);
    const breakdown = main.slice(main.indexOf('id="breakdown"'));
    // the most deprived made only phone requests, the least deprived only online ones
    expect(breakdown).toContain(`<td class="nhsuk-table__cell">1 (most deprived)</td><td class="nhsuk-table__cell">0</td><td class="nhsuk-table__cell">${60 - online}</td><td class="nhsuk-table__cell">${percent(0)}</td>`);
    expect(breakdown).toContain(`<td class="nhsuk-table__cell">5 (least deprived)</td><td class="nhsuk-table__cell">${online}</td><td class="nhsuk-table__cell">${online}</td><td class="nhsuk-table__cell">${percent(100)}</td>`);
    expect(breakdown).toContain('Absolute gap: -100 percentage points.');
    expect(breakdown).toContain('Slope index of inequality (SII)');
    expect(breakdown).toContain('Relative index of inequality (RII)');
    expect(breakdown).toContain('class="app-insight-bars" role="img"');
    const age = mainOf((await app.get('gpClinician', '/app/staff/insight/measures/requests-route-online-self?stratum=age-band')).body);
    expect(age).toContain('Not recorded');
    expect(age).not.toContain('Absolute gap');
    expect((await app.get('gpClinician', '/app/staff/insight/measures/requests-route-online-self?stratum=shoe-size')).status).toBe(400);
  });

  it('is a 404 page for a measure that does not exist, and is for staff only', async () => {
    const missing = await app.get('gpClinician', '/app/staff/insight/measures/no-such-measure');
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('There is no measure called &quot;no-such-measure&quot;');
    expect((await app.get('volunteer', '/app/staff/insight')).status).toBe(403);
    expect((await app.get('patient', '/app/staff/insight/measures/requests-route-online-self')).status).toBe(403);
    expect((await app.get('carerWithConsent', '/app/staff/insight')).status).toBe(403);
  });

  it('renders a measure page without HTTP, for the benchmark', async () => {
    const page = await renderMeasurePage(warehouse, 'requests-route-online-self', { org: 'Organization/gp-north' });
    expect(page.status).toBe(200);
    expect(page.html).toContain('class="app-spc-chart"');
    expect(page.title).toBe('Requests online by the person themselves – North Street Surgery');
  });
});
