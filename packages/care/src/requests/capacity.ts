/**
 * A practice's capacity for online requests (issue 4: "the form never shows 'try again tomorrow'"),
 * from its FHIR `HealthcareService` (http://hl7.org/fhir/R4/healthcareservice.html), decision 0013:
 * `availableTime` = the hours the online form is open; extension `online-request-capacity` =
 * `dailyLimit`, `whenFull` (call-back, admin-only, safe-routing) and `responseDays` (working days).
 * When it is closed (out of hours, or today's limit reached) the form offers what `whenFull` says,
 * and says when the practice opens again and when the person will hear back.
 *
 * `capacityNow` and `replyByFor` are pure (Europe/London wall-clock times); the readers take the
 * repository they are given. Must not decide anything about a single request (submit-request.ts).
 */
import { parseSearchRequest, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { addDays, londonInstant, londonTime, minutesOf, workingDaysAfter, type LocalDay } from './london-time.ts';
import { CALL_BACK_CODE, MODALITY_SYSTEM, ONLINE_REQUEST_CAPACITY_EXTENSION, ONLINE_REQUEST_CODE, SCHEDULE_PURPOSE_SYSTEM, TASK_CODE_SYSTEM, WhenFull } from './request-vocabulary.ts';


/** One line of `availableTime`: the days (1 = Monday … 7 = Sunday) and the London times the form is open. */
export interface OnlineHours {
  days: readonly number[];
  /** minutes after midnight; 0 and 1440 when open all day */
  opens: number;
  closes: number;
}

export interface RequestCapacity {
  /** the HealthcareService it was read from, when there is one */
  healthcareService?: string;
  /** empty: open at all hours */
  hours: readonly OnlineHours[];
  /** requests a day before the form is full; absent: no limit */
  dailyLimit?: number;
  whenFull: WhenFull;
  /** working days to reply in */
  responseDays: number;
}

export type CapacityNow =
  | { open: true }
  | { open: false; reason: 'out-of-hours' | 'daily-limit'; offer: WhenFull; nextOpen: Date };

/** Without a setting: open at all hours, no limit, replies in 2 working days. */
export const DEFAULT_CAPACITY: RequestCapacity = Object.freeze({ hours: Object.freeze([]), whenFull: WhenFull.safeRouting, responseDays: 2 });
/** When the practice's closing time on the reply day is not known. */
const DEFAULT_CLOSING = 18 * 60 + 30;

const DAY_CODES: Readonly<Record<string, number>> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };
const WHEN_FULL: ReadonlySet<string> = new Set(Object.values(WhenFull));

interface AvailableTime {
  daysOfWeek?: string[];
  allDay?: boolean;
  availableStartTime?: string;
  availableEndTime?: string;
}
interface Extension {
  url?: string;
  valueInteger?: number;
  valueUnsignedInt?: number;
  valuePositiveInt?: number;
  valueCode?: string;
  extension?: Extension[];
}

/** The capacity a HealthcareService records. Pure. */
export function capacityOf(service: Resource): RequestCapacity {
  const times = Array.isArray(service.availableTime) ? (service.availableTime as AvailableTime[]) : [];
  const hours = times.flatMap((t): OnlineHours[] => {
    const days = (t.daysOfWeek ?? []).map((d) => DAY_CODES[d]).filter((d): d is number => d !== undefined);
    if (t.allDay === true) return [{ days, opens: 0, closes: 1440 }];
    const opens = minutesOf(t.availableStartTime);
    const closes = minutesOf(t.availableEndTime);
    return opens !== undefined && closes !== undefined && closes > opens ? [{ days, opens, closes }] : [];
  });
  const parts = ((service.extension as Extension[] | undefined) ?? []).find((e) => e.url === ONLINE_REQUEST_CAPACITY_EXTENSION)?.extension ?? [];
  const integer = (url: string): number | undefined => {
    const part = parts.find((p) => p.url === url);
    return part?.valueInteger ?? part?.valueUnsignedInt ?? part?.valuePositiveInt;
  };
  const whenFull = parts.find((p) => p.url === 'whenFull')?.valueCode;
  const dailyLimit = integer('dailyLimit');
  return {
    ...(service.id !== undefined ? { healthcareService: `HealthcareService/${service.id}` } : {}),
    hours,
    ...(dailyLimit !== undefined ? { dailyLimit } : {}),
    whenFull: whenFull !== undefined && WHEN_FULL.has(whenFull) ? (whenFull as WhenFull) : DEFAULT_CAPACITY.whenFull,
    responseDays: integer('responseDays') ?? DEFAULT_CAPACITY.responseDays,
  };
}

async function servicesOf(repository: Repository, organisationId: string): Promise<StoredResource[]> {
  const { matches } = await repository.search(
    parseSearchRequest('HealthcareService', [['organization', `Organization/${organisationId}`], ['active:not', 'false'], ['_count', '50']], { handling: 'strict' }),
  );
  return matches;
}

/** The practice's capacity setting: from its HealthcareService with the capacity extension; the defaults when it has none. */
export async function readCapacity(repository: Repository, organisationId: string): Promise<RequestCapacity> {
  const services = await servicesOf(repository, organisationId);
  const withSetting = services.find((s) => ((s.extension as Extension[] | undefined) ?? []).some((e) => e.url === ONLINE_REQUEST_CAPACITY_EXTENSION));
  return withSetting !== undefined ? capacityOf(withSetting) : DEFAULT_CAPACITY;
}

