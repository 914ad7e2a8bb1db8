/**
 * Signing in to the web app through Kindred's own sign-in service, so the pages trust people
 * exactly as the FHIR API does: the web app is a first-party OpenID Connect client
 * (`kindred-web`, public, authorization code with PKCE S256, RFC 7636) of the provider at /auth.
 * The browser signs in there (password, a second factor for staff, lockout, rate limits); the
 * code comes back to /app/callback and is exchanged in-process for a SMART access token, which
 * every page then verifies with the same TokenService as /fhir.
 *
 * The web session lives in the database (any node can serve the next request): the browser holds
 * only a random id in an HttpOnly, SameSite=Lax cookie; the store keeps the id's SHA-256 with
 * the tokens, so a copy of the database cannot be used to take over a session. When the access
 * token runs out, the refresh token gets a new one; when that fails, the person signs in again
 * and comes back to the page they were on.
 *
 * This module must not render pages or read the record.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccessContext, TokenService } from '@kindred/access';
import { createClients } from '@kindred/access';
import type { Store } from '@kindred/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cookie } from '../oidc/form-body.ts';
import type { SignInSettings } from '../oidc/sign-in-settings.ts';

export const WEB_CLIENT_ID = 'kindred-web';
/** What the web app asks for: who the person is, a refresh token, and the record as the policy allows them (user/*.cruds). */
export const WEB_CLIENT_SCOPE = 'openid fhirUser profile offline_access user/*.cruds';
const SESSION_COOKIE = 'kindred_web';
const LOGIN_COOKIE = 'kindred_web_login';
const SESSION_MODEL = 'WebSession';
/** Refresh a little before the access token's end, so a page never starts with a token about to run out. */
const REFRESH_MARGIN_MS = 30_000;

export interface WebSession {
  /** the store's key of the session (the cookie's SHA-256) */
  readonly key: string;
  readonly displayName: string;
  readonly fhirUser: string | undefined;
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly idToken: string | undefined;
  readonly accessExpiresAt: number;
  readonly expiresAt: number;
  /** the session's secret for CSRF tokens of its forms */
  readonly csrfSecret: string;
}

export interface SignedIn {
  session: WebSession;
  access: AccessContext;
}

interface LoginState {
  state: string;
  verifier: string;
  returnTo: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url');
const random = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Only a path of the web app itself may be returned to (no open redirect). */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/app') || value.startsWith('//') || /[\\\r\n]/.test(value) || value.length > 1000) return '/app';
  return value;
}

export interface WebSessions {
  /** registers (or corrects) the web app's client with the sign-in service */
  registerClient(): Promise<void>;
  /** the signed-in person of this request, refreshing an expired token; undefined when there is none */
  current(request: FastifyRequest, reply: FastifyReply): Promise<SignedIn | undefined>;
  /** sends the browser to the sign-in service, to come back to `returnTo` */
  startSignIn(reply: FastifyReply, returnTo: string): FastifyReply;
  /** the sign-in service's answer: a session, or why not */
  finishSignIn(request: FastifyRequest, reply: FastifyReply): Promise<{ ok: true; returnTo: string } | { ok: false; reason: string }>;
  /** ends the web session; answers where to send the browser to end the sign-in service's session too */
  signOut(request: FastifyRequest, reply: FastifyReply): Promise<string>;
  /** a CSRF token for a form of this session (OWASP synchronizer token, bound to the session) */
  csrfToken(session: WebSession, purpose?: string): string;
  csrfTokenIsValid(session: WebSession, given: unknown, purpose?: string): boolean;
}

export interface WebSessionOptions {
  app: FastifyInstance;
  store: Store;
  signIn: SignInSettings;
  tokens: TokenService;
  /** the HMAC key for the sign-in state cookie */
  stateKey: Buffer;
  now?: () => number;
}

