/**
 * `kindred views run NAME` and `kindred views list`, run in-process on a temporary SQLite data
 * folder holding a few people and two views (one active, one draft). Running a view over the
 * record is tested on both backends in @kindred/insight.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resource } from '@kindred/fhir';
import { ensureViewDefinitions } from '@kindred/insight';
import { openStore } from '@kindred/store';
import { runCli as run } from '../testing/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'kindred-cli-views-record-'));
const data = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const person = (id: string, family: string): Resource => ({ resourceType: 'Patient', id, name: [{ family, given: ['Test'] }], gender: 'female' });

beforeAll(async () => {
  const store = await openStore({ kind: 'sqlite', dataDir: data });
  try {
    for (const p of [person('p1', 'Able'), person('p2', 'Baker, Jr'), person('p3', 'Cole')]) await store.repository.update(p);
    await ensureViewDefinitions(store.repository, [
      {
        resourceType: 'ViewDefinition',
        url: 'https://kindred.health/fhir/ViewDefinition/test-people',
        name: 'people',
        title: 'People',
        status: 'active',
        resource: 'Patient',
        select: [{ column: [{ name: 'id', path: 'id' }, { name: 'family', path: 'name.family.first()' }] }],
      },
      {
        resourceType: 'ViewDefinition',
        url: 'https://kindred.health/fhir/ViewDefinition/test-draft',
        name: 'draft_view',
        status: 'draft',
        resource: 'Patient',
        select: [{ column: [{ name: 'id', path: 'id' }] }],
      },
    ]);
  } finally {
    await store.close();
  }
});

describe('kindred views run NAME and list', () => {
  it('lists the active views', async () => {
    expect(await run(['views', 'list', '--data', data])).toMatchObject({ code: 0, out: 'people\tPatient\tPeople\n' });
  });

  it('runs a view over the record as a JSON array', async () => {
    const result = await run(['views', 'run', 'people', '--data', data]);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.out) as { id: string; family: string }[];
    expect(rows.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'p1', family: 'Able' },
      { id: 'p2', family: 'Baker, Jr' },
      { id: 'p3', family: 'Cole' },
    ]);
  });

  it('runs a view as CSV with a header line', async () => {
    const result = await run(['views', 'run', 'people', '--format', 'csv', '--data', data]);
    expect(result.code).toBe(0);
    const lines = result.out.split('\r\n');
    expect(lines[0]).toBe('id,family');
    expect(lines.slice(1, -1).sort()).toEqual(['p1,Able', 'p2,"Baker, Jr"', 'p3,Cole']);
  });

  it('an unknown or draft view is an error listing the active views, exit 1', async () => {
    expect(await run(['views', 'run', 'nobody', '--data', data])).toMatchObject({ code: 1, err: 'kindred views: No active ViewDefinition named "nobody". The active views are: people.\n' });
    expect((await run(['views', 'run', 'draft_view', '--data', data])).code).toBe(1);
  });

  it('usage mistakes exit 2', async () => {
    expect((await run(['views', 'run', 'people', '--format', 'xml', '--data', data])).code).toBe(2);
    expect((await run(['views', 'list', 'extra', '--data', data])).code).toBe(2);
  });

  it('the runs are on the audit trail', async () => {
    const store = await openStore({ kind: 'sqlite', dataDir: data });
    try {
      const verified = await store.audit.verify();
      expect(verified.ok).toBe(true);
      expect(verified.count).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
