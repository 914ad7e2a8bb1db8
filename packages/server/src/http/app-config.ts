/**
 * The one typed object the HTTP app is built from (no global settings, no getters deep in the
 * code). It is copied and frozen when the app is built, so nothing can change it afterwards.
 */
import { defaultAccessPolicy, type AccessPolicy, type TokenService } from '@kindred/access';
import type { MessageChannels } from '@kindred/care';
import type { Warehouse } from '@kindred/insight';
import type { Store } from '@kindred/store';
import type { OperationRoute } from '../fhir-rest/fhir-request.ts';
import { signInSettingsOf, type SignInConfig, type SignInSettings } from '../oidc/sign-in-settings.ts';
import type { IceServer } from '../video/video-protocol.ts';

export interface AppConfig {
  /** the record and its database */
  store: Store;
  /** verifies the bearer token of every FHIR request */
  tokens: TokenService;
  /** who may see and change what; default Kindred's own policy (packages/access/src/policy/access-policy.json) */
  accessPolicy?: AccessPolicy;
  /**
   * the public address of the site, e.g. "https://kindred.example.org" (the FHIR base is that
   * plus "/fhir"; an address that already ends in "/fhir" is taken as the FHIR base). When absent,
   * links are made from each request's Host header and protocol.
   */
  publicBaseUrl?: string;
  /** the largest request body accepted; default 16 MiB (bigger loads go through `kindred import`) */
  bodyLimitBytes?: number;
  /** operation routes served beside the core FHIR interactions (Bulk Data $export …) */
  operationRoutes?: readonly OperationRoute[];
  /** Kindred's version, shown on the home page and in the CapabilityStatement */
  version: string;
  /** log errors (with request ids, never tokens or bodies); default true */
  logger?: boolean;
  /** also log every request and its answer (an access log); default false */
  logRequests?: boolean;
  /**
   * Kindred runs behind a proxy or load balancer that sets X-Forwarded-For and -Proto: take the
   * client's address from it (rate limits, audit) — true for any proxy, or the proxies' addresses
   * (Fastify's trustProxy). Default false: the address is the connection's.
   */
  trustProxy?: boolean | string;
  /** the command that prints a token for this server's store, shown on the home page; default "npx kindred token" */
  tokenCommand?: string;
  /**
   * turns on sign-in: Kindred's OpenID Connect provider at <publicBaseUrl>/auth and SMART on FHIR
   * (needs publicBaseUrl, from which the issuer and the tokens' audience are made)
   */
  signIn?: SignInConfig;
  /** how the web app sends SMS, email and letters; default the local outbox (store.outbox), which staff see in the app */
  messageChannels?: MessageChannels;
  /** demo mode: the home page lists the demo area's accounts (kindred serve --demo) */
  demo?: boolean;
  /**
   * video consultations (decision 0015): the STUN/TURN servers browsers use (none: host candidates
   * only, a local network); how long a waiting person may be gone before they are sent a message
   * (default 60 s; shorter for tests)
   */
  video?: { iceServers?: IceServer[]; graceMs?: number };
  /**
   * GOV.UK Notify's received text messages callback (POST /hooks/notify/received-text, decision
   * 0016): the bearer token Notify sends (at least 16 characters). Absent: the callback is off.
   */
  receivedText?: { token: string };
  /** the views' analytics copy (decision 0017) the insight pages read; absent: analytics is off */
  warehouse?: Warehouse;
}

export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/** AppConfig with its defaults filled in, frozen. */
export interface AppSettings {
  readonly store: Store;
  readonly tokens: TokenService;
  readonly accessPolicy: AccessPolicy;
  /** the FHIR base without a trailing slash, when configured */
  readonly fhirBaseUrl: string | undefined;
  readonly bodyLimitBytes: number;
  readonly operationRoutes: readonly OperationRoute[];
  readonly version: string;
  readonly logger: boolean;
  readonly logRequests: boolean;
  readonly trustProxy: boolean | string;
  readonly tokenCommand: string;
  /** the sign-in service's settings, when sign-in is on */
  readonly signIn: SignInSettings | undefined;
  readonly messageChannels: MessageChannels | undefined;
  readonly demo: boolean;
  readonly video: { readonly iceServers: readonly IceServer[]; readonly graceMs: number };
  readonly receivedText: { readonly token: string } | undefined;
  readonly warehouse: Warehouse | undefined;
}

