/**
 * `kindred views refresh|export|status`, run in-process on a temporary SQLite data folder (the
 * analytics copy itself is tested on both backends in @kindred/insight).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@kindred/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as run } from '../testing/run-cli.ts';
import { analyticsPathOf } from './views-warehouse.ts';

const dir = mkdtempSync(join(tmpdir(), 'kindred-cli-views-'));
const data = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const store = await openStore({ kind: 'sqlite', dataDir: data });
  try {
    await store.repository.update({ resourceType: 'Organization', id: 'org-1', name: 'Riverside Practice' });
    await store.repository.update({ resourceType: 'Patient', id: 'pt-1', gender: 'female', birthDate: '1980-01-01' });
    await store.repository.update({
      resourceType: 'Patient',
      id: 'pt-2',
      gender: 'male',
      birthDate: '1990-06-30',
      address: [{ use: 'home', extension: [{ url: 'https://kindred.health/fhir/StructureDefinition/lsoa', valueCoding: { system: 'https://www.ons.gov.uk/lsoa', code: 'E01000002' } }] }],
    });
    await store.reference.loadImd([{ lsoaCode: 'E01000002', rank: 30379, decile: 10 }], 'imd2019');
  } finally {
    await store.close();
  }
});

describe('kindred views refresh, export and status', () => {
  it('says there is no copy before the first refresh', async () => {
    expect(await run(['views', 'status', '--data', data])).toMatchObject({ code: 1, err: expect.stringMatching(/no analytics copy at .*analytics\.duckdb yet: make it with kindred views refresh/) as string });
  });

  it('refreshes every built-in view, rows per view and rows/s, fully then incrementally', async () => {
    const first = await run(['views', 'refresh', '--data', data]);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^organisation: 1 rows \(full, 1 written from 1 resources in \d+ ms\)$/m);
    expect(first.out).toMatch(/^Refreshed \d+ views into .*analytics\.duckdb in \d+ ms: [\d,]+ rows written, [\d,]+ rows/m);
    expect(first.err).toMatch(/Refreshing views .*done/s);
    expect(first.out).toMatch(/^Deprivation: 1 of the area's 1 LSOAs found in the loaded IMD edition\.$/m);
    expect(first.out).toMatch(/^Refreshed \d+ measures/m);
    const again = await run(['views', 'refresh', '--data', data]);
    expect(again.out).toMatch(/^organisation: 1 rows \(incremental/m);
    const full = await run(['views', 'refresh', '--full', '--data', data]);
    expect(full.out).toMatch(/^organisation: 1 rows \(full/m);
  });

  it('lists the views in the copy', async () => {
    const { code, out } = await run(['views', 'status', '--data', data]);
    expect(code).toBe(0);
    expect(out).toMatch(/^view\s+rows\s+refreshed$/m);
    expect(out).toMatch(/^organisation\s+1\s+\d{4}-\d\d-\d\dT/m);
  });

  it('exports a view as CSV, ndjson and Parquet', async () => {
    const csv = join(dir, 'organisation.csv');
    expect(await run(['views', 'export', 'organisation', '--format', 'csv', '--out', csv, '--data', data])).toMatchObject({ code: 0, out: `Wrote 1 rows of organisation to ${csv} (csv).\n` });
    const [header, line] = readFileSync(csv, 'utf8').trim().split('\n');
    expect(header).toMatch(/_resource$/);
    expect(line).toMatch(/Riverside Practice/);
    const ndjson = join(dir, 'organisation.ndjson');
    expect((await run(['views', 'export', 'organisation', '--format', 'ndjson', '--out', ndjson, '--data', data])).code).toBe(0);
    expect(JSON.parse(readFileSync(ndjson, 'utf8').trim())).toMatchObject({ _resource: 'Organization/org-1' });
    const parquet = join(dir, 'organisation.parquet');
    expect((await run(['views', 'export', 'organisation', '--format', 'parquet', '--out', parquet, '--data', data])).code).toBe(0);
    expect(readFileSync(parquet).subarray(0, 4).toString()).toBe('PAR1');
  });

  it('bad calls exit 2 with the usage, an unknown view exits 1', async () => {
    const out = join(dir, 'x.csv');
    expect(await run(['views', 'export', 'organisation', '--format', 'xlsx', '--out', out, '--data', data])).toMatchObject({ code: 2, err: expect.stringMatching(/--format must be csv, ndjson or parquet \(got "xlsx"\)/) as string });
    expect(await run(['views', 'export', 'organisation', '--format', 'csv', '--data', data])).toMatchObject({ code: 2, err: expect.stringMatching(/--out FILE/) as string });
    expect(await run(['views', 'export', '--format', 'csv', '--out', out, '--data', data])).toMatchObject({ code: 2, err: expect.stringMatching(/name of the view/) as string });
    expect(await run(['views', 'export', 'nothing_here', '--format', 'csv', '--out', out, '--data', data])).toMatchObject({ code: 1, err: expect.stringMatching(/no view "nothing_here"/) as string });
  });
});

describe('where the analytics copy is', () => {
  it('is beside the SQLite record, in memory for PostgreSQL, or where KINDRED_ANALYTICS_PATH says', () => {
    expect(analyticsPathOf({ data: 'd' }, {})).toBe(join('d', 'analytics.duckdb'));
    expect(analyticsPathOf({ 'database-url': 'postgres://h/db' }, {})).toBe(':memory:');
    expect(analyticsPathOf({ data: 'd' }, { KINDRED_ANALYTICS_PATH: '/srv/a.duckdb' })).toBe('/srv/a.duckdb');
    expect(analyticsPathOf({ data: 'd', analytics: 'b.duckdb' }, { KINDRED_ANALYTICS_PATH: '/srv/a.duckdb' })).toBe('b.duckdb');
  });
});
