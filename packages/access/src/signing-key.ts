/**
 * The key that signs Kindred's access tokens, and the instance id that names the issuer. Both are
 * made on first use and kept in the store's Settings, so every process and node that opens the
 * same store signs and verifies with the same key.
 *
 * The private key is read from the database into a non-extractable CryptoKey and goes nowhere
 * else: this module must not log it or write it to a file. The one exception is
 * `loadProviderSigningJwk`, which hands it to the sign-in service (oidc-provider) in the same
 * process, so that one key and one JWKS serve both kinds of token.
 */
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { FhirError, isPlainObject } from '@kindred/fhir';
import type { Settings } from '@kindred/store';

/**
 * ES256 (ECDSA P-256 with SHA-256, RFC 7518 §3.4): asymmetric, so verifiers need only the public
 * key, and supported by every JOSE and OpenID Connect library a SMART client or resource server
 * is likely to use.
 */
export const TOKEN_ALG = 'ES256';

/** Settings names. The `.1` leaves room for rotation: a new key gets a new name and its own kid. */
export const SIGNING_KEY_SETTING = 'access.token-signing-key.1';
export const INSTANCE_ID_SETTING = 'access.instance-id';

export interface SigningKey {
  /** RFC 7638 thumbprint of the public key: tokens name the key that signed them */
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** the public half only, as published in a JWKS */
  publicJwk: JWK;
}

interface StoredKey {
  alg: typeof TOKEN_ALG;
  kid: string;
  createdAt: string;
  jwk: JWK;
}

async function newStoredKey(): Promise<string> {
  const { privateKey } = await generateKeyPair(TOKEN_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicPart(jwk));
  const stored: StoredKey = { alg: TOKEN_ALG, kid, createdAt: new Date().toISOString(), jwk };
  return JSON.stringify(stored);
}

function publicPart(jwk: JWK): JWK {
  // Only the parameters of a public EC key (RFC 7518 §6.2.1): never `d`.
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

function unreadable(why: string): FhirError {
  return new FhirError('INTERNAL', `The token signing key stored in the database (setting ${SIGNING_KEY_SETTING}) cannot be used: ${why}.`);
}

function parseStoredKey(text: string): StoredKey {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw unreadable('it is not JSON');
  }
  if (!isPlainObject(value) || value.alg !== TOKEN_ALG || typeof value.kid !== 'string' || !isPlainObject(value.jwk)) {
    throw unreadable(`it is not an ${TOKEN_ALG} key record`);
  }
  const jwk = value.jwk as JWK;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw unreadable('it is not a P-256 private key');
  }
  return { alg: TOKEN_ALG, kid: value.kid, createdAt: String(value.createdAt), jwk };
}

/** The current signing key, created in Settings by whichever process asks first. */
export async function loadSigningKey(settings: Settings): Promise<SigningKey> {
  const stored = parseStoredKey(await settings.getOrCreate(SIGNING_KEY_SETTING, newStoredKey));
  const publicJwk = publicPart(stored.jwk);
  if ((await calculateJwkThumbprint(publicJwk)) !== stored.kid) throw unreadable('its kid does not match the key');
  const [privateKey, publicKey] = await Promise.all([
    importJWK(stored.jwk, TOKEN_ALG, { extractable: false }),
    importJWK(publicJwk, TOKEN_ALG),
  ]);
  if (privateKey instanceof Uint8Array || publicKey instanceof Uint8Array) throw unreadable('it imported as a symmetric key');
  return { kid: stored.kid, privateKey, publicKey, publicJwk: { ...publicJwk, kid: stored.kid, alg: TOKEN_ALG, use: 'sig' } };
}

/** The id of this Kindred instance (shared by every node on the same store), made on first use. */
export function loadInstanceId(settings: Settings): Promise<string> {
  return settings.getOrCreate(INSTANCE_ID_SETTING, () => randomUUID());
}

/**
 * The signing key as a private JWK (with kid, alg and use) for Kindred's OpenID Connect provider
 * in this process, which needs it in that form; never for anything that leaves the process.
 */
export async function loadProviderSigningJwk(settings: Settings): Promise<JWK> {
  const stored = parseStoredKey(await settings.getOrCreate(SIGNING_KEY_SETTING, newStoredKey));
  return { ...stored.jwk, kid: stored.kid, alg: TOKEN_ALG, use: 'sig' };
}