function openAt(capacity: RequestCapacity, day: LocalDay, minutes: number): boolean {
  return capacity.hours.length === 0 || capacity.hours.some((h) => h.days.includes(day.weekday) && minutes >= h.opens && minutes < h.closes);
}

/** The next time the form opens after `now`; with `notToday`, on a later day than today. */
function nextOpening(capacity: RequestCapacity, now: Date, notToday: boolean): Date {
  const today = londonTime(now);
  if (capacity.hours.length === 0) return londonInstant(addDays(today, 1), 0);
  for (let offset = notToday ? 1 : 0; offset <= 14; offset += 1) {
    const day = addDays(today, offset);
    const openings = capacity.hours
      .filter((h) => h.days.includes(day.weekday))
      .map((h) => londonInstant(day, h.opens))
      .filter((instant) => instant.getTime() > now.getTime())
      .sort((a, b) => a.getTime() - b.getTime());
    if (openings[0] !== undefined) return openings[0];
  }
  // hours with no days: it never opens; say tomorrow rather than never
  return londonInstant(addDays(today, 1), 0);
}

/** Whether the form is open now and, when it is not, why, what it offers instead and when it opens again. Pure. */
export function capacityNow(capacity: RequestCapacity, openedToday: number, now: Date): CapacityNow {
  const local = londonTime(now);
  if (!openAt(capacity, local, local.minutes)) {
    return { open: false, reason: 'out-of-hours', offer: capacity.whenFull, nextOpen: nextOpening(capacity, now, false) };
  }
  if (capacity.dailyLimit !== undefined && openedToday >= capacity.dailyLimit) {
    return { open: false, reason: 'daily-limit', offer: capacity.whenFull, nextOpen: nextOpening(capacity, now, true) };
  }
  return { open: true };
}

/** When the person will hear back: the practice's closing time `responseDays` working days after the day it picks the request up. Pure. */
export function replyByFor(capacity: RequestCapacity, state: CapacityNow, now: Date): Date {
  const start = londonTime(state.open ? now : state.nextOpen);
  const day = workingDaysAfter(start, capacity.responseDays);
  const closings = capacity.hours.filter((h) => h.days.includes(day.weekday) && h.closes < 1440).map((h) => h.closes);
  return londonInstant(day, closings.length > 0 ? Math.max(...closings) : DEFAULT_CLOSING);
}

const isoSeconds = (instant: Date): string => instant.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Online requests to the practice since midnight (London). The count is only as wide as the
 * repository: give it one that sees the practice's requests (its staff's, or the system's), not
 * the person's own.
 */
export async function countRequestsToday(repository: Repository, organisationId: string, now: Date): Promise<number> {
  const midnight = londonInstant(londonTime(now), 0);
  const common: [string, string][] = [['code', `${TASK_CODE_SYSTEM}|${ONLINE_REQUEST_CODE}`], ['authored-on', `ge${isoSeconds(midnight)}`], ['_total', 'accurate'], ['_count', '1']];
  const count = async (owner: [string, string]): Promise<number> =>
    (await repository.search(parseSearchRequest('Task', [...common, owner], { handling: 'strict' }))).total ?? 0;
  // owned by the practice, or already assigned to one of its staff
  return (await count(['owner', `Organization/${organisationId}`])) + (await count(['owner:PractitionerRole.organization', `Organization/${organisationId}`]));
}

const codesOf = (resource: Resource, element: string): { system?: string; code?: string }[] =>
  (Array.isArray(resource[element]) ? (resource[element] as { coding?: { system?: string; code?: string }[] }[]) : []).flatMap((c) => c.coding ?? []);

/** The practice's call-back Schedules: active, `serviceType` phone and `call-back`, for one of its services or staff. */
export async function callBackSchedules(repository: Repository, organisationId: string): Promise<StoredResource[]> {
  const services = await servicesOf(repository, organisationId);
  const base: [string, string][] = [['service-type', `${SCHEDULE_PURPOSE_SYSTEM}|${CALL_BACK_CODE}`], ['active:not', 'false'], ['_count', '100']];
  const searches: [string, string][][] = [[...base, ['actor:PractitionerRole.organization', `Organization/${organisationId}`]]];
  if (services.length > 0) searches.push([...base, ['actor', services.map((s) => `HealthcareService/${s.id}`).join(',')]]);
  const found = new Map<string, StoredResource>();
  for (const params of searches) {
    for (const schedule of (await repository.search(parseSearchRequest('Schedule', params, { handling: 'strict' }))).matches) found.set(schedule.id, schedule);
  }
  return [...found.values()].filter((s) => codesOf(s, 'serviceType').some((c) => c.system === MODALITY_SYSTEM && c.code === 'phone'));
}

/** Free Slots of the practice's call-back Schedules from now for `days` days, soonest first. */
export async function callBackSlots(repository: Repository, organisationId: string, now: Date, days = 7): Promise<StoredResource[]> {
  const schedules = await callBackSchedules(repository, organisationId);
  if (schedules.length === 0) return [];
  const until = new Date(now.getTime() + days * 86_400_000);
  const { matches } = await repository.search(
    parseSearchRequest(
      'Slot',
      [
        ['schedule', schedules.map((s) => `Schedule/${s.id}`).join(',')],
        ['status', 'free'],
        ['start', `gt${isoSeconds(now)}`],
        ['start', `lt${isoSeconds(until)}`],
        ['_sort', 'start'],
        ['_count', '100'],
      ],
      { handling: 'strict' },
    ),
  );
  return matches;
}