function fhirBaseOf(publicBaseUrl: string | undefined): string | undefined {
  if (publicBaseUrl === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(publicBaseUrl);
  } catch {
    throw new Error(`publicBaseUrl ${JSON.stringify(publicBaseUrl)} is not an absolute url, e.g. https://kindred.example.org`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`publicBaseUrl must be an http or https url, not ${JSON.stringify(publicBaseUrl)}`);
  const site = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  return site.endsWith('/fhir') ? site : `${site}/fhir`;
}

function receivedTextOf(config: AppConfig['receivedText']): AppSettings['receivedText'] {
  if (config === undefined) return undefined;
  if (typeof config.token !== 'string' || config.token.length < 16 || /\s/.test(config.token)) {
    throw new Error('the received text callback token must be at least 16 characters with no spaces (the bearer token set in Notify’s callback settings)');
  }
  return Object.freeze({ token: config.token });
}

function graceMsOf(value: number | undefined): number {
  if (value === undefined) return 60_000;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`video.graceMs must be a whole number of milliseconds (got ${value})`);
  return value;
}

/** Each ICE server as RTCIceServer takes it: stun:, turn: or turns: urls; TURN needs a username and credential. */
export function checkIceServers(value: unknown): IceServer[] {
  if (!Array.isArray(value)) throw new Error('video.iceServers must be a list of ICE servers, e.g. [{"urls":"stun:stun.example.org"}]');
  return value.map((server: unknown, index) => {
    const where = `video.iceServers[${index}]`;
    if (typeof server !== 'object' || server === null || Array.isArray(server)) throw new Error(`${where} must be an object with "urls"`);
    const { urls, username, credential } = server as Record<string, unknown>;
    const list = typeof urls === 'string' ? [urls] : Array.isArray(urls) ? urls : undefined;
    if (list === undefined || list.length === 0 || !list.every((u) => typeof u === 'string' && /^(stun|turns?):[^\s]+$/.test(u))) {
      throw new Error(`${where}.urls must be a stun:, turn: or turns: url or a list of them (got ${JSON.stringify(urls)})`);
    }
    const turn = list.some((u) => /^turns?:/.test(u as string));
    if (turn && (typeof username !== 'string' || typeof credential !== 'string')) throw new Error(`${where} is a TURN server: give its "username" and "credential"`);
    if ((username !== undefined && typeof username !== 'string') || (credential !== undefined && typeof credential !== 'string')) throw new Error(`${where}: "username" and "credential" must be text`);
    return { urls: typeof urls === 'string' ? urls : [...(list as string[])], ...(typeof username === 'string' ? { username } : {}), ...(typeof credential === 'string' ? { credential } : {}) };
  });
}

export function settingsOf(config: AppConfig): AppSettings {
  const bodyLimitBytes = config.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  if (!Number.isSafeInteger(bodyLimitBytes) || bodyLimitBytes < 1) throw new Error(`bodyLimitBytes must be a whole number of bytes, at least 1 (got ${bodyLimitBytes})`);
  return Object.freeze({
    store: config.store,
    tokens: config.tokens,
    accessPolicy: config.accessPolicy ?? defaultAccessPolicy(),
    fhirBaseUrl: fhirBaseOf(config.publicBaseUrl),
    bodyLimitBytes,
    operationRoutes: Object.freeze([...(config.operationRoutes ?? [])]),
    version: config.version,
    logger: config.logger ?? true,
    logRequests: config.logRequests ?? false,
    trustProxy: config.trustProxy ?? false,
    tokenCommand: config.tokenCommand ?? 'npx kindred token',
    messageChannels: config.messageChannels,
    demo: config.demo ?? false,
    video: Object.freeze({ iceServers: Object.freeze(checkIceServers(config.video?.iceServers ?? [])), graceMs: graceMsOf(config.video?.graceMs) }),
    receivedText: receivedTextOf(config.receivedText),
    warehouse: config.warehouse,
    signIn: config.signIn === undefined ? undefined : signInSettingsOf(config.signIn, fhirBaseOf(config.publicBaseUrl) ?? fhirBaseOf(config.signIn.siteUrl)),
  });
}
