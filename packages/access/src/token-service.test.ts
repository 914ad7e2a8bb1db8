/**
 * Bearer tokens: a round trip, and every way a token can be wrong rejected with a 401 that says
 * why. Crafted tokens are signed with the key the service stored (the test holds the "database"),
 * so each one differs from a good token in exactly one way.
 */
import { describe, expect, it } from 'vitest';
import { SignJWT, base64url, createLocalJWKSet, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { FhirError } from '@kindred/fhir';
import type { Settings } from '@kindred/store';
import { bearerFromAuthorization, createTokenService } from './token-service.ts';
import { INSTANCE_ID_SETTING, SIGNING_KEY_SETTING } from './signing-key.ts';

interface MemorySettings extends Settings {
  values: Map<string, string>;
}

function memorySettings(): MemorySettings {
  const values = new Map<string, string>();
  return {
    values,
    get: async (name) => values.get(name),
    async getOrCreate(name, create) {
      if (!values.has(name)) {
        const value = await create();
        if (!values.has(name)) values.set(name, value);
      }
      return values.get(name) ?? '';
    },
  };
}

/** A clock the test moves by hand. */
function fakeClock(start = Date.parse('2025-01-15T10:00:00Z')): { now: () => number; advance(seconds: number): void } {
  let t = start;
  return { now: () => t, advance: (seconds) => void (t += seconds * 1000) };
}

async function rejection(promise: Promise<unknown>): Promise<FhirError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FhirError) return error;
    throw new Error(`expected a FhirError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the promise to reject');
}

async function expect401(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await rejection(promise);
  expect(error.status).toBe(401);
  expect(error.errorName).toBe('UNAUTHENTICATED');
  expect(error.issues[0]?.code).toBe('login');
  expect(error.message).toMatch(message);
}

async function storedKey(settings: MemorySettings): Promise<{ kid: string; sign: (claims: JWTPayload, header?: Record<string, unknown>) => Promise<string> }> {
  const stored = JSON.parse(settings.values.get(SIGNING_KEY_SETTING) ?? 'null') as { kid: string; jwk: JWK };
  const key = await importJWK(stored.jwk, 'ES256');
  return {
    kid: stored.kid,
    sign: (claims, header = {}) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: stored.kid, typ: 'at+jwt', ...header }).sign(key),
  };
}

/** A service with its key and issuer made, and the claims a good token of it carries. */
async function ready(now = Date.now()) {
  const settings = memorySettings();
  const service = createTokenService(settings, { now: () => now });
  const issuer = await service.issuer();
  const iat = Math.floor(now / 1000);
  const good: JWTPayload = { iss: issuer, aud: issuer, sub: 'administrator', scope: 'system/*.cruds', iat, exp: iat + 600, jti: 'test-token' };
  return { settings, service, issuer, good, key: await storedKey(settings) };
}

describe('createTokenService', () => {
  it('issues a token that verifies to the administrator with its scopes', async () => {
    const clock = fakeClock();
    const settings = memorySettings();
    const service = createTokenService(settings, clock);
    const token = await service.issueAdministratorToken();
    expect(token.split('.')).toHaveLength(3);

    const access = await service.verify(token);
    expect(access.subject).toBe('administrator');
    expect(access.issuer).toMatch(/^urn:kindred:[0-9a-f-]{36}$/);
    expect(access.issuer).toBe(`urn:kindred:${settings.values.get(INSTANCE_ID_SETTING)}`);
    expect(access.tokenId).toMatch(/^[0-9a-f-]{36}$/);
    expect(access.expiresAt.getTime()).toBe(clock.now() + 3600_000);
    expect(access.scopes.toString()).toBe('system/*.cruds');
    expect(access.scopes.allows('Patient', 'd')).toBe(true);
    // "Bearer <token>" is accepted as well as the bare token.
    expect((await service.verify(`Bearer ${token}`)).tokenId).toBe(access.tokenId);
  });

  it('carries the claims and header a verifier expects (ES256, kid, at+jwt, iss, aud, sub, scope, iat, exp, jti)', async () => {
    const service = createTokenService(memorySettings());
    const token = await service.issueAdministratorToken({ scope: 'system/Patient.rs openid', lifetimeSeconds: 120 });
    const [header, payload] = token.split('.').slice(0, 2).map((p) => JSON.parse(new TextDecoder().decode(base64url.decode(p))) as Record<string, unknown>);
    const jwks = await service.publicJwks();
    expect(header).toEqual({ alg: 'ES256', kid: jwks.keys[0]?.kid, typ: 'at+jwt' });
    expect(Object.keys(payload ?? {}).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub']);
    expect(payload?.scope).toBe('system/Patient.rs openid');
    expect(payload?.aud).toBe(payload?.iss);
    expect(Number(payload?.exp) - Number(payload?.iat)).toBe(120);
  });

  it('publishes only public keys, and any JOSE library verifies tokens with them', async () => {
    const service = createTokenService(memorySettings());
    const jwks = await service.publicJwks();
    expect(jwks.keys).toHaveLength(1);
    const [key] = jwks.keys;
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(key).not.toHaveProperty('d');
    const token = await service.issueAdministratorToken();
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: await service.issuer() });
    expect(payload.sub).toBe('administrator');
  });

  it('shares one key and issuer between services on the same settings (processes and nodes on one store)', async () => {
    const settings = memorySettings();
    const [a, b] = [createTokenService(settings), createTokenService(settings)];
    // Both make their key at once: the first stored wins for both.
    const [tokenA, tokenB] = await Promise.all([a.issueAdministratorToken(), b.issueAdministratorToken()]);
    expect((await b.verify(tokenA)).subject).toBe('administrator');
    expect((await a.verify(tokenB)).subject).toBe('administrator');
    expect(await a.issuer()).toBe(await b.issuer());
  });

  it('refuses to issue patient/ scopes, empty or unparsable scope strings, and bad lifetimes (400)', async () => {
    const service = createTokenService(memorySettings());
    const cases: [Parameters<typeof service.issueAdministratorToken>[0], RegExp][] = [
      [{ scope: 'patient/*.rs' }, /patient\/\*\.rs needs a patient in context/],
      [{ scope: 'system/Patient.r patient/Observation.read' }, /patient\/Observation\.read needs a patient/],
      [{ scope: '' }, /invalid_scope: no scope was given/],
      [{ scope: 'everything' }, /invalid_scope: "everything" is not a SMART scope/],
      [{ scope: 'system/Observation.rs?category=laboratory' }, /does not support scopes narrowed by search parameters/],
      [{ lifetimeSeconds: 0 }, /at least 1/],
      [{ lifetimeSeconds: 1.5 }, /whole number/],
    ];
    for (const [options, message] of cases) {
      const error = await rejection(service.issueAdministratorToken(options));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(message);
    }
  });
});

describe('verify rejects', () => {
  it('a missing token', async () => {
    const { service } = await ready();
    await expect401(service.verify(''), /is missing/);
    await expect401(service.verify('   '), /is missing/);
  });

  it.each([
    ['not-a-token', /is not a JWT: expected three base64url parts/],
    ['a.b', /is not a JWT/],
    ['a.b.c.d.e', /encrypted JWT \(JWE\)/],
    ['ab$.cd.ef', /is not a JWT/],
    ['e30.e30.', /unsigned \(alg "missing"\)/],
    ['bm90IGpzb24.e30.AAAA', /header is not base64url-encoded JSON/],
  ])('garbage: %j', async (token, message) => {
    const { service } = await ready();
    await expect401(service.verify(token), message);
  });

  it('a token whose signature was tampered with', async () => {
    const { service } = await ready();
    const token = await service.issueAdministratorToken();
    const [h, p, s = ''] = token.split('.');
    const i = Math.floor(s.length / 2);
    const flipped = `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
    await expect401(service.verify(`${h}.${p}.${flipped}`), /signature that does not match/);
  });

  it('a token whose claims were changed after signing (scope widened)', async () => {
    const { service } = await ready();
    const token = await service.issueAdministratorToken({ scope: 'system/Patient.r' });
    const [h, p = '', s] = token.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p))) as Record<string, unknown>;
    const widened = base64url.encode(JSON.stringify({ ...claims, scope: 'system/*.cruds' }));
    await expect401(service.verify(`${h}.${widened}.${s}`), /signature that does not match/);
  });

  it('an expired token, with 30 seconds of tolerance for clock drift', async () => {
    const clock = fakeClock();
    const service = createTokenService(memorySettings(), clock);
    const token = await service.issueAdministratorToken({ lifetimeSeconds: 60 });
    clock.advance(60 + 29);
    expect((await service.verify(token)).subject).toBe('administrator');
    clock.advance(2);
    await expect401(service.verify(token), /expired at 2025-01-15T10:01:00\.000Z; get a new one with `kindred token`/);
  });

  it('a token remembered as verified is refused once it expires', async () => {
    const clock = fakeClock();
    const service = createTokenService(memorySettings(), clock);
    const token = await service.issueAdministratorToken({ lifetimeSeconds: 60 });
    clock.advance(10);
    expect((await service.verify(token)).subject).toBe('administrator');
    expect((await service.verify(token)).subject).toBe('administrator');
    clock.advance(85);
    await expect401(service.verify(token), /expired/);
  });

  it('a token issued in the future (clocks apart by more than the tolerance)', async () => {
    const settings = memorySettings();
    const ahead = fakeClock(Date.parse('2025-01-15T10:05:00Z'));
    const token = await createTokenService(settings, ahead).issueAdministratorToken();
    await expect401(createTokenService(settings, fakeClock()).verify(token), /not valid yet.*check the clocks/);
  });

  it('an unsigned token (alg none)', async () => {
    const { service, good } = await ready();
    const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }))}.${base64url.encode(JSON.stringify(good))}.`;
    await expect401(service.verify(unsigned), /unsigned \(alg "none"\); Kindred accepts only tokens signed with ES256/);
  });

  it('a token signed with another algorithm (HS256 with the public key as a secret, the classic confusion)', async () => {
    const { service, good } = await ready();
    const [publicJwk] = (await service.publicJwks()).keys;
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const token = await new SignJWT(good).setProtectedHeader({ alg: 'HS256', kid: publicJwk?.kid, typ: 'at+jwt' }).sign(secret);
    await expect401(service.verify(token), /signed with HS256; Kindred accepts only ES256/);
  });

  it('a token with the right key but the wrong issuer', async () => {
    const { service, good, key } = await ready();
    await expect401(service.verify(await key.sign({ ...good, iss: 'urn:kindred:someone-else' })), /issued by "urn:kindred:someone-else", not by this Kindred \(urn:kindred:/);
  });

  it('a JWT that is not an access token (no typ at+jwt)', async () => {
    const { service, good, key } = await ready();
    await expect401(service.verify(await key.sign(good, { typ: 'JWT' })), /not an access token/);
  });

  it('a token from another store (different key and issuer)', async () => {
    const { service } = await ready();
    const other = createTokenService(memorySettings());
    await expect401(service.verify(await other.issueAdministratorToken()), /was issued by "urn:kindred:.*", not by this Kindred/);
  });

  it('a token signed by a key this store does not hold, even when it claims this issuer', async () => {
    const { service, good } = await ready();
    const stranger = memorySettings();
    await createTokenService(stranger).issuer();
    const foreign = await storedKey(stranger);
    await expect401(service.verify(await foreign.sign(good)), /signed by a key this Kindred does not know \(kid "/);
    await expect401(service.verify(await foreign.sign(good, { kid: undefined })), /does not name its signing key/);
  });

  it('tokens missing a claim Kindred relies on', async () => {
    const { service, good, key } = await ready();
    for (const claim of ['sub', 'jti', 'scope', 'exp', 'iat'] as const) {
      const { [claim]: _dropped, ...rest } = good;
      await expect401(service.verify(await key.sign(rest)), new RegExp(`"${claim}" claim`));
    }
  });

  it('a token whose scope Kindred cannot honour', async () => {
    const { service, good, key } = await ready();
    await expect401(service.verify(await key.sign({ ...good, scope: 'system/Observation.rs?category=laboratory' })), /carries a scope Kindred cannot honour: .*search parameter/);
    await expect401(service.verify(await key.sign({ ...good, scope: 42 })), /"scope" claim/);
  });
});

describe('bearerFromAuthorization', () => {
  it('takes the token from "Bearer <token>" (any case of the scheme)', () => {
    expect(bearerFromAuthorization('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerFromAuthorization('bearer   abc.def.ghi ')).toBe('abc.def.ghi');
  });

  it.each([[undefined], [''], ['Basic dXNlcjpwYXNz'], ['Bearer'], ['Bearer a b']])('refuses %j with 401', (header) => {
    let error: unknown;
    try {
      bearerFromAuthorization(header);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FhirError);
    expect((error as FhirError).status).toBe(401);
  });
});

describe('audiences and the sign-in service', () => {
  const trust = { issuer: 'https://kindred.example/auth', audience: 'https://kindred.example/fhir' };

  it('refuses a token without an audience, or for another audience, saying so', async () => {
    const { service, good, key } = await ready();
    const { aud: _aud, ...withoutAud } = good;
    await expect401(service.verify(await key.sign(withoutAud)), /has no audience/);
    await expect401(service.verify(await key.sign({ ...good, aud: 'https://other.example/fhir' })), /issued for another audience \("https:\/\/other\.example\/fhir"\)/);
  });

  it('accepts the sign-in service\'s SMART tokens only once trusted, only for the FHIR base, and fills the launch context', async () => {
    const { service, good, key } = await ready();
    const smart = { ...good, iss: trust.issuer, aud: trust.audience, sub: 'account-1', scope: 'launch/patient patient/Observation.rs', client_id: 'growth-chart', fhirUser: 'Patient/p1', patient: 'p1' };
    const token = await key.sign(smart);
    await expect401(service.verify(token), /issued by "https:\/\/kindred\.example\/auth", not by this Kindred/);
    const trusting = service.trusting(trust);
    const access = await trusting.verify(token);
    expect(access).toMatchObject({ subject: 'account-1', issuer: trust.issuer, fhirUser: 'Patient/p1', patient: 'p1', clientId: 'growth-chart' });
    expect(access.scopes.hasPatientScopes).toBe(true);
    await expect401(trusting.verify(await key.sign({ ...smart, aud: good.iss })), /another audience/);
    await expect401(trusting.verify(await key.sign({ ...smart, patient: 'not/an id' })), /invalid "patient" claim/);
    // the administrator's tokens still work on the trusting service
    expect((await trusting.verify(await key.sign(good))).subject).toBe('administrator');
  });
});
