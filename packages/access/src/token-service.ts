/**
 * Bearer tokens: issues signed JWT access tokens for the built-in administrator (`kindred token`)
 * and verifies the tokens every FHIR route requires, turning one into an AccessContext. Two kinds
 * are accepted, both signed with the store's one key: the administrator's (issuer and audience
 * `urn:kindred:<instance id>`) and, once the server trusts its sign-in service (`trusting`), the
 * SMART access tokens that service issues (its issuer url, audience the FHIR base url, RFC 9068).
 *
 * Every failure to verify is a FhirError UNAUTHENTICATED (401) that says what is wrong, so a
 * person can fix it; never a 500, and never a token accepted on a guess. This module must not
 * decide what a token allows (that is scopes.ts and the scoped repository) and must not let the
 * private key out (signing-key.ts).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWK, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { FhirError, isFhirError } from '@kindred/fhir';
import type { Settings } from '@kindred/store';
import { ADMINISTRATOR, type AccessContext } from './access-context.ts';
import { ADMINISTRATOR_SCOPE, parseScopes, type ScopeSet } from './scopes.ts';
import { TOKEN_ALG, loadInstanceId, loadSigningKey, type SigningKey } from './signing-key.ts';

/**
 * RFC 9068 §2.1 gives JWT access tokens the type `at+jwt`; checking it stops another JWT signed
 * with the same key (an OpenID Connect ID token, once the next issue adds sign-in) from being
 * used as an access token.
 */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;
/** Clocks of nodes and clients drift a little; more than this and tokens look expired or future-dated. */
export const CLOCK_TOLERANCE_SECONDS = 30;

export interface IssueOptions {
  /** space-separated SMART scopes; default `system/*.cruds` */
  scope?: string;
  /** default 3600 (one hour) */
  lifetimeSeconds?: number;
}

/** Kindred's own sign-in service, whose access tokens a server accepts as well as the administrator's. */
export interface SignInTrust {
  /** the OpenID Connect provider's issuer url, e.g. "https://kindred.example.org/auth" */
  issuer: string;
  /** the FHIR base url its tokens are for (their `aud`), e.g. "https://kindred.example.org/fhir" */
  audience: string;
}

export interface TokenService {
  /** a signed access token for the built-in administrator; refuses patient/ scopes and bad scope strings (400) */
  issueAdministratorToken(options?: IssueOptions): Promise<string>;
  /** the caller behind a bearer token; FhirError UNAUTHENTICATED (401) saying why when it is not valid */
  verify(bearer: string): Promise<AccessContext>;
  /** the public keys that verify Kindred's tokens, as a JWK Set (RFC 7517 §5) */
  publicJwks(): Promise<{ keys: JWK[] }>;
  /** `urn:kindred:<instance id>`, the `iss` (and `aud`) of the administrator's tokens */
  issuer(): Promise<string>;
  /**
   * A service that also accepts the access tokens of the sign-in service `trust` describes
   * (sharing this one's key and cache). The server calls this once it knows its public address.
   */
  trusting(trust: SignInTrust): TokenService;
}

export interface TokenServiceOptions {
  /** the clock, in epoch milliseconds (tests pass a fake one) */
  now?: () => number;
}

interface KeyMaterial {
  issuer: string;
  /** the key new tokens are signed with */
  active: SigningKey;
  /** every key a token may have been signed with, by kid: the seam for rotation (today, the active one) */
  verifiers: ReadonlyMap<string, SigningKey>;
}

function unauthenticated(problem: string, cause?: unknown): FhirError {
  return new FhirError('UNAUTHENTICATED', `The bearer token ${problem}`, cause === undefined ? {} : { cause });
}

const GET_A_TOKEN = 'get a new one with `kindred token`';

function badRequest(message: string): FhirError {
  return new FhirError('INVALID_REQUEST', message);
}

