/**
 * What the load and equity view needs to know about one online request, read from its FHIR `Task`
 * and the `Patient` it is for (decision 0013): the route it came by, its outcome, and the person's
 * age band at the request date, LSOA (for deprivation) and access needs.
 *
 * Pure: resources in, plain facts out; inputs are never changed. No record or reference access.
 */
import type { Resource } from '@kindred/fhir';
import { readAccessNeeds } from '../access-needs/access-needs.ts';

export const TASK_CODE_SYSTEM = 'https://kindred.health/fhir/CodeSystem/task-code';
export const ONLINE_REQUEST_CODE = 'online-request';
export const REQUEST_ROUTE_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/request-route';
export const LSOA_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/lsoa';
export const LSOA_SYSTEM = 'https://kindred.health/fhir/CodeSystem/lsoa-2021';

/** How a request reached the practice (decision 0013, extension request-route); `unrecorded` when the Task does not say. */
export const RequestRoute = { onlineSelf: 'online-self', onlineAssisted: 'online-assisted', phone: 'phone', inPerson: 'in-person', unrecorded: 'unrecorded' } as const;
export type RequestRoute = (typeof RequestRoute)[keyof typeof RequestRoute];
export const REQUEST_ROUTES: readonly RequestRoute[] = Object.values(RequestRoute);

/**
 * What came of a request: the triage outcome recorded in `Task.output`, or `open` while it is
 * still being dealt with, or `no-outcome` when it was finished (or cancelled) without one.
 */
export const RequestOutcome = { book: 'book', reply: 'reply', signPost: 'sign-post', refer: 'refer', close: 'close', open: 'open', noOutcome: 'no-outcome' } as const;
export type RequestOutcome = (typeof RequestOutcome)[keyof typeof RequestOutcome];
export const REQUEST_OUTCOMES: readonly RequestOutcome[] = Object.values(RequestOutcome);

/** Age at the request date, in the bands the view reports. */
export const AgeBand = { child: '0-17', young: '18-39', middle: '40-64', older: '65-79', oldest: '80+', unknown: 'unknown' } as const;
export type AgeBand = (typeof AgeBand)[keyof typeof AgeBand];
export const AGE_BANDS: readonly AgeBand[] = Object.values(AgeBand);

/** The access needs the view counts by; a person may have several, or `none`. */
export const AccessNeedGroup = {
  noInternet: 'no-internet',
  interpreter: 'interpreter',
  bsl: 'bsl',
  easyReadOrLargePrint: 'easy-read-or-large-print',
  hearingOrSightLoss: 'hearing-or-sight-loss',
  none: 'none',
  unknown: 'unknown',
} as const;
export type AccessNeedGroup = (typeof AccessNeedGroup)[keyof typeof AccessNeedGroup];
export const ACCESS_NEED_GROUPS: readonly AccessNeedGroup[] = Object.values(AccessNeedGroup);

export interface RequestFact {
  taskId: string;
  route: RequestRoute;
  outcome: RequestOutcome;
  ageBand: AgeBand;
  /** the 2021 LSOA of the person's address at the request date, when recorded */
  lsoaCode?: string;
  /** `unknown` alone when the person's record could not be read */
  needs: readonly AccessNeedGroup[];
}

/** Task statuses of a request still being dealt with (http://hl7.org/fhir/R4/valueset-task-status.html). */
const OPEN_STATUSES: ReadonlySet<string> = new Set(['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold']);
const OUTCOME_CODES: ReadonlySet<string> = new Set([RequestOutcome.book, RequestOutcome.reply, RequestOutcome.signPost, RequestOutcome.refer, RequestOutcome.close]);
const ROUTE_CODES: ReadonlySet<string> = new Set([RequestRoute.onlineSelf, RequestRoute.onlineAssisted, RequestRoute.phone, RequestRoute.inPerson]);

interface Coding {
  system?: string;
  code?: string;
}
interface Extension {
  url?: string;
  valueCode?: string;
  valueCoding?: Coding;
}
interface TaskOutput {
  type?: { coding?: Coding[]; text?: string };
  valueCode?: string;
  valueString?: string;
  valueCodeableConcept?: { coding?: Coding[] };
  valueCoding?: Coding;
}
interface Address {
  use?: string;
  period?: { start?: string; end?: string };
  extension?: Extension[];
}

const arrayOf = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

/** The route from the Task's request-route extension (valueCode, or valueCoding.code). */
export function routeOf(task: Resource): RequestRoute {
  const route = arrayOf<Extension>(task.extension).find((e) => e.url === REQUEST_ROUTE_EXTENSION);
  const code = route?.valueCode ?? route?.valueCoding?.code;
  return code !== undefined && ROUTE_CODES.has(code) ? (code as RequestRoute) : RequestRoute.unrecorded;
}

