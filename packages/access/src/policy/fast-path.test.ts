/**
 * The fast path never says yes where the exact policy says no, and a search pinned to one person
 * answers exactly as the exact filter does: every principal of the test area × every resource, and
 * × every person and record type; on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSearchRequest, type SearchRequest, type StoredResource } from '@kindred/fhir';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { AREA, WHO, accessOf, type Who } from './area-fixture.ts';
import { fastPath, pinnedPatients } from './fast-path.ts';
import { defaultAccessPolicy } from './policy-config.ts';
import { policyRepository } from './policy-repository.ts';
import { resolvePrincipal } from './principal.ts';
import { readRestriction } from './rules.ts';

const backends = await testBackends();
const policy = defaultAccessPolicy();
const everyone = Object.keys(WHO) as Who[];

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`the policy's fast path on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let stored: StoredResource[];
    beforeAll(async () => {
      store = await backend.open();
      stored = [];
      for (const resource of AREA) stored.push((await store.repository.update(resource)).resource);
    });
    afterAll(async () => store?.close());

    it('says yes only where the exact policy does, and says yes often', async () => {
      let yes = 0;
      for (const who of everyone) {
        const now = Date.now();
        const principal = await resolvePrincipal(accessOf(who), store.repository, now);
        const fast = fastPath(store.repository, principal, policy, now);
        for (const resource of stored) {
          if (!(await fast.mayRead(resource))) continue;
          yes++;
          const exact = readRestriction(principal, resource.resourceType, policy, now);
          const request = parseSearchRequest(resource.resourceType, [['_id', resource.id]], { handling: 'strict' });
          const page = await store.repository.search({ ...request, ...(exact === undefined || exact === 'none' ? {} : { restriction: () => exact }) });
          expect({ who, resource: `${resource.resourceType}/${resource.id}`, visible: exact !== 'none' && page.matches.length === 1 }).toEqual({
            who,
            resource: `${resource.resourceType}/${resource.id}`,
            visible: true,
          });
        }
      }
      expect(yes).toBeGreaterThan(40);
    });

    it('answers searches pinned to one person exactly as the exact filter does', async () => {
      const types = ['Patient', 'Observation', 'Condition', 'Encounter', 'RelatedPerson', 'Consent', 'Task', 'ServiceRequest'];
      for (const who of everyone) {
        const now = Date.now();
        const principal = await resolvePrincipal(accessOf(who), store.repository, now);
        const withFastPath = policyRepository(store.repository, principal, policy, { now });
        for (const patient of ['alice', 'carol', 'dave']) {
          for (const type of types) {
            const exact = readRestriction(principal, type, policy, now);
            if (exact === 'none') continue;
            const query: [string, string][] =
              type === 'Patient' ? [['_id', patient]] : type === 'Task' ? [['patient', patient]] : [[type === 'Consent' || type === 'RelatedPerson' ? 'patient' : 'subject', `Patient/${patient}`]];
            const request: SearchRequest = parseSearchRequest(type, query, { handling: 'strict' });
            expect({ type, pinned: pinnedPatients(request, policy) }).toEqual({ type, pinned: [patient] });
            const fastIds = (await withFastPath.search(request)).matches.map((r) => r.id).sort();
            const exactIds = (await store.repository.search({ ...request, ...(exact === undefined ? {} : { restriction: (t) => readRestriction(principal, t, policy, now) }) })).matches.map((r) => r.id).sort();
            expect({ who, patient, type, ids: fastIds }).toEqual({ who, patient, type, ids: exactIds });
          }
        }
      }
    });
  });
}
