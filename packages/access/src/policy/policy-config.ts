/**
 * The access policy as data: who may read and write which resource types, which security labels
 * are sensitive, what a carer's consent actions allow. Kindred ships `access-policy.json`; an area
 * may load its own (same shape, checked here at start, so a bad policy stops start-up and says
 * what is wrong rather than letting people see the wrong things).
 *
 * This module only loads and checks the policy. It must not decide a request (rules.ts does).
 */
import { readFileSync } from 'node:fs';
import { isPlainObject, isResourceType } from '@kindred/fhir';
import { CarerAction } from './vocabulary.ts';

export interface Coding {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
}

export interface StaffRolePolicy {
  readonly description: string;
  /** the record types this role may read of people its organisation cares for: '*' for all */
  readonly read: '*' | readonly string[];
  readonly write: '*' | readonly string[];
  /** reference types (not about one person) this role may write, e.g. Slot */
  readonly writeReference: readonly string[];
  /** whether the role sees sensitive labels where its organisation is directly responsible */
  readonly seesSensitive: boolean;
  readonly breakGlass: boolean;
  readonly reviewsBreakGlass: boolean;
  /** a volunteer: sees only the tasks offered to them, not the records of the organisation's people */
  readonly volunteer: boolean;
}

export interface CarerActionPolicy {
  readonly read: boolean;
  readonly write: readonly string[];
}

/** Tasks about the service rather than a person (the innovation log): the codes that mark them. */
export interface ImprovementTaskPolicy {
  readonly system: string;
  readonly codes: readonly string[];
}

export interface AccessPolicy {
  readonly version: string;
  readonly description: string;
  readonly sensitiveLabels: readonly Coding[];
  readonly hiddenFromPersonLabels: readonly Coding[];
  readonly referenceTypes: ReadonlySet<string>;
  /** types outside the R4 Patient compartment that still name a person, with the parameters that do */
  readonly patientLinks: Readonly<Record<string, readonly string[]>>;
  readonly taskOpenStatuses: readonly string[];
  /** absent: no improvement Tasks beyond what the other rules give */
  readonly improvementTasks?: ImprovementTaskPolicy;
  readonly roles: Readonly<Record<string, StaffRolePolicy>>;
  readonly volunteerPatientElements: readonly string[];
  readonly patientWrite: ReadonlySet<string>;
  readonly carerActions: Readonly<Record<CarerAction, CarerActionPolicy>>;
}

class PolicyError extends Error {}

function fail(where: string, problem: string): never {
  throw new PolicyError(`The access policy is not valid: ${where} ${problem}`);
}

function types(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) fail(where, 'must be a list of FHIR resource types.');
  return value.map((t, i) => {
    if (typeof t !== 'string' || !isResourceType(t)) fail(`${where}[${i}]`, `"${String(t)}" is not a FHIR R4 resource type.`);
    return t;
  });
}

function typesOrAll(value: unknown, where: string): '*' | string[] {
  return value === '*' ? '*' : types(value, where);
}

function codings(value: unknown, where: string): Coding[] {
  if (!Array.isArray(value)) fail(where, 'must be a list of codings.');
  return value.map((c, i) => {
    if (!isPlainObject(c) || typeof c.system !== 'string' || typeof c.code !== 'string') fail(`${where}[${i}]`, 'needs a system and a code.');
    return Object.freeze({ system: c.system, code: c.code, ...(typeof c.display === 'string' ? { display: c.display } : {}) });
  });
}

function bool(value: unknown, where: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(where, 'must be true or false.');
  return value;
}

function role(value: unknown, where: string): StaffRolePolicy {
  if (!isPlainObject(value)) fail(where, 'must be an object.');
  return Object.freeze({
    description: typeof value.description === 'string' ? value.description : '',
    read: typesOrAll(value.read, `${where}.read`),
    write: typesOrAll(value.write, `${where}.write`),
    writeReference: types(value.writeReference ?? [], `${where}.writeReference`),
    seesSensitive: bool(value.seesSensitive, `${where}.seesSensitive`, false),
    breakGlass: bool(value.breakGlass, `${where}.breakGlass`, false),
    reviewsBreakGlass: bool(value.reviewsBreakGlass, `${where}.reviewsBreakGlass`, false),
    volunteer: bool(value.volunteer, `${where}.volunteer`, false),
  });
}

