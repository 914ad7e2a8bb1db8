/**
 * Kindred's OpenID Connect provider (oidc-provider, certified by the OpenID Foundation), set up
 * for SMART App Launch 2.0 (http://hl7.org/fhir/smart-app-launch/): authorization code with PKCE
 * S256 always, the `aud` parameter checked against the FHIR base, JWT access tokens (RFC 9068,
 * `typ: at+jwt`) signed with the store's one ES256 key and carrying `fhirUser`, `patient` and
 * `client_id`; refresh tokens for `offline_access`; client_credentials with private_key_jwt
 * (RS384 / ES384) for SMART Backend Services.
 *
 * Everything the provider keeps goes to the database through the store adapter; the people are
 * Kindred accounts. This module builds the provider and must not render pages or handle
 * Fastify requests (sign-in-plugin.ts and interaction-routes.ts do that). It never logs a token.
 */
import { decodeJwt } from 'jose';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { decideScopes, loadProviderSigningJwk, type Accounts } from '@kindred/access';
import type { Store } from '@kindred/store';
import { SMART_SCOPE_METADATA, storeAdapter } from './oidc-adapter.ts';
import type { SignInSettings } from './sign-in-settings.ts';
import { launchContextOf } from './smart-launch.ts';

/** Scopes that ask for identity claims or a refresh token: oidc-provider's own ("static") scopes. */
export const OIDC_SCOPES = ['openid', 'offline_access', 'fhirUser', 'profile'] as const;
/** Scopes SMART defines besides resource scopes; they are carried in the access token's scope. */
export const SMART_CONTEXT_SCOPES = ['launch', 'launch/patient', 'online_access'] as const;

export const PROVIDER_ROUTES = Object.freeze({
  authorization: '/authorize',
  token: '/token',
  jwks: '/jwks',
  userinfo: '/userinfo',
  revocation: '/revoke',
  end_session: '/session/end',
});

export interface SmartProviderOptions {
  store: Store;
  accounts: Accounts;
  signIn: SignInSettings;
  cookieKeys: string[];
  /** the HTML page shown when an authorization request cannot go on (no redirect back is safe) */
  renderErrorPage: (error: string, description: string | undefined) => string;
  /** the sign-out question around oidc-provider's form, and the page after signing out */
  renderSignOutPage: (form: string) => string;
  renderSignedOutPage: () => string;
  /** whether X-Forwarded-* headers come from a trusted proxy (AppConfig.trustProxy) */
  trustProxy: boolean;
  now?: () => number;
}

type Entities = { Grant?: { getResourceScope(resource: string): string }; AuthorizationCode?: { scope?: string }; RefreshToken?: { scope?: string } };

/** The scopes a client may be given for the FHIR base in this request: what it asks for now, or what its grant holds. */
function resourceScopesFor(ctx: KoaContextWithOIDC, fhirBase: string, registered: string): string {
  const statics = new Set<string>(OIDC_SCOPES);
  const candidates = new Set<string>();
  const requested = typeof ctx.oidc.params?.scope === 'string' ? ctx.oidc.params.scope : '';
  const asked = requested.split(' ').filter((s) => s !== '' && !statics.has(s));
  if (asked.length > 0) {
    const { granted, refused } = decideScopes(asked.join(' '), registered);
    // RFC 6749 §4.1.2.1 / §5.2 invalid_scope: asking for more than the client is registered for is refused, not trimmed.
    if (refused.length > 0) throw new errors.InvalidScope(`requested scope is not allowed for this client: ${refused.join(' ')}`, refused.join(' '));
    granted.forEach((s) => candidates.add(s));
  }
  const entities = ctx.oidc.entities as Entities;
  entities.Grant?.getResourceScope(fhirBase).split(' ').forEach((s) => s && candidates.add(s));
  for (const held of [entities.AuthorizationCode?.scope, entities.RefreshToken?.scope]) held?.split(' ').forEach((s) => s && !statics.has(s) && candidates.add(s));
  return [...candidates].join(' ');
}

