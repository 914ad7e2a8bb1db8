/**
 * The sign-in pages in the NHS design system's markup (nhsuk-frontend): username and password,
 * the authenticator code for staff, choosing a patient for an app, forgotten password, and the
 * page shown when an app's request cannot go on. Every form posts back with a CSRF token and
 * works without JavaScript; errors show an error summary linking to the field, and the field's
 * own message (https://service-manual.nhs.uk/design-system/components/error-summary).
 * Pure rendering: nothing here reads the database or checks anything.
 */
import { SafeHtml, html, renderPage } from '../pages/html.ts';

export interface FieldError {
  /** the id of the input the error is about */
  field: string;
  message: string;
}

function errorSummary(errors: readonly FieldError[]): SafeHtml {
  if (errors.length === 0) return html``;
  return html`
      <div class="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1">
        <h2 class="nhsuk-error-summary__title" id="error-summary-title">There is a problem</h2>
        <div class="nhsuk-error-summary__body">
          <ul class="nhsuk-list nhsuk-error-summary__list" role="list">
            ${errors.map((e) => html`<li><a href="#${e.field}">${e.message}</a></li>`)}
          </ul>
        </div>
      </div>`;
}

interface InputOptions {
  id: string;
  label: string;
  type: 'text' | 'password';
  autocomplete: string;
  value?: string;
  hint?: string;
  inputmode?: string;
  errors: readonly FieldError[];
  width?: string;
}

