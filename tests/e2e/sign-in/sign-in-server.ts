/**
 * Test support for the sign-in tests: Kindred with sign-in on, on a real port (chosen before the
 * app is built, because the issuer and the tokens' audience are made from the public address),
 * over a test store; people and apps registered through @kindred/access; and a "browser" made of
 * fetch and a cookie jar that fills in the sign-in forms as a person would, with no JavaScript.
 */
import { createServer } from 'node:net';
import { createTokenService, createAccounts, createClients, type NewAccount, type NewClient, type TokenService } from '@kindred/access';
import { buildApp, type SignInConfig } from '@kindred/server';
import type { Warehouse } from '@kindred/insight';
import type { TestStore } from '@kindred/store/testing';
import type { FastifyInstance } from 'fastify';

export const CHEAP_SCRYPT = { N: 1024, r: 8, p: 1 };

export interface SignInServer {
  app: FastifyInstance;
  origin: string;
  fhirBase: string;
  issuer: string;
  tokens: TokenService;
  /** the administrator's token (aud = the instance urn) */
  adminToken: string;
  addAccount(account: NewAccount): Promise<{ accountId: string; totpSecret?: string }>;
  addClient(client: NewClient): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `publicOrigin`: another node's public address, to start a second node of the same site (behind
 * one load balancer every node has the same public address); it listens on a port of its own.
 */
export async function startSignInServer(store: TestStore, options: { signIn?: SignInConfig; logger?: boolean; port?: number; publicOrigin?: string; trustProxy?: boolean; warehouse?: Warehouse } = {}): Promise<SignInServer> {
  const port = options.port ?? (await freePort());
  const origin = options.publicOrigin ?? `http://127.0.0.1:${port}`;
  const tokens = createTokenService(store.settings);
  const app = await buildApp({
    store,
    tokens,
    version: '9.9.9-test',
    logger: options.logger ?? false,
    publicBaseUrl: origin,
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    ...(options.warehouse !== undefined ? { warehouse: options.warehouse } : {}),
    signIn: { scrypt: CHEAP_SCRYPT, rateLimitPerMinute: 1000, ...options.signIn },
  });
  await app.listen({ port, host: '127.0.0.1' });
  const accounts = createAccounts(store.identity, store.outbox, { scrypt: CHEAP_SCRYPT });
  const clients = createClients(store.identity);
  return {
    app,
    origin,
    fhirBase: `${origin}/fhir`,
    issuer: `${origin}/auth`,
    tokens,
    adminToken: await tokens.issueAdministratorToken(),
    async addAccount(account) {
      const { account: added, totpUri } = await accounts.add(account);
      const totpSecret = totpUri === undefined ? undefined : (new URL(totpUri).searchParams.get('secret') ?? undefined);
      return { accountId: added.accountId, ...(totpSecret !== undefined ? { totpSecret } : {}) };
    },
    async addClient(client) {
      await clients.add(client);
    },
    close: () => app.close(),
  };
}

/** A person at a browser without JavaScript: follows redirects by hand, keeps cookies (per origin), posts forms. */
export class FormBrowser {
  private readonly jars = new Map<string, Map<string, string>>();
  /** every response seen, for header checks */
  readonly seen: Response[] = [];

  constructor(readonly origin: string) {}

  /** The Cookie header this browser sends to `url` (to carry a session to another node of the site). */
  cookiesFor(url: string): string {
    return this.cookieHeader(url).cookie ?? '';
  }

  private jar(url: string): Map<string, string> {
    const origin = new URL(url).origin;
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    this.jars.set(origin, jar);
    return jar;
  }

  private remember(url: string, response: Response): void {
    this.seen.push(response);
    const cookies = this.jar(url);
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name) {
        if (/expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(name.trim());
        else cookies.set(name.trim(), value.join('='));
      }
    }
  }

  private cookieHeader(url: string): Record<string, string> {
    const cookies = this.jar(url);
    return cookies.size === 0 ? {} : { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  async get(url: string): Promise<Response> {
    const response = await fetch(url, { redirect: 'manual', headers: this.cookieHeader(url) });
    this.remember(url, response);
    return response;
  }

  async post(url: string, form: Record<string, string>): Promise<Response> {
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.cookieHeader(url) },
      body: new URLSearchParams(form).toString(),
    });
    this.remember(url, response);
    return response;
  }

  /**
   * Follows redirects from `response` until a page (2xx/4xx) or a url outside this server (the
   * app's redirect uri), or, with `stopAt`, through other servers until a url starting with it.
   */
  async follow(response: Response, stopAt?: string): Promise<{ response: Response; url: string; external?: string }> {
    let current = response;
    let url = response.url;
    for (let hops = 0; hops < 10; hops++) {
      const location = current.headers.get('location');
      if (current.status < 300 || current.status >= 400 || location === null) return { response: current, url };
      url = new URL(location, url.startsWith('http') ? url : this.origin).href;
      if (stopAt !== undefined ? url.startsWith(stopAt) : !url.startsWith(this.origin)) return { response: current, url, external: url };
      current = await this.get(url);
    }
    throw new Error('too many redirects');
  }
}

export function csrfOf(page: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(page);
  if (!match?.[1]) throw new Error(`no CSRF token on the page: ${page.slice(0, 300)}`);
  return match[1];
}

export function formActionOf(page: string, origin: string): string {
  const match = /<form method="post" action="([^"]+)"/.exec(page);
  if (!match?.[1]) throw new Error(`no form on the page: ${page.slice(0, 300)}`);
  return new URL(match[1].replace(/&amp;/g, '&'), origin).href;
}

/** The JSON payload of a JWT, unverified (tests read claims). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
