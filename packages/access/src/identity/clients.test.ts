/** Client registration rules and scope granting (no database needed beyond SQLite). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteTestStore, type TestStore } from '@kindred/store/testing';
import { createClients, type Clients } from './clients.ts';
import { decideScopes } from './scope-grant.ts';

describe('clients', () => {
  let store: TestStore;
  let clients: Clients;
  beforeAll(async () => {
    store = await openSqliteTestStore();
    clients = createClients(store.identity);
  });
  afterAll(async () => store?.destroy());

  it('registers a public SMART app with PKCE-only authentication and the default app scopes', async () => {
    const app = await clients.add({ clientId: 'growth-chart', name: 'Growth chart', redirectUris: ['https://app.example/cb'], public: true });
    expect(app).toMatchObject({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] });
    expect(app.scope).toContain('launch/patient');
    expect(await clients.get('growth-chart')).toEqual(app);
  });

  it('registers a backend service with public keys, for client_credentials', async () => {
    const jwks = { keys: [{ kty: 'EC', crv: 'P-384', x: 'x', y: 'y', kid: 'k1' }] };
    const service = await clients.add({ clientId: 'nightly', name: 'Nightly export', jwks, scope: 'system/Patient.rs system/Observation.rs' });
    expect(service).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], jwks, redirect_uris: [] });
  });

  it('refuses what cannot be right', async () => {
    await expect(clients.add({ clientId: 'p', name: 'P', public: true })).rejects.toThrow(/redirect-uri/);
    await expect(clients.add({ clientId: 'p', name: 'P', redirectUris: ['http://evil.example/cb'], public: true })).rejects.toThrow(/https/);
    await expect(clients.add({ clientId: 'p', name: 'P', redirectUris: ['https://a/cb'], public: true, scope: 'system/*.rs' })).rejects.toThrow(/public client/);
    await expect(clients.add({ clientId: 'p', name: 'P', redirectUris: ['https://a/cb'] })).rejects.toThrow(/--jwks/);
    await expect(clients.add({ clientId: 'p', name: 'P', jwks: { keys: [{ kty: 'EC', d: 'secret' }] } })).rejects.toThrow(/private/);
    await expect(clients.add({ clientId: 'bad id!', name: 'P', redirectUris: ['https://a/cb'], public: true })).rejects.toThrow(/client id/);
  });
});

describe('decideScopes', () => {
  it('grants scopes the registration covers and refuses the rest', () => {
    expect(decideScopes('openid patient/Observation.rs patient/Patient.read user/Patient.rs launch/patient', 'openid launch/patient patient/*.rs')).toEqual({
      granted: ['openid', 'patient/Observation.rs', 'patient/Patient.read', 'launch/patient'],
      refused: ['user/Patient.rs'],
    });
    expect(decideScopes('patient/Observation.cruds', 'patient/*.rs').refused).toEqual(['patient/Observation.cruds']);
    expect(decideScopes('system/Patient.r nonsense', 'system/Patient.rs')).toEqual({ granted: ['system/Patient.r'], refused: ['nonsense'] });
  });
});
