/**
 * The analysis sources measures are written over: each is a fixed SELECT over the built-in views'
 * tables in the analytics copy, adding what a measure needs but a view alone cannot say (the
 * person's practice when the event names no organisation, the modality actually used, times in
 * hours or minutes). Measures name a source and its columns; the SQL here is code, never data,
 * and the column lists are the whitelist every measure's column is checked against.
 */
import { viewTable } from '../warehouse/index.ts';
import { BuiltInView } from './built-in-views.ts';

export type SourceColumnKind = 'text' | 'number' | 'boolean' | 'timestamp';

export interface MeasureSource {
  name: string;
  description: string;
  columns: Readonly<Record<string, SourceColumnKind>>;
  /** the SELECT producing the source's rows (every source has `organisation` and `patient`) */
  sql: string;
}

/** A FHIR date-time kept as text, as a UTC TIMESTAMP (null when unreadable). */
export const utc = (expression: string): string => `timezone('UTC', TRY_CAST(CAST(${expression} AS VARCHAR) AS TIMESTAMPTZ))`;
/**
 * A view key (getResourceKey/getReferenceKey, SQL on FHIR v2 §"getResourceKey") as a reference:
 * the key format is the engine's choice, so a bare id gets its type in front.
 */
export const referenceOf = (type: string, key: string): string => `(CASE WHEN ${key} IS NULL THEN NULL WHEN contains(${key}, '/') THEN ${key} ELSE '${type}/' || ${key} END)`;
const orgRef = (key: string): string => referenceOf('Organization', key);
const personOrg = (p: string): string => orgRef(`coalesce(${p}.registered_organisation, ${p}.managing_organisation)`);
const hoursBetween = (from: string, to: string): string => `(date_diff('second', ${from}, ${to}) / 3600.0)`;

/** a view's table with its date-time columns read once, as `<column>_at` */
const timed = (view: string, columns: readonly string[]): string => `(SELECT *, ${columns.map((c) => `${utc(c)} AS ${c}_at`).join(', ')} FROM ${viewTable(view)})`;

const T = {
  appointment: timed(BuiltInView.appointment, ['start']),
  request: timed(BuiltInView.request, ['authored', 'first_response']),
  redFlagExit: timed(BuiltInView.redFlagExit, ['authored']),
  wardAlert: timed(BuiltInView.wardAlert, ['raised', 'closed']),
  careTeam: viewTable(BuiltInView.careTeam),
  person: viewTable(BuiltInView.person),
};

/** booked modality: the modality-given extension, the service type, or an imported record's contact modality */
const BOOKED_MODALITY = `coalesce(a.modality_given, a.modality_service_type, CASE a.modality_contact WHEN 'telephone' THEN 'phone' ELSE a.modality_contact END)`;
/** statuses of an appointment that happened (http://hl7.org/fhir/R4/valueset-appointmentstatus.html) */
const HAPPENED = `a.status IN ('fulfilled', 'arrived', 'checked-in')`;
/** still "booked" after its start: nobody recorded it as missed, so it counts as having happened */
const PAST_BOOKED = `(a.status = 'booked' AND a.start_at < timezone('UTC', now()))`;

const appointmentSql = `SELECT a.id AS id, a.patient AS patient,
  coalesce(${orgRef('a.organisation')}, ${personOrg('p')}) AS organisation,
  a.start_at AS start, a.status AS status,
  ${BOOKED_MODALITY} AS modality,
  coalesce(a.modality_used, ${BOOKED_MODALITY}) AS modality_used,
  a.modality_preferred AS modality_preferred,
  coalesce(a.modality_preferred = ${BOOKED_MODALITY}, false) AS modality_preferred_met,
  coalesce(a.did_not_attend, false) AS did_not_attend,
  (${HAPPENED} OR a.status = 'noshow' OR ${PAST_BOOKED}) AS due
FROM ${T.appointment} a LEFT JOIN ${T.person} p ON p.id = a.patient`;

/** video, phone or in person (face to face or a home visit) from a modality code */
const MODALITY_GROUP = (m: string): string =>
  `CASE WHEN ${m} = 'video' THEN 'video' WHEN ${m} = 'phone' THEN 'phone' WHEN ${m} IN ('face-to-face', 'home-visit') THEN 'in-person' ELSE NULL END`;

