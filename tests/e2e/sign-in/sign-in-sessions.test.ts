/**
 * Sign-in sessions and forgotten passwords against a running Kindred, on SQLite and PostgreSQL:
 * a session lets a person open a second app without signing in again, but not once it has been
 * idle too long; a password reset request puts a one-time link in the outbox (and says the same
 * whether or not the username exists), and the link sets a new password once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { FormBrowser, csrfOf, formActionOf, startSignInServer, type SignInServer } from './sign-in-server.ts';

const backends = await testBackends();
const REDIRECT = 'http://localhost:5000/callback';

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`sign-in sessions and password reset on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let server: SignInServer;

    beforeAll(async () => {
      store = await backend.open();
      server = await startSignInServer(store, { signIn: { sessionIdleSeconds: 2 } });
      await server.addAccount({ username: 'pat', displayName: 'Pat', fhirUser: 'Patient/p1', email: 'pat@example.org', password: 'first password' });
      await server.addClient({ clientId: 'app', name: 'App', redirectUris: [REDIRECT], public: true });
    });
    afterAll(async () => {
      await server?.close();
      await store?.destroy();
    });

    async function authorizeUrl(): Promise<string> {
      const app = await client.discovery(new URL(server.issuer), 'app', undefined, client.None(), { execute: [client.allowInsecureRequests] });
      return client
        .buildAuthorizationUrl(app, {
          redirect_uri: REDIRECT,
          scope: 'openid patient/*.rs',
          code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
          code_challenge_method: 'S256',
          state: 's',
          aud: server.fhirBase,
        })
        .toString();
    }

    async function signIn(browser: FormBrowser, password: string): Promise<Awaited<ReturnType<FormBrowser['follow']>>> {
      const step = await browser.follow(await browser.get(await authorizeUrl()));
      const page = await step.response.text();
      return browser.follow(await browser.post(formActionOf(page, server.origin), { csrf: csrfOf(page), username: 'pat', password }));
    }

    it('keeps a person signed in for a second app, until the session has been idle too long', async () => {
      const browser = new FormBrowser(server.origin);
      expect((await signIn(browser, 'first password')).external).toBeDefined();
      const again = await browser.follow(await browser.get(await authorizeUrl()));
      expect(again.external).toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const later = await browser.follow(await browser.get(await authorizeUrl()));
      expect(later.external).toBeUndefined();
      expect(await later.response.text()).toContain('<h1>Sign in</h1>');
    });

    it('signs out (RP-Initiated Logout) with Kindred\'s own page and its CSRF token: the next app asks again', async () => {
      const browser = new FormBrowser(server.origin);
      expect((await signIn(browser, 'first password')).external).toBeDefined();
      const question = await browser.get(`${server.issuer}/session/end`);
      expect(question.headers.get('x-frame-options')).toBe('DENY');
      const page = await question.text();
      expect(page).toContain('<h1>Sign out of Kindred</h1>');
      expect(page).not.toMatch(/<script/i);
      const form = /<form[^>]*id="op.logoutForm"[^>]*>/.exec(page)?.[0] ?? '';
      const action = /action="([^"]+)"/.exec(form)?.[1];
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)?.[1];
      expect(action).toBeDefined();
      expect(xsrf).toBeDefined();
      const refused = await browser.post(new URL(action!, server.origin).href, { logout: 'yes', xsrf: 'forged' });
      expect(refused.status).toBe(400);
      const done = await browser.follow(await browser.post(new URL(action!, server.origin).href, { logout: 'yes', xsrf: xsrf! }));
      expect(await done.response.text()).toContain('You have signed out');
      const next = await browser.follow(await browser.get(await authorizeUrl()));
      expect(next.external).toBeUndefined();
      expect(await next.response.text()).toContain('<h1>Sign in</h1>');
    });

    it('resets a forgotten password with a one-time link from the outbox', async () => {
      const browser = new FormBrowser(server.origin);
      const form = await browser.get(`${server.issuer}/reset`);
      expect(form.headers.get('x-frame-options')).toBe('DENY');
      let page = await form.text();
      const noToken = await browser.post(formActionOf(page, server.origin), { username: 'pat' });
      expect(noToken.status).toBe(403);
      const unknown = await browser.post(formActionOf(page, server.origin), { csrf: csrfOf(page), username: 'nobody' });
      const known = await browser.post(formActionOf(page, server.origin), { csrf: csrfOf(page), username: 'pat' });
      expect(await unknown.text()).toEqual(await known.text());
      const messages = await store.outbox.pending();
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ recipient: 'pat@example.org', channel: 'email', template: 'password-reset' });
      const link = messages[0]!.personalisation.link!;
      expect(link.startsWith(`${server.issuer}/reset/new?token=`)).toBe(true);

      page = await (await browser.get(link)).text();
      const weak = await browser.post(formActionOf(page, server.origin), { csrf: csrfOf(page), password: 'short' });
      expect(weak.status).toBe(400);
      expect(await weak.text()).toContain('at least 8 characters');
      const done = await browser.post(formActionOf(page, server.origin), { csrf: csrfOf(page), password: 'a brand new password' });
      expect(await done.text()).toContain('Your password has been changed');
      expect((await browser.get(link)).status).toBe(410);

      expect((await signIn(new FormBrowser(server.origin), 'first password')).external).toBeUndefined();
      expect((await signIn(new FormBrowser(server.origin), 'a brand new password')).external).toBeDefined();
    });
  });
}
