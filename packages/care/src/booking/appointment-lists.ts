/**
 * Lists of appointments: a person's own (what the access-checked repository lets the caller see;
 * a person never sees anyone else's), and a schedule's day, slot by slot, for staff.
 *
 * Reads only, through the repository it is given.
 */
import { FhirError, parseSearchRequest, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';

export interface PatientAppointmentQuery {
  /** only appointments starting at or after this instant */
  from?: string;
  count?: number;
}

export async function listAppointmentsForPatient(repository: Repository, patientId: string, query: PatientAppointmentQuery = {}): Promise<StoredResource[]> {
  const params: [string, string][] = [
    ['patient', `Patient/${patientId}`],
    ['_sort', 'date'],
    ['_count', String(query.count ?? 100)],
  ];
  if (query.from !== undefined) params.push(['date', `ge${query.from}`]);
  return (await repository.search(parseSearchRequest('Appointment', params, { handling: 'strict' }))).matches;
}

export interface DaySlot {
  slot: StoredResource;
  /** the active Appointment on the slot, when the caller may see it */
  appointment?: StoredResource;
}

/** The start and end of a calendar day in Europe/London, as instants. */
export function londonDay(date: string): { start: string; end: string } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new FhirError('INVALID_REQUEST', `date must be a day such as 2026-03-03; it was "${date}".`, { expression: ['date'] });
  }
  const midnight = (day: string): string => {
    const utc = Date.parse(`${day}T00:00:00Z`);
    // London is UTC or UTC+1: take the offset at that moment from Intl
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: 'numeric', hourCycle: 'h23' }).format(utc));
    return new Date(utc - (hour === 1 ? 3_600_000 : 0)).toISOString();
  };
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { start: midnight(date), end: midnight(next) };
}

/** A schedule's slots on one day (Europe/London) in time order, each with its booked appointment. */
export async function listDay(repository: Repository, scheduleId: string, date: string): Promise<DaySlot[]> {
  const day = londonDay(date);
  const page = await repository.search(
    parseSearchRequest(
      'Slot',
      [
        ['schedule', `Schedule/${scheduleId}`],
        ['start', `ge${day.start}`],
        ['start', `lt${day.end}`],
        ['_sort', 'start'],
        ['_count', '1000'],
        ['_revinclude', 'Appointment:slot'],
      ],
      { handling: 'strict' },
    ),
  );
  const active = page.included.filter((r) => r.resourceType === 'Appointment' && r.status !== 'cancelled' && r.status !== 'entered-in-error');
  return page.matches.map((slot) => {
    const appointment = active.find((a) => (a.slot as { reference?: string }[] | undefined)?.some((s) => s.reference === `Slot/${slot.id}`));
    return { slot, ...(appointment !== undefined ? { appointment } : {}) };
  });
}
