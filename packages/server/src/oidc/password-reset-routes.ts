/**
 * Forgotten passwords: `GET|POST /auth/reset` asks for a link (the same answer whether or not the
 * username exists, so nobody can find out who has an account), and `GET|POST /auth/reset/new?token=…`
 * sets a new password with the one-time token from the link. The token travels in the query
 * string, which Kindred's logs never hold, and pages send `Referrer-Policy: same-origin`.
 * The request form's CSRF token is bound to a random cookie; the new-password form's to the token.
 */
import { randomBytes } from 'node:crypto';
import type { Accounts } from '@kindred/access';
import { isFhirError } from '@kindred/fhir';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendPage } from '../pages/pages-plugin.ts';
import { csrfToken, csrfTokenIsValid } from './csrf.ts';
import { cookie, field } from './form-body.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { SignInSettings } from './sign-in-settings.ts';
import { renderNewPasswordPage, renderResetRequestPage, renderSignInErrorPage, renderTooManyRequestsPage } from './sign-in-pages.ts';

const NONCE_COOKIE = 'kindred_form';

/** The link a reset message carries, for a site whose sign-in issuer is `issuer` (e.g. https://kindred.example.org/auth). */
export function passwordResetLink(issuer: string, token: string): string {
  return `${issuer.replace(/\/+$/, '')}/reset/new?token=${encodeURIComponent(token)}`;
}

export interface PasswordResetDeps {
  accounts: Accounts;
  signIn: SignInSettings;
  csrfKey: Buffer;
  limiter: RateLimiter;
}

export function passwordResetRoutes(deps: PasswordResetDeps) {
  const { accounts, signIn, csrfKey, limiter } = deps;
  const secure = signIn.issuer.startsWith('https:');
  const noStore = (reply: FastifyReply) => reply.header('Cache-Control', 'no-store');
  const refuse = (reply: FastifyReply) => sendPage(noStore(reply), 403, renderSignInErrorPage('invalid_request', 'The form was not sent from this page (its security token is missing or wrong). Open the page again.'));
  const limited = async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    const decision = await limiter.hit('reset', request.ip);
    if (decision.allowed) return false;
    await sendPage(noStore(reply).header('Retry-After', String(decision.retryAfterSeconds)), 429, renderTooManyRequestsPage());
    return true;
  };

  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/reset', async (_request, reply) => {
      const nonce = randomBytes(16).toString('base64url');
      reply.header('Set-Cookie', `${NONCE_COOKIE}=${nonce}; Path=${signIn.mountPath}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`);
      return sendPage(noStore(reply), 200, renderResetRequestPage({ action: `${signIn.mountPath}/reset`, csrf: csrfToken(csrfKey, 'reset', nonce), errors: [], sent: false }));
    });

    app.post('/reset', async (request, reply) => {
      if (await limited(request, reply)) return reply;
      const nonce = cookie(request, NONCE_COOKIE);
      if (nonce === undefined || !csrfTokenIsValid(csrfKey, 'reset', nonce, field(request, 'csrf'))) return refuse(reply);
      const username = field(request, 'username').trim();
      if (username === '') {
        return sendPage(noStore(reply), 400, renderResetRequestPage({ action: `${signIn.mountPath}/reset`, csrf: csrfToken(csrfKey, 'reset', nonce), errors: [{ field: 'username', message: 'Enter your username' }], sent: false }));
      }
      await accounts.requestPasswordReset(username, (token) => passwordResetLink(signIn.issuer, token));
      return sendPage(noStore(reply), 200, renderResetRequestPage({ action: '', csrf: '', errors: [], sent: true }));
    });

    app.get<{ Querystring: { token?: string } }>('/reset/new', async (request, reply) => {
      const token = request.query.token ?? '';
      const live = token !== '' && (await accounts.resetTokenIsLive(token));
      const action = `${signIn.mountPath}/reset/new?token=${encodeURIComponent(token)}`;
      return sendPage(noStore(reply), live ? 200 : 410, renderNewPasswordPage({ action, csrf: csrfToken(csrfKey, 'new-password', token), errors: [], state: live ? 'form' : 'expired' }));
    });

    app.post<{ Querystring: { token?: string } }>('/reset/new', async (request, reply) => {
      if (await limited(request, reply)) return reply;
      const token = request.query.token ?? '';
      if (!csrfTokenIsValid(csrfKey, 'new-password', token, field(request, 'csrf'))) return refuse(reply);
      const action = `${signIn.mountPath}/reset/new?token=${encodeURIComponent(token)}`;
      const again = (message: string) =>
        sendPage(noStore(reply), 400, renderNewPasswordPage({ action, csrf: csrfToken(csrfKey, 'new-password', token), errors: [{ field: 'password', message }], state: 'form' }));
      const password = field(request, 'password');
      if (password === '') return again('Enter a new password');
      try {
        const changed = await accounts.resetPassword(token, password);
        return sendPage(noStore(reply), changed ? 200 : 410, renderNewPasswordPage({ action, csrf: '', errors: [], state: changed ? 'done' : 'expired' }));
      } catch (error) {
        if (isFhirError(error) && error.status === 400) return again(error.message);
        throw error;
      }
    });
  };
}
