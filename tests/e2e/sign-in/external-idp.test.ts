/**
 * Signing in through the area's own identity provider: a second oidc-provider, started here as the
 * area's IdP (its development sign-in form, driven over HTTP), is configured in Kindred by issuer,
 * client id and secret; a SMART app's sign-in goes there and back, and the person's
 * `preferred_username` (or `fhirUser`) claim picks the Kindred account. Staff still give Kindred's
 * authenticator code when the IdP does not say it used a second factor. On SQLite and PostgreSQL.
 */
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import Provider from 'oidc-provider';
import { totpCode } from '@kindred/access';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { FormBrowser, claimsOf, csrfOf, formActionOf, freePort, startSignInServer, type SignInServer } from './sign-in-server.ts';

const backends = await testBackends();
const REDIRECT = 'http://localhost:5000/callback';

/** The area's IdP: anyone may "sign in" by name on its development form; its ID tokens say who. */
async function startAreaIdp(kindredIssuer: string): Promise<{ issuer: string; server: Server }> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const idp = new Provider(issuer, {
    clients: [{ client_id: 'kindred', client_secret: 'area-secret-value', redirect_uris: [`${kindredIssuer}/external/callback`], token_endpoint_auth_method: 'client_secret_post' }],
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, preferred_username: id, fhirUser: id === 'kim' ? 'https://area.example/fhir/Practitioner/n1' : undefined }) }),
    claims: { openid: ['sub'], profile: ['preferred_username', 'fhirUser'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['area-cookie-key'] },
  });
  const server = idp.listen(port);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return { issuer, server };
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`external identity provider on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let server: SignInServer;
    let area: { issuer: string; server: Server };
    let app: client.Configuration;
    let staffSecret: string;

    beforeAll(async () => {
      store = await backend.open();
      const port = await freePort();
      area = await startAreaIdp(`http://127.0.0.1:${port}/auth`);
      server = await startSignInServer(store, {
        port,
        signIn: { external: { issuer: area.issuer, clientId: 'kindred', clientSecret: 'area-secret-value', displayName: 'Riverside NHS account', allowInsecureRequests: true } },
      });
      await server.addAccount({ username: 'pat', displayName: 'Pat', fhirUser: 'Patient/p1', password: 'local password' });
      staffSecret = (await server.addAccount({ username: 'kim', displayName: 'Nurse Kim', fhirUser: 'Practitioner/n1', password: 'local password', totp: true })).totpSecret!;
      await server.addClient({ clientId: 'app', name: 'App', redirectUris: [REDIRECT], public: true });
      app = await client.discovery(new URL(server.issuer), 'app', undefined, client.None(), { execute: [client.allowInsecureRequests] });
    });
    afterAll(async () => {
      await server?.close();
      await new Promise((resolve) => area?.server.close(resolve));
      await store?.destroy();
    });

    /** Starts a SMART launch, chooses "Sign in with …", signs in at the area's IdP as `who`; returns where the browser lands. */
    async function viaAreaIdp(who: string): Promise<{ browser: FormBrowser; verifier: string; landed: Awaited<ReturnType<FormBrowser['follow']>> }> {
      const verifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(app, {
        redirect_uri: REDIRECT,
        scope: 'openid fhirUser patient/*.rs launch/patient',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: 'st',
        aud: server.fhirBase,
      });
      const browser = new FormBrowser(server.origin);
      const signInPage = await (await browser.follow(await browser.get(url.href))).response.text();
      const button = /<a class="nhsuk-button nhsuk-button--secondary" href="([^"]+)">Sign in with Riverside NHS account<\/a>/.exec(signInPage);
      expect(button).not.toBeNull();
      let step = await browser.follow(await browser.get(new URL(button![1]!, server.origin).href), area.issuer);
      step = await browser.follow(await browser.get(step.external!), '\u0000');
      // the IdP's development login form, then its consent form
      const forms: Record<string, string>[] = [{ prompt: 'login', login: who, password: 'anything' }, { prompt: 'consent' }];
      for (const fields of forms) {
        const page = await step.response.text();
        const action = /action="([^"]+)"/.exec(page)?.[1];
        expect(action, page.slice(0, 500)).toBeDefined();
        step = await browser.follow(await browser.post(new URL(action!, area.issuer).href, fields), server.origin);
        if (step.external !== undefined) break;
      }
      return { browser, verifier, landed: await browser.follow(await browser.get(step.external!), REDIRECT) };
    }

    it('signs a patient in with the area account and gives the app their own record', async () => {
      const { verifier, landed } = await viaAreaIdp('pat');
      expect(landed.external, landed.url).toMatch(/^http:\/\/localhost:5000\/callback\?code=/);
      const tokens = await client.authorizationCodeGrant(app, new URL(landed.external!), { pkceCodeVerifier: verifier, expectedState: 'st' });
      expect(tokens.patient).toBe('p1');
      expect(claimsOf(tokens.access_token)).toMatchObject({ fhirUser: 'Patient/p1', iss: server.issuer });
    });

    it('still asks staff for Kindred\'s authenticator code when the IdP used no second factor', async () => {
      const { browser, landed } = await viaAreaIdp('kim');
      const page = await landed.response.text();
      expect(page).toContain('Enter the code from your authenticator app');
      const next = await browser.follow(await browser.post(formActionOf(page, server.origin), { csrf: csrfOf(page), code: totpCode(staffSecret, Date.now()) }), REDIRECT);
      expect(await next.response.text()).toContain('Choose a patient');
    });

    it('refuses an area account that matches no Kindred account, and audits it', async () => {
      const { landed } = await viaAreaIdp('stranger');
      expect(landed.response.status).toBe(403);
      expect(await landed.response.text()).toContain('not linked to a Kindred account');
      const entries = await store.driver.query<{ content: string }>('SELECT content FROM audit_entry');
      expect(entries.some((e) => e.content.includes('no Kindred account for the external identity'))).toBe(true);
    });
  });
}
