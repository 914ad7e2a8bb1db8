/**
 * Issue 4's background work, run by every `kindred serve`: the appointment reminder sweep (booked
 * appointments in the next 48 hours get one reminder each through the person's channel) and, when
 * a real channel is configured (GOV.UK Notify), the outbox sender that hands it the messages
 * queued in the local outbox. Both act as Kindred's messaging service with system scopes for
 * exactly what they touch, through the access policy and the audit trail like any request.
 *
 * Each run is idempotent (a reminder is found by its message reference; a delivered message is
 * marked sent), so a run that fails is simply tried again at the next tick.
 */
import { accessibleRecord, auditedRepository, createAuditWriter, parseScopes, type AccessContext, type AccessPolicy } from '@kindred/access';
import { deliverOutbox, outboxChannels, sendDueReminders, type DeliveryReport, type MessageChannels, type ReminderReport } from '@kindred/care';
import type { Store } from '@kindred/store';
import { patientVideoLinks } from '../video/video-links.ts';

/** What the messaging service may do: read appointments and whom they are for and with, and write messages. */
const MESSAGING_SCOPE = [
  'system/Appointment.rs',
  'system/Patient.rs',
  'system/Communication.crus',
  'system/Organization.rs',
  'system/HealthcareService.rs',
  'system/Schedule.rs',
  'system/Slot.rs',
  'system/Practitioner.rs',
  'system/PractitionerRole.rs',
].join(' ');

export const MESSAGING_ACCESS: AccessContext = Object.freeze({
  subject: 'kindred-messaging',
  scopes: parseScopes(MESSAGING_SCOPE),
  tokenId: 'messaging',
  expiresAt: new Date(8_640_000_000_000_000),
  issuer: 'urn:kindred:local',
});

export interface CareJobsOptions {
  store: Store;
  accessPolicy: AccessPolicy;
  /** where the app's messages go; default the local outbox */
  channels?: MessageChannels;
  /** a real channel the outbox is delivered to (GOV.UK Notify); none: the outbox is where messages stay, for staff to see */
  deliverTo?: MessageChannels;
  /** the site's public address ("https://kindred.example.org"): video appointments' reminders then carry the join link */
  siteUrl?: string;
  everyMs?: number;
  onError?: (what: string, error: unknown) => void;
  now?: () => number;
}

export interface CareJobs {
  /** one run of everything now (the timer calls this) */
  runOnce(): Promise<{ reminders: ReminderReport; delivery?: DeliveryReport }>;
  stop(): Promise<void>;
}

export function startCareJobs(options: CareJobsOptions): CareJobs {
  const { store } = options;
  const now = options.now ?? Date.now;
  const channels = options.channels ?? outboxChannels(store.outbox);
  const audit = createAuditWriter(store.audit);
  const onError = options.onError ?? ((what: string, error: unknown) => process.stderr.write(`${what} failed: ${error instanceof Error ? error.message : String(error)}\n`));
  let running: Promise<unknown> = Promise.resolve();
  // a video appointment's reminder carries a new patient link (decision 0015)
  const videoLinkFor = options.siteUrl !== undefined ? patientVideoLinks({ store, siteUrl: options.siteUrl, now }) : undefined;

  const runOnce = async (): Promise<{ reminders: ReminderReport; delivery?: DeliveryReport }> => {
    const record = await accessibleRecord(store.repository, MESSAGING_ACCESS, options.accessPolicy, now());
    const repository = auditedRepository(record.repository, MESSAGING_ACCESS, audit);
    const reminders = await sendDueReminders(repository, channels, { now: now(), ...(videoLinkFor !== undefined ? { videoLinkFor } : {}) });
    const delivery = options.deliverTo !== undefined ? await deliverOutbox(store.outbox, options.deliverTo, { now }) : undefined;
    await audit.flush();
    return { reminders, ...(delivery !== undefined ? { delivery } : {}) };
  };

  const tick = (): void => {
    running = running.then(runOnce).catch((error: unknown) => onError('Sending reminders and messages', error));
  };
  const timer = options.everyMs === 0 ? undefined : setInterval(tick, options.everyMs ?? 60_000);
  timer?.unref();
  return {
    runOnce,
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      await running;
      await audit.flush();
    },
  };
}
