/**
 * The apps registered to use Kindred's sign-in service: SMART apps (public, with PKCE) and
 * confidential clients and backend services that authenticate with a signed JWT
 * (private_key_jwt, RFC 7523 §2.2, with RS384 or ES384 as SMART Backend Services asks). Checks a
 * registration and keeps it, with the scopes the client may ever be given. Never stores a private
 * key: a client registers only its public keys (JWKS) or where to fetch them (jwks_uri).
 */
import { FhirError, isPlainObject } from '@kindred/fhir';
import type { IdentityTables } from '@kindred/store';
import { parseScopes } from '../scopes.ts';

/** SMART App Launch 2.0, "Backend Services" §"Registering a SMART Backend Service": RS384 and ES384. */
export const CLIENT_ASSERTION_ALGS = ['RS384', 'ES384'] as const;

/** What an app client may ask for unless registered with --scope. */
export const DEFAULT_APP_SCOPE = 'openid fhirUser profile launch launch/patient offline_access online_access patient/*.rs user/*.rs';
/** What a backend service may ask for unless registered with --scope. */
export const DEFAULT_BACKEND_SCOPE = 'system/*.rs';

export interface NewClient {
  clientId: string;
  name: string;
  /** where the app receives authorization codes; needed for the authorization code grant */
  redirectUris?: readonly string[];
  /** a public client (a browser or mobile app that cannot keep a secret): PKCE only, no client authentication */
  public?: boolean;
  /** the client's public keys, for private_key_jwt */
  jwks?: { keys: readonly Record<string, unknown>[] };
  /** where to fetch the client's public keys, for private_key_jwt */
  jwksUri?: string;
  /** the scopes the client may ask for, space-separated */
  scope?: string;
}

export interface ClientRegistration {
  client_id: string;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: 'none' | 'private_key_jwt';
  token_endpoint_auth_signing_alg?: string;
  jwks?: { keys: Record<string, unknown>[] };
  jwks_uri?: string;
  /** the scopes the client may ever be given (SMART scopes may be narrowed from these, never widened) */
  scope: string;
}

export interface Clients {
  add(client: NewClient): Promise<ClientRegistration>;
  get(clientId: string): Promise<ClientRegistration | undefined>;
  list(): Promise<ClientRegistration[]>;
}

function invalid(message: string): FhirError {
  return new FhirError('INVALID_REQUEST', message);
}

function checkRedirectUri(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw invalid(`"${uri}" is not an absolute redirect uri.`);
  }
  // RFC 6749 §3.1.2: no fragment. OAuth 2.0 Security BCP (RFC 9700 §2.1): https, or http only to this machine.
  if (url.hash !== '') throw invalid(`The redirect uri "${uri}" must not have a fragment (#…).`);
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol === 'http:' && !loopback) throw invalid(`The redirect uri "${uri}" must use https (http is allowed only for localhost).`);
  return uri;
}

function checkJwks(jwks: NewClient['jwks']): { keys: Record<string, unknown>[] } {
  if (!isPlainObject(jwks) || !Array.isArray(jwks.keys) || jwks.keys.length === 0) throw invalid('A JWKS must be a JSON object with a non-empty "keys" array (RFC 7517 §5).');
  const keys = jwks.keys.map((key) => {
    if (!isPlainObject(key) || typeof key.kty !== 'string') throw invalid('Each key of the JWKS needs a "kty".');
    if ('d' in key || 'p' in key || 'k' in key) throw invalid('The JWKS holds a private or secret key; register only the public keys.');
    return { ...key };
  });
  return { keys };
}

export function createClients(tables: IdentityTables, now: () => number = Date.now): Clients {
  const toRegistration = (value: Readonly<Record<string, unknown>>): ClientRegistration => value as unknown as ClientRegistration;
  return {
    async add(input) {
      if (!/^[A-Za-z0-9._~-]{1,128}$/.test(input.clientId)) throw invalid(`"${input.clientId}" cannot be a client id: use letters, digits and . _ ~ - (at most 128).`);
      if (input.name.trim() === '') throw invalid('A client needs a name (shown to people when they sign in).');
      const redirectUris = (input.redirectUris ?? []).map(checkRedirectUri);
      const hasKeys = input.jwks !== undefined || input.jwksUri !== undefined;
      if (input.public === true && hasKeys) throw invalid('A public client has no keys: give --public or --jwks, not both.');
      if (input.public !== true && !hasKeys) throw invalid('A confidential client authenticates with a signed JWT: give its public keys with --jwks FILE (or register a public app with --public).');
      if (input.public === true && redirectUris.length === 0) throw invalid('A public app needs at least one --redirect-uri.');
      const scope = parseScopes(input.scope ?? (redirectUris.length > 0 ? DEFAULT_APP_SCOPE : DEFAULT_BACKEND_SCOPE));
      const hasSystemScopes = scope.scopes.some((s) => s.kind === 'resource' && s.context === 'system');
      if (input.public === true && hasSystemScopes) throw invalid('A public client cannot be given system/ scopes: those are for backend services with keys.');
      const grantTypes = [
        ...(redirectUris.length > 0 ? ['authorization_code', 'refresh_token'] : []),
        ...(hasKeys && hasSystemScopes ? ['client_credentials'] : []),
      ];
      if (grantTypes.length === 0) throw invalid('The client could use no grant: give --redirect-uri for an app, or system/ scopes for a backend service.');
      const registration: ClientRegistration = {
        client_id: input.clientId,
        client_name: input.name.trim(),
        redirect_uris: redirectUris,
        grant_types: grantTypes,
        response_types: redirectUris.length > 0 ? ['code'] : [],
        token_endpoint_auth_method: input.public === true ? 'none' : 'private_key_jwt',
        ...(input.jwks !== undefined ? { jwks: checkJwks(input.jwks) } : {}),
        ...(input.jwksUri !== undefined ? { jwks_uri: new URL(input.jwksUri).href } : {}),
        scope: scope.toString(),
      };
      await tables.clients.insert({ clientId: input.clientId, name: registration.client_name, registration: { ...registration }, createdAt: now() });
      return registration;
    },
    async get(clientId) {
      const record = await tables.clients.byId(clientId);
      return record ? toRegistration(record.registration) : undefined;
    },
    async list() {
      return (await tables.clients.list()).map((r) => toRegistration(r.registration));
    },
  };
}
