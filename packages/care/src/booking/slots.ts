/**
 * Staff make bookable times: Slots on a Schedule, each with its modality in `serviceType`
 * (decision 0013; http://hl7.org/fhir/R4/slot.html), and anyone finds the free ones. A Slot's own
 * status (free/busy) is the truth about whether it can be booked: people cannot see other people's
 * appointments, so they never work it out from those.
 *
 * Only Schedules and Slots here: claiming a slot is the ledger's (slot-ledger.ts), booking is
 * book-appointment.ts.
 */
import { FhirError, parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { assertModality, instantOf, modalityCoding, MODALITY_SYSTEM, type Modality } from './booking-vocabulary.ts';

/** At most this many slots in one call: a working month of 10-minute slots for one clinician. */
export const MAX_SLOTS_PER_CALL = 1000;

export interface SlotPlan {
  /** the first slot's start (an instant, e.g. 2026-03-03T09:00:00Z) */
  start: string;
  /** no slot ends after this instant */
  end: string;
  /** each slot's length */
  minutes: number;
  modality: Modality;
}

/** Slots of `minutes` from `start` up to `end` on the Schedule, free, with their modality, in one transaction. */
export async function createSlots(repository: Repository, scheduleId: string, plan: SlotPlan): Promise<StoredResource[]> {
  const modality = assertModality(plan.modality, 'modality');
  const from = instantOf(plan.start, 'start');
  const to = instantOf(plan.end, 'end');
  if (!Number.isInteger(plan.minutes) || plan.minutes < 5 || plan.minutes > 480) {
    throw new FhirError('INVALID_REQUEST', `minutes must be a whole number from 5 to 480; it was ${plan.minutes}.`, { expression: ['minutes'] });
  }
  const step = plan.minutes * 60_000;
  const count = Math.floor((to - from) / step);
  if (count < 1) throw new FhirError('INVALID_REQUEST', `The end (${plan.end}) must be at least ${plan.minutes} minutes after the start (${plan.start}).`, { expression: ['end'] });
  if (count > MAX_SLOTS_PER_CALL) {
    throw new FhirError('INVALID_REQUEST', `That makes ${count} slots; make at most ${MAX_SLOTS_PER_CALL} at a time (a shorter period or longer slots).`, { expression: ['end'] });
  }
  const schedule = await repository.read('Schedule', scheduleId);
  if (schedule.active === false) throw new FhirError('UNPROCESSABLE', `Schedule/${scheduleId} is not active; make it active before adding times to it.`);
  return repository.transaction(async (tx) => {
    const created: StoredResource[] = [];
    for (let i = 0; i < count; i++) {
      const slot: Resource = {
        resourceType: 'Slot',
        schedule: { reference: `Schedule/${scheduleId}` },
        status: 'free',
        serviceType: [{ coding: [modalityCoding(modality)] }],
        start: new Date(from + i * step).toISOString(),
        end: new Date(from + (i + 1) * step).toISOString(),
      };
      created.push((await tx.create(slot)).resource);
    }
    return created;
  });
}

export interface FreeSlotQuery {
  /** the organisation whose schedules to look in (its roles', services' and its own) */
  organisationId?: string;
  scheduleId?: string;
  modality?: Modality;
  /** slots starting at or after this instant */
  from: string;
  /** and before this one */
  to: string;
  count: number;
}

/** The Schedules of an organisation: those of its practitioner roles and healthcare services (Schedule.actor cannot be an Organization). */
export async function schedulesOf(repository: Repository, organisationId: string): Promise<string[]> {
  const search = (type: string, params: [string, string][]) => repository.search(parseSearchRequest(type, params, { handling: 'strict' }));
  const [roles, services] = await Promise.all([
    search('PractitionerRole', [['organization', `Organization/${organisationId}`], ['_count', '1000']]),
    search('HealthcareService', [['organization', `Organization/${organisationId}`], ['_count', '1000']]),
  ]);
  const actors = [...roles.matches.map((r) => `PractitionerRole/${r.id}`), ...services.matches.map((s) => `HealthcareService/${s.id}`)];
  const schedules = await search('Schedule', [['actor', actors.join(',')], ['_count', '1000']]);
  return schedules.matches.filter((s) => s.active !== false).map((s) => s.id);
}

/** Free slots in time order, by organisation or schedule, of one modality or any. */
export async function findFreeSlots(repository: Repository, query: FreeSlotQuery): Promise<StoredResource[]> {
  instantOf(query.from, 'from');
  instantOf(query.to, 'to');
  if (!Number.isInteger(query.count) || query.count < 1 || query.count > 1000) {
    throw new FhirError('INVALID_REQUEST', `count must be a whole number from 1 to 1000; it was ${query.count}.`, { expression: ['count'] });
  }
  const schedules = [
    ...(query.scheduleId !== undefined ? [query.scheduleId] : []),
    ...(query.organisationId !== undefined ? await schedulesOf(repository, query.organisationId) : []),
  ];
  if ((query.scheduleId !== undefined || query.organisationId !== undefined) && schedules.length === 0) return [];
  const params: [string, string][] = [
    ['status', 'free'],
    ['start', `ge${query.from}`],
    ['start', `lt${query.to}`],
    ['_sort', 'start'],
    ['_count', String(query.count)],
  ];
  if (schedules.length > 0) params.push(['schedule', [...new Set(schedules)].map((id) => `Schedule/${id}`).join(',')]);
  if (query.modality !== undefined) params.push(['service-type', `${MODALITY_SYSTEM}|${assertModality(query.modality, 'modality')}`]);
  return (await repository.search(parseSearchRequest('Slot', params, { handling: 'strict' }))).matches;
}