function improvementTasks(value: unknown): ImprovementTaskPolicy | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value) || typeof value.system !== 'string' || value.system === '') fail('"improvementTasks"', 'needs a code system ("system").');
  const codes = value.codes;
  if (!Array.isArray(codes) || codes.length === 0 || !codes.every((c) => typeof c === 'string' && c !== '')) fail('"improvementTasks.codes"', 'must be a non-empty list of Task codes.');
  return Object.freeze({ system: value.system, codes: Object.freeze([...(codes as string[])]) });
}

/** Checks a parsed policy document and returns it frozen; throws naming the first problem. */
export function accessPolicyFrom(document: unknown): AccessPolicy {
  if (!isPlainObject(document)) fail('the document', 'must be a JSON object.');
  if (typeof document.version !== 'string' || document.version === '') fail('"version"', 'must be a non-empty string (the policy is versioned).');
  if (!isPlainObject(document.roles)) fail('"roles"', 'must be an object of role code → role.');
  const roles = Object.fromEntries(Object.entries(document.roles).map(([code, r]) => [code, role(r, `roles.${code}`)]));
  const links = isPlainObject(document.patientLinks) ? document.patientLinks : {};
  const patientLinks = Object.fromEntries(
    Object.entries(links).map(([type, codes]) => {
      if (!isResourceType(type)) fail(`patientLinks.${type}`, 'is not a FHIR R4 resource type.');
      if (!Array.isArray(codes) || !codes.every((c) => typeof c === 'string')) fail(`patientLinks.${type}`, 'must be a list of search parameter codes.');
      return [type, Object.freeze([...(codes)])];
    }),
  );
  const patient = isPlainObject(document.patient) ? document.patient : {};
  if (!isPlainObject(document.carerActions)) fail('"carerActions"', 'must be an object.');
  const carerActions = Object.fromEntries(
    Object.values(CarerAction).map((action) => {
      const a = (document.carerActions as Record<string, unknown>)[action];
      if (!isPlainObject(a)) fail(`carerActions.${action}`, 'is missing.');
      return [action, Object.freeze({ read: bool(a.read, `carerActions.${action}.read`, false), write: types(a.write ?? [], `carerActions.${action}.write`) })];
    }),
  ) as unknown as Record<CarerAction, CarerActionPolicy>;
  const elements = document.volunteerPatientElements ?? [];
  if (!Array.isArray(elements) || !elements.every((e) => typeof e === 'string')) fail('"volunteerPatientElements"', 'must be a list of element names.');
  const statuses = document.taskOpenStatuses ?? [];
  if (!Array.isArray(statuses) || !statuses.every((e) => typeof e === 'string')) fail('"taskOpenStatuses"', 'must be a list of Task status codes.');
  const improvement = improvementTasks(document.improvementTasks);
  return Object.freeze({
    version: document.version,
    description: typeof document.description === 'string' ? document.description : '',
    sensitiveLabels: codings(document.sensitiveLabels ?? [], 'sensitiveLabels'),
    hiddenFromPersonLabels: codings(document.hiddenFromPersonLabels ?? [], 'hiddenFromPersonLabels'),
    referenceTypes: new Set(types(document.referenceTypes ?? [], 'referenceTypes')),
    patientLinks: Object.freeze(patientLinks),
    taskOpenStatuses: Object.freeze([...(statuses)]),
    ...(improvement !== undefined ? { improvementTasks: improvement } : {}),
    roles: Object.freeze(roles),
    volunteerPatientElements: Object.freeze([...(elements)]),
    patientWrite: new Set(types(patient.write ?? [], 'patient.write')),
    carerActions: Object.freeze(carerActions),
  });
}

/** Kindred's default policy, shipped beside this module. */
export function defaultAccessPolicy(): AccessPolicy {
  return loadAccessPolicy(new URL('./access-policy.json', import.meta.url));
}

/** A policy file; throws saying what is wrong with it. */
export function loadAccessPolicy(file: string | URL): AccessPolicy {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new PolicyError(`The access policy ${String(file)} could not be read as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return accessPolicyFrom(document);
}
