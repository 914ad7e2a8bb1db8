/** Accounts on every backend: creation rules, password and TOTP sign-in, lockout, password reset through the outbox. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { createAccounts, type Accounts } from './accounts.ts';
import { hashPassword, verifyPassword } from './password-hash.ts';
import { totpCode } from './totp.ts';

const backends = await testBackends();
const CHEAP = { N: 1024, r: 8, p: 1 };

describe('password hashing', () => {
  it('salts each hash, stores its parameters and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery', CHEAP);
    const b = await hashPassword('correct horse battery', CHEAP);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$N=1024,r=8,p=1\$/);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterz', a)).toBe(false);
    expect(await verifyPassword('anything', 'not a hash')).toBe(false);
  });
});

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`accounts on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let accounts: Accounts;
    let clock = Date.parse('2026-01-01T09:00:00Z');
    beforeAll(async () => {
      store = await backend.open();
      accounts = createAccounts(store.identity, store.outbox, { now: () => clock, scrypt: CHEAP });
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('requires TOTP for staff, not for patients or volunteers, and checks what it is given', async () => {
      await expect(accounts.add({ username: 'nurse', displayName: 'N', fhirUser: 'Practitioner/1', password: 'long enough' })).rejects.toThrow(/--totp/);
      const staff = await accounts.add({ username: 'Nurse.Kim', displayName: 'Kim', fhirUser: 'Practitioner/1', password: 'long enough', totp: true });
      expect(staff.account).toMatchObject({ username: 'nurse.kim', kind: 'staff', totpRequired: true });
      expect(staff.totpUri).toMatch(/^otpauth:\/\/totp\/Kindred:nurse\.kim\?.*secret=/);
      const volunteer = await accounts.add({ username: 'vol', displayName: 'V', fhirUser: 'Practitioner/2', password: 'long enough', volunteer: true });
      expect(volunteer.account.kind).toBe('volunteer');
      expect(volunteer.totpUri).toBeUndefined();
      expect((await accounts.add({ username: 'pat', displayName: 'P', fhirUser: 'Patient/p1', password: 'long enough' })).account.kind).toBe('patient');
      expect((await accounts.add({ username: 'carer', displayName: 'C', fhirUser: 'RelatedPerson/r1', password: 'long enough' })).account.kind).toBe('carer');
      await expect(accounts.add({ username: 'pat', displayName: 'P', password: 'long enough' })).rejects.toMatchObject({ status: 409 });
      await expect(accounts.add({ username: 'x', displayName: 'P' })).rejects.toThrow(/username/);
      await expect(accounts.add({ username: 'short', displayName: 'P', password: 'short' })).rejects.toThrow(/at least 8/);
      await expect(accounts.add({ username: 'bad', displayName: 'P', fhirUser: 'Observation/1' })).rejects.toThrow(/fhirUser/);
    });

    it('signs in with a password, then a TOTP code that works once', async () => {
      const { totpUri } = await accounts.add({ username: 'gp', displayName: 'Dr G', fhirUser: 'Practitioner/9', password: 'surgery hours', totp: true });
      const secret = new URL(totpUri!).searchParams.get('secret')!;
      expect(await accounts.checkPassword('GP', 'wrong password')).toEqual({ ok: false, reason: 'invalid' });
      const step1 = await accounts.checkPassword('gp', 'surgery hours');
      expect(step1).toMatchObject({ ok: true, needsTotp: true });
      const id = step1.ok ? step1.account.accountId : '';
      expect(await accounts.checkTotp(id, '000000')).toMatchObject({ ok: false });
      const code = totpCode(secret, clock);
      expect(await accounts.checkTotp(id, code)).toMatchObject({ ok: true });
      expect(await accounts.checkTotp(id, code)).toMatchObject({ ok: false, reason: 'invalid' });
      expect(await accounts.checkPassword('nobody', 'whatever1')).toEqual({ ok: false, reason: 'invalid' });
    });

    it('locks an account for 15 minutes after 5 failures, even with the right password', async () => {
      await accounts.add({ username: 'locked', displayName: 'L', fhirUser: 'Patient/l', password: 'right password' });
      for (let i = 0; i < 4; i++) expect(await accounts.checkPassword('locked', 'wrong')).toEqual({ ok: false, reason: 'invalid' });
      expect(await accounts.checkPassword('locked', 'wrong')).toMatchObject({ ok: false, reason: 'locked', justLocked: true });
      expect(await accounts.checkPassword('locked', 'right password')).toMatchObject({ ok: false, reason: 'locked', justLocked: false });
      clock += 15 * 60 * 1000 + 1;
      expect(await accounts.checkPassword('locked', 'right password')).toMatchObject({ ok: true });
    });

    it('resets a password with a one-time link sent through the outbox', async () => {
      await accounts.add({ username: 'forgot', displayName: 'F', fhirUser: 'Patient/f', email: 'f@example.org', password: 'old password' });
      await accounts.requestPasswordReset('nobody', () => 'x');
      await accounts.requestPasswordReset('forgot', (token) => `https://kindred.example/auth/reset/${token}`);
      const [message, ...others] = await store.outbox.pending();
      expect(others).toEqual([]);
      expect(message).toMatchObject({ recipient: 'f@example.org', channel: 'email', template: 'password-reset' });
      const token = message!.personalisation.link!.split('/').pop()!;
      expect(await accounts.resetTokenIsLive(token)).toBe(true);
      expect(await accounts.resetPassword(token, 'new password')).toBe(true);
      expect(await accounts.resetPassword(token, 'another one')).toBe(false);
      expect(await accounts.checkPassword('forgot', 'old password')).toMatchObject({ ok: false });
      expect(await accounts.checkPassword('forgot', 'new password')).toMatchObject({ ok: true });
      await accounts.requestPasswordReset('forgot', (t) => t);
      const expired = (await store.outbox.pending()).at(-1)!.personalisation.link!;
      clock += 61 * 60 * 1000;
      expect(await accounts.resetPassword(expired, 'too late now')).toBe(false);
    });
  });
}
