/**
 * The pages of a person who joins a video appointment by link (decision 0015): the device check
 * with the privacy question (/video/check), the waiting room that becomes the call (/video/wait),
 * and the browser client's script and stylesheet. They hold no account: the pass cookie says who
 * they are, the video service does everything (audited, in its own access context).
 *
 * Every page names the clinic's phone number: a person who cannot use video is never stuck. The
 * privacy question is a plain form (no JavaScript needed); the waiting page reloads itself without it.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html, renderPage, type SafeHtml } from '../../pages/html.ts';
import { CALL_PAGE_HEADERS } from '../../pages/pages-plugin.ts';
import { button, errorSummary, form, insetText, radios, type FieldErrors } from '../../web/components.ts';
import { fieldText, formOf } from '../../web/web-context.ts';
import { dayText, timeText } from '../../web/staff/staff-format.ts';
import type { VideoRouteDeps } from '../video-routes.ts';
import type { JoinDetails, PrivacyAnswer, VideoPass } from '../video-service.ts';
import { callSection, deviceCheckSection, videoAssets, VIDEO_CLIENT_PATH, VIDEO_STYLES_PATH, waitingStatusSection, withNoScriptRefresh } from './video-call-markup.ts';

const PRIVACY_ITEMS: readonly { value: PrivacyAnswer; text: string }[] = [
  { value: 'yes', text: 'Yes' },
  { value: 'no', text: 'No' },
  { value: 'not-sure', text: 'I’m not sure' },
];

const isPrivacyAnswer = (value: string): value is PrivacyAnswer => PRIVACY_ITEMS.some((item) => item.value === value);

/** "If the video does not work, we will phone you. You can call Riverside Surgery on 01632 960 123." */
export function phoneFallback(details: Pick<JoinDetails, 'clinicName' | 'clinicPhone'>): string {
  const call = details.clinicPhone !== undefined ? ` If you need to, call ${details.clinicName} on ${details.clinicPhone}.` : ` If you need to, call ${details.clinicName}.`;
  return `If the video does not work, we will phone you instead.${call}`;
}

function whenText(details: JoinDetails): string {
  const who = details.clinicianName !== undefined ? ` with ${details.clinicianName}` : '';
  return `Your video appointment${who} at ${details.clinicName} is at ${timeText(details.appointmentStart)} on ${dayText(details.appointmentStart)}.`;
}

const personPage = (title: string, main: SafeHtml, errors?: FieldErrors): string =>
  renderPage({ title, main: html`${errorSummary(errors)}${main}`, hasErrors: errors !== undefined && errors.length > 0 });

const noPassPage = (): string =>
  personPage(
    'Open the link again',
    html`<h1>Open the link from your appointment message again</h1>
    <p>We could not tell which appointment this is. This happens when the link has expired, or when your browser does not keep cookies.</p>
    <p>Open the link in the text message or email about your appointment. If it still does not work, call your GP practice or service: they can phone you for your appointment instead.</p>`,
  );

function checkMain(pass: VideoPass, details: JoinDetails, csrf: string, errors?: FieldErrors, chosen?: string): SafeHtml {
  const fallback = phoneFallback(details);
  return html`<h1>Before your video appointment</h1>
  <p>${whenText(details)}</p>
  ${deviceCheckSection(fallback)}
  <h2>Your privacy</h2>
  ${form('/video/check', csrf, [
    radios({
      name: 'privacy',
      legend: 'Are you somewhere you can talk privately?',
      hint: 'Your clinician will see your answer. If you cannot talk privately now, they can call you at another time, or you can move somewhere quieter.',
      items: PRIVACY_ITEMS,
      ...(chosen !== undefined ? { value: chosen } : {}),
      ...(errors !== undefined ? { errors } : {}),
    }),
    button(pass.role === 'patient' ? 'Go to the waiting room' : 'Continue'),
  ])}
  ${insetText(html`<p>${fallback}</p>`)}
  ${videoAssets()}`;
}

export function videoPersonPages(deps: VideoRouteDeps) {
  return async function videoPersonPagesPlugin(app: FastifyInstance): Promise<void> {
    const clientScript = await readFile(new URL('../client/video-client.js', import.meta.url));
    const styles = await readFile(new URL('../client/video.css', import.meta.url));
    const asset = (body: Buffer, type: string) => async (_request: FastifyRequest, reply: FastifyReply) =>
      reply.type(type).header('Cache-Control', 'public, max-age=600').header('X-Content-Type-Options', 'nosniff').send(body);
    app.get(VIDEO_CLIENT_PATH, asset(clientScript, 'text/javascript; charset=utf-8'));
    app.get(VIDEO_STYLES_PATH, asset(styles, 'text/css; charset=utf-8'));

    const sendCallPage = (reply: FastifyReply, status: number, page: string) => reply.code(status).headers(CALL_PAGE_HEADERS).header('Cache-Control', 'no-store').send(page);

    app.get('/video/check', async (request, reply) => {
      const pass = await deps.video.passOf(request);
      if (pass === undefined) return deps.send(reply, 401, noPassPage());
      const details = await deps.video.joinDetails(pass);
      return sendCallPage(reply, 200, personPage('Before your video appointment', checkMain(pass, details, deps.video.csrfToken(pass), undefined, details.privacyAnswer)));
    });

    app.post('/video/check', async (request, reply) => {
      const pass = await deps.video.passOf(request);
      if (pass === undefined) return deps.send(reply, 401, noPassPage());
      const fields = formOf(request);
      if (!deps.video.csrfTokenIsValid(pass, fields.csrf)) {
        return deps.send(reply, 403, personPage('The form has expired', html`<h1>The form has expired</h1><p><a href="/video/check">Go back to the check</a> and answer the question again.</p>`));
      }
      const answer = fieldText(fields, 'privacy');
      if (!isPrivacyAnswer(answer)) {
        const details = await deps.video.joinDetails(pass);
        const errors = [{ field: 'privacy', message: 'Select yes, no or not sure' }];
        return sendCallPage(reply, 400, personPage('Before your video appointment', checkMain(pass, details, deps.video.csrfToken(pass), errors), errors));
      }
      await deps.video.checkIn(pass, answer);
      return reply.header('Cache-Control', 'no-store').redirect('/video/wait', 303);
    });

    app.get('/video/wait', async (request, reply) => {
      const pass = await deps.video.passOf(request);
      if (pass === undefined) return deps.send(reply, 401, noPassPage());
      const details = await deps.video.joinDetails(pass);
      if (!details.checkedIn && pass.role === 'patient') return reply.header('Cache-Control', 'no-store').redirect('/video/check', 303);
      const status = await deps.video.statusOf(pass);
      const fallback = phoneFallback(details);
      const main = html`<h1>Your video appointment</h1>
      <p>${whenText(details)}</p>
      ${waitingStatusSection(
        status,
        html`<p>Keep this page open. When your clinician is ready, the call starts here.</p>
        <noscript><p>This page checks for news every 30 seconds.</p></noscript>`,
      )}
      ${callSection({ name: pass.displayName, hidden: true, leftText: 'You have left the call. If you did not mean to, join again: your clinician can let you back in.', rejoinHref: '/video/wait' })}
      ${insetText(html`<p>${fallback}</p><p>If you close this page, you can come back by the same link.</p>`)}
      ${videoAssets()}`;
      return sendCallPage(reply, 200, withNoScriptRefresh(personPage('Your video appointment', main), 30));
    });
  };
}
