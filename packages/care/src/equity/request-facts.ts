/**
 * What the load and equity view needs to know about one online request, read from its FHIR `Task`
 * and the `Patient` it is for (decision 0013): the route it came by, its outcome, and the person's
 * age band at the request date, LSOA (for deprivation) and access needs.
 *
 * Pure: resources in, plain facts out; inputs are never changed. No record or reference access.
 */
import type { Resource } from '@kindred/fhir';
import { readAccessNeeds } from '../access-needs/access-needs.ts';
import { REQUEST_ROUTE_EXTENSION, TRIAGE_OUTCOME_SYSTEM } from '../triage/triage-vocabulary.ts';

export const LSOA_EXTENSION = 'https://kindred.health/fhir/StructureDefinition/lsoa';
export const LSOA_SYSTEM = 'https://kindred.health/fhir/CodeSystem/lsoa-2021';

/** How a request reached the practice (decision 0013, extension request-route); `unrecorded` when the Task does not say. */
export const EquityRoute = { onlineSelf: 'online-self', onlineAssisted: 'online-assisted', phone: 'phone', inPerson: 'in-person', unrecorded: 'unrecorded' } as const;
export type EquityRoute = (typeof EquityRoute)[keyof typeof EquityRoute];
export const EQUITY_ROUTES: readonly EquityRoute[] = Object.values(EquityRoute);

/**
 * What came of a request: the triage outcome recorded in `Task.output`, or `open` while it is
 * still being dealt with, or `no-outcome` when it was finished (or cancelled) without one.
 */
export const EquityOutcome = { book: 'book', reply: 'reply', signPost: 'sign-post', refer: 'refer', close: 'close', open: 'open', noOutcome: 'no-outcome' } as const;
export type EquityOutcome = (typeof EquityOutcome)[keyof typeof EquityOutcome];
export const EQUITY_OUTCOMES: readonly EquityOutcome[] = Object.values(EquityOutcome);

/** Age at the request date, in the bands the view reports. */
export const EquityAgeBand = { child: '0-17', young: '18-39', middle: '40-64', older: '65-79', oldest: '80+', unknown: 'unknown' } as const;
export type EquityAgeBand = (typeof EquityAgeBand)[keyof typeof EquityAgeBand];
export const EQUITY_AGE_BANDS: readonly EquityAgeBand[] = Object.values(EquityAgeBand);

/** The access needs the view counts by; a person may have several, or `none`. */
export const EquityNeedGroup = {
  noInternet: 'no-internet',
  interpreter: 'interpreter',
  bsl: 'bsl',
  easyReadOrLargePrint: 'easy-read-or-large-print',
  hearingOrSightLoss: 'hearing-or-sight-loss',
  none: 'none',
  unknown: 'unknown',
} as const;
export type EquityNeedGroup = (typeof EquityNeedGroup)[keyof typeof EquityNeedGroup];
export const EQUITY_NEED_GROUPS: readonly EquityNeedGroup[] = Object.values(EquityNeedGroup);

export interface RequestFact {
  taskId: string;
  route: EquityRoute;
  outcome: EquityOutcome;
  ageBand: EquityAgeBand;
  /** the 2021 LSOA of the person's address at the request date, when recorded */
  lsoaCode?: string;
  /** `unknown` alone when the person's record could not be read */
  needs: readonly EquityNeedGroup[];
}

/** Task statuses of a request still being dealt with (http://hl7.org/fhir/R4/valueset-task-status.html). */
const OPEN_STATUSES: ReadonlySet<string> = new Set(['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold']);
const OUTCOME_CODES: ReadonlySet<string> = new Set([EquityOutcome.book, EquityOutcome.reply, EquityOutcome.signPost, EquityOutcome.refer, EquityOutcome.close]);
const ROUTE_CODES: ReadonlySet<string> = new Set([EquityRoute.onlineSelf, EquityRoute.onlineAssisted, EquityRoute.phone, EquityRoute.inPerson]);

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
export function routeOf(task: Resource): EquityRoute {
  const route = arrayOf<Extension>(task.extension).find((e) => e.url === REQUEST_ROUTE_EXTENSION);
  const code = route?.valueCode ?? route?.valueCoding?.code;
  return code !== undefined && ROUTE_CODES.has(code) ? (code as EquityRoute) : EquityRoute.unrecorded;
}

/**
 * The outcome from `Task.output` (http://hl7.org/fhir/R4/task-definitions.html#Task.output): the
 * output typed with a triage-outcome code (as recordOutcome writes it), else the first output whose
 * coded value or type is one of book, reply, sign-post, refer or close.
 */
export function outcomeOf(task: Resource): EquityOutcome {
  const outputs = arrayOf<TaskOutput>(task.output);
  const isOutcome = (code: string | undefined): code is EquityOutcome => code !== undefined && OUTCOME_CODES.has(code);
  const triage = outputs.flatMap((o) => arrayOf<Coding>(o.type?.coding)).find((c) => c.system === TRIAGE_OUTCOME_SYSTEM && isOutcome(c.code));
  if (triage?.code !== undefined) return triage.code as EquityOutcome;
  for (const output of outputs) {
    const candidates = [
      output.valueCode,
      output.valueCoding?.code,
      ...arrayOf<Coding>(output.valueCodeableConcept?.coding).map((c) => c.code),
      ...arrayOf<Coding>(output.type?.coding).map((c) => c.code),
    ];
    const found = candidates.find(isOutcome);
    if (found !== undefined) return found;
  }
  return typeof task.status === 'string' && OPEN_STATUSES.has(task.status) ? EquityOutcome.open : EquityOutcome.noOutcome;
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

export function ageBandOf(age: number | undefined): EquityAgeBand {
  if (age === undefined) return EquityAgeBand.unknown;
  if (age < 18) return EquityAgeBand.child;
  if (age < 40) return EquityAgeBand.young;
  if (age < 65) return EquityAgeBand.middle;
  if (age < 80) return EquityAgeBand.older;
  return EquityAgeBand.oldest;
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
export function accessNeedGroupsOf(patient: Resource): EquityNeedGroup[] {
  const needs = readAccessNeeds(patient);
  const groups: EquityNeedGroup[] = [
    ...(needs.noInternet ? [EquityNeedGroup.noInternet] : []),
    ...(needs.interpreterRequired ? [EquityNeedGroup.interpreter] : []),
    ...(needs.bsl ? [EquityNeedGroup.bsl] : []),
    ...(needs.easyRead || needs.largePrint ? [EquityNeedGroup.easyReadOrLargePrint] : []),
    ...(needs.hearingLoss || needs.sightLoss ? [EquityNeedGroup.hearingOrSightLoss] : []),
  ];
  return groups.length > 0 ? groups : [EquityNeedGroup.none];
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
    ageBand: patient !== undefined && day !== undefined ? ageBandOf(ageOn(patient.birthDate, day)) : EquityAgeBand.unknown,
    ...(lsoaCode !== undefined ? { lsoaCode } : {}),
    needs: patient !== undefined ? accessNeedGroupsOf(patient) : [EquityNeedGroup.unknown],
  };
}
