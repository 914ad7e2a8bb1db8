/** The small pure parts of the sign-in service: settings, CSRF tokens, log redaction, the SMART configuration, the rate limiter. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteTestStore, type TestStore } from '@kindred/store/testing';
import { csrfToken, csrfTokenIsValid } from './csrf.ts';
import { loggablePath } from './log-redaction.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { signInSettingsOf } from './sign-in-settings.ts';
import { smartConfiguration } from './smart-configuration.ts';

describe('sign-in settings', () => {
  it('makes the issuer from the public address and refuses to guess one', () => {
    const settings = signInSettingsOf({}, 'https://kindred.example.org/area/fhir');
    expect(settings).toMatchObject({ issuer: 'https://kindred.example.org/area/auth', mountPath: '/area/auth', fhirBaseUrl: 'https://kindred.example.org/area/fhir', sessionIdleSeconds: 1800, sessionAbsoluteSeconds: 28_800 });
    expect(() => signInSettingsOf({}, undefined)).toThrow(/public address/);
    expect(() => signInSettingsOf({ rateLimitPerMinute: 0 }, 'http://localhost:8080/fhir')).toThrow(/rateLimitPerMinute/);
  });
});

describe('CSRF tokens', () => {
  const key = Buffer.alloc(32, 7);
  it('accept only the token for the same purpose and interaction', () => {
    const token = csrfToken(key, 'login', 'uid-1');
    expect(csrfTokenIsValid(key, 'login', 'uid-1', token)).toBe(true);
    expect(csrfTokenIsValid(key, 'totp', 'uid-1', token)).toBe(false);
    expect(csrfTokenIsValid(key, 'login', 'uid-2', token)).toBe(false);
    expect(csrfTokenIsValid(Buffer.alloc(32, 8), 'login', 'uid-1', token)).toBe(false);
    expect(csrfTokenIsValid(key, 'login', 'uid-1', undefined)).toBe(false);
    expect(csrfTokenIsValid(key, 'login', 'uid-1', '')).toBe(false);
  });
});

describe('loggablePath', () => {
  it('leaves sign-in interaction ids out of the log', () => {
    expect(loggablePath('/auth/interaction/8JzSV-Ikj8NtwzdNilSPz1J6xHvjS9PVQGFQs01g12k/login')).toBe('/auth/interaction/…/login');
    expect(loggablePath('/auth/authorize/UI4YI-ipxTbOcye34mH_ekKC_AxUPhpX-Qjp3O99dAO')).toBe('/auth/authorize/…');
    expect(loggablePath('/fhir/Patient/123')).toBe('/fhir/Patient/123');
  });
});

describe('smartConfiguration', () => {
  it('describes the endpoints and what Kindred supports (SMART App Launch 2.0 conformance)', () => {
    const doc = smartConfiguration(signInSettingsOf({}, 'https://k.example/fhir'));
    expect(doc).toMatchObject({
      issuer: 'https://k.example/auth',
      jwks_uri: 'https://k.example/auth/jwks',
      authorization_endpoint: 'https://k.example/auth/authorize',
      token_endpoint: 'https://k.example/auth/token',
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
      response_types_supported: ['code'],
    });
    expect(doc.grant_types_supported).toEqual(['authorization_code', 'refresh_token', 'client_credentials']);
  });
});

describe('rate limiter', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openSqliteTestStore();
  });
  afterAll(async () => store?.destroy());

  it('allows the limit per address per minute, then says when to retry', async () => {
    let now = 120_000 + 15_000;
    const limiter = createRateLimiter(store.identity.rateLimits, 2, () => now);
    expect((await limiter.hit('token', '10.0.0.1')).allowed).toBe(true);
    expect((await limiter.hit('token', '10.0.0.1')).allowed).toBe(true);
    expect(await limiter.hit('token', '10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 45 });
    expect((await limiter.hit('token', '10.0.0.2')).allowed).toBe(true);
    expect((await limiter.hit('sign-in', '10.0.0.1')).allowed).toBe(true);
    now += 60_000;
    expect((await limiter.hit('token', '10.0.0.1')).allowed).toBe(true);
  });
});

describe('fhirUserFromClaim', () => {
  it('reads a fhirUser claim written relative or as a url', async () => {
    const { fhirUserFromClaim } = await import('./external-idp.ts');
    expect(fhirUserFromClaim('Practitioner/n1')).toBe('Practitioner/n1');
    expect(fhirUserFromClaim('https://area.example/fhir/Patient/p-9')).toBe('Patient/p-9');
    expect(fhirUserFromClaim('Observation/1')).toBeUndefined();
    expect(fhirUserFromClaim('kim')).toBeUndefined();
  });
});
