/**
 * The sign-in service under attack, against a running Kindred on SQLite and PostgreSQL: tokens
 * that are expired, forged, for another audience or unsigned are refused with 401; PKCE cannot be
 * left out or faked; a client cannot get more scope than it is registered for; the aud parameter
 * must be this server; forms without their CSRF token are refused; five wrong passwords lock an
 * account (and the audit trail records it); too many requests get 429; pages carry security headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { SignJWT, base64url, generateKeyPair, importJWK } from 'jose';
import { loadProviderSigningJwk } from '@kindred/access';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { FormBrowser, csrfOf, formActionOf, startSignInServer, type SignInServer } from './sign-in-server.ts';

const backends = await testBackends();
const REDIRECT = 'http://localhost:5000/callback';

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`sign-in security on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let server: SignInServer;
    let app: client.Configuration;

    beforeAll(async () => {
      store = await backend.open();
      server = await startSignInServer(store);
      await server.addAccount({ username: 'pat', displayName: 'Pat', fhirUser: 'Patient/p1', password: 'patient password' });
      await server.addAccount({ username: 'victim', displayName: 'Vic', fhirUser: 'Patient/p2', password: 'victim password' });
      await server.addClient({ clientId: 'app', name: 'App', redirectUris: [REDIRECT], public: true, scope: 'openid fhirUser launch/patient patient/*.rs' });
      app = await client.discovery(new URL(server.issuer), 'app', undefined, client.None(), { execute: [client.allowInsecureRequests] });
    });
    afterAll(async () => {
      await server?.close();
      await store?.destroy();
    });

    const fhirWith = (token: string) => fetch(`${server.fhirBase}/Patient`, { headers: { authorization: `Bearer ${token}` } });

    async function expect401(token: string, message: RegExp): Promise<void> {
      const response = await fhirWith(token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
      const outcome = (await response.json()) as { issue: { diagnostics: string }[] };
      expect(outcome.issue[0]?.diagnostics).toMatch(message);
    }

    it('refuses expired, forged, wrong-audience and unsigned tokens with 401, saying why', async () => {
      const jwk = await loadProviderSigningJwk(store.settings);
      const key = await importJWK(jwk, 'ES256');
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: server.issuer, aud: server.fhirBase, sub: 'someone', scope: 'user/*.rs', client_id: 'app', jti: 'j1', iat: now, exp: now + 300 };
      const sign = (payload: Record<string, unknown>, signingKey: Parameters<SignJWT['sign']>[0] = key) =>
        new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: jwk.kid!, typ: 'at+jwt' }).sign(signingKey);
      await expect401(await sign({ ...claims, iat: now - 7200, exp: now - 3600 }), /expired/);
      const { privateKey: otherKey } = await generateKeyPair('ES256');
      await expect401(await sign(claims, otherKey), /signature that does not match/);
      await expect401(await sign({ ...claims, aud: 'https://elsewhere.example/fhir' }), /another audience \("https:\/\/elsewhere\.example\/fhir"\)/);
      await expect401(await sign({ ...claims, iss: 'https://elsewhere.example/auth' }), /issued by "https:\/\/elsewhere\.example\/auth"/);
      const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }))}.${base64url.encode(JSON.stringify(claims))}.`;
      await expect401(unsigned, /unsigned/);
      // an ID token is signed by the same key but is not an access token
      await expect401(await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: jwk.kid!, typ: 'JWT' }).sign(key), /not an access token/);
    });

    async function authorize(params: Record<string, string>): Promise<{ browser: FormBrowser; outcome: Awaited<ReturnType<FormBrowser['follow']>> }> {
      const browser = new FormBrowser(server.origin);
      const url = new URL(`${server.issuer}/authorize`);
      for (const [k, v] of Object.entries({ client_id: 'app', response_type: 'code', redirect_uri: REDIRECT, state: 's1', ...params })) url.searchParams.set(k, v);
      return { browser, outcome: await browser.follow(await browser.get(url.href)) };
    }
    const errorOf = (url: string | undefined) => (url === undefined ? undefined : new URL(url).searchParams.get('error'));
    const challenge = async (verifier: string) => client.calculatePKCECodeChallenge(verifier);

    it('requires PKCE, refuses a wrong verifier, and requires aud to be this FHIR base', async () => {
      const noPkce = await authorize({ scope: 'openid patient/*.rs', aud: server.fhirBase });
      expect(errorOf(noPkce.outcome.external)).toBe('invalid_request');
      expect(new URL(noPkce.outcome.external!).searchParams.get('error_description')).toMatch(/PKCE/);

      const plain = await authorize({ scope: 'openid', aud: server.fhirBase, code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' });
      expect(errorOf(plain.outcome.external)).toBe('invalid_request');

      const noAud = await authorize({ scope: 'openid', code_challenge: await challenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      expect(errorOf(noAud.outcome.external)).toBe('invalid_request');
      expect(new URL(noAud.outcome.external!).searchParams.get('error_description')).toMatch(/aud/);
      const wrongAud = await authorize({ scope: 'openid', aud: 'https://elsewhere.example/fhir', code_challenge: await challenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      expect(new URL(wrongAud.outcome.external!).searchParams.get('error_description')).toMatch(/FHIR base/);

      // a real sign-in, then the code exchanged with another verifier
      const verifier = client.randomPKCECodeVerifier();
      const { browser, outcome } = await authorize({ scope: 'openid launch/patient patient/*.rs', aud: server.fhirBase, code_challenge: await challenge(verifier), code_challenge_method: 'S256' });
      const page = await outcome.response.text();
      const back = await browser.follow(await browser.post(formActionOf(page, server.origin), { csrf: csrfOf(page), username: 'pat', password: 'patient password' }));
      expect(back.external).toBeDefined();
      await expect(client.authorizationCodeGrant(app, new URL(back.external!), { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: 's1' })).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses scopes the client is not registered for', async () => {
      const { outcome } = await authorize({ scope: 'openid patient/*.cruds', aud: server.fhirBase, code_challenge: await challenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      expect(errorOf(outcome.external)).toBe('invalid_scope');
      const offline = await authorize({ scope: 'openid offline_access', aud: server.fhirBase, code_challenge: await challenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      expect(errorOf(offline.outcome.external)).toBe('invalid_scope');
    });

    it('refuses a sign-in form without its CSRF token', async () => {
      const { browser, outcome } = await authorize({ scope: 'openid patient/*.rs', aud: server.fhirBase, code_challenge: await challenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      const page = await outcome.response.text();
      const action = formActionOf(page, server.origin);
      const missing = await browser.post(action, { username: 'pat', password: 'patient password' });
      expect(missing.status).toBe(403);
      expect(missing.headers.get('location')).toBeNull();
      const forged = await browser.post(action, { csrf: 'forged', username: 'pat', password: 'patient password' });
      expect(forged.status).toBe(403);
    });

    it('shows pages with security headers and an error summary, without JavaScript', async () => {
      const { outcome } = await authorize({ scope: 'openid patient/*.rs', aud: server.fhirBase, code_challenge: await challenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      const headers = outcome.response.headers;
      expect(headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(headers.get('content-security-policy')).toMatch(/script-src 'none'/);
      // the form's redirects end at the app, and only there (CSP form-action governs them)
      expect(headers.get('content-security-policy')).toMatch(/form-action 'self' http:\/\/localhost:5000;/);
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('referrer-policy')).toBe('same-origin');
      expect(headers.get('cache-control')).toBe('no-store');
      const page = await outcome.response.text();
      expect(page).not.toMatch(/<script/i);
      expect(page).toContain('autocomplete="current-password"');
      // pages oidc-provider renders itself (here: an unknown app) are Kindred's, with the same headers
      const unknownApp = await fetch(`${server.issuer}/authorize?client_id=no-such-app&response_type=code&scope=openid`);
      expect(unknownApp.status).toBe(400);
      expect(unknownApp.headers.get('x-frame-options')).toBe('DENY');
      expect(unknownApp.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(await unknownApp.text()).toContain('Sorry, you cannot sign in to this app');
    });

    it('locks an account after 5 wrong passwords, even against the right one, and audits it', async () => {
      const { browser, outcome } = await authorize({ scope: 'openid patient/*.rs', aud: server.fhirBase, code_challenge: await challenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
      let page = await outcome.response.text();
      const action = formActionOf(page, server.origin);
      for (let i = 0; i < 5; i++) {
        const wrong = await browser.post(action, { csrf: csrfOf(page), username: 'victim', password: `wrong ${i}` });
        page = await wrong.text();
        expect(page).toContain('There is a problem');
        expect(page).not.toContain(`wrong ${i}`);
        expect(wrong.status).toBe(i < 4 ? 401 : 403);
      }
      expect(page).toContain('This account is locked');
      const right = await browser.post(action, { csrf: csrfOf(page), username: 'victim', password: 'victim password' });
      expect(right.status).toBe(403);
      expect(await right.text()).toContain('This account is locked');
      const entries = await store.driver.query<{ content: string }>('SELECT content FROM audit_entry ORDER BY seq');
      const signIns = entries.map((e) => JSON.parse(e.content) as { outcomeDesc?: string; agent?: { who?: { identifier?: { value?: string } } }[] }).filter((e) => e.outcomeDesc !== undefined);
      expect(signIns.map((e) => e.outcomeDesc)).toEqual(expect.arrayContaining(['wrong username or password', 'account locked: too many failed attempts', 'account is locked']));
      expect(entries.map((e) => e.content).join('\n')).not.toContain('victim password');
    });

    it('answers 429 when one address makes too many sign-in or token requests', async () => {
      const limitedStore = await backend.open();
      const limited = await startSignInServer(limitedStore, { signIn: { rateLimitPerMinute: 3 } });
      try {
        // Windows are whole minutes: 7 requests over 3 allowed give at least one 429 even if a minute turns meanwhile.
        const statuses: number[] = [];
        for (let i = 0; i < 7; i++) {
          // X-Forwarded-For from a client is not believed unless Kindred is told it sits behind a proxy
          const response = await fetch(`${limited.issuer}/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `10.0.0.${i}` },
            body: 'grant_type=client_credentials',
          });
          statuses.push(response.status);
          if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        }
        expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
        expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
        const form = await fetch(`${limited.issuer}/interaction/anything/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=a' });
        expect([429, 400]).toContain(form.status);
      } finally {
        await limited.close();
        await limitedStore.destroy();
      }
    });

    it('behind a trusted proxy, counts each client address separately', async () => {
      const proxiedStore = await backend.open();
      const proxied = await startSignInServer(proxiedStore, { signIn: { rateLimitPerMinute: 2 }, trustProxy: true });
      try {
        const hit = (address: string) =>
          fetch(`${proxied.issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address }, body: 'grant_type=client_credentials' });
        const statuses = [];
        for (const address of ['10.1.0.1', '10.1.0.1', '10.1.0.1', '10.1.0.1', '10.1.0.1', '10.1.0.2']) statuses.push((await hit(address)).status);
        expect(statuses.slice(0, 5)).toContain(429);
        expect(statuses[5]).not.toBe(429);
      } finally {
        await proxied.close();
        await proxiedStore.destroy();
      }
    });
  });
}