function input(o: InputOptions): SafeHtml {
  const error = o.errors.find((e) => e.field === o.id);
  const described = [o.hint ? `${o.id}-hint` : '', error ? `${o.id}-error` : ''].filter((x) => x !== '').join(' ');
  return html`
        <div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
          <label class="nhsuk-label" for="${o.id}">${o.label}</label>
          ${o.hint ? html`<div class="nhsuk-hint" id="${o.id}-hint">${o.hint}</div>` : html``}
          ${error ? html`<span class="nhsuk-error-message" id="${o.id}-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${error.message}</span>` : html``}
          <input class="nhsuk-input${o.width ? ` ${o.width}` : ''}${error ? ' nhsuk-input--error' : ''}" id="${o.id}" name="${o.id}" type="${o.type}" autocomplete="${o.autocomplete}" spellcheck="false"${o.inputmode ? html` inputmode="${o.inputmode}"` : html``}${o.value !== undefined ? html` value="${o.value}"` : html``}${described ? html` aria-describedby="${described}"` : html``}>
        </div>`;
}

const csrfField = (token: string) => html`<input type="hidden" name="csrf" value="${token}">`;
const title = (base: string, errors: readonly FieldError[]) => (errors.length > 0 ? `Error: ${base}` : base);

export interface SignInPageModel {
  action: string;
  csrf: string;
  /** the app asking, as registered */
  clientName: string;
  username?: string;
  errors: readonly FieldError[];
  resetUrl: string;
  /** the area's own identity provider, when configured */
  external?: { url: string; name: string };
}

export function renderSignInPage(m: SignInPageModel): string {
  return renderPage({
    title: title('Sign in', m.errors),
    main: html`
      ${errorSummary(m.errors)}
      <h1>Sign in</h1>
      <p>Sign in to Kindred to continue to <strong>${m.clientName}</strong>.</p>
      <form method="post" action="${m.action}" novalidate>
        ${csrfField(m.csrf)}
        ${input({ id: 'username', label: 'Username', type: 'text', autocomplete: 'username', errors: m.errors, width: 'nhsuk-u-width-two-thirds', ...(m.username !== undefined ? { value: m.username } : {}) })}
        ${input({ id: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', errors: m.errors, width: 'nhsuk-u-width-two-thirds' })}
        <button class="nhsuk-button" data-module="nhsuk-button" type="submit">Sign in</button>
      </form>
      <p><a href="${m.resetUrl}">I have forgotten my password</a></p>
      ${m.external ? html`<h2>Or</h2>
      <a class="nhsuk-button nhsuk-button--secondary" href="${m.external.url}">Sign in with ${m.external.name}</a>` : html``}`,
  });
}

export interface TotpPageModel {
  action: string;
  csrf: string;
  errors: readonly FieldError[];
}

export function renderTotpPage(m: TotpPageModel): string {
  return renderPage({
    title: title('Enter the code from your authenticator app', m.errors),
    main: html`
      ${errorSummary(m.errors)}
      <form method="post" action="${m.action}" novalidate>
        ${csrfField(m.csrf)}
        <h1>Enter the code from your authenticator app</h1>
        ${input({ id: 'code', label: 'Security code', type: 'text', autocomplete: 'one-time-code', inputmode: 'numeric', hint: 'The 6-digit code shown in your authenticator app for Kindred.', errors: m.errors, width: 'nhsuk-input--width-10' })}
        <button class="nhsuk-button" data-module="nhsuk-button" type="submit">Continue</button>
      </form>`,
  });
}

export interface PatientPickerModel {
  action: string;
  csrf: string;
  clientName: string;
  value?: string;
  errors: readonly FieldError[];
  /** patients found by name, to choose from */
  matches: readonly { id: string; label: string }[];
}

function patientChoices(matches: PatientPickerModel['matches']): SafeHtml {
  if (matches.length === 0) return html``;
  return html`
        <div class="nhsuk-form-group">
          <fieldset class="nhsuk-fieldset">
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Patients you can open with that name</legend>
            <div class="nhsuk-radios">
              ${matches.map(
                (m, i) => html`<div class="nhsuk-radios__item">
                <input class="nhsuk-radios__input" id="choice-${i + 1}" name="choice" type="radio" value="${m.id}">
                <label class="nhsuk-label nhsuk-radios__label" for="choice-${i + 1}">${m.label}</label>
              </div>`,
              )}
            </div>
          </fieldset>
        </div>`;
}

export function renderPatientPicker(m: PatientPickerModel): string {
  return renderPage({
    title: title('Choose a patient', m.errors),
    main: html`
      ${errorSummary(m.errors)}
      <form method="post" action="${m.action}" novalidate>
        ${csrfField(m.csrf)}
        <h1>Choose a patient</h1>
        <p><strong>${m.clientName}</strong> will open with this patient's record.</p>
        ${patientChoices(m.matches)}
        ${input({ id: 'patient', label: m.matches.length > 0 ? 'Or search again' : "Patient's name or record id", type: 'text', autocomplete: 'off', hint: 'For example Smith, or the id of their Patient record.', errors: m.errors, width: 'nhsuk-u-width-one-half', ...(m.value !== undefined ? { value: m.value } : {}) })}
        <button class="nhsuk-button" data-module="nhsuk-button" type="submit">Continue</button>
      </form>`,
  });
}

export interface ResetRequestModel {
  action: string;
  csrf: string;
  errors: readonly FieldError[];
  sent: boolean;
}

export function renderResetRequestPage(m: ResetRequestModel): string {
  if (m.sent) {
    return renderPage({
      title: 'Check your email',
      main: html`
      <h1>Check your email</h1>
      <p>If there is an account with that username and an email address, we have sent it a link to set a new password. The link works once, for 1 hour.</p>`,
    });
  }
  return renderPage({
    title: title('Reset your password', m.errors),
    main: html`
      ${errorSummary(m.errors)}
      <form method="post" action="${m.action}" novalidate>
        ${csrfField(m.csrf)}
        <h1>Reset your password</h1>
        ${input({ id: 'username', label: 'Username', type: 'text', autocomplete: 'username', errors: m.errors, width: 'nhsuk-u-width-two-thirds' })}
        <button class="nhsuk-button" data-module="nhsuk-button" type="submit">Send me a link</button>
      </form>`,
  });
}

export interface NewPasswordModel {
  action: string;
  csrf: string;
  errors: readonly FieldError[];
  state: 'form' | 'done' | 'expired';
}

export function renderNewPasswordPage(m: NewPasswordModel): string {
  if (m.state === 'done') return renderPage({ title: 'Your password has been changed', main: html`<h1>Your password has been changed</h1><p>You can now sign in with your new password.</p>` });
  if (m.state === 'expired') {
    return renderPage({
      title: 'This link has expired',
      main: html`<h1>This link has expired</h1><p>Password reset links work once, for 1 hour. Ask for a new link from the sign-in page.</p>`,
    });
  }
  return renderPage({
    title: title('Choose a new password', m.errors),
    main: html`
      ${errorSummary(m.errors)}
      <form method="post" action="${m.action}" novalidate>
        ${csrfField(m.csrf)}
        <h1>Choose a new password</h1>
        ${input({ id: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: 'At least 8 characters. Three random words make a strong password.', errors: m.errors, width: 'nhsuk-u-width-two-thirds' })}
        <button class="nhsuk-button" data-module="nhsuk-button" type="submit">Change password</button>
      </form>`,
  });
}

const PLAIN_ERRORS: Readonly<Record<string, string>> = {
  invalid_request: 'The app sent a request Kindred cannot accept.',
  invalid_client: 'The app is not registered with this Kindred.',
  invalid_redirect_uri: 'The app asked to return to an address it is not registered with.',
  invalid_scope: 'The app asked for access it is not allowed.',
  session_not_found: 'Your sign-in took too long or was started in another browser.',
  access_denied: 'Access was refused.',
};

/** Shown when an app's authorization request cannot go on and sending the person back to the app is not safe. */
export function renderSignInErrorPage(error: string, description: string | undefined): string {
  return renderPage({
    title: 'Sorry, you cannot sign in to this app',
    main: html`
      <h1>Sorry, you cannot sign in to this app</h1>
      <p>${PLAIN_ERRORS[error] ?? 'Something went wrong with the sign-in.'}</p>
      ${description ? html`<p class="nhsuk-body-s">Details for the app's developers: <code>${error}</code>: ${description}</p>` : html``}
      <p>Go back to the app and try again. If it keeps happening, tell the people who run the app.</p>`,
  });
}

/**
 * Signing out (OpenID Connect RP-Initiated Logout 1.0): `form` is oidc-provider's own form (with
 * its CSRF token), which the buttons submit; it is markup oidc-provider made, not user input.
 */
export function renderSignOutPage(form: string): string {
  return renderPage({
    title: 'Sign out of Kindred',
    main: html`
      <h1>Sign out of Kindred</h1>
      <p>You will need to sign in again to use any app that uses your Kindred account.</p>
      ${new SafeHtml(form)}
      <button class="nhsuk-button" data-module="nhsuk-button" type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button>
      <button class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button" type="submit" form="op.logoutForm">Stay signed in</button>`,
  });
}

export function renderSignedOutPage(): string {
  return renderPage({
    title: 'You have signed out',
    main: html`<h1>You have signed out</h1><p>If you are using a shared computer, close the browser too.</p>`,
  });
}

export function renderTooManyRequestsPage(): string {
  return renderPage({
    title: 'Too many attempts',
    main: html`<h1>Too many attempts</h1><p>There have been too many sign-in attempts from your network. Wait a minute and try again.</p>`,
  });
}
