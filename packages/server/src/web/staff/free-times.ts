/**
 * Free times to book or offer, a week at a time (Europe/London days), of one modality, from the
 * organisation's schedules; and how the person said they would like to be seen (in their request,
 * or as recorded on their last appointment: decision 0013 keeps the stated preference there).
 *
 * Reads only, through the signed-in person's record and the booking service.
 */
import { findFreeSlots, isModality, londonDay, type Modality } from '@kindred/care';
import { parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import type { WebContext } from '../web-context.ts';
import { preferredModalityOf } from './request-facts.ts';

/** The days of free times on one page. */
export const DAYS_SHOWN = 7;
/** At most this many times on one page (page weight: a busy week of 10-minute slots). */
export const MAX_TIMES = 120;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export interface TimesQuery {
  modality: Modality;
  /** the first London day shown (YYYY-MM-DD) */
  from: string;
}

export async function freeTimes(ctx: WebContext, organisationId: string, query: TimesQuery, now: number): Promise<StoredResource[]> {
  const start = Math.max(Date.parse(londonDay(query.from).start), now);
  const end = Date.parse(londonDay(addDays(query.from, DAYS_SHOWN)).start);
  if (end <= start) return [];
  return findFreeSlots(ctx.record, { organisationId, modality: query.modality, from: new Date(start).toISOString(), to: new Date(end).toISOString(), count: MAX_TIMES });
}

export interface StatedPreference {
  modality: Modality;
  /** where they said it: in this request, or when they were last booked */
  where: 'request' | 'before';
}

export const PREFERRED_MODALITY_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/preferred-modality';

export function preferenceOnAppointment(appointment: Resource): Modality | undefined {
  const code = ((appointment.extension as { url?: string; valueCoding?: { code?: string } }[] | undefined) ?? []).find((e) => e.url === PREFERRED_MODALITY_EXTENSION)?.valueCoding?.code;
  return isModality(code) ? code : undefined;
}

/** How the person said they would like to be seen: in this request's answers, or else on their most recent appointment. */
export async function statedPreference(ctx: WebContext, patientId: string, response: Resource | undefined): Promise<StatedPreference | undefined> {
  const inRequest = preferredModalityOf(response);
  if (inRequest !== undefined) return { modality: inRequest, where: 'request' };
  const recent = await ctx.record.search(parseSearchRequest('Appointment', [['patient', `Patient/${patientId}`], ['_sort', '-date'], ['_count', '10']], { handling: 'strict' }));
  for (const appointment of recent.matches) {
    const modality = preferenceOnAppointment(appointment);
    if (modality !== undefined) return { modality, where: 'before' };
  }
  return undefined;
}