/**
 * The outcome from `Task.output` (http://hl7.org/fhir/R4/task-definitions.html#Task.output): the
 * first output whose value (a code, a Coding, a CodeableConcept or a string) or whose type is one of
 * book, reply, sign-post, refer or close.
 */
export function outcomeOf(task: Resource): RequestOutcome {
  for (const output of arrayOf<TaskOutput>(task.output)) {
    const candidates = [
      output.valueCode,
      output.valueString,
      output.valueCoding?.code,
      ...arrayOf<Coding>(output.valueCodeableConcept?.coding).map((c) => c.code),
      ...arrayOf<Coding>(output.type?.coding).map((c) => c.code),
    ];
    const found = candidates.find((code): code is string => code !== undefined && OUTCOME_CODES.has(code));
    if (found !== undefined) return found as RequestOutcome;
  }
  return typeof task.status === 'string' && OPEN_STATUSES.has(task.status) ? RequestOutcome.open : RequestOutcome.noOutcome;
}

/** Whole years from a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD) to the day `on` (YYYY-MM-DD); undefined when unreadable. */
export function ageOn(birthDate: unknown, on: string): number | undefined {
  if (typeof birthDate !== 'string') return undefined;
  const born = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(birthDate);
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(on);
  if (born === null || day === null) return undefined;
  // a partial birth date counts from the start of its year or month (the earliest the person can have been born)
  const [by, bm, bd] = [Number(born[1]), Number(born[2] ?? '1'), Number(born[3] ?? '1')];
  const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
  const age = y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
  return age >= 0 ? age : undefined;
}

export function ageBandOf(age: number | undefined): AgeBand {
  if (age === undefined) return AgeBand.unknown;
  if (age < 18) return AgeBand.child;
  if (age < 40) return AgeBand.young;
  if (age < 65) return AgeBand.middle;
  if (age < 80) return AgeBand.older;
  return AgeBand.oldest;
}

/**
 * The LSOA of the address the person lived at on `on` (decision 0013: Patient.address extension
 * lsoa): an address whose period covers the day, not marked `old`, home addresses first.
 */
export function lsoaOn(patient: Resource, on: string): string | undefined {
  const current = arrayOf<Address>(patient.address).filter(
    (a) => a.use !== 'old' && (a.period?.start === undefined || a.period.start.slice(0, 10) <= on) && (a.period?.end === undefined || a.period.end.slice(0, 10) >= on),
  );
  const ordered = [...current.filter((a) => a.use === 'home'), ...current.filter((a) => a.use !== 'home')];
  for (const address of ordered) {
    const coding = arrayOf<Extension>(address.extension).find((e) => e.url === LSOA_EXTENSION)?.valueCoding;
    if (coding?.code !== undefined && (coding.system === undefined || coding.system === LSOA_SYSTEM)) return coding.code;
  }
  return undefined;
}

/** The access need groups of a person, from their recorded profile (readAccessNeeds). */
export function accessNeedGroupsOf(patient: Resource): AccessNeedGroup[] {
  const needs = readAccessNeeds(patient);
  const groups: AccessNeedGroup[] = [
    ...(needs.noInternet ? [AccessNeedGroup.noInternet] : []),
    ...(needs.interpreterRequired ? [AccessNeedGroup.interpreter] : []),
    ...(needs.bsl ? [AccessNeedGroup.bsl] : []),
    ...(needs.easyRead || needs.largePrint ? [AccessNeedGroup.easyReadOrLargePrint] : []),
    ...(needs.hearingLoss || needs.sightLoss ? [AccessNeedGroup.hearingOrSightLoss] : []),
  ];
  return groups.length > 0 ? groups : [AccessNeedGroup.none];
}

/** The day of the request (Task.authoredOn, else when it was last changed), as YYYY-MM-DD. */
export function requestDay(task: Resource): string | undefined {
  const when = typeof task.authoredOn === 'string' ? task.authoredOn : (task.meta as { lastUpdated?: string } | undefined)?.lastUpdated;
  return when !== undefined && /^\d{4}-\d{2}-\d{2}/.test(when) ? when.slice(0, 10) : undefined;
}

/** The facts of one request; `patient` undefined when the person's record was not found or not readable. */
export function requestFactOf(task: Resource, patient: Resource | undefined): RequestFact {
  const day = requestDay(task);
  const lsoaCode = patient !== undefined && day !== undefined ? lsoaOn(patient, day) : undefined;
  return {
    taskId: task.id ?? '',
    route: routeOf(task),
    outcome: outcomeOf(task),
    ageBand: patient !== undefined && day !== undefined ? ageBandOf(ageOn(patient.birthDate, day)) : AgeBand.unknown,
    ...(lsoaCode !== undefined ? { lsoaCode } : {}),
    needs: patient !== undefined ? accessNeedGroupsOf(patient) : [AccessNeedGroup.unknown],
  };
}
