/**
 * The markup the video client (client/video-client.js) starts on, shared by the person's pages
 * and the clinician's consultation screen: the device check, the waiting status, the call's
 * tiles and controls, and the page's script and stylesheet. Every piece says something useful
 * without JavaScript. Pure rendering: data in, HTML out; it must not read the record.
 */
import { html, type SafeHtml } from '../../pages/html.ts';
import type { WaitingStatus } from '../video-protocol.ts';

export const VIDEO_CLIENT_PATH = '/video/assets/video-client.js';
export const VIDEO_STYLES_PATH = '/video/assets/video.css';

/** The call page's stylesheet and script (a module: deferred, and only run by browsers that can run it). */
export function videoAssets(): SafeHtml {
  return html`<link rel="stylesheet" href="${VIDEO_STYLES_PATH}"><script type="module" src="${VIDEO_CLIENT_PATH}"></script>`;
}

/** "about 10 minutes" (never a countdown) */
export function estimateText(minutes: number | null): string {
  if (minutes === null) return '';
  return `We expect to see you in about ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}

/** The status of a waiting person, in a live region the client updates from `status` messages. */
export function waitingStatusSection(status: WaitingStatus, extra: SafeHtml = html``): SafeHtml {
  return html`<section data-module="app-waiting-status" class="app-video-status" aria-labelledby="status-heading">
  <h2 class="nhsuk-u-visually-hidden" id="status-heading">Where you are in the queue</h2>
  <div role="status" aria-live="polite">
    <p class="nhsuk-heading-m" data-part="headline">${status.headline}</p>
    <p data-part="estimate"${status.estimateMinutes === null ? html` hidden` : html``}>${estimateText(status.estimateMinutes)}</p>
    <p data-part="message"${status.message === undefined ? html` hidden` : html``}>${status.message !== undefined ? `Message from the clinic: ${status.message.text}` : ''}</p>
  </div>
  <div data-part="waiting-extra">${extra}</div>
</section>`;
}

export interface CallSectionOptions {
  /** the name the person sees on their own tile */
  name: string;
  /** hidden until the person is admitted (the waiting page); shown at once on the clinician's screen */
  hidden: boolean;
  /** said after the person presses "Leave the call" */
  leftText: string;
  /** where "Join again" goes after leaving */
  rejoinHref: string;
}

/** The call: video tiles (up to four), the notices, and real buttons for microphone, camera and leaving. */
export function callSection(o: CallSectionOptions): SafeHtml {
  return html`<section data-module="app-video-call" class="app-video-call" aria-labelledby="call-heading" data-name="${o.name}" data-left="${o.leftText}"${o.hidden ? html` hidden` : html``}>
  <h2 id="call-heading">Video call</h2>
  <p data-part="notice" role="status" aria-live="polite"></p>
  <div class="app-video-tiles" data-part="tiles"></div>
  <div class="app-video-controls" data-part="controls" hidden>
    <button type="button" class="nhsuk-button nhsuk-button--secondary" data-part="mute" aria-pressed="false">Mute my microphone</button>
    <button type="button" class="nhsuk-button nhsuk-button--secondary" data-part="camera" aria-pressed="false">Turn my camera off</button>
    <button type="button" class="nhsuk-button nhsuk-button--warning" data-part="leave">Leave the call</button>
  </div>
  <p data-part="rejoin" hidden><a href="${o.rejoinHref}">Join the call again</a></p>
</section>`;
}

/** The device check: camera preview, microphone level, connection and browser; each result says what to do when it fails. */
export function deviceCheckSection(fallback: string): SafeHtml {
  return html`<section data-module="app-device-check" class="app-device-check" aria-labelledby="check-heading" data-fallback="${fallback}">
  <h2 id="check-heading">Check your camera, microphone and connection</h2>
  <p data-part="no-script">This check needs JavaScript, which your browser is not running. You can still answer the question below and wait for your appointment. ${fallback}</p>
  <button type="button" class="nhsuk-button nhsuk-button--secondary" data-part="start" hidden>Check my camera and microphone</button>
  <video class="app-device-check__preview" data-part="preview" autoplay muted playsinline hidden aria-label="Your camera"></video>
  <p><label for="microphone-level">Microphone level</label><br><meter class="app-device-check__meter" id="microphone-level" data-part="meter" min="0" max="100" value="0"></meter></p>
  <ul class="nhsuk-list app-device-check__results" aria-live="polite">
    <li data-part="camera-result"></li>
    <li data-part="microphone-result"></li>
    <li data-part="connection-result"></li>
    <li data-part="webrtc-result"></li>
  </ul>
</section>`;
}

/** Without JavaScript the waiting page reloads itself every 30 seconds (a refresh inside noscript, so the call is never interrupted). */
export function withNoScriptRefresh(page: string, seconds: number): string {
  return page.replace('</head>', `  <noscript><meta http-equiv="refresh" content="${seconds}"></noscript>\n</head>`);
}
