/**
 * Video links and passes on SQLite and PostgreSQL: the cookie's attributes, a patient's link that
 * opens again and a one-time link that does not, expiry, and the CSRF token bound to the pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestStore } from '@kindred/store/testing';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createVideoPasses, type VideoInvite, type VideoPasses } from './video-passes.ts';

const backends = await testBackends();

/** The little of a reply the passes use: its Set-Cookie header. */
function replyRecorder(): { reply: FastifyReply; cookies: () => string[] } {
  const headers = new Map<string, unknown>();
  const reply = {
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    header(name: string, value: unknown) {
      headers.set(name.toLowerCase(), value);
      return reply;
    },
  } as unknown as FastifyReply;
  return { reply, cookies: () => (headers.get('set-cookie') as string[] | undefined) ?? [] };
}

const requestWith = (cookie: string): FastifyRequest => ({ headers: { cookie } }) as FastifyRequest;

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`video links and passes on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let now = Date.parse('2030-03-04T09:00:00Z');
    let passes: VideoPasses;
    const invite = (over: Partial<VideoInvite> = {}): VideoInvite => ({ appointmentId: 'a1', role: 'patient', displayName: 'Dave', participantId: 'patient-a1', oneTime: false, expiresAt: now + 3_600_000, ...over });
    beforeAll(async () => {
      store = await backend.open();
      passes = createVideoPasses({ records: store.identity.oidcRecords, csrfKey: Buffer.alloc(32, 7), secureCookies: true, now: () => now });
    });
    afterAll(() => store.destroy());

    it('a link opens a pass; the cookie is HttpOnly, SameSite=Lax, Secure, for /video only, and ends with the link', async () => {
      const { token, path } = await passes.createInvite(invite());
      expect(path).toBe(`/video/join/${token}`);
      const redeemed = (await passes.redeem(token))!;
      expect(redeemed.pass).toMatchObject({ appointmentId: 'a1', role: 'patient', participantId: 'patient-a1', displayName: 'Dave' });
      const { reply, cookies } = replyRecorder();
      passes.setCookie(reply, redeemed.passId, redeemed.pass.expiresAt);
      expect(cookies()).toEqual([`kindred_video=${redeemed.passId}; Path=/video; HttpOnly; SameSite=Lax; Secure; Max-Age=3600`]);
      expect(await passes.passOf(requestWith(`other=1; kindred_video=${redeemed.passId}`))).toEqual(redeemed.pass);
      // the patient's link opens again, as the same participant, with a new pass
      const again = (await passes.redeem(token))!;
      expect(again.passId).not.toBe(redeemed.passId);
      expect(again.pass.participantId).toBe('patient-a1');
    });

    it('nothing but the hash of a token or a pass is stored', async () => {
      const { token } = await passes.createInvite(invite({ appointmentId: 'a2' }));
      const redeemed = (await passes.redeem(token))!;
      expect(await store.identity.oidcRecords.find('VideoInvite', token, now)).toBeUndefined();
      expect(await store.identity.oidcRecords.find('VideoPass', redeemed.passId, now)).toBeUndefined();
    });

    it('a one-time link opens once, even when opened many times at once', async () => {
      const { token } = await passes.createInvite(invite({ role: 'carer', participantId: 'p-1', oneTime: true }));
      const results = await Promise.all(Array.from({ length: 8 }, () => passes.redeem(token)));
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      expect(await passes.redeem(token)).toBeUndefined();
    });

    it('an expired link and an expired pass are refused; junk is refused without a lookup', async () => {
      const { token } = await passes.createInvite(invite({ appointmentId: 'a3', expiresAt: now + 60_000 }));
      const redeemed = (await passes.redeem(token))!;
      now += 120_000;
      expect(await passes.redeem(token)).toBeUndefined();
      expect(await passes.passOf(requestWith(`kindred_video=${redeemed.passId}`))).toBeUndefined();
      expect(await passes.redeem('not a token')).toBeUndefined();
      expect(await passes.passOf(requestWith('kindred_video=../../etc'))).toBeUndefined();
    });

    it('the CSRF token is bound to the pass', async () => {
      const { token } = await passes.createInvite(invite({ appointmentId: 'a4' }));
      const one = (await passes.redeem(token))!.pass;
      const two = (await passes.redeem(token))!.pass;
      const csrf = passes.csrfToken(one);
      expect(passes.csrfTokenIsValid(one, csrf)).toBe(true);
      expect(passes.csrfTokenIsValid(two, csrf)).toBe(false);
      expect(passes.csrfTokenIsValid(one, undefined)).toBe(false);
      expect(passes.csrfTokenIsValid(one, `${csrf}x`)).toBe(false);
    });
  });
}
