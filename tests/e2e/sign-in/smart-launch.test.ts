/**
 * SMART App Launch 2.0 against a running Kindred, with openid-client as the app: standalone launch
 * by a patient (PKCE S256, the sign-in form driven over plain HTTP), a member of staff signing in
 * with an authenticator code and choosing a patient, EHR launch with a launch id from
 * $smart-launch, refresh tokens for offline_access, and Backend Services with a private key.
 * On SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import { totpCode } from '@kindred/access';
import { testBackends, type TestStore } from '@kindred/store/testing';
import { FormBrowser, claimsOf, csrfOf, formActionOf, startSignInServer, type SignInServer } from './sign-in-server.ts';

const backends = await testBackends();
const REDIRECT = 'http://localhost:5000/callback';

interface Launch {
  verifier: string;
  state: string;
  url: URL;
}

async function authorizationUrl(config: client.Configuration, fhirBase: string, scope: string, extra: Record<string, string> = {}): Promise<Launch> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    aud: fhirBase,
    ...extra,
  });
  return { verifier, state, url };
}

/** Signs in through the forms and returns the url the browser is sent back to the app with. */
/** Codes already used per secret: each sign-in takes the next 30-second step (the window allows one step ahead). */
const totpSteps = new Map<string, number>();
function nextCode(secret: string): string {
  const step = (totpSteps.get(secret) ?? -1) + 1;
  totpSteps.set(secret, step);
  return totpCode(secret, Date.now() + step * 30_000);
}

