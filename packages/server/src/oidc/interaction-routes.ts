/**
 * The steps of signing in to an app, served as pages when oidc-provider hands over an
 * interaction (https://github.com/panva/node-oidc-provider/blob/main/docs/README.md#interactions):
 * username and password; then the authenticator code for accounts with TOTP; then the SMART
 * launch context (the patient user's own record, the launch id's patient, or a patient a member of
 * staff chooses) and the grant of the scopes the client may have. Every POST checks a CSRF token
 * and counts against the per-IP rate limit; wrong passwords and codes count towards lockout.
 *
 * Passwords, codes and tokens are never logged or echoed. Who may see which patient is the access
 * policy's decision (through the scoped repository), not this module's.
 */
import { accessibleRecord, failedSignInEvent, parseScopes, signInEvent, type AccessContext, type AccessPolicy, type AccountSummary, type Accounts } from '@kindred/access';
import { isFhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { Store } from '@kindred/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { PAGE_HEADERS, sendPage } from '../pages/pages-plugin.ts';
import { csrfToken, csrfTokenIsValid } from './csrf.ts';
import { field } from './form-body.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { SignInSettings } from './sign-in-settings.ts';
import { renderPatientPicker, renderSignInErrorPage, renderSignInPage, renderTooManyRequestsPage, renderTotpPage, type FieldError } from './sign-in-pages.ts';
import { fhirUserFromClaim, type ExternalIdentityProvider } from './external-idp.ts';
import { resolveLaunch, saveLaunchContext } from './smart-launch.ts';

/** The password step passed; the TOTP step is next. Kept in the database (any node may serve the next page). */
const PASSWORD_STEP_MODEL = 'SignInPasswordStep';
const PASSWORD_STEP_SECONDS = 5 * 60;

export interface InteractionDeps {
  provider: Provider;
  store: Store;
  accounts: Accounts;
  policy: AccessPolicy;
  signIn: SignInSettings;
  csrfKey: Buffer;
  limiter: RateLimiter;
  now: () => number;
  /** the area's own identity provider, when configured */
  external?: ExternalIdentityProvider;
}

/** "Family, Given (born 1950-01-01)": enough to tell patients apart on the picker; never more of the record. */
function patientLabel(patient: StoredResource): string {
  const names = (patient.name as { family?: string; given?: string[]; text?: string }[] | undefined) ?? [];
  const name = names[0];
  const written = name?.text ?? [name?.family, ...(name?.given ?? [])].filter((part) => part !== undefined && part !== '').join(', ');
  const born = typeof patient.birthDate === 'string' ? ` (born ${patient.birthDate})` : '';
  return `${written === '' ? `Patient ${patient.id}` : written}${born}`;
}

/** RFC 8176 methods that show the external provider used a second factor (so Kindred need not ask for its own). */
const MULTI_FACTOR = new Set(['mfa', 'otp', 'hwk', 'swk', 'sms', 'fpt', 'face', 'pop']);

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const noStore = (reply: FastifyReply) => reply.header('Cache-Control', 'no-store');

/**
 * The Content-Security-Policy of a sign-in form's page. Browsers hold the redirects that follow a
 * form's submission to its page's `form-action` (CSP Level 3 §6.3.1), and the last of them goes to
 * the app's redirect uri (already checked against the app's registration by oidc-provider), so
 * that origin, or a native app's scheme, is allowed as well as this site.
 */
function formPageCsp(details: Details): string {
  const base = PAGE_HEADERS['Content-Security-Policy'] ?? '';
  let target: URL | undefined;
  try {
    target = new URL(String(details.params.redirect_uri));
  } catch {
    return base;
  }
  const source = target.protocol === 'https:' || target.protocol === 'http:' ? target.origin : /^[a-z][a-z0-9+.-]*:$/i.test(target.protocol) ? target.protocol : undefined;
  return source === undefined ? base : base.replace("form-action 'self'", `form-action 'self' ${source}`);
}

/** A sign-in page with a form: the page headers, its own CSP, never cached. */
function sendFormPage(reply: FastifyReply, status: number, page: string, details: Details): FastifyReply {
  return reply
    .code(status)
    .headers({ ...PAGE_HEADERS, 'Content-Security-Policy': formPageCsp(details), 'Cache-Control': 'no-store' })
    .send(page);
}

export function interactionRoutes(deps: InteractionDeps) {
  const { provider, accounts, signIn, csrfKey, limiter, now } = deps;
  const records = deps.store.identity.oidcRecords;
  const base = `${signIn.mountPath}/interaction`;

  const clientName = async (details: Details): Promise<string> => {
    const client = await provider.Client.find(String(details.params.client_id));
    return client?.clientName ?? String(details.params.client_id);
  };

  const finish = async (request: FastifyRequest, reply: FastifyReply, result: InteractionResults): Promise<FastifyReply> => {
    const redirectTo = await provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: true });
    return noStore(reply).redirect(redirectTo, 303);
  };

  /** The interaction this request belongs to, checked against the url; a page saying what to do when there is none. */
  const detailsOf = async (request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply): Promise<Details | undefined> => {
    try {
      const details = await provider.interactionDetails(request.raw, reply.raw);
      if (details.uid === request.params.uid) return details;
    } catch {
      // no interaction cookie, or it expired: fall through to the page below
    }
    await sendPage(noStore(reply), 400, renderSignInErrorPage('session_not_found', undefined));
    return undefined;
  };

  const refuseForm = (reply: FastifyReply) => sendPage(noStore(reply), 403, renderSignInErrorPage('invalid_request', 'The form was not sent from this sign-in page (its security token is missing or wrong). Start again from the app.'));

  const limited = async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    const decision = await limiter.hit('sign-in', request.ip);
    if (decision.allowed) return false;
    await sendPage(noStore(reply).header('Retry-After', String(decision.retryAfterSeconds)), 429, renderTooManyRequestsPage());
    return true;
  };

  const signInPage = async (reply: FastifyReply, details: Details, errors: FieldError[] = [], username?: string, status = 200) =>
    sendFormPage(reply, status, renderSignInPage({
      action: `${base}/${details.uid}/login`,
      csrf: csrfToken(csrfKey, 'login', details.uid),
      clientName: await clientName(details),
      errors,
      resetUrl: `${signIn.mountPath}/reset`,
      ...(username !== undefined ? { username } : {}),
      ...(deps.external ? { external: { url: `${base}/${details.uid}/external`, name: deps.external.displayName } } : {}),
    }), details);

  const totpPage = (reply: FastifyReply, details: Details, errors: FieldError[] = [], status = 200) =>
    sendFormPage(reply, status, renderTotpPage({ action: `${base}/${details.uid}/totp`, csrf: csrfToken(csrfKey, 'totp', details.uid), errors }), details);

  const pickerPage = async (reply: FastifyReply, details: Details, errors: FieldError[] = [], value?: string, status = 200, matches: { id: string; label: string }[] = []) =>
    sendFormPage(reply, status, renderPatientPicker({
      matches,
      action: `${base}/${details.uid}/patient`,
      csrf: csrfToken(csrfKey, 'patient', details.uid),
      clientName: await clientName(details),
      errors,
      ...(value !== undefined ? { value } : {}),
    }), details);

  /**
   * Every sign-in and every failure goes to the audit trail (DICOM 110114 User Authentication):
   * the username given, the account's fhirUser, the client and the address; never the password.
   */
  const audit = async (request: FastifyRequest, details: Details, username: string, account: AccountSummary | undefined, failure?: string): Promise<void> => {
    const attempt = {
      username,
      issuer: signIn.issuer,
      clientId: String(details.params.client_id),
      address: request.ip,
      ...(account?.fhirUser !== undefined ? { fhirUser: account.fhirUser } : {}),
    };
    await deps.store.audit.append([failure === undefined ? signInEvent(attempt, undefined, new Date(now())) : failedSignInEvent(attempt, failure, undefined, new Date(now()))]);
    if (failure?.startsWith('account locked') === true) request.log.warn({ event: 'account-locked', accountId: account?.accountId }, 'sign-in: account locked after repeated failures');
  };

  const lockedMessage = (until: number) =>
    `This account is locked after too many failed attempts. Try again after ${new Date(until).toISOString().slice(11, 16)} UTC, or reset your password.`;

  /** Whether `account` may open `patient`'s record: a read through the scoped repository as that person. */
  /** The record as `account` may see it under the access policy (for choosing a patient). */
  const recordOf = async (account: AccountSummary): Promise<Repository> => {
    const access: AccessContext = Object.freeze({
      subject: account.accountId,
      scopes: parseScopes('user/Patient.rs'),
      tokenId: 'sign-in',
      expiresAt: new Date(now() + 60_000),
      issuer: signIn.issuer,
      ...(account.fhirUser !== undefined ? { fhirUser: account.fhirUser } : {}),
    });
    return (await accessibleRecord(deps.store.repository, access, deps.policy, now())).repository;
  };

  /** Up to ten patients `account` may open whose name matches `name` (FHIR string search: starts with, any case). */
  const findPatients = async (account: AccountSummary, name: string): Promise<{ id: string; label: string }[]> => {
    let search;
    try {
      search = parseSearchRequest('Patient', [['name', name], ['_count', '10'], ['_sort', 'family']], { handling: 'lenient' });
    } catch {
      return [];
    }
    const page = await (await recordOf(account)).search(search);
    return page.matches.map((patient) => ({ id: patient.id, label: patientLabel(patient) }));
  };

  const mayOpen = async (account: AccountSummary, patient: string): Promise<boolean> => {
    if (!/^[A-Za-z0-9\-.]{1,64}$/.test(patient)) return false;
    try {
      await (await recordOf(account)).read('Patient', patient);
      return true;
    } catch (error) {
      if (isFhirError(error) && error.status < 500) return false;
      throw error;
    }
  };

  /**
   * The consent step: SMART launch context, then a grant of the scopes asked for (already
   * narrowed to what the client may have by the provider). Kindred's apps are registered by the
   * operator, so there is no consent screen; the person chose to open the app.
   */
  const consent = async (request: FastifyRequest, reply: FastifyReply, details: Details, chosenPatient?: string): Promise<FastifyReply> => {
    const accountId = details.session?.accountId;
    const account = accountId === undefined ? undefined : await accounts.byId(accountId);
    if (!account || account.disabled) return finish(request, reply, { error: 'access_denied', error_description: 'the account cannot sign in' });
    const params = details.params;
    const scopes = typeof params.scope === 'string' ? params.scope.split(' ') : [];
    let patient: string | undefined;
    if (typeof params.launch === 'string' && params.launch !== '') {
      // EHR launch: the launch id Kindred issued names the patient.
      const context = await resolveLaunch(records, params.launch, now());
      if (!context) return finish(request, reply, { error: 'invalid_request', error_description: 'launch is unknown or has expired' });
      if (context.patient !== undefined && !(await mayOpen(account, context.patient))) return finish(request, reply, { error: 'access_denied', error_description: 'the launch patient is not available to this user' });
      patient = context.patient;
    } else if (scopes.includes('launch/patient')) {
      // Standalone launch: a patient's own record, or a patient the user chooses.
      if (account.fhirUser?.startsWith('Patient/')) patient = account.fhirUser.slice('Patient/'.length);
      else if (chosenPatient !== undefined) patient = chosenPatient;
      else return pickerPage(reply, details);
    }

    const grant = new provider.Grant({ accountId: account.accountId, clientId: String(params.client_id) });
    const prompt = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (prompt.missingOIDCScope) grant.addOIDCScope(prompt.missingOIDCScope.join(' '));
    if (prompt.missingOIDCClaims) grant.addOIDCClaims(prompt.missingOIDCClaims);
    for (const [indicator, granted] of Object.entries(prompt.missingResourceScopes ?? {})) grant.addResourceScope(indicator, granted.join(' '));
    const grantId = await grant.save();
    if (patient !== undefined) await saveLaunchContext(records, grantId, { patient }, now() + signIn.refreshTokenSeconds * 1000);
    return finish(request, reply, { consent: { grantId } });
  };

  return async function routes(app: FastifyInstance): Promise<void> {
    app.get<{ Params: { uid: string } }>('/interaction/:uid', async (request, reply) => {
      const details = await detailsOf(request, reply);
      if (!details) return reply;
      if (details.prompt.name === 'login') return signInPage(reply, details);
      return consent(request, reply, details);
    });

    app.post<{ Params: { uid: string } }>('/interaction/:uid/login', async (request, reply) => {
      if (await limited(request, reply)) return reply;
      const details = await detailsOf(request, reply);
      if (!details) return reply;
      if (!csrfTokenIsValid(csrfKey, 'login', details.uid, field(request, 'csrf'))) return refuseForm(reply);
      const username = field(request, 'username').trim();
      const password = field(request, 'password');
      const missing: FieldError[] = [
        ...(username === '' ? [{ field: 'username', message: 'Enter your username' }] : []),
        ...(password === '' ? [{ field: 'password', message: 'Enter your password' }] : []),
      ];
      if (missing.length > 0) return signInPage(reply, details, missing, username, 400);
      const result = await accounts.checkPassword(username, password);
      if (!result.ok) {
        const why =
          result.reason === 'locked' ? (result.justLocked ? 'account locked: too many failed attempts' : 'account is locked') : result.reason === 'disabled' ? 'account disabled' : 'wrong username or password';
        await audit(request, details, username, result.reason === 'invalid' ? undefined : result.account, why);
        const message =
          result.reason === 'locked' ? lockedMessage(result.lockedUntil) : result.reason === 'disabled' ? 'This account cannot sign in. Ask the people who run Kindred.' : 'Enter a correct username and password';
        return signInPage(reply, details, [{ field: 'username', message }], username, result.reason === 'invalid' ? 401 : 403);
      }
      if (!result.needsTotp) await audit(request, details, username, result.account);
      if (result.needsTotp) {
        await records.upsert(PASSWORD_STEP_MODEL, details.uid, { accountId: result.account.accountId }, now() + PASSWORD_STEP_SECONDS * 1000);
        return noStore(reply).redirect(`${base}/${details.uid}/totp`, 303);
      }
      return finish(request, reply, { login: { accountId: result.account.accountId, amr: ['pwd'], remember: false } });
    });

    const passwordStep = async (uid: string): Promise<string | undefined> => {
      const step = await records.find(PASSWORD_STEP_MODEL, uid, now());
      return typeof step?.accountId === 'string' ? step.accountId : undefined;
    };

    app.get<{ Params: { uid: string } }>('/interaction/:uid/totp', async (request, reply) => {
      const details = await detailsOf(request, reply);
      if (!details) return reply;
      if ((await passwordStep(details.uid)) === undefined) return noStore(reply).redirect(`${base}/${details.uid}`, 303);
      return totpPage(reply, details);
    });

    app.post<{ Params: { uid: string } }>('/interaction/:uid/totp', async (request, reply) => {
      if (await limited(request, reply)) return reply;
      const details = await detailsOf(request, reply);
      if (!details) return reply;
      if (!csrfTokenIsValid(csrfKey, 'totp', details.uid, field(request, 'csrf'))) return refuseForm(reply);
      const accountId = await passwordStep(details.uid);
      if (accountId === undefined) return noStore(reply).redirect(`${base}/${details.uid}`, 303);
      const code = field(request, 'code').replace(/\s/g, '');
      if (!/^\d{6}$/.test(code)) return totpPage(reply, details, [{ field: 'code', message: 'Enter the 6-digit code from your authenticator app' }], 400);
      const result = await accounts.checkTotp(accountId, code);
      const account = await accounts.byId(accountId);
      if (!result.ok) {
        await audit(request, details, account?.username ?? accountId, account, result.reason === 'locked' ? (result.justLocked ? 'account locked: too many failed attempts' : 'account is locked') : 'wrong or reused authenticator code');
        if (result.reason === 'locked') {
          await records.destroy(PASSWORD_STEP_MODEL, details.uid);
          return signInPage(reply, details, [{ field: 'username', message: lockedMessage(result.lockedUntil) }], undefined, 403);
        }
        return totpPage(reply, details, [{ field: 'code', message: 'The code is not right, or was already used. Enter the current code from your authenticator app' }], 401);
      }
      await records.destroy(PASSWORD_STEP_MODEL, details.uid);
      await audit(request, details, result.account.username, result.account);
      return finish(request, reply, { login: { accountId, amr: ['pwd', 'otp'], remember: false } });
    });

    const external = deps.external;
    if (external !== undefined) {
      app.get<{ Params: { uid: string } }>('/interaction/:uid/external', async (request, reply) => {
        const details = await detailsOf(request, reply);
        if (!details) return reply;
        return noStore(reply).redirect(await external.start(details.uid), 303);
      });

      // The provider sends the browser back here; the interaction cookie is not sent to this path,
      // so the matched account travels to the interaction in a one-time ticket.
      app.get('/external/callback', async (request, reply) => {
        if (await limited(request, reply)) return reply;
        let outcome: Awaited<ReturnType<ExternalIdentityProvider['finish']>>;
        try {
          outcome = await external.finish(new URL(request.url, signIn.issuer));
        } catch (error) {
          request.log.warn({ event: 'external-sign-in-failed', reason: error instanceof Error ? error.message : 'unknown' }, 'sign-in: the external provider did not sign the person in');
          return sendPage(noStore(reply), 400, renderSignInErrorPage('access_denied', 'The sign-in with your organisation\'s account did not complete. Start again from the app.'));
        }
        const { uid, identity } = outcome;
        const fhirUser = identity.matchBy === 'fhirUser' ? fhirUserFromClaim(identity.value) : undefined;
        const account = identity.matchBy === 'fhirUser' ? (fhirUser === undefined ? undefined : await accounts.byFhirUser(fhirUser)) : await accounts.byUsername(identity.value);
        if (!account || account.disabled) {
          await deps.store.audit.append([
            failedSignInEvent({ username: identity.value, issuer: signIn.issuer, address: request.ip }, account ? 'account disabled (external provider)' : 'no Kindred account for the external identity', undefined, new Date(now())),
          ]);
          return sendPage(noStore(reply), 403, renderSignInErrorPage('access_denied', 'Your organisation\'s account is not linked to a Kindred account. Ask the people who run Kindred.'));
        }
        if (account.totpRequired && !identity.amr.some((m) => MULTI_FACTOR.has(m))) {
          // Staff need a second factor: the external provider did not say it used one, so Kindred asks for its own.
          await records.upsert(PASSWORD_STEP_MODEL, uid, { accountId: account.accountId }, now() + PASSWORD_STEP_SECONDS * 1000);
          return noStore(reply).redirect(`${base}/${uid}/totp`, 303);
        }
        const ticket = await external.issueTicket(uid, account.accountId, identity.amr);
        return noStore(reply).redirect(`${base}/${uid}/external/finish?ticket=${encodeURIComponent(ticket)}`, 303);
      });

      app.get<{ Params: { uid: string }; Querystring: { ticket?: string } }>('/interaction/:uid/external/finish', async (request, reply) => {
        const details = await detailsOf(request, reply);
        if (!details) return reply;
        const redeemed = await external.redeemTicket(details.uid, request.query.ticket ?? '');
        const account = redeemed === undefined ? undefined : await accounts.byId(redeemed.accountId);
        if (!redeemed || !account) return sendPage(noStore(reply), 400, renderSignInErrorPage('session_not_found', undefined));
        await audit(request, details, account.username, account);
        return finish(request, reply, { login: { accountId: account.accountId, amr: ['ext', ...redeemed.amr], remember: false } });
      });
    }

    app.post<{ Params: { uid: string } }>('/interaction/:uid/patient', async (request, reply) => {
      const details = await detailsOf(request, reply);
      if (!details) return reply;
      if (!csrfTokenIsValid(csrfKey, 'patient', details.uid, field(request, 'csrf'))) return refuseForm(reply);
      if (details.prompt.name !== 'consent') return noStore(reply).redirect(`${base}/${details.uid}`, 303);
      const account = details.session?.accountId === undefined ? undefined : await accounts.byId(details.session.accountId);
      if (!account) return noStore(reply).redirect(`${base}/${details.uid}`, 303);
      const chosen = field(request, 'choice');
      if (chosen !== '') {
        if (await mayOpen(account, chosen)) return consent(request, reply, details, chosen);
        return pickerPage(reply, details, [{ field: 'patient', message: 'Choose a patient from the list, or search again' }], undefined, 400);
      }
      const wanted = field(request, 'patient').trim();
      if (wanted === '') return pickerPage(reply, details, [{ field: 'patient', message: "Enter the patient's name or record id" }], undefined, 400);
      const id = wanted.replace(/^Patient\//, '');
      if (await mayOpen(account, id)) return consent(request, reply, details, id);
      const found = await findPatients(account, wanted);
      if (found.length === 0) return pickerPage(reply, details, [{ field: 'patient', message: 'No patient you can open has that name or record id' }], wanted, 400);
      return pickerPage(reply, details, [], wanted, 200, found);
    });
  };
}