function administratorScopes(scope: string): ScopeSet {
  const scopes = parseScopes(scope);
  if (scopes.hasPatientScopes) {
    const patientScopes = scopes.scopes.filter((s) => s.kind === 'resource' && s.context === 'patient').map((s) => s.text);
    throw badRequest(
      `invalid_scope: ${patientScopes.join(', ')} ${patientScopes.length === 1 ? 'needs' : 'need'} a patient in context, which only a SMART launch provides; ` +
        'the administrator token takes system/ (or user/) scopes, e.g. system/Patient.rs.',
    );
  }
  return scopes;
}

function checkLifetime(seconds: number): number {
  if (!Number.isSafeInteger(seconds) || seconds < 1) throw badRequest(`A token lifetime must be a whole number of seconds, at least 1 (got ${seconds}).`);
  return seconds;
}

function headerOf(token: string): ProtectedHeaderParameters {
  const parts = token.split('.');
  if (parts.length === 5) throw unauthenticated('is an encrypted JWT (JWE); Kindred access tokens are signed JWTs (JWS).');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    throw unauthenticated('is not a JWT: expected three base64url parts separated by dots; send the line `kindred token` prints, after "Bearer ".');
  }
  try {
    return decodeProtectedHeader(token);
  } catch (error) {
    throw unauthenticated('is malformed: its header is not base64url-encoded JSON.', error);
  }
}

/** The claims, read without checking the signature: only ever used to explain a rejection. */
function unverifiedClaims(token: string): JWTPayload | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

function explainVerifyFailure(error: unknown, issuer: string): FhirError {
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return unauthenticated('has a signature that does not match: it was altered after it was issued, or signed by another key.', error);
  }
  if (error instanceof errors.JWTExpired) {
    const exp = typeof error.payload.exp === 'number' ? ` at ${new Date(error.payload.exp * 1000).toISOString()}` : '';
    return unauthenticated(`expired${exp}; ${GET_A_TOKEN}.`, error);
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return unauthenticated(`has no "${error.claim}" claim, which Kindred access tokens always carry.`, error);
    if (error.claim === 'iss') {
      const iss = typeof error.payload.iss === 'string' ? `"${error.payload.iss}"` : 'no issuer';
      return unauthenticated(`was issued by ${iss}, not by this Kindred (${issuer}); ${GET_A_TOKEN}.`, error);
    }
    if (error.claim === 'typ') return unauthenticated(`is not an access token (its typ header is not "${ACCESS_TOKEN_TYPE}").`, error);
    if (error.claim === 'nbf' || error.claim === 'iat') {
      return unauthenticated(`is not valid yet (its "${error.claim}" is in the future); check the clocks of this server and the token's issuer.`, error);
    }
    return unauthenticated(`has an invalid "${error.claim}" claim: ${error.message}.`, error);
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return unauthenticated(`is signed with an algorithm Kindred does not accept; Kindred accepts only ${TOKEN_ALG}.`, error);
  }
  if (error instanceof errors.JOSEError) return unauthenticated(`is malformed: ${error.message}.`, error);
  return error instanceof FhirError ? error : new FhirError('INTERNAL', 'The bearer token could not be checked.', { cause: error });
}

function audiencesOf(payload: JWTPayload): string[] {
  const { aud } = payload;
  return typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

/** RFC 9068 §4 and RFC 8725 §3.9: a token is accepted only by the audience it was issued for. */
function checkAudience(payload: JWTPayload, accepted: readonly string[]): void {
  const audiences = audiencesOf(payload);
  if (audiences.length === 0) throw unauthenticated(`has no audience ("aud" claim); Kindred accepts only tokens issued for it; ${GET_A_TOKEN}.`);
  if (!audiences.some((a) => accepted.includes(a))) {
    throw unauthenticated(`was issued for another audience (${audiences.map((a) => `"${a}"`).join(', ')}), not for this server (${accepted.map((a) => `"${a}"`).join(' or ')}).`);
  }
}

function optionalText(payload: JWTPayload, claim: string, pattern: RegExp): string | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) throw unauthenticated(`has an invalid "${claim}" claim.`);
  return value;
}

const FHIR_USER_CLAIM = /^(Practitioner|PractitionerRole|Patient|RelatedPerson|Person)\/[A-Za-z0-9\-.]{1,64}$/;
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

