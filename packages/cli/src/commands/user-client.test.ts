/** `kindred user add` and `kindred client add`, run in-process on a temporary SQLite data folder. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '@kindred/store';
import { runCli as run } from '../testing/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'kindred-cli-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('kindred user and kindred client', () => {
  it('adds a staff account with TOTP and prints the otpauth URI once', async () => {
    const result = await run(['user', 'add', '--data', dir, '--username', 'dr.ali', '--name', 'Dr Ali', '--fhir-user', 'Practitioner/123', '--totp']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/Added staff account "dr.ali"/);
    expect(result.out).toMatch(/^otpauth:\/\/totp\/Kindred:dr\.ali\?/m);
    const store = await openStore({ kind: 'sqlite', dataDir: dir });
    try {
      expect(await store.identity.accounts.byUsername('dr.ali')).toMatchObject({ fhirUser: 'Practitioner/123', totpRequired: true });
    } finally {
      await store.close();
    }
  });

  it('refuses a staff account without TOTP, and a duplicate username', async () => {
    expect(await run(['user', 'add', '--data', dir, '--username', 'nurse', '--name', 'N', '--fhir-user', 'Practitioner/1'])).toMatchObject({ code: 1, err: expect.stringMatching(/--totp/) as string });
    expect((await run(['user', 'add', '--data', dir, '--username', 'dr.ali', '--name', 'A', '--fhir-user', 'Patient/1'])).code).toBe(1);
    expect((await run(['user', 'add', '--data', dir, '--name', 'A'])).code).toBe(2);
  });

  it('disables and enables an account, and queues a password reset link', async () => {
    expect((await run(['user', 'add', '--data', dir, '--username', 'pat', '--name', 'Pat', '--fhir-user', 'Patient/1', '--email', 'pat@example.org'])).code).toBe(0);
    expect(await run(['user', 'disable', '--data', dir, '--username', 'pat'])).toMatchObject({ code: 0, out: expect.stringMatching(/can no longer sign in/) as string });
    const store = await openStore({ kind: 'sqlite', dataDir: dir });
    try {
      expect((await store.identity.accounts.byUsername('pat'))?.disabled).toBe(true);
    } finally {
      await store.close();
    }
    expect((await run(['user', 'enable', '--data', dir, '--username', 'pat'])).code).toBe(0);
    expect((await run(['user', 'disable', '--data', dir, '--username', 'nobody'])).code).toBe(2);
    expect((await run(['user', 'reset-password', '--data', dir, '--username', 'pat'])).code).toBe(2);
    const reset = await run(['user', 'reset-password', '--data', dir, '--username', 'pat', '--base-url', 'https://kindred.example.org']);
    expect(reset.code).toBe(0);
    const again = await openStore({ kind: 'sqlite', dataDir: dir });
    try {
      const [message] = await again.outbox.pending();
      expect(message).toMatchObject({ recipient: 'pat@example.org', template: 'password-reset' });
      expect(message?.personalisation.link).toMatch(/^https:\/\/kindred\.example\.org\/auth\/reset\/new\?token=/);
      expect(reset.out).not.toContain(message?.personalisation.link?.split('token=')[1] ?? 'x');
    } finally {
      await again.close();
    }
  });

  it('registers a public app and a backend service', async () => {
    const app = await run(['client', 'add', '--data', dir, '--client-id', 'app', '--name', 'App', '--redirect-uri', 'https://app.example/cb', '--public']);
    expect(app).toMatchObject({ code: 0, out: expect.stringMatching(/public client "app".*authorization_code/) as string });
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-384', x: 'a', y: 'b', kid: 'k' }] }));
    const service = await run(['client', 'add', '--data', dir, '--client-id', 'svc', '--name', 'Service', '--jwks', jwksFile, '--scope', 'system/Patient.rs']);
    expect(service).toMatchObject({ code: 0, out: expect.stringMatching(/confidential client "svc".*client_credentials/) as string });
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-384', x: 'a', y: 'b', d: 'PRIVATE-D-VALUE' }] }));
    const leaked = await run(['client', 'add', '--data', dir, '--client-id', 'svc2', '--name', 'Service', '--jwks', jwksFile]);
    expect(leaked.code).toBe(1);
    expect(leaked.err).not.toContain('PRIVATE-D-VALUE');
  });
});

describe('the external identity provider from the environment', () => {
  it('is read from KINDRED_EXTERNAL_OIDC_* and needs the client id and secret', async () => {
    const { externalIdentityProviderOf } = await import('./serve.ts');
    expect(externalIdentityProviderOf({})).toEqual({});
    expect(
      externalIdentityProviderOf({
        KINDRED_EXTERNAL_OIDC_ISSUER: 'https://idp.area.example',
        KINDRED_EXTERNAL_OIDC_CLIENT_ID: 'kindred',
        KINDRED_EXTERNAL_OIDC_CLIENT_SECRET: 's3cret',
        KINDRED_EXTERNAL_OIDC_MATCH: 'fhirUser',
        KINDRED_EXTERNAL_OIDC_CLAIM: 'fhirUser',
      }),
    ).toEqual({ external: { issuer: 'https://idp.area.example', clientId: 'kindred', clientSecret: 's3cret', matchBy: 'fhirUser', claim: 'fhirUser' } });
    expect(() => externalIdentityProviderOf({ KINDRED_EXTERNAL_OIDC_ISSUER: 'https://idp.area.example' })).toThrow(/CLIENT_ID/);
    expect(() => externalIdentityProviderOf({ KINDRED_EXTERNAL_OIDC_ISSUER: 'x', KINDRED_EXTERNAL_OIDC_CLIENT_ID: 'a', KINDRED_EXTERNAL_OIDC_CLIENT_SECRET: 'b', KINDRED_EXTERNAL_OIDC_MATCH: 'email' })).toThrow(/MATCH/);
  });
});
