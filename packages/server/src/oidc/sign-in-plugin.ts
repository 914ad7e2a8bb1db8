/**
 * Kindred's sign-in service as one Fastify plugin: oidc-provider mounted at the issuer's path
 * (/auth), the sign-in and password reset pages beside it, and the public SMART configuration at
 * /fhir/.well-known/smart-configuration. Adds security headers to everything it serves, and rate
 * limits the token endpoint per client IP. Request bodies of the provider's own endpoints are left
 * unread for oidc-provider to parse. Nothing here logs a request body, a token or a cookie.
 */
import { createAccounts, type AccessPolicy, type Accounts } from '@kindred/access';
import type { Store } from '@kindred/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { FHIR_PREFIX } from '../http/fhir-exchange.ts';
import { PAGE_HEADERS } from '../pages/pages-plugin.ts';
import { addFormParser } from './form-body.ts';
import { interactionRoutes } from './interaction-routes.ts';
import { passwordResetRoutes } from './password-reset-routes.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { loadSignInSecrets } from './sign-in-secrets.ts';
import { createExternalIdentityProvider } from './external-idp.ts';
import { renderSignInErrorPage, renderSignOutPage, renderSignedOutPage } from './sign-in-pages.ts';
import type { SignInSettings } from './sign-in-settings.ts';
import { smartConfiguration } from './smart-configuration.ts';
import { PROVIDER_ROUTES, createSmartProvider } from './smart-provider.ts';

export interface SignInService {
  provider: Provider;
  accounts: Accounts;
  plugin: (app: FastifyInstance) => Promise<void>;
}

/** Headers on every answer of the sign-in service (OWASP Secure Headers): no framing, no sniffing, no referrer leaving the site. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Content-Security-Policy': PAGE_HEADERS['Content-Security-Policy'] ?? "default-src 'self'; frame-ancestors 'none'",
});

/**
 * oidc-provider drops offline_access unless prompt=consent (OpenID Connect Core 1.0 §11); SMART
 * apps ask for a refresh token by scope alone (SMART App Launch 2.0,
 * #scopes-for-requesting-a-refresh-token), and Kindred always runs its own consent step, so the
 * prompt is added to such authorization requests.
 */
function withConsentPromptForOfflineAccess(path: string): string {
  const [route, query = ''] = path.split('?', 2) as [string, string?];
  if (route !== PROVIDER_ROUTES.authorization || query === '') return path;
  const params = new URLSearchParams(query);
  if (!(params.get('scope') ?? '').split(' ').includes('offline_access') || params.has('prompt')) return path;
  params.set('prompt', 'consent');
  return `${route}?${params.toString()}`;
}

export interface SignInServiceOptions {
  store: Store;
  signIn: SignInSettings;
  /** the access policy: a member of staff choosing a patient may choose only one they may see */
  policy: AccessPolicy;
  /** whether X-Forwarded-* headers come from a trusted proxy */
  trustProxy: boolean;
  now?: () => number;
}

export async function createSignInService(options: SignInServiceOptions): Promise<SignInService> {
  const { store, signIn } = options;
  const now = options.now ?? Date.now;
  const secrets = await loadSignInSecrets(store.settings);
  const accounts = createAccounts(store.identity, store.outbox, { now, ...(signIn.scrypt ? { scrypt: signIn.scrypt } : {}) });
  const provider = await createSmartProvider({ store, accounts, signIn, cookieKeys: secrets.cookieKeys, renderErrorPage: renderSignInErrorPage, renderSignOutPage, renderSignedOutPage, trustProxy: options.trustProxy, now });
  const limiter = createRateLimiter(store.identity.rateLimits, signIn.rateLimitPerMinute, now);
  const external = signIn.external === undefined ? undefined : createExternalIdentityProvider(signIn.external, store.identity.oidcRecords, `${signIn.issuer}/external/callback`, now);
  provider.use(async (ctx, next) => {
    ctx.set(SECURITY_HEADERS);
    await next();
  });
  // After every provider.use: Koa composes the middleware when the callback is made.
  const callback = provider.callback();
  const plugin = async (app: FastifyInstance): Promise<void> => {
    provider.on('server_error', (_ctx, error: Error) => {
      // The name and message only: the error's context can hold request parameters.
      app.log.error({ err: { name: error.name, message: error.message } }, 'sign-in service error');
    });
    app.get(`${FHIR_PREFIX}/.well-known/smart-configuration`, async (_request, reply) =>
      reply.headers({ 'Cache-Control': 'public, max-age=300', 'X-Content-Type-Options': 'nosniff', 'Access-Control-Allow-Origin': '*' }).send(smartConfiguration(signIn)),
    );

    await app.register(
      async (pages) => {
        addFormParser(pages);
        pages.addHook('onSend', async (_request, reply, payload) => {
          // A page may have set its own CSP (a sign-in form allows the app's redirect); the rest are fixed.
          for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) reply.header(name, value);
          return payload;
        });
        await pages.register(interactionRoutes({ provider, store, accounts, policy: options.policy, signIn, csrfKey: secrets.csrfKey, limiter, now, ...(external ? { external } : {}) }));
        await pages.register(passwordResetRoutes({ accounts, signIn, csrfKey: secrets.csrfKey, limiter }));
      },
      { prefix: signIn.mountPath },
    );

    await app.register(
      async (mount) => {
        // Leave bodies unread: oidc-provider parses its own (token requests, form posts).
        mount.removeAllContentTypeParsers();
        mount.addContentTypeParser('*', (_request, _payload, done) => done(null));
        const handler = async (request: FastifyRequest, reply: FastifyReply) => {
          const path = request.url.slice(signIn.mountPath.length) || '/';
          if (request.method === 'POST' && path.split('?')[0] === PROVIDER_ROUTES.token) {
            const decision = await limiter.hit('token', request.ip);
            if (!decision.allowed) {
              return reply
                .code(429)
                .headers({ 'Retry-After': String(decision.retryAfterSeconds), 'Cache-Control': 'no-store' })
                .send({ error: 'too_many_requests', error_description: 'Too many token requests from this address; try again later.' });
            }
          }
          reply.hijack();
          const raw = request.raw as typeof request.raw & { originalUrl?: string };
          const forProvider = withConsentPromptForOfflineAccess(path);
          // oidc-provider finds its mount path as originalUrl minus url (as under Express's app.use).
          raw.originalUrl = `${signIn.mountPath}${forProvider}`;
          raw.url = forProvider;
          await callback(raw, reply.raw);
          return reply;
        };
        mount.all('/', handler);
        mount.all('/*', handler);
      },
      { prefix: signIn.mountPath },
    );
  };

  return { provider, accounts, plugin };
}
