/**
 * The principal cache: a person's roles are looked up once per few seconds, a role taken away
 * applies when that time is up, and consents are never cached (a revoked consent stops access on
 * the next request).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteTestStore, type TestStore } from '@kindred/store/testing';
import { AREA, accessOf } from './area-fixture.ts';
import { accessibleRecord } from './accessible-record.ts';
import { defaultAccessPolicy } from './policy-config.ts';
import { createPrincipalCache } from './principal-cache.ts';

const policy = defaultAccessPolicy();

describe('principal cache', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openSqliteTestStore();
    for (const resource of AREA) await store.repository.update(resource);
  });
  afterAll(async () => store?.destroy());

  it('keeps roles for its time to live, then reads them again', async () => {
    const cache = createPrincipalCache({ ttlMs: 1000 });
    const t0 = Date.now();
    const first = await cache.resolve(accessOf('gpClinician'), store.repository, t0);
    expect(first.kind === 'staff' && first.roles.map((r) => r.id)).toEqual(['dr-north-role']);
    const role = await store.repository.read('PractitionerRole', 'dr-north-role');
    await store.repository.update({ ...role, active: false });
    try {
      expect(await cache.resolve(accessOf('gpClinician'), store.repository, t0 + 500)).toBe(first);
      const later = await cache.resolve(accessOf('gpClinician'), store.repository, t0 + 1500);
      expect(later.kind === 'staff' && later.roles).toEqual([]);
    } finally {
      await store.repository.update({ ...role, active: true });
    }
  });

  it('never caches what a consent allows', async () => {
    const cache = createPrincipalCache({ ttlMs: 60_000 });
    const now = Date.now();
    const ruth = () => accessibleRecord(store.repository, accessOf('carerWithConsent'), policy, now, cache);
    await expect((await ruth()).repository.read('Patient', 'alice')).resolves.toMatchObject({ id: 'alice' });
    const consent = await store.repository.read('Consent', 'consent-ruth');
    await store.repository.update({ ...consent, status: 'inactive' });
    try {
      await expect((await ruth()).repository.read('Patient', 'alice')).rejects.toThrow(/not known/);
    } finally {
      await store.repository.update({ ...consent, status: 'active' });
    }
  });
});
