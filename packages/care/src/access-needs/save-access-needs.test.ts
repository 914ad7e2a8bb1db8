/**
 * saveAccessNeeds on SQLite and PostgreSQL, through the access-checked repository of the area's
 * receptionist and of the person themself: the record accepts the profile as valid FHIR, reads it
 * back the same, and refuses a save over someone else's edit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibleRecord, defaultAccessPolicy } from '@kindred/access';
import { AREA, accessOf, type Who } from '@kindred/access/testing';
import type { Repository } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { DEFAULT_ACCESS_NEEDS, readAccessNeeds, type AccessNeeds } from './access-needs.ts';
import { saveAccessNeeds } from './save-access-needs.ts';

const backends = await testBackends();

const needs: AccessNeeds = {
  ...DEFAULT_ACCESS_NEEDS,
  preferredChannels: ['sms'],
  possibleChannels: ['letter'],
  language: 'pl',
  interpreterRequired: true,
  largePrint: true,
  carerHelps: 'RelatedPerson/ruth',
  reasonableAdjustments: ['a quiet room'],
  safeToContactAtHome: false,
};

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`saveAccessNeeds on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    const as = async (who: Who): Promise<Repository> => (await accessibleRecord(store.repository, accessOf(who), defaultAccessPolicy())).repository;
    beforeAll(async () => {
      store = await backend.open();
      await store.repository.importResources(AREA);
    });
    afterAll(() => store.destroy());

    it('stores the profile on the Patient, keeping the rest of the record', async () => {
      const saved = await saveAccessNeeds(await as('receptionist'), 'alice', needs);
      const stored = await store.repository.read('Patient', 'alice');
      expect(stored.meta.versionId).toBe(saved.meta.versionId);
      expect(readAccessNeeds(stored)).toEqual(needs);
      expect(stored).toMatchObject({ name: [{ family: 'Able' }], generalPractitioner: [{ reference: 'Organization/gp-north' }] });
    });

    it('the person can record their own needs', async () => {
      const own = { ...needs, preferredChannels: ['letter'] as const, possibleChannels: [] };
      await saveAccessNeeds(await as('patient'), 'alice', own);
      expect(readAccessNeeds(await store.repository.read('Patient', 'alice'))).toEqual(own);
    });

    it('refuses a save over an edit made since the form was opened, and says what to do', async () => {
      const opened = (await store.repository.read('Patient', 'alice')).meta.versionId;
      const receptionist = await as('receptionist');
      await saveAccessNeeds(receptionist, 'alice', { ...needs, longerAppointment: true }, { seenVersion: opened });
      const error = await saveAccessNeeds(await as('patient'), 'alice', { ...needs, easyRead: true }, { seenVersion: opened }).catch((e: unknown) => e);
      expect(error).toMatchObject({ errorName: 'PRECONDITION_FAILED', status: 412 });
      expect((error as Error).message).toMatch(/Someone else changed the details of Patient\/alice .* Nothing was saved: open the page again/);
      expect(readAccessNeeds(await store.repository.read('Patient', 'alice'))).toMatchObject({ longerAppointment: true, easyRead: false });
    });

    it('two saves at the same moment: at most one wins over a version, neither is lost silently', async () => {
      const opened = (await store.repository.read('Patient', 'alice')).meta.versionId;
      const [a, b] = await Promise.allSettled([
        saveAccessNeeds(await as('receptionist'), 'alice', { ...needs, hearingLoss: true }, { seenVersion: opened }),
        saveAccessNeeds(await as('patient'), 'alice', { ...needs, sightLoss: true }, { seenVersion: opened }),
      ]);
      const fulfilled = [a, b].filter((r) => r.status === 'fulfilled');
      expect(fulfilled).toHaveLength(1);
      expect([a, b].find((r) => r.status === 'rejected')).toMatchObject({ reason: { errorName: 'PRECONDITION_FAILED' } });
    });

    it('someone who may not see the person cannot save their needs', async () => {
      const error = await saveAccessNeeds(await as('otherGpClinician'), 'alice', needs).catch((e: unknown) => e);
      expect(error).toMatchObject({ errorName: 'NOT_FOUND' });
    });
  });
}