export function createWebSessions(options: WebSessionOptions): WebSessions {
  const { app, store, signIn, tokens } = options;
  const now = options.now ?? Date.now;
  const site = new URL(signIn.issuer).origin + new URL(signIn.issuer).pathname.replace(/\/auth\/?$/, '');
  const redirectUri = `${site.replace(/\/+$/, '')}/app/callback`;
  const secure = redirectUri.startsWith('https:');
  const cookieAttributes = `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  const records = store.identity.oidcRecords;

  const sign = (text: string): string => createHmac('sha256', options.stateKey).update(`web-login\n${text}`).digest('base64url');
  const setCookie = (reply: FastifyReply, name: string, value: string, maxAgeSeconds: number): void => {
    const existing = reply.getHeader('Set-Cookie');
    const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
    reply.header('Set-Cookie', [...list, `${name}=${value}; ${cookieAttributes}; Max-Age=${maxAgeSeconds}`]);
  };

  const load = async (key: string): Promise<WebSession | undefined> => {
    const payload = await records.find(SESSION_MODEL, key, now());
    if (payload === undefined) return undefined;
    return { ...(payload as unknown as Omit<WebSession, 'key'>), key };
  };
  const save = async (session: WebSession): Promise<void> => {
    const { key, ...payload } = session;
    await records.upsert(SESSION_MODEL, key, payload, session.expiresAt);
  };

  /** The token endpoint, called in-process: the code and refresh token never leave the server. */
  const tokenRequest = async (form: Record<string, string>): Promise<Record<string, unknown> | undefined> => {
    const response = await app.inject({
      method: 'POST',
      url: `${signIn.mountPath}/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', host: new URL(signIn.issuer).host },
      payload: new URLSearchParams({ ...form, client_id: WEB_CLIENT_ID }).toString(),
      remoteAddress: '127.0.0.1',
    });
    if (response.statusCode !== 200) return undefined;
    return response.json<Record<string, unknown>>();
  };

  const sessionFrom = async (key: string, answer: Record<string, unknown>, previous?: WebSession): Promise<SignedIn | undefined> => {
    if (typeof answer.access_token !== 'string') return undefined;
    const access = await tokens.verify(answer.access_token);
    const expiresIn = typeof answer.expires_in === 'number' ? answer.expires_in : signIn.accessTokenSeconds;
    const idClaims = typeof answer.id_token === 'string' ? decodePayload(answer.id_token) : undefined;
    const session: WebSession = {
      key,
      displayName: typeof idClaims?.name === 'string' ? idClaims.name : (previous?.displayName ?? 'Signed in'),
      fhirUser: access.fhirUser,
      accessToken: answer.access_token,
      refreshToken: typeof answer.refresh_token === 'string' ? answer.refresh_token : previous?.refreshToken,
      idToken: typeof answer.id_token === 'string' ? answer.id_token : previous?.idToken,
      accessExpiresAt: now() + expiresIn * 1000,
      expiresAt: previous?.expiresAt ?? now() + signIn.sessionAbsoluteSeconds * 1000,
      csrfSecret: previous?.csrfSecret ?? random(),
    };
    await save(session);
    return { session, access };
  };

  return {
    async registerClient() {
      const clients = createClients(store.identity, now);
      const current = await clients.get(WEB_CLIENT_ID);
      const sameScope = (scope: string): boolean => [...new Set(scope.split(' '))].sort().join(' ') === [...new Set(WEB_CLIENT_SCOPE.split(' '))].sort().join(' ');
      if (current !== undefined && current.redirect_uris.length === 1 && current.redirect_uris[0] === redirectUri && sameScope(current.scope)) return;
      if (current !== undefined) await store.identity.clients.remove(WEB_CLIENT_ID);
      try {
        await clients.add({ clientId: WEB_CLIENT_ID, name: 'Kindred', public: true, redirectUris: [redirectUri], scope: WEB_CLIENT_SCOPE });
      } catch (error) {
        // another node registered it at the same moment
        if ((await clients.get(WEB_CLIENT_ID)) === undefined) throw error;
      }
    },

    async current(request, reply) {
      const id = cookie(request, SESSION_COOKIE);
      if (id === undefined || !/^[A-Za-z0-9_-]{20,100}$/.test(id)) return undefined;
      const session = await load(sha256(id));
      if (session === undefined || session.expiresAt <= now()) return undefined;
      if (session.accessExpiresAt - REFRESH_MARGIN_MS > now()) {
        try {
          return { session, access: await tokens.verify(session.accessToken) };
        } catch {
          // the token was refused (keys changed, account disabled): try the refresh token
        }
      }
      if (session.refreshToken === undefined) return undefined;
      const answer = await tokenRequest({ grant_type: 'refresh_token', refresh_token: session.refreshToken });
      if (answer === undefined) {
        await records.destroy(SESSION_MODEL, session.key);
        setCookie(reply, SESSION_COOKIE, '', 0);
        return undefined;
      }
      try {
        return await sessionFrom(session.key, answer, session);
      } catch {
        return undefined;
      }
    },

    startSignIn(reply, returnTo) {
      const login: LoginState = { state: random(), verifier: random(48), returnTo: safeReturnPath(returnTo) };
      const encoded = Buffer.from(JSON.stringify(login)).toString('base64url');
      setCookie(reply, LOGIN_COOKIE, `${encoded}.${sign(encoded)}`, 15 * 60);
      const challenge = createHash('sha256').update(login.verifier).digest('base64url');
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: WEB_CLIENT_ID,
        redirect_uri: redirectUri,
        scope: WEB_CLIENT_SCOPE,
        state: login.state,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        aud: signIn.fhirBaseUrl,
      });
      return reply.header('Cache-Control', 'no-store').redirect(`${signIn.issuer}/authorize?${query.toString()}`, 303);
    },

    async finishSignIn(request, reply) {
      const raw = cookie(request, LOGIN_COOKIE);
      setCookie(reply, LOGIN_COOKIE, '', 0);
      const [encoded, mac] = (raw ?? '').split('.');
      if (encoded === undefined || mac === undefined || !safeEqual(mac, sign(encoded))) return { ok: false, reason: 'The sign-in took too long or was started in another browser.' };
      let login: LoginState;
      try {
        login = JSON.parse(Buffer.from(encoded, 'base64url').toString()) as LoginState;
      } catch {
        return { ok: false, reason: 'The sign-in could not be finished.' };
      }
      const query = request.query as Record<string, unknown>;
      if (typeof query.state !== 'string' || !safeEqual(query.state, login.state)) return { ok: false, reason: 'The sign-in could not be finished (its state did not match).' };
      if (typeof query.error === 'string') return { ok: false, reason: query.error === 'access_denied' ? 'Signing in was cancelled or refused.' : 'The sign-in service could not sign you in.' };
      if (typeof query.code !== 'string') return { ok: false, reason: 'The sign-in service sent no code.' };
      const answer = await tokenRequest({ grant_type: 'authorization_code', code: query.code, redirect_uri: redirectUri, code_verifier: login.verifier });
      if (answer === undefined) return { ok: false, reason: 'The sign-in service did not accept the code; try again.' };
      const id = random();
      const signedIn = await sessionFrom(sha256(id), answer);
      if (signedIn === undefined) return { ok: false, reason: 'The sign-in service sent no access token.' };
      setCookie(reply, SESSION_COOKIE, id, signIn.sessionAbsoluteSeconds);
      return { ok: true, returnTo: login.returnTo };
    },

    async signOut(request, reply) {
      const id = cookie(request, SESSION_COOKIE);
      let idToken: string | undefined;
      if (id !== undefined && /^[A-Za-z0-9_-]{20,100}$/.test(id)) {
        const session = await load(sha256(id));
        idToken = session?.idToken;
        if (session?.refreshToken !== undefined) {
          await app.inject({ method: 'POST', url: `${signIn.mountPath}/revoke`, headers: { 'content-type': 'application/x-www-form-urlencoded', host: new URL(signIn.issuer).host }, payload: new URLSearchParams({ token: session.refreshToken, client_id: WEB_CLIENT_ID }).toString() });
        }
        await records.destroy(SESSION_MODEL, sha256(id));
      }
      setCookie(reply, SESSION_COOKIE, '', 0);
      // RP-Initiated Logout 1.0 §2: the provider asks the person to confirm and ends its own session.
      const query = new URLSearchParams({ client_id: WEB_CLIENT_ID, ...(idToken !== undefined ? { id_token_hint: idToken } : {}) });
      return `${signIn.issuer}/session/end?${query.toString()}`;
    },

    csrfToken(session, purpose = 'form') {
      return createHmac('sha256', session.csrfSecret).update(purpose).digest('base64url');
    },
    csrfTokenIsValid(session, given, purpose = 'form') {
      return typeof given === 'string' && safeEqual(given, createHmac('sha256', session.csrfSecret).update(purpose).digest('base64url'));
    },
  };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The claims of a JWT the sign-in service just gave us over an in-process call (its signature is the provider's own). */
function decodePayload(jwt: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
