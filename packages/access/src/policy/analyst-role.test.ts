/**
 * The analyst role (improvement and analytics team): writes views, measures and libraries, reads
 * reference data such as ViewDefinitions, and never reads or writes anyone's
 * record. A clinician reads views but may not write them. On SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirError, parseSearchRequest, type Resource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { ANALYST_AREA, AREA, accessOf, analystAccess, observation } from './area-fixture.ts';
import { accessibleRecord } from './accessible-record.ts';
import { defaultAccessPolicy } from './policy-config.ts';

const backends = await testBackends();
const policy = defaultAccessPolicy();


const view = (id: string): Resource => ({
  resourceType: 'ViewDefinition',
  id,
  url: `https://kindred.health/fhir/ViewDefinition/${id}`,
  name: id.replace(/-/g, '_'),
  status: 'active',
  resource: 'Patient',
  select: [{ column: [{ name: 'id', path: 'id' }] }],
});

async function outcome(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof FhirError) return `${error.status}`;
    throw error;
  }
  return 'ok';
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the analyst role on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let analyst: Repository;
    let clinician: Repository;

    beforeAll(async () => {
      store = await backend.open();
      for (const resource of [...AREA, ...ANALYST_AREA]) await store.repository.update(resource);
      analyst = (await accessibleRecord(store.repository, analystAccess(), policy)).repository;
      clinician = (await accessibleRecord(store.repository, accessOf('gpClinician'), policy)).repository;
    });
    afterAll(async () => store?.close());

    it('an analyst writes a ViewDefinition; a clinician reads it but may not write one', async () => {
      expect(await outcome(analyst.create(view('patient-ids')))).toBe('ok');
      const created = await analyst.search(parseSearchRequest('ViewDefinition', [['name', 'patient_ids']], { handling: 'strict' }));
      expect(created.matches.map((r) => r.name)).toEqual(['patient_ids']);
      const stored = created.matches[0]!;
      expect(await outcome(analyst.update({ ...stored, status: 'retired' }))).toBe('ok');
      expect(await outcome(clinician.create(view('by-clinician')))).toBe('403');
      expect(await outcome(clinician.update({ ...stored, status: 'active' }))).toBe('403');
      expect((await clinician.read('ViewDefinition', stored.id)).status).toBe('retired');
    });

    it('an analyst writes a Measure and a Library, but neither reads nor writes a MeasureReport (one may be about a person)', async () => {
      expect(await outcome(analyst.create({ resourceType: 'Measure', status: 'draft', name: 'dna_rate' }))).toBe('ok');
      expect(await outcome(analyst.create({ resourceType: 'Library', status: 'draft', type: { coding: [{ code: 'logic-library' }] } }))).toBe('ok');
      const { resource: report } = await store.repository.create({ resourceType: 'MeasureReport', status: 'complete', type: 'summary', measure: 'https://kindred.health/fhir/Measure/dna', period: { start: '2026-01-01', end: '2026-01-31' } });
      expect(await outcome(analyst.read('MeasureReport', report.id))).not.toBe('ok');
      expect(await outcome(analyst.create({ resourceType: 'MeasureReport', status: 'complete', type: 'summary', measure: 'x', period: { start: '2026-01-01' } }))).toBe('403');
    });

    it('an analyst reads and writes nobody’s record', async () => {
      expect(await outcome(analyst.read('Patient', 'alice'))).not.toBe('ok');
      expect(await outcome(analyst.read('Observation', 'obs-bp'))).not.toBe('ok');
      expect(await outcome(analyst.search(parseSearchRequest('Patient', [], { handling: 'strict' })))).toBe('403');
      expect(await outcome(analyst.create(observation('by-analyst', 'alice', '8867-4')))).toBe('403');
    });
  });
}