function contextFrom(payload: JWTPayload, issuer: string, nowSeconds: number): AccessContext {
  const { sub, jti, exp, iat, scope } = payload;
  // jose checks `iat` only against a maximum age; a token stamped later than now (beyond the
  // drift allowed) comes from a wrong clock or a forger, and would outlive its stated lifetime.
  if (typeof iat === 'number' && iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) {
    throw unauthenticated('is not valid yet (its "iat" is in the future); check the clocks of this server and the token\'s issuer.');
  }
  if (typeof sub !== 'string' || sub === '') throw unauthenticated('has no subject ("sub" claim).');
  if (typeof jti !== 'string' || jti === '') throw unauthenticated('has no token id ("jti" claim).');
  if (typeof exp !== 'number') throw unauthenticated('has no expiry ("exp" claim).');
  if (typeof scope !== 'string') throw unauthenticated('has no "scope" claim (a space-separated string).');
  let scopes: ScopeSet;
  try {
    scopes = parseScopes(scope);
  } catch (error) {
    const why = isFhirError(error) ? error.message.replace(/^invalid_scope: /, '') : String(error);
    throw unauthenticated(`carries a scope Kindred cannot honour: ${why}`, error);
  }
  // SMART App Launch 2.0 ("Launch context arrives with your access_token"): the patient in
  // context and the signed-in user travel in the token, so every node can verify them alone.
  const fhirUser = optionalText(payload, 'fhirUser', FHIR_USER_CLAIM);
  const patient = optionalText(payload, 'patient', FHIR_ID);
  const clientId = optionalText(payload, 'client_id', /^[\x21-\x7e]{1,128}$/);
  return Object.freeze({
    subject: sub,
    scopes,
    tokenId: jti,
    expiresAt: new Date(exp * 1000),
    issuer,
    ...(fhirUser !== undefined ? { fhirUser } : {}),
    ...(patient !== undefined ? { patient } : {}),
    ...(clientId !== undefined ? { clientId } : {}),
  });
}

/** The token from an HTTP `Authorization` header value; 401 saying what is wrong when there is none. */
export function bearerFromAuthorization(header: string | undefined): string {
  if (header === undefined || header.trim() === '') {
    throw unauthenticated('is missing: send the header "Authorization: Bearer <token>"; `kindred token` prints a token for the administrator.');
  }
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header.trim());
  if (!match?.[1]) throw unauthenticated('is missing: the Authorization header must use the Bearer scheme (RFC 6750 §2.1), as "Bearer <token>".');
  return match[1];
}

const VERIFIED_CACHE_SIZE = 1000;
const VERIFIED_CACHE_MS = 60_000;

export function createTokenService(settings: Settings, options: TokenServiceOptions = {}): TokenService {
  return tokenService(settings, options.now ?? Date.now, undefined, undefined);
}

interface Shared {
  keys: () => Promise<KeyMaterial>;
  verified: Map<string, { access: AccessContext; until: number }>;
}

