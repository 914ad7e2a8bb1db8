/**
 * What the sign-in service needs to know, worked out once from the app's config: its issuer (the
 * site's public address + /auth), the FHIR base its tokens are for, lifetimes and limits. Plain
 * values, frozen; nothing here talks to the database or the network.
 */

import type { ExternalIdentityProviderConfig } from './external-idp.ts';

/** Where the OpenID Connect provider lives under the site: issuer = site + this. */
export const SIGN_IN_PREFIX = '/auth';

export interface SignInConfig {
  /**
   * the site's public address for the issuer and the tokens' audience when the app has no
   * publicBaseUrl (its links then follow each request's Host), e.g. "http://localhost:8080"
   */
  siteUrl?: string;
  /** sign-in form posts and token requests allowed per client IP per minute; default 60 (a hospital's staff may share one address) */
  rateLimitPerMinute?: number;
  /** a sign-in session ends after this long without use; default 30 minutes */
  sessionIdleSeconds?: number;
  /** and this long after signing in, whatever the use; default 8 hours */
  sessionAbsoluteSeconds?: number;
  /** access token lifetime; default 1 hour */
  accessTokenSeconds?: number;
  /** refresh token lifetime (offline_access); default 14 days */
  refreshTokenSeconds?: number;
  /** scrypt parameters for new password hashes (tests use cheaper ones) */
  scrypt?: { N: number; r: number; p: number };
  /** the area's own OpenID Connect provider, offered on the sign-in page beside Kindred's accounts */
  external?: ExternalIdentityProviderConfig;
}

export interface SignInSettings {
  readonly issuer: string;
  /** the path of the issuer, e.g. "/auth" (or "/kindred/auth" behind a proxy path) */
  readonly mountPath: string;
  readonly fhirBaseUrl: string;
  readonly rateLimitPerMinute: number;
  readonly sessionIdleSeconds: number;
  readonly sessionAbsoluteSeconds: number;
  readonly accessTokenSeconds: number;
  readonly refreshTokenSeconds: number;
  readonly scrypt: { N: number; r: number; p: number } | undefined;
  readonly external: Readonly<ExternalIdentityProviderConfig> | undefined;
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`signIn.${name} must be a whole number, at least 1 (got ${value})`);
  return value;
}

/** The sign-in settings for a site whose FHIR base is `fhirBaseUrl` (configured, never from a request's Host header). */
export function signInSettingsOf(config: SignInConfig, fhirBaseUrl: string | undefined): SignInSettings {
  if (fhirBaseUrl === undefined) {
    throw new Error('Sign-in needs the public address of the site (publicBaseUrl or signIn.siteUrl, `kindred serve --base-url`): the issuer and the token audience are made from it.');
  }
  const site = fhirBaseUrl.replace(/\/fhir$/, '');
  const issuer = `${site}${SIGN_IN_PREFIX}`;
  return Object.freeze({
    issuer,
    mountPath: new URL(issuer).pathname,
    fhirBaseUrl,
    rateLimitPerMinute: positive('rateLimitPerMinute', config.rateLimitPerMinute ?? 60),
    sessionIdleSeconds: positive('sessionIdleSeconds', config.sessionIdleSeconds ?? 30 * 60),
    sessionAbsoluteSeconds: positive('sessionAbsoluteSeconds', config.sessionAbsoluteSeconds ?? 8 * 60 * 60),
    accessTokenSeconds: positive('accessTokenSeconds', config.accessTokenSeconds ?? 60 * 60),
    refreshTokenSeconds: positive('refreshTokenSeconds', config.refreshTokenSeconds ?? 14 * 24 * 60 * 60),
    scrypt: config.scrypt,
    external: config.external === undefined ? undefined : Object.freeze({ ...config.external }),
  });
}
