/**
 * Test support for the web app: a person at a browser without JavaScript (FormBrowser: fetch and
 * a cookie jar) who signs in to /app through the sign-in service's own pages (password, then the
 * one-time code for staff), then gets pages and posts forms with the page's CSRF token, as a
 * browser would. Used by the web app's HTTP tests; the Chromium journeys drive a real browser.
 */
import { freshTotpCode } from '../support/totp.ts';
import { FormBrowser, csrfOf, formActionOf } from '../sign-in/sign-in-server.ts';

export interface WebUser {
  browser: FormBrowser;
  /** where sign-in ended: /app/person, /app/staff or /app/volunteer */
  home: string;
  /** the page sign-in ended on */
  landing: { status: number; html: string };
  /** GET a page of the app; the status and the HTML */
  page(path: string): Promise<{ status: number; html: string; url: string }>;
  /** POST a form of the app (the CSRF token is taken from `from`'s HTML), following the redirect after success */
  submit(path: string, fields: Record<string, string | string[]>, from: string): Promise<{ status: number; html: string; url: string }>;
}

/** Signs in through /app; `totpSecret` for staff. */
export async function signInToWebApp(origin: string, username: string, password: string, totpSecret?: string): Promise<WebUser> {
  const browser = new FormBrowser(origin);
  let step = await browser.follow(await browser.get(`${origin}/app`));
  let html = await step.response.text();
  step = await browser.follow(await browser.post(formActionOf(html, origin), { csrf: csrfOf(html), username, password }));
  if (totpSecret !== undefined) {
    html = await step.response.text();
    step = await browser.follow(await browser.post(formActionOf(html, origin), { csrf: csrfOf(html), code: await freshTotpCode(totpSecret) }));
  }
  if (!new URL(step.url).pathname.startsWith('/app/')) {
    throw new Error(`signing in as ${username} ended at ${step.url} (${step.response.status}): ${(await step.response.text()).slice(0, 500)}`);
  }
  const landing = { status: step.response.status, html: await step.response.text() };
  const read = async (response: Response, url: string) => {
    const followed = await browser.follow(response);
    return { status: followed.response.status, html: await followed.response.text(), url: followed.url || url };
  };
  return {
    browser,
    home: new URL(step.url).pathname,
    landing,
    page: async (path) => read(await browser.get(`${origin}${path}`), `${origin}${path}`),
    submit: async (path, fields, from) => {
      const body = new URLSearchParams();
      body.append('csrf', csrfOf(from));
      for (const [key, value] of Object.entries(fields)) for (const v of typeof value === 'string' ? [value] : value) body.append(key, v);
      const response = await fetch(`${origin}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.cookiesFor(`${origin}${path}`) },
        body: body.toString(),
      });
      return read(response, `${origin}${path}`);
    },
  };
}
