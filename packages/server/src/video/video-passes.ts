/**
 * Video links and passes (decision 0015, "Links and passes"). A link's token is 32 random bytes
 * (base64url); the sign-in records table keeps only its SHA-256, as a `VideoInvite` with the
 * appointment, the role and the name shown in the call. Opening a link makes a pass: a random id in
 * the `kindred_video` cookie (HttpOnly, SameSite=Lax, Secure over https, path /video) whose SHA-256
 * is a `VideoPass` record. A reconnection uses the pass, never the link again.
 *
 * A one-time link (carer, interpreter, colleague) is consumed atomically: the table's `consume`
 * marks a record only while it is unmarked (one UPDATE … WHERE consumed_at IS NULL, atomic on both
 * databases) and says whether this call marked it, so exactly one opener gets in.
 *
 * Must not touch the record (FHIR resources): the service decides who may have a link.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '@kindred/store';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookie } from '../oidc/form-body.ts';
import type { ParticipantRole } from './video-protocol.ts';
import type { VideoPass } from './video-service-types.ts';

type OidcRecordTable = Store['identity']['oidcRecords'];

export const VIDEO_COOKIE = 'kindred_video';
export const VIDEO_INVITE_MODEL = 'VideoInvite';
export const VIDEO_PASS_MODEL = 'VideoPass';
export const JOIN_PATH = '/video/join/';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface VideoInvite {
  appointmentId: string;
  role: ParticipantRole;
  displayName: string;
  /** the participant a redeemed pass becomes: the same for every opening of the patient's link */
  participantId: string;
  oneTime: boolean;
  expiresAt: number;
}

export interface VideoPasses {
  createInvite(invite: VideoInvite): Promise<{ path: string; token: string }>;
  /** the pass the link opens; undefined when unknown, expired or already used (one-time) */
  redeem(token: string): Promise<{ pass: VideoPass; passId: string } | undefined>;
  /** a pass made without a link (the signed-in clinician) */
  issue(pass: Omit<VideoPass, 'passId'>): Promise<{ pass: VideoPass; passId: string }>;
  setCookie(reply: FastifyReply, passId: string, expiresAt: number): void;
  passOf(request: FastifyRequest): Promise<VideoPass | undefined>;
  csrfToken(pass: VideoPass): string;
  csrfTokenIsValid(pass: VideoPass, given: unknown): boolean;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url');
const random = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Keeps a new link's hash and what it opens; the token is the link's last part and is never stored. */
export async function createVideoInvite(records: OidcRecordTable, invite: VideoInvite): Promise<{ path: string; token: string }> {
  const token = random();
  await records.upsert(VIDEO_INVITE_MODEL, sha256(token), { ...invite }, invite.expiresAt);
  return { path: `${JOIN_PATH}${token}`, token };
}

export function createVideoPasses(options: { records: OidcRecordTable; csrfKey: Buffer; secureCookies: boolean; now: () => number }): VideoPasses {
  const { records, now } = options;

  const savePass = async (pass: Omit<VideoPass, 'passId'>): Promise<{ pass: VideoPass; passId: string }> => {
    const passId = random();
    // the pass's public id (in the audit trail, in the hub) is its hash's start: the cookie's value never leaves the cookie
    const key = sha256(passId);
    const full: VideoPass = { ...pass, passId: key.slice(0, 22) };
    await records.upsert(VIDEO_PASS_MODEL, key, { ...full }, pass.expiresAt);
    return { pass: full, passId };
  };

  const csrfToken = (pass: VideoPass): string => createHmac('sha256', options.csrfKey).update(`video-form\n${pass.passId}`).digest('base64url');

  return {
    createInvite: (invite) => createVideoInvite(records, invite),

    async redeem(token) {
      if (!TOKEN_PATTERN.test(token)) return undefined;
      const key = sha256(token);
      const found = await records.find(VIDEO_INVITE_MODEL, key, now());
      if (found === undefined || 'consumed' in found) return undefined;
      const invite = found as unknown as VideoInvite;
      if (invite.oneTime) {
        if (!(await records.consume(VIDEO_INVITE_MODEL, key, now()))) return undefined;
      }
      return savePass({ appointmentId: invite.appointmentId, participantId: invite.participantId, role: invite.role, displayName: invite.displayName, expiresAt: invite.expiresAt });
    },

    issue: savePass,

    setCookie(reply, passId, expiresAt) {
      const maxAge = Math.max(0, Math.floor((expiresAt - now()) / 1000));
      const existing = reply.getHeader('Set-Cookie');
      const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
      reply.header('Set-Cookie', [...list, `${VIDEO_COOKIE}=${passId}; Path=/video; HttpOnly; SameSite=Lax${options.secureCookies ? '; Secure' : ''}; Max-Age=${maxAge}`]);
    },

    async passOf(request) {
      const id = cookie(request, VIDEO_COOKIE);
      if (id === undefined || !TOKEN_PATTERN.test(id)) return undefined;
      const payload = await records.find(VIDEO_PASS_MODEL, sha256(id), now());
      if (payload === undefined) return undefined;
      const pass = payload as unknown as VideoPass;
      return pass.expiresAt > now() ? pass : undefined;
    },

    csrfToken,
    csrfTokenIsValid(pass, given) {
      if (typeof given !== 'string') return false;
      const expected = Buffer.from(csrfToken(pass));
      const actual = Buffer.from(given);
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}