const consultationSql = `SELECT a.id AS id, a.patient AS patient,
  coalesce(${orgRef('a.organisation')}, ${personOrg('p')}) AS organisation,
  a.start_at AS date,
  ${MODALITY_GROUP(`coalesce(a.modality_used, ${BOOKED_MODALITY})`)} AS modality_group
FROM ${T.appointment} a LEFT JOIN ${T.person} p ON p.id = a.patient
WHERE ${HAPPENED} OR ${PAST_BOOKED}
UNION ALL
SELECT r.id AS id, r.patient AS patient,
  coalesce(${orgRef('r.organisation')}, ${personOrg('p')}) AS organisation,
  coalesce(r.first_response_at, r.authored_at) AS date,
  'online' AS modality_group
FROM ${T.request} r LEFT JOIN ${T.person} p ON p.id = r.patient
WHERE r.triage_outcome = 'reply'`;

const requestSql = `SELECT r.id AS id, r.patient AS patient,
  coalesce(${orgRef('r.organisation')}, ${personOrg('p')}) AS organisation,
  r.authored_at AS authored, r.status AS status,
  coalesce(r.route, 'unrecorded') AS route, r.category AS category, r.priority AS priority,
  r.triage_outcome AS triage_outcome,
  r.first_response_at AS first_response,
  ${hoursBetween('r.authored_at', 'r.first_response_at')} AS hours_to_first_response
FROM ${T.request} r LEFT JOIN ${T.person} p ON p.id = r.patient`;

const redFlagSql = `SELECT x.id AS id, x.patient AS patient, ${personOrg('p')} AS organisation,
  x.authored_at AS authored, x.advice AS advice
FROM ${T.redFlagExit} x LEFT JOIN ${T.person} p ON p.id = x.patient`;

const wardAlertSql = `SELECT w.id AS id, w.patient AS patient, ${referenceOf('CareTeam', 'w.ward')} AS ward,
  coalesce(${orgRef('ct.organisation')}, ${personOrg('p')}) AS organisation,
  w.raised_at AS raised, w.closed_at AS closed, w.status AS status,
  (${hoursBetween('w.raised_at', 'w.closed_at')} * 60) AS minutes_to_close
FROM ${T.wardAlert} w LEFT JOIN ${T.careTeam} ct ON ct.id = w.ward LEFT JOIN ${T.person} p ON p.id = w.patient`;

const SOURCES: readonly MeasureSource[] = [
  {
    name: 'appointment',
    description: 'Appointments, with the modality booked and used and whether the person came.',
    columns: { id: 'text', patient: 'text', organisation: 'text', start: 'timestamp', status: 'text', modality: 'text', modality_used: 'text', modality_preferred: 'text', modality_preferred_met: 'boolean', did_not_attend: 'boolean', due: 'boolean' },
    sql: appointmentSql,
  },
  {
    name: 'consultation',
    description: 'Consultations: appointments that happened (by the modality used) and online requests answered with a reply (online).',
    columns: { id: 'text', patient: 'text', organisation: 'text', date: 'timestamp', modality_group: 'text' },
    sql: consultationSql,
  },
  {
    name: 'request',
    description: 'Online requests with their route, outcome and time to the first response.',
    columns: { id: 'text', patient: 'text', organisation: 'text', authored: 'timestamp', status: 'text', route: 'text', category: 'text', priority: 'text', triage_outcome: 'text', first_response: 'timestamp', hours_to_first_response: 'number' },
    sql: requestSql,
  },
  {
    name: 'red_flag_exit',
    description: 'Online request forms stopped by a red-flag answer.',
    columns: { id: 'text', patient: 'text', organisation: 'text', authored: 'timestamp', advice: 'text' },
    sql: redFlagSql,
  },
  {
    name: 'ward_alert',
    description: 'Virtual ward alerts with the time from the red reading to the ward closing the alert.',
    columns: { id: 'text', patient: 'text', ward: 'text', organisation: 'text', raised: 'timestamp', closed: 'timestamp', status: 'text', minutes_to_close: 'number' },
    sql: wardAlertSql,
  },
];

export const MEASURE_SOURCES: ReadonlyMap<string, MeasureSource> = new Map(SOURCES.map((s) => [s.name, s]));

export function sourceByName(name: string): MeasureSource | undefined {
  return MEASURE_SOURCES.get(name);
}

/** The person table, for the strata join. */
export const PERSON_TABLE = T.person;
export const CARER_TABLE = viewTable(BuiltInView.carer);
export const ORGANISATION_TABLE = viewTable(BuiltInView.organisation);
