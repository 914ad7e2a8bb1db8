/**
 * The person's video pages over HTTP (Fastify inject), with a stand-in for the video service that
 * keeps what it is told: who has no pass is told what to do; the check page carries the call
 * pages' Content-Security-Policy and the phone fallback; the privacy question refuses no answer
 * (error beside the field, title "Error:"), refuses a forged form, and checks in with the answer;
 * the waiting page reloads itself without JavaScript; the client script is served as JavaScript.
 * The record side is the service's own tests' (and the Chromium tests') business.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppSettings } from '../../http/app-config.ts';
import { parseForm } from '../../web/web-context.ts';
import type { WaitingStatus } from '../video-protocol.ts';
import type { JoinDetails, PrivacyAnswer, VideoPass, VideoService } from '../video-service.ts';
import { videoPersonPages } from './video-person-pages.ts';

const PASS: VideoPass = { passId: 'p1', appointmentId: 'a1', participantId: 'patient-a1', role: 'patient', displayName: 'Ann Smith', expiresAt: Date.now() + 3_600_000 };
const START = '2026-11-23T09:30:00Z';

function standIn(state: { checkedIn: PrivacyAnswer[]; hasPass: boolean }): VideoService {
  const details = (): JoinDetails => ({ clinicName: 'Riverside Medical Practice', clinicPhone: '0300 555 0101', appointmentStart: START, clinicianName: 'Dr Amira Hassan', checkedIn: state.checkedIn.length > 0 });
  const status: WaitingStatus = { status: 'waiting', headline: 'Dr Hassan has not started the clinic yet.', estimateMinutes: null };
  const partial: Partial<VideoService> = {
    passOf: async () => (state.hasPass ? PASS : undefined),
    joinDetails: async () => details(),
    csrfToken: () => 'token-1',
    csrfTokenIsValid: (_pass, given) => given === 'token-1',
    checkIn: async (_pass, answer) => {
      state.checkedIn.push(answer);
    },
    statusOf: async () => status,
  };
  return partial as VideoService;
}

describe('the person’s video pages', () => {
  let app: FastifyInstance;
  let state: { checkedIn: PrivacyAnswer[]; hasPass: boolean };

  beforeEach(async () => {
    state = { checkedIn: [], hasPass: true };
    app = Fastify();
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, parseForm(body.toString())));
    await app.register(videoPersonPages({ video: standIn(state), settings: {} as AppSettings, send: (reply, status, page) => reply.code(status).type('text/html').send(page) }));
    await app.ready();
  });
  afterEach(async () => app.close());

  const post = (body: string) => app.inject({ method: 'POST', url: '/video/check', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body });

  it('tells someone without a pass to open their link again, and who to call', async () => {
    state.hasPass = false;
    const response = await app.inject({ url: '/video/check' });
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('Open the link from your appointment message again');
    expect(response.body).toContain('phone you');
  });

  it('shows the device check and the privacy question with the call pages’ policy and the phone number', async () => {
    const response = await app.inject({ url: '/video/check' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).toContain('media-src');
    expect(response.body).toContain('data-module="app-device-check"');
    expect(response.body).toContain('Are you somewhere you can talk privately?');
    expect(response.body).toContain('call you at another time');
    expect(response.body).toContain('0300 555 0101');
    expect(response.body).toContain('/video/assets/video-client.js');
  });

  it('refuses no answer with an error beside the field, and a forged form', async () => {
    const none = await post('csrf=token-1');
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('<title>Error: ');
    expect(none.body).toContain('id="privacy-error"');
    expect(none.body).toContain('Select yes, no or not sure');
    const forged = await post('csrf=other&privacy=yes');
    expect(forged.statusCode).toBe(403);
    expect(state.checkedIn).toEqual([]);
  });

  it('checks the person in with their answer and sends them to the waiting room', async () => {
    const response = await post('csrf=token-1&privacy=not-sure');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/video/wait');
    expect(state.checkedIn).toEqual(['not-sure']);
  });

  it('sends a person who has not checked in from the waiting room to the check', async () => {
    const response = await app.inject({ url: '/video/wait' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/video/check');
  });

  it('shows the waiting status, never blank, refreshing itself without JavaScript', async () => {
    state.checkedIn.push('yes');
    const response = await app.inject({ url: '/video/wait' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Dr Hassan has not started the clinic yet.');
    expect(response.body).toMatch(/<head>[\s\S]*<noscript><meta http-equiv="refresh" content="30"><\/noscript>[\s\S]*<\/head>/);
    expect(response.body).toContain('aria-live="polite"');
    expect(response.body).toContain('we will phone you');
    expect(response.body).toContain('data-module="app-video-call"');
  });

  it('serves the client script as JavaScript with a cache lifetime', async () => {
    const response = await app.inject({ url: '/video/assets/video-client.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/javascript/);
    expect(response.headers['cache-control']).toMatch(/max-age=\d+/);
    expect(response.body).toContain("start('app-video-call', videoCall)");
  });
});