export async function createSmartProvider(options: SmartProviderOptions): Promise<Provider> {
  const { store, accounts, signIn } = options;
  const now = options.now ?? Date.now;
  const fhirBase = signIn.fhirBaseUrl;
  const signingJwk = await loadProviderSigningJwk(store.settings);

  const configuration: Configuration = {
    adapter: storeAdapter(store.identity, now),
    jwks: { keys: [signingJwk] },
    cookies: {
      keys: options.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    routes: PROVIDER_ROUTES,
    responseTypes: ['code'],
    scopes: [...OIDC_SCOPES],
    claims: { openid: ['sub'], fhirUser: ['fhirUser'], profile: ['name', 'preferred_username'] },
    // SMART puts fhirUser in the ID token of the code flow (#scopes-for-requesting-identity-data).
    conformIdTokenClaims: false,
    clientAuthMethods: ['none', 'private_key_jwt'],
    extraClientMetadata: {
      properties: [SMART_SCOPE_METADATA],
      validator: (_ctx, key, value) => {
        if (key === SMART_SCOPE_METADATA && value !== undefined && typeof value !== 'string') throw new errors.InvalidClientMetadata(`${key} must be a space-separated string`);
      },
    },
    enabledJWA: {
      clientAuthSigningAlgValues: ['RS384', 'ES384'],
      idTokenSigningAlgValues: ['ES256'],
      requestObjectSigningAlgValues: ['ES256'],
      userinfoSigningAlgValues: ['ES256'],
    },
    clientDefaults: { id_token_signed_response_alg: 'ES256', grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      // RP-Initiated Logout 1.0 at /auth/session/end: Kindred's own pages, no JavaScript.
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = options.renderSignOutPage(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = options.renderSignedOutPage();
        },
      },
      resourceIndicators: {
        enabled: true,
        // Every token is for the FHIR API: SMART clients name it with `aud`, not RFC 8707 `resource`.
        defaultResource: () => fhirBase,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resourceIndicator, client) => {
          if (resourceIndicator.replace(/\/+$/, '') !== fhirBase) throw new errors.InvalidTarget(`the only resource is the FHIR API at ${fhirBase}`);
          return {
            scope: resourceScopesFor(ctx, fhirBase, typeof client[SMART_SCOPE_METADATA] === 'string' ? client[SMART_SCOPE_METADATA] : ''),
            audience: fhirBase,
            accessTokenFormat: 'jwt',
            accessTokenTTL: signIn.accessTokenSeconds,
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    extraParams: {
      // SMART App Launch 2.0 §"Obtain authorization code": `aud` must be the FHIR base the app
      // means to use, so a token cannot be phished for another server.
      aud: (ctx, value) => {
        if (ctx.oidc.route !== 'authorization' && ctx.oidc.route !== 'resume') return;
        if (value === undefined || value === '') throw new errors.InvalidRequest(`missing required parameter 'aud' (the FHIR base url, ${fhirBase})`);
        if (value.replace(/\/+$/, '') !== fhirBase) throw new errors.InvalidRequest(`aud must be this server's FHIR base url, ${fhirBase}`);
      },
      launch: null,
    },
    findAccount: async (_ctx, sub) => {
      const account = await accounts.byId(sub);
      if (!account || account.disabled) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          name: account.displayName,
          preferred_username: account.username,
          ...(account.fhirUser !== undefined ? { fhirUser: `${fhirBase}/${account.fhirUser}` } : {}),
        }),
      };
    },
    extraTokenClaims: async (_ctx, token) => {
      const accountId = 'accountId' in token ? token.accountId : undefined;
      const grantId = 'grantId' in token ? token.grantId : undefined;
      const account = typeof accountId === 'string' ? await accounts.byId(accountId) : undefined;
      const context = typeof grantId === 'string' ? await launchContextOf(store.identity.oidcRecords, grantId, now()) : undefined;
      return {
        ...(account?.fhirUser !== undefined ? { fhirUser: account.fhirUser } : {}),
        ...(context?.patient !== undefined ? { patient: context.patient } : {}),
      };
    },
    // A new grant for every authorization: a launch's patient context belongs to that launch only.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    issueRefreshToken: (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    interactions: { url: (_ctx, interaction) => `${signIn.mountPath}/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: signIn.accessTokenSeconds,
      ClientCredentials: signIn.accessTokenSeconds,
      AuthorizationCode: 60,
      IdToken: signIn.accessTokenSeconds,
      Interaction: 15 * 60,
      Grant: signIn.refreshTokenSeconds,
      RefreshToken: signIn.refreshTokenSeconds,
      // Idle timeout, never past the absolute end counted from sign-in (OWASP Session Management).
      Session: (_ctx, session) => {
        const signedInAt = typeof session.loginTs === 'number' ? session.loginTs : Math.floor(now() / 1000);
        const left = signedInAt + signIn.sessionAbsoluteSeconds - Math.floor(now() / 1000);
        return Math.max(1, Math.min(signIn.sessionIdleSeconds, left));
      },
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = options.renderErrorPage(out.error, out.error_description);
    },
  };

  const provider = new Provider(signIn.issuer, configuration);
  // Behind a proxy the scheme and client address come from X-Forwarded-* (as for the Fastify app).
  provider.proxy = options.trustProxy;

  provider.use(async (ctx, next) => {
    await next();
    // SMART App Launch 2.0 §"Obtain access token": the token response names the patient in context.
    if ((ctx.oidc as { route?: string } | undefined)?.route !== 'token' || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (typeof body?.access_token !== 'string') return;
    const claims = decodeJwt(body.access_token);
    if (typeof claims.patient === 'string') ctx.body = { ...body, patient: claims.patient };
  });
  return provider;
}