function tokenService(settings: Settings, now: () => number, trust: SignInTrust | undefined, shared: Shared | undefined): TokenService {
  // Loaded once per service and kept for its life: one settings read, not one per request.
  // A failed load is forgotten so that the next call tries again.
  let material: Promise<KeyMaterial> | undefined;
  const keys = shared?.keys ?? ((): Promise<KeyMaterial> => {
    material ??= (async () => {
      const [instanceId, active] = await Promise.all([loadInstanceId(settings), loadSigningKey(settings)]);
      return { issuer: `urn:kindred:${instanceId}`, active, verifiers: new Map([[active.kid, active]]) };
    })().catch((error: unknown) => {
      material = undefined;
      throw error;
    });
    return material;
  });

  // Tokens already verified, so that a client's every request does not pay for a signature check.
  // An entry never outlives the token's expiry, and lasts at most a minute so that anything
  // issue 3 adds to verification (revocation, session checks) takes effect soon.
  const verified = shared?.verified ?? new Map<string, { access: AccessContext; until: number }>();
  const remember = (token: string, access: AccessContext): AccessContext => {
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, { access, until: Math.min(access.expiresAt.getTime(), now() + VERIFIED_CACHE_MS) });
    return access;
  };

  return {
    async issueAdministratorToken(issue: IssueOptions = {}): Promise<string> {
      const scopes = administratorScopes(issue.scope ?? ADMINISTRATOR_SCOPE);
      const lifetime = checkLifetime(issue.lifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS);
      const { issuer, active } = await keys();
      const iat = Math.floor(now() / 1000);
      return new SignJWT({ scope: scopes.toString() })
        .setProtectedHeader({ alg: TOKEN_ALG, kid: active.kid, typ: ACCESS_TOKEN_TYPE })
        .setIssuer(issuer)
        .setAudience(issuer)
        .setSubject(ADMINISTRATOR)
        .setIssuedAt(iat)
        .setExpirationTime(iat + lifetime)
        .setJti(randomUUID())
        .sign(active.privateKey);
    },

    async verify(bearer: string): Promise<AccessContext> {
      // Accept the header value too ("Bearer <token>"), so callers cannot get that wrong.
      const token = /^bearer\s/i.test(bearer.trim()) ? bearerFromAuthorization(bearer) : bearer.trim();
      if (token === '') throw unauthenticated('is missing: send the header "Authorization: Bearer <token>".');
      const known = verified.get(token);
      if (known && now() < known.until) return known.access;
      verified.delete(token);
      const header = headerOf(token);
      // RFC 8725 §3.1: the algorithm is fixed by the verifier, never taken from the token.
      if (header.alg === undefined || header.alg.toLowerCase() === 'none') {
        throw unauthenticated(`is unsigned (alg "${header.alg ?? 'missing'}"); Kindred accepts only tokens signed with ${TOKEN_ALG}.`);
      }
      if (header.alg !== TOKEN_ALG) throw unauthenticated(`is signed with ${header.alg}; Kindred accepts only ${TOKEN_ALG}.`);
      const { issuer, verifiers } = await keys();
      const issuers = trust === undefined ? [issuer] : [issuer, trust.issuer];
      const key = header.kid === undefined ? undefined : verifiers.get(header.kid);
      if (!key) {
        const iss = unverifiedClaims(token)?.iss;
        if (typeof iss === 'string' && !issuers.includes(iss)) throw unauthenticated(`was issued by "${iss}", not by this Kindred (${issuers.join(' or ')}); ${GET_A_TOKEN}.`);
        throw unauthenticated(
          header.kid === undefined
            ? 'does not name its signing key (no "kid" header).'
            : `was signed by a key this Kindred does not know (kid "${header.kid}"): it comes from another Kindred store, or its key was retired; ${GET_A_TOKEN}.`,
        );
      }
      try {
        const { payload } = await jwtVerify(token, key.publicKey, {
          algorithms: [TOKEN_ALG],
          issuer: issuers,
          typ: ACCESS_TOKEN_TYPE,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(now()),
          requiredClaims: ['sub', 'iat', 'exp', 'jti', 'scope'],
        });
        // The administrator's tokens are for this instance; the sign-in service's for the FHIR base.
        checkAudience(payload, payload.iss === issuer ? [issuer, ...(trust ? [trust.audience] : [])] : [trust?.audience ?? issuer]);
        return remember(token, contextFrom(payload, String(payload.iss), now() / 1000));
      } catch (error) {
        if (isFhirError(error)) throw error;
        throw explainVerifyFailure(error, issuers.join(' or '));
      }
    },

    async publicJwks(): Promise<{ keys: JWK[] }> {
      const { verifiers } = await keys();
      return { keys: [...verifiers.values()].map((k) => ({ ...k.publicJwk })) };
    },

    async issuer(): Promise<string> {
      return (await keys()).issuer;
    },

    trusting(next: SignInTrust): TokenService {
      return tokenService(settings, now, Object.freeze({ issuer: next.issuer, audience: next.audience.replace(/\/+$/, '') }), { keys, verified: new Map() });
    },
  };
}
