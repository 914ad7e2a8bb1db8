/**
 * Signing in through the area's own identity provider (an external OpenID Connect provider, set
 * by configuration): Kindred is then a relying party (openid-client, authorization code with PKCE
 * and nonce), and the person's ID token is matched to a Kindred account by a claim, either a
 * username claim (e.g. `preferred_username`) or a `fhirUser` claim. The external provider proves
 * who the person is; what they may see still follows from the Kindred account's fhirUser.
 *
 * What one sign-in needs between leaving for the provider and coming back (the interaction it
 * belongs to, the PKCE verifier, the nonce) is kept in the database under the `state` value, so
 * any node can take the callback. This module never logs codes, tokens or secrets.
 */
import { randomBytes } from 'node:crypto';
import type { OidcRecordTable } from '@kindred/store';
import type { Configuration } from 'openid-client';

export interface ExternalIdentityProviderConfig {
  /** the provider's issuer url (its discovery document is at <issuer>/.well-known/openid-configuration) */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** shown on the sign-in page: "Sign in with <name>"; default "your organisation's account" */
  displayName?: string;
  /** the ID token claim that names the Kindred account; default "preferred_username" */
  claim?: string;
  /** what the claim holds: a Kindred username, or a fhirUser ("Practitioner/…", or a url ending so); default "username" */
  matchBy?: 'username' | 'fhirUser';
  /** scopes to ask the provider for; default "openid profile" */
  scope?: string;
  /** test seam: allow an http issuer (never in production) */
  allowInsecureRequests?: boolean;
}

const STATE_MODEL = 'ExternalSignInState';
const TICKET_MODEL = 'ExternalSignInTicket';
const STATE_SECONDS = 10 * 60;
const TICKET_SECONDS = 60;

/** What the external provider said about the person, reduced to what Kindred matches on. */
export interface ExternalIdentity {
  /** the value of the configured claim */
  value: string;
  matchBy: 'username' | 'fhirUser';
  /** the ID token's authentication methods (RFC 8176), when it says */
  amr: readonly string[];
}

export interface ExternalIdentityProvider {
  readonly displayName: string;
  /** the url to send the browser to, for the Kindred sign-in interaction `uid` */
  start(uid: string): Promise<string>;
  /** checks the callback (state, code, ID token) and returns the interaction it belongs to and who signed in */
  finish(callbackUrl: URL): Promise<{ uid: string; identity: ExternalIdentity }>;
  /** a one-time ticket carrying a matched account to the interaction (the callback has no interaction cookie) */
  issueTicket(uid: string, accountId: string, amr: readonly string[]): Promise<string>;
  redeemTicket(uid: string, ticket: string): Promise<{ accountId: string; amr: string[] } | undefined>;
}

export function createExternalIdentityProvider(config: ExternalIdentityProviderConfig, records: OidcRecordTable, callbackUrl: string, now: () => number = Date.now): ExternalIdentityProvider {
  let discovered: Promise<Configuration> | undefined;
  const configuration = (): Promise<Configuration> => {
    discovered ??= (async () => {
      const client = await import('openid-client');
      return client.discovery(new URL(config.issuer), config.clientId, { redirect_uris: [callbackUrl], response_types: ['code'] }, client.ClientSecretPost(config.clientSecret), {
        ...(config.allowInsecureRequests === true ? { execute: [client.allowInsecureRequests] } : {}),
      });
    })().catch((error: unknown) => {
      discovered = undefined;
      throw error;
    });
    return discovered;
  };
  const claim = config.claim ?? 'preferred_username';
  const matchBy = config.matchBy ?? 'username';

  return {
    displayName: config.displayName ?? "your organisation's account",

    async start(uid) {
      const client = await import('openid-client');
      const server = await configuration();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const verifier = client.randomPKCECodeVerifier();
      await records.upsert(STATE_MODEL, state, { uid, nonce, verifier }, now() + STATE_SECONDS * 1000);
      return client
        .buildAuthorizationUrl(server, {
          redirect_uri: callbackUrl,
          scope: config.scope ?? 'openid profile',
          state,
          nonce,
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
        })
        .toString();
    },

    async finish(url) {
      const client = await import('openid-client');
      const state = url.searchParams.get('state') ?? '';
      const saved = state === '' ? undefined : await records.find(STATE_MODEL, state, now());
      if (!saved || typeof saved.uid !== 'string' || typeof saved.verifier !== 'string' || typeof saved.nonce !== 'string') {
        throw new Error('the sign-in with the external provider is unknown or has expired');
      }
      await records.destroy(STATE_MODEL, state); // one use
      const tokens = await client.authorizationCodeGrant(await configuration(), url, { pkceCodeVerifier: saved.verifier, expectedState: state, expectedNonce: saved.nonce });
      const claims = tokens.claims();
      const value = claims?.[claim];
      if (typeof value !== 'string' || value === '') throw new Error(`the external provider's ID token has no "${claim}" claim`);
      const amr = Array.isArray(claims?.amr) ? claims.amr.filter((a): a is string => typeof a === 'string') : [];
      return { uid: saved.uid, identity: { value, matchBy, amr } };
    },

    async issueTicket(uid, accountId, amr) {
      const ticket = randomBytes(24).toString('base64url');
      await records.upsert(TICKET_MODEL, ticket, { uid, accountId, amr: [...amr] }, now() + TICKET_SECONDS * 1000);
      return ticket;
    },

    async redeemTicket(uid, ticket) {
      const saved = await records.find(TICKET_MODEL, ticket, now());
      if (!saved) return undefined;
      await records.destroy(TICKET_MODEL, ticket);
      if (saved.uid !== uid || typeof saved.accountId !== 'string') return undefined;
      return { accountId: saved.accountId, amr: Array.isArray(saved.amr) ? saved.amr.filter((a): a is string => typeof a === 'string') : [] };
    },
  };
}

/** The fhirUser a claim names: "Practitioner/123", or an absolute url ending in it (SMART's fhirUser is a url). */
export function fhirUserFromClaim(value: string): string | undefined {
  const match = /(?:^|\/)((?:Practitioner|PractitionerRole|Patient|RelatedPerson|Person)\/[A-Za-z0-9\-.]{1,64})$/.exec(value);
  return match?.[1];
}