async function signIn(server: SignInServer, browser: FormBrowser, url: URL, username: string, password: string, totpSecret?: string, patient?: string): Promise<string> {
  let step = await browser.follow(await browser.get(url.href));
  if (step.external) return step.external; // still signed in: straight back to the app
  let page = await step.response.text();
  expect(page).toContain('<h1>Sign in</h1>');
  step = await browser.follow(await browser.post(formActionOf(page, server.origin), { csrf: csrfOf(page), username, password }));
  if (totpSecret !== undefined) {
    page = await step.response.text();
    expect(page).toContain('Enter the code from your authenticator app');
    step = await browser.follow(await browser.post(formActionOf(page, server.origin), { csrf: csrfOf(page), code: nextCode(totpSecret) }));
  }
  if (patient !== undefined) {
    page = await step.response.text();
    expect(page).toContain('Choose a patient');
    step = await browser.follow(await browser.post(formActionOf(page, server.origin), { csrf: csrfOf(page), patient }));
  }
  if (!step.external) throw new Error(`expected to be sent back to the app, got ${step.response.status} at ${step.url}: ${(await step.response.text()).slice(0, 1500)}`);
  return step.external;
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`SMART App Launch on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    let server: SignInServer;
    let app: client.Configuration;
    let patientAccount: { accountId: string };
    let staff: { accountId: string; totpSecret?: string };
    /** the member of staff's browser, kept signed in between tests (a TOTP code works once, in a 30-second step) */
    const staffBrowser = () => (staffSession ??= new FormBrowser(server.origin));
    let staffSession: FormBrowser | undefined;

    const fhir = (path: string, token: string, init: RequestInit = {}) =>
      fetch(`${server.fhirBase}/${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', ...(init.headers as Record<string, string>) } });

    beforeAll(async () => {
      store = await backend.open();
      server = await startSignInServer(store);
      // The access policy lets staff open the records of people their organisation cares for.
      const role = { coding: [{ system: 'https://kindred.health/fhir/CodeSystem/access-role', code: 'clinician' }] };
      for (const resource of [
        { resourceType: 'Organization', id: 'o1', name: 'Riverside Surgery' },
        { resourceType: 'Practitioner', id: 'n1', name: [{ family: 'Kim' }] },
        { resourceType: 'PractitionerRole', id: 'r1', practitioner: { reference: 'Practitioner/n1' }, organization: { reference: 'Organization/o1' }, code: [role] },
        { resourceType: 'Patient', id: 'p1', name: [{ family: 'Family-p1' }], managingOrganization: { reference: 'Organization/o1' } },
        { resourceType: 'Patient', id: 'p2', name: [{ family: 'Family-p2' }], managingOrganization: { reference: 'Organization/o1' } },
      ]) {
        const put = await fhir(`${resource.resourceType}/${resource.id}`, server.adminToken, { method: 'PUT', body: JSON.stringify(resource) });
        expect(put.status, await put.text()).toBeLessThan(300);
      }
      patientAccount = await server.addAccount({ username: 'pat', displayName: 'Pat Patient', fhirUser: 'Patient/p1', password: 'patient password' });
      staff = await server.addAccount({ username: 'nurse', displayName: 'Nurse Kim', fhirUser: 'Practitioner/n1', password: 'nurse password', totp: true });
      await server.addClient({ clientId: 'growth-chart', name: 'Growth chart', redirectUris: [REDIRECT], public: true });
      app = await client.discovery(new URL(server.issuer), 'growth-chart', undefined, client.None(), { execute: [client.allowInsecureRequests] });
    });
    afterAll(async () => {
      await server?.close();
      await store?.destroy();
    });

    it('publishes the SMART configuration without a token, and the CapabilityStatement points at it', async () => {
      const response = await fetch(`${server.fhirBase}/.well-known/smart-configuration`);
      expect(response.status).toBe(200);
      const smart = (await response.json()) as Record<string, unknown>;
      expect(smart).toMatchObject({
        issuer: server.issuer,
        jwks_uri: `${server.issuer}/jwks`,
        authorization_endpoint: `${server.issuer}/authorize`,
        token_endpoint: `${server.issuer}/token`,
        code_challenge_methods_supported: ['S256'],
      });
      expect(smart.capabilities).toEqual(expect.arrayContaining(['launch-standalone', 'launch-ehr', 'client-public', 'client-confidential-asymmetric', 'context-standalone-patient', 'context-ehr-patient', 'permission-v1', 'permission-v2', 'sso-openid-connect']));
      const metadata = (await (await fetch(`${server.fhirBase}/metadata`)).json()) as { rest: { security: { extension: { url: string; extension: { url: string; valueUri: string }[] }[] } }[] };
      const uris = metadata.rest[0]?.security.extension.find((e) => e.url.endsWith('oauth-uris'))?.extension;
      expect(uris).toEqual(expect.arrayContaining([{ url: 'authorize', valueUri: `${server.issuer}/authorize` }, { url: 'token', valueUri: `${server.issuer}/token` }]));
      // one key set serves the sign-in service and `kindred token`
      const jwks = (await (await fetch(`${server.issuer}/jwks`)).json()) as { keys: { kid: string; d?: string }[] };
      expect(jwks.keys.map((k) => k.kid)).toEqual((await server.tokens.publicJwks()).keys.map((k) => k.kid));
      expect(jwks.keys.some((k) => 'd' in k)).toBe(false);
    });

    it('standalone launch by a patient: PKCE, their own record in context, a refresh token for offline_access', async () => {
      const browser = new FormBrowser(server.origin);
      const launch = await authorizationUrl(app, server.fhirBase, 'openid fhirUser launch/patient patient/Patient.rs patient/Observation.rs offline_access');
      const callback = await signIn(server, browser, launch.url, 'pat', 'patient password');
      const tokens = await client.authorizationCodeGrant(app, new URL(callback), { pkceCodeVerifier: launch.verifier, expectedState: launch.state });
      expect(tokens.patient).toBe('p1');
      expect(tokens.refresh_token).toEqual(expect.any(String));
      const header = JSON.parse(Buffer.from(tokens.access_token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
      expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      expect(claimsOf(tokens.access_token)).toMatchObject({
        iss: server.issuer,
        aud: server.fhirBase,
        sub: patientAccount.accountId,
        client_id: 'growth-chart',
        fhirUser: 'Patient/p1',
        patient: 'p1',
      });
      expect(String(claimsOf(tokens.access_token).scope).split(' ')).toEqual(expect.arrayContaining(['launch/patient', 'patient/Patient.rs', 'patient/Observation.rs']));
      expect(tokens.claims()).toMatchObject({ fhirUser: `${server.fhirBase}/Patient/p1` });

      const access = await server.app.inject({ method: 'GET', url: '/fhir/Patient/p1', headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(access.statusCode, access.body).toBe(200);

      const refreshed = await client.refreshTokenGrant(app, tokens.refresh_token!);
      expect(claimsOf(refreshed.access_token)).toMatchObject({ patient: 'p1', sub: patientAccount.accountId });
      await expect(client.refreshTokenGrant(app, refreshed.refresh_token ?? tokens.refresh_token!, { scope: 'patient/*.cruds' })).rejects.toMatchObject({ error: 'invalid_scope' });
    });

    it('a member of staff signs in with an authenticator code and chooses a patient', async () => {
      const browser = staffBrowser();
      const launch = await authorizationUrl(app, server.fhirBase, 'openid fhirUser launch/patient patient/Patient.rs');
      const callback = await signIn(server, browser, launch.url, 'nurse', 'nurse password', staff.totpSecret, 'p2');
      const tokens = await client.authorizationCodeGrant(app, new URL(callback), { pkceCodeVerifier: launch.verifier, expectedState: launch.state });
      expect(tokens.patient).toBe('p2');
      expect(claimsOf(tokens.access_token)).toMatchObject({ fhirUser: 'Practitioner/n1', patient: 'p2', sub: staff.accountId });
      expect(tokens.refresh_token).toBeUndefined();
    });

    it('a member of staff finds the patient by name and chooses from those they may open', async () => {
      const browser = staffBrowser(); // still signed in: straight to choosing a patient
      const launch = await authorizationUrl(app, server.fhirBase, 'openid launch/patient patient/Patient.rs');
      const step = await browser.follow(await browser.get(launch.url.href));
      let page = await step.response.text();
      expect(page).toContain('Choose a patient');
      const searched = await browser.post(formActionOf(page, server.origin), { csrf: csrfOf(page), patient: 'family-p' });
      page = await searched.text();
      expect(page).toContain('Patients you can open with that name');
      expect([...page.matchAll(/name="choice" type="radio" value="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual(['p1', 'p2']);
      const none = await browser.post(formActionOf(page, server.origin), { csrf: csrfOf(page), patient: 'Nobody-by-this-name' });
      expect(none.status).toBe(400);
      const back = await browser.follow(await browser.post(formActionOf(page, server.origin), { csrf: csrfOf(page), choice: 'p2', patient: 'family-p' }));
      const tokens = await client.authorizationCodeGrant(app, new URL(back.external!), { pkceCodeVerifier: launch.verifier, expectedState: launch.state });
      expect(tokens.patient).toBe('p2');
    });

    it('EHR launch: a launch id from $smart-launch resolves to its patient', async () => {
      const started = await fhir('Patient/p2/$smart-launch', server.adminToken, { method: 'POST' });
      expect(started.status).toBe(200);
      const parameters = (await started.json()) as { parameter: { name: string; valueString?: string }[] };
      const launchId = parameters.parameter.find((p) => p.name === 'launch')?.valueString;
      expect(launchId).toEqual(expect.any(String));
      const browser = staffBrowser();
      const launch = await authorizationUrl(app, server.fhirBase, 'openid fhirUser launch patient/Patient.rs', { launch: launchId! });
      const callback = await signIn(server, browser, launch.url, 'nurse', 'nurse password', staff.totpSecret);
      const tokens = await client.authorizationCodeGrant(app, new URL(callback), { pkceCodeVerifier: launch.verifier, expectedState: launch.state });
      expect(tokens.patient).toBe('p2');
      const unknown = await authorizationUrl(app, server.fhirBase, 'openid launch patient/Patient.rs', { launch: 'no-such-launch' });
      const back = await browser.follow(await browser.get(unknown.url.href));
      expect(new URL(back.external!).searchParams.get('error')).toBe('invalid_request');
    });

    it('Backend Services: client_credentials with a private_key_jwt assertion (ES384 and RS384)', async () => {
      for (const alg of ['ES384', 'RS384'] as const) {
        const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
        const jwk = { ...(await exportJWK(publicKey)), kid: `k-${alg}`, alg };
        const clientId = `nightly-${alg.toLowerCase()}`;
        await server.addClient({ clientId, name: 'Nightly job', jwks: { keys: [jwk] }, scope: 'system/Patient.rs system/Observation.rs' });
        const service = await client.discovery(new URL(server.issuer), clientId, { token_endpoint_auth_signing_alg: alg }, client.PrivateKeyJwt(privateKey), {
          execute: [client.allowInsecureRequests],
        });
        const tokens = await client.clientCredentialsGrant(service, { scope: 'system/Patient.rs' });
        expect(claimsOf(tokens.access_token)).toMatchObject({ iss: server.issuer, aud: server.fhirBase, sub: clientId, client_id: clientId, scope: 'system/Patient.rs' });
        const search = await fhir('Patient', tokens.access_token);
        expect(search.status).toBe(200);
        await expect(client.clientCredentialsGrant(service, { scope: 'system/Patient.cruds' })).rejects.toMatchObject({ error: 'invalid_scope' });
      }
    });
  });
}
