/** Accounts, clients, reset tokens, the provider's records, rate limits and the outbox, on every backend. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestStore } from '../testing/databases.ts';
import type { AccountRecord } from './accounts-table.ts';

const backends = await testBackends();

function account(overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    accountId: 'a1',
    username: 'sam',
    displayName: 'Sam Jones',
    fhirUser: 'Practitioner/p1',
    passwordHash: 'scrypt$x',
    totpRequired: false,
    failedAttempts: 0,
    disabled: false,
    createdAt: 1000,
    updatedAt: 1000,
    ...overrides,
  };
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`identity tables on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    beforeAll(async () => {
      store = await backend.open();
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('keeps accounts with unique usernames and applies changes', async () => {
      const { accounts } = store.identity;
      await accounts.insert(account());
      await expect(accounts.insert(account({ accountId: 'a2' }))).rejects.toMatchObject({ status: 409 });
      expect(await accounts.byUsername('sam')).toEqual(account());
      expect((await accounts.byFhirUser('Practitioner/p1'))?.accountId).toBe('a1');
      expect(await accounts.update('a1', { displayName: 'Sam J', totpRequired: true, totpSecret: 'ABC', email: 'sam@example.org' }, 2000)).toBe(true);
      expect(await accounts.byId('a1')).toMatchObject({ displayName: 'Sam J', totpRequired: true, totpSecret: 'ABC', email: 'sam@example.org', updatedAt: 2000 });
      expect(await accounts.update('nobody', { disabled: true }, 2000)).toBe(false);
    });

    it('counts failures atomically and locks at the limit', async () => {
      const { accounts } = store.identity;
      await accounts.insert(account({ accountId: 'lock', username: 'locky' }));
      const results = await Promise.all([1, 2, 3, 4].map(() => accounts.recordFailure('lock', 5000, 5, 60_000)));
      expect(results.map((r) => r?.failedAttempts).sort()).toEqual([1, 2, 3, 4]);
      expect(await accounts.recordFailure('lock', 5000, 5, 60_000)).toEqual({ failedAttempts: 0, lockedUntil: 65_000 });
      await accounts.recordSuccess('lock', 6000);
      expect(await accounts.byId('lock')).toMatchObject({ failedAttempts: 0 });
      expect((await accounts.byId('lock'))?.lockedUntil).toBeUndefined();
      expect(await accounts.recordFailure('nobody', 1, 5, 1)).toBeUndefined();
    });

    it('accepts each TOTP step once, and only going forward', async () => {
      const { accounts } = store.identity;
      await accounts.insert(account({ accountId: 'totp', username: 'totp' }));
      expect(await accounts.useTotpStep('totp', 100)).toBe(true);
      expect(await accounts.useTotpStep('totp', 100)).toBe(false);
      expect(await accounts.useTotpStep('totp', 99)).toBe(false);
      expect(await accounts.useTotpStep('totp', 101)).toBe(true);
    });

    it('keeps clients', async () => {
      const { clients } = store.identity;
      await clients.insert({ clientId: 'app', name: 'App', registration: { redirect_uris: ['https://app/cb'] }, createdAt: 1 });
      await expect(clients.insert({ clientId: 'app', name: 'Again', registration: {}, createdAt: 1 })).rejects.toMatchObject({ status: 409 });
      expect(await clients.byId('app')).toEqual({ clientId: 'app', name: 'App', registration: { redirect_uris: ['https://app/cb'] }, createdAt: 1 });
      expect((await clients.list()).map((c) => c.clientId)).toEqual(['app']);
      expect(await clients.remove('app')).toBe(true);
      expect(await clients.byId('app')).toBeUndefined();
    });

    it('uses a reset token once, and never after it expires', async () => {
      const { passwordResets } = store.identity;
      await passwordResets.insert('h1', 'a1', 10_000, 1000);
      await passwordResets.insert('h2', 'a1', 2_000, 1000);
      expect(await passwordResets.peek('h1', 5000)).toBe('a1');
      const both = await Promise.all([passwordResets.consume('h1', 5000), passwordResets.consume('h1', 5000)]);
      expect(both.filter((x) => x === 'a1')).toHaveLength(1);
      expect(await passwordResets.consume('h1', 5000)).toBeUndefined();
      expect(await passwordResets.consume('h2', 5000)).toBeUndefined();
      expect(await passwordResets.purge(3000)).toBe(1);
    });

    it('keeps the provider records with their secondary keys, expiry and consumption', async () => {
      const { oidcRecords } = store.identity;
      const now = 1_000_000;
      await oidcRecords.upsert('Session', 's1', { uid: 'u1', accountId: 'a1' }, now + 1000);
      await oidcRecords.upsert('AuthorizationCode', 'c1', { grantId: 'g1' }, now + 1000);
      await oidcRecords.upsert('RefreshToken', 'r1', { grantId: 'g1' }, undefined);
      await oidcRecords.upsert('Grant', 'old', {}, now - 1);
      expect(await oidcRecords.findByUid('Session', 'u1', now)).toEqual({ uid: 'u1', accountId: 'a1' });
      expect(await oidcRecords.find('Grant', 'old', now)).toBeUndefined();
      // two consumers at once: exactly one marks it
      expect((await Promise.all([oidcRecords.consume('AuthorizationCode', 'c1', now), oidcRecords.consume('AuthorizationCode', 'c1', now)])).sort()).toEqual([false, true]);
      expect(await oidcRecords.find('AuthorizationCode', 'c1', now)).toEqual({ grantId: 'g1', consumed: 1000 });
      expect(await oidcRecords.consume('AuthorizationCode', 'missing', now)).toBe(false);
      await oidcRecords.upsert('Session', 's1', { uid: 'u2', accountId: 'a1' }, now + 1000);
      expect(await oidcRecords.findByUid('Session', 'u1', now)).toBeUndefined();
      await oidcRecords.revokeByGrantId('g1');
      expect(await oidcRecords.find('RefreshToken', 'r1', now)).toBeUndefined();
      expect(await oidcRecords.purge(now)).toBe(1);
      await oidcRecords.destroy('Session', 's1');
      expect(await oidcRecords.find('Session', 's1', now)).toBeUndefined();
    });

    it('counts rate-limit hits per key and window, across concurrent callers', async () => {
      const { rateLimits } = store.identity;
      const hits = await Promise.all([1, 2, 3].map(() => rateLimits.hit('ip:1', 60_000)));
      expect(hits.sort()).toEqual([1, 2, 3]);
      expect(await rateLimits.hit('ip:1', 120_000)).toBe(1);
      expect(await rateLimits.hit('ip:2', 60_000)).toBe(1);
      expect(await rateLimits.purge(120_000)).toBe(2);
    });

    it('queues messages in the outbox', async () => {
      const id = await store.outbox.add({ recipient: 'sam@example.org', channel: 'email', template: 'password-reset', personalisation: { link: 'https://x/r' } }, 5);
      expect(await store.outbox.pending()).toEqual([
        { messageId: id, recipient: 'sam@example.org', channel: 'email', template: 'password-reset', personalisation: { link: 'https://x/r' }, status: 'pending', createdAt: 5 },
      ]);
      await store.outbox.markSent(id, 6);
      expect(await store.outbox.pending()).toEqual([]);
    });
  });
}
