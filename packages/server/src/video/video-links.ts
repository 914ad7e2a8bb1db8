/**
 * The patient's video link for messages sent without a request (the reminder sweep, decision
 * 0015): reusable until the end of the day after the appointment (London time), absolute from the
 * site's public address. The link is a `VideoInvite` in the sign-in records table like any other
 * (video-passes.ts); this module only decides its expiry and its participant.
 *
 * Must not read or write the record: the caller has already read the appointment.
 */
import { londonDay, modalityOf } from '@kindred/care';
import type { StoredResource } from '@kindred/fhir';
import type { Store } from '@kindred/store';
import { patientParticipantId } from './video-live.ts';
import { createVideoInvite } from './video-passes.ts';

const DAY_MS = 86_400_000;

/** The London calendar day of an instant: "2026-03-03". */
export const londonDateOf = (ms: number): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);

/** A link works until the end of the day after the appointment (London time). */
export const linkExpiryFor = (start: string): number => Date.parse(londonDay(londonDateOf(Date.parse(start) + DAY_MS)).end);

/**
 * `videoLinkFor(appointment)`: a new patient link for a video appointment, absolute under
 * `siteUrl` ("https://kindred.example.org"); undefined for any other appointment, or one too old.
 */
export function patientVideoLinks(options: { store: Store; siteUrl: string; now?: () => number }): (appointment: StoredResource) => Promise<string | undefined> {
  const site = options.siteUrl.replace(/\/+$/, '').replace(/\/fhir$/, '');
  const now = options.now ?? Date.now;
  return async (appointment) => {
    if (modalityOf(appointment) !== 'video' || typeof appointment.start !== 'string') return undefined;
    const expiresAt = linkExpiryFor(appointment.start);
    if (expiresAt <= now()) return undefined;
    const participant = (appointment.participant as { actor?: { reference?: string; display?: string } }[] | undefined)?.find((p) => p.actor?.reference?.startsWith('Patient/') === true);
    const { path } = await createVideoInvite(options.store.identity.oidcRecords, {
      appointmentId: appointment.id,
      role: 'patient',
      displayName: participant?.actor?.display ?? 'Patient',
      participantId: patientParticipantId(appointment.id),
      oneTime: false,
      expiresAt,
    });
    return `${site}${path}`;
  };
}
