/**
 * ViewDefinitions in the record: installed by url (created, updated, left alone when identical),
 * refused when the views engine rejects them, listed when active, and run over what the caller
 * may read: a practice's clinician gets rows for their own patients only, an analyst is refused
 * person-level types. On SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirError } from '@kindred/fhir';
import { accessibleRecord, defaultAccessPolicy, type AccessContext } from '@kindred/access';
import { ANALYST_AREA, AREA, accessOf, analystAccess } from '@kindred/access/testing';
import type { Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { BUILT_IN_VIEWS } from '../measures/index.ts';
import { activeViewDefinitions, ensureViewDefinitions, runViewOverRecord } from './index.ts';

const backends = await testBackends();
const policy = defaultAccessPolicy();

const patientView = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  resourceType: 'ViewDefinition',
  url: 'https://kindred.health/fhir/ViewDefinition/test-patient',
  name: 'test_patient',
  status: 'active',
  resource: 'Patient',
  select: [{ column: [{ name: 'id', path: 'id' }, { name: 'family', path: 'name.family.first()' }] }],
  ...extra,
});

const organisationView: Record<string, unknown> = {
  url: 'https://kindred.health/fhir/ViewDefinition/test-organisation',
  name: 'test_organisation',
  status: 'draft',
  resource: 'Organization',
  select: [{ column: [{ name: 'id', path: 'id' }, { name: 'name', path: 'name' }] }],
};


async function collect(rows: AsyncIterable<Record<string, unknown>>): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

async function rejection(work: Promise<unknown>): Promise<FhirError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof FhirError) return error;
    throw error;
  }
  throw new Error('expected a FhirError');
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`ViewDefinitions in the record on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    const as = async (access: AccessContext): Promise<Repository> => (await accessibleRecord(store.repository, access, policy)).repository;

    beforeAll(async () => {
      store = await backend.open();
      for (const resource of [...AREA, ...ANALYST_AREA]) await store.repository.update(resource);
    });
    afterAll(async () => store?.close());

    it('installs views by url: created, then left alone when identical, updated when changed', async () => {
      expect(await ensureViewDefinitions(store.repository, [patientView(), organisationView])).toEqual({ created: 2, updated: 0 });
      // key order does not matter
      const reordered = Object.fromEntries(Object.entries(patientView()).reverse());
      expect(await ensureViewDefinitions(store.repository, [reordered, organisationView])).toEqual({ created: 0, updated: 0 });
      expect(await ensureViewDefinitions(store.repository, [patientView({ title: 'People' })])).toEqual({ created: 0, updated: 1 });
      const active = await activeViewDefinitions(store.repository);
      expect(active.map((v) => v.view.name)).toEqual(['test_patient']);
      expect(active[0]!.view.title).toBe('People');
    });

    it('refuses a view without a url or one the engine rejects, writing nothing', async () => {
      const { url: _url, ...noUrl } = patientView({ name: 'no_url' });
      expect((await rejection(ensureViewDefinitions(store.repository, [noUrl]))).status).toBe(422);
      const bad = patientView({ url: 'https://kindred.health/fhir/ViewDefinition/bad', name: 'bad', select: [{ column: [{ name: 'x', path: 'name.(' }] }] });
      const error = await rejection(ensureViewDefinitions(store.repository, [organisationView, bad]));
      expect(error.status).toBe(422);
      expect(error.message).toMatch(/"bad"/);
      const twice = await rejection(ensureViewDefinitions(store.repository, [organisationView, organisationView]));
      expect(twice.message).toMatch(/url/);
      expect((await activeViewDefinitions(store.repository)).map((v) => v.view.name)).toEqual(['test_patient']);
    });

    it('runs a view over the whole record for the administrator, with a limit', async () => {
      const rows = await collect(runViewOverRecord(store.repository, patientView()));
      expect(rows.map((r) => r.id).sort()).toEqual(['alice', 'carol', 'dave']);
      expect(rows.find((r) => r.id === 'alice')).toEqual({ id: 'alice', family: 'Able' });
      expect(await collect(runViewOverRecord(store.repository, patientView(), { limit: 2 }))).toHaveLength(2);
    });

    it('gives a clinician rows only for the people their practice cares for', async () => {
      const north = await collect(runViewOverRecord(await as(accessOf('gpClinician')), patientView()));
      expect(north.map((r) => r.id).sort()).toEqual(['alice', 'dave']);
      const south = await collect(runViewOverRecord(await as(accessOf('otherGpClinician')), patientView()));
      expect(south.map((r) => r.id)).toEqual(['carol']);
    });

    it('gives an analyst no person-level rows (refused), but reference data such as organisations', async () => {
      const analyst = await as(analystAccess());
      const error = await rejection(collect(runViewOverRecord(analyst, patientView())));
      expect(error.status).toBe(403);
      const organisations = await collect(runViewOverRecord(analyst, organisationView));
      expect(organisations.map((r) => r.id)).toContain('gp-north');
    });

    it('the built-in views of the measure library pass the record\'s validation and install once', async () => {
      expect(await ensureViewDefinitions(store.repository, BUILT_IN_VIEWS)).toEqual({ created: BUILT_IN_VIEWS.length, updated: 0 });
      expect(await ensureViewDefinitions(store.repository, BUILT_IN_VIEWS)).toEqual({ created: 0, updated: 0 });
      const names = (await activeViewDefinitions(store.repository)).map((v) => v.view.name);
      for (const view of BUILT_IN_VIEWS) expect(names).toContain(view.name);
    });

    it('an invalid view run over the record is a 422 naming the problem', async () => {
      const error = await rejection(collect(runViewOverRecord(store.repository, { resource: 'Patient', select: [] })));
      expect(error.status).toBe(422);
      expect(error.message).toMatch(/select/);
    });
  });
}
