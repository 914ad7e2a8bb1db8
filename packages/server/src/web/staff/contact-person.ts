/**
 * Sending a message to the person a staff page is about: their communication profile (access
 * needs and contact details, and whether they use the app) and messaging's sendMessage, which
 * records every message as a Communication through the signed-in person's record (decision 0012).
 *
 * A message that could not be sent is recorded by sendMessage as not done; here it is reported
 * back, never lost, so the page can tell staff to phone.
 */
import { MessageError, communicationProfileOf, sendMessage, type AccessNeeds, type CommunicationProfile, type OutboundMessage, type SendOutcome } from '@kindred/care';
import type { StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { WebDeps } from '../web-context.ts';

export async function profileFor(deps: WebDeps, patient: StoredResource, needs: AccessNeeds): Promise<CommunicationProfile> {
  const account = await deps.settings.store.identity.accounts.byFhirUser(`Patient/${patient.id}`);
  return communicationProfileOf(patient, needs, { appAccount: account !== undefined && !account.disabled });
}

export type ContactResult = { ok: true; outcome: SendOutcome } | { ok: false; reason: string };

/** Sends the message the way the person's profile says; a refusal by the channel comes back as `ok: false` with its words. */
export async function contactPerson(deps: WebDeps, record: Repository, patient: StoredResource, needs: AccessNeeds, message: OutboundMessage): Promise<ContactResult> {
  const profile = await profileFor(deps, patient, needs);
  try {
    return { ok: true, outcome: await sendMessage(record, deps.channels, profile, message) };
  } catch (error) {
    // the access policy's and the record's refusals are not the channel's: they stay errors
    if (!(error instanceof MessageError)) throw error;
    return { ok: false, reason: error.message };
  }
}

/** What happened to a message, in words for staff. */
export function outcomeWords(outcome: SendOutcome, firstName: string): { state: 'sent' | 'app' | 'phone'; words: string; detail?: string } {
  const { decision } = outcome;
  if (decision.kind === 'app') return { state: 'app', words: `${firstName} can read it in the app.` };
  if (decision.kind === 'send') {
    const how = decision.channel === 'sms' ? 'text message' : decision.channel === 'email' ? 'email' : 'letter';
    return { state: 'sent', words: `Sent to ${firstName} by ${how}${decision.variant !== 'standard' ? ` (${decision.variant})` : ''}.` };
  }
  return {
    state: 'phone',
    words: `It is on the staff call list: ${decision.reasons.join('; ')}.`,
    ...(decision.interpreterLanguage !== undefined ? { detail: `Call with an interpreter (${decision.interpreterLanguage}).` } : {}),
  };
}
