/**
 * Two Kindred nodes of one site on one database (as behind a load balancer): a person starts
 * signing in on one node, finishes on the other, and the app exchanges its code and refreshes its
 * token on either. Nothing a sign-in needs is kept in one process's memory. On SQLite (two apps on
 * one file) and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { openStore } from '@kindred/store';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { FormBrowser, claimsOf, csrfOf, formActionOf, startSignInServer, type SignInServer } from './sign-in-server.ts';

const backends = await testBackends();
const REDIRECT = 'http://localhost:5000/callback';

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`two sign-in nodes on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let second: Awaited<ReturnType<typeof openStore>>;
    let nodeA: SignInServer;
    let nodeB: SignInServer;

    beforeAll(async () => {
      store = await backend.open();
      second = await openStore(store.config);
      nodeA = await startSignInServer(store);
      nodeB = await startSignInServer({ ...second, config: store.config, destroy: () => second.close() }, { publicOrigin: nodeA.origin });
      await nodeA.addAccount({ username: 'pat', displayName: 'Pat', fhirUser: 'Patient/p1', password: 'patient password' });
      await nodeA.addClient({ clientId: 'app', name: 'App', redirectUris: [REDIRECT], public: true });
    });
    afterAll(async () => {
      await nodeB?.close();
      await nodeA?.close();
      await second?.close();
      await store?.destroy();
    });

    it('signs in across nodes and exchanges and refreshes tokens on either', async () => {
      const address = nodeB.app.server.address();
      const bOrigin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
      const onB = (url: string) => url.replace(nodeA.origin, bOrigin);
      const app = await client.discovery(new URL(nodeA.issuer), 'app', undefined, client.None(), { execute: [client.allowInsecureRequests] });
      const verifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(app, {
        redirect_uri: REDIRECT,
        scope: 'openid launch/patient patient/*.rs offline_access',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: 'st',
        aud: nodeA.fhirBase,
      });
      // the browser's cookies are for the site; node A shows the form, node B takes the answer
      const browser = new FormBrowser(nodeA.origin);
      const shown = await browser.follow(await browser.get(url.href));
      const page = await shown.response.text();
      const posted = await fetch(onB(formActionOf(page, nodeA.origin)), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.cookiesFor(nodeA.origin) },
        body: new URLSearchParams({ csrf: csrfOf(page), username: 'pat', password: 'patient password' }).toString(),
      });
      expect(posted.status).toBe(303);
      const back = await browser.follow(await browser.get(new URL(posted.headers.get('location')!, nodeA.origin).href));
      const callback = new URL(back.external!);

      const exchanged = await fetch(`${bOrigin}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: REDIRECT, client_id: 'app', code_verifier: verifier }).toString(),
      });
      expect(exchanged.status).toBe(200);
      const tokens = (await exchanged.json()) as { access_token: string; refresh_token: string; patient: string };
      expect(tokens.patient).toBe('p1');
      expect(claimsOf(tokens.access_token)).toMatchObject({ iss: nodeA.issuer, aud: nodeA.fhirBase });
      // node A accepts node B's token, and refreshes B's refresh token
      expect((await nodeA.tokens.trusting({ issuer: nodeA.issuer, audience: nodeA.fhirBase }).verify(tokens.access_token)).patient).toBe('p1');
      const refreshed = await client.refreshTokenGrant(app, tokens.refresh_token);
      expect(claimsOf(refreshed.access_token)).toMatchObject({ patient: 'p1' });
    });
  });
}
