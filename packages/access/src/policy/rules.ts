/**
 * The access policy's decisions, as search filters: for a principal and a resource type, which
 * resources they may read (a SearchRestriction the store applies to every match, count, include,
 * chain and `_has`), and what a write must satisfy.
 *
 * - Staff see the records of people their organisation is caring for. Directly responsible
 *   ("full"): registered with it (Patient.generalPractitioner or managingOrganization) or under an
 *   open EpisodeOfCare it manages, or opened by the clinician's own break-glass. Involved
 *   ("shared"): on an active CareTeam, an active referral (ServiceRequest) or an open Task that
 *   includes the organisation or the person, or an active Consent that names them. Sensitive
 *   labels are seen only where directly responsible and the role allows, or where a consent to
 *   the organisation permits that label (Consent.provision.securityLabel).
 * - A volunteer sees the tasks offered to them, the people those open tasks are for (contact
 *   details only, see project.ts) and their own messages.
 * - Improvement Tasks (ideas and plan-do-study-act cycles, policy.improvementTasks) name no person
 *   and hold no personal data: every member of staff except volunteers may read, create and
 *   update them, whatever their role's types; nobody else may.
 * - A person sees their own record (less labels hidden from the person, e.g. safeguarding); a
 *   carer sees and does for a person what an active Consent naming them allows, until it ends.
 *
 * Pure functions of the policy, the principal and the time; nothing here reads the database.
 */
import type { SearchFilter } from '@kindred/fhir';
import type { AccessPolicy, Coding, StaffRolePolicy } from './policy-config.ts';
import type { Principal, StaffRole } from './principal.ts';
import {
  aboutPatient,
  all,
  any,
  coversNow,
  hasCode,
  idIs,
  inSystem,
  paramKey,
  personLinks,
  referredToBy,
  refersTo,
  refersToMatching,
  withoutLabel,
} from './filters.ts';
import { BREAK_GLASS_REVIEW, BREAK_GLASS_SYSTEM, CARER_ACTION_SYSTEM, CarerAction, REVIEW_TASK_SYSTEM } from './vocabulary.ts';

/** undefined: unrestricted; 'none': the type is hidden; else the filter every resource must satisfy. */
export type Restriction = SearchFilter | 'none' | undefined;

/** A role of a member of staff, with what the policy says of its code. */
export interface HeldRole {
  readonly role: StaffRole;
  readonly policy: StaffRolePolicy;
  /** the references that name this role holder: the organisation, the role, the practitioner */
  readonly refs: readonly string[];
  readonly organisationRefs: readonly string[];
  readonly personRefs: readonly string[];
}

export function heldRoles(principal: Extract<Principal, { kind: 'staff' }>, policy: AccessPolicy): HeldRole[] {
  return principal.roles.flatMap((role) =>
    role.codes.flatMap((code) => {
      const rolePolicy = policy.roles[code];
      if (!rolePolicy) return [];
      const organisationRefs = role.organization ? [role.organization] : [];
      const personRefs = [`PractitionerRole/${role.id}`, `Practitioner/${principal.practitioner}`];
      return [{ role, policy: rolePolicy, refs: [...organisationRefs, ...personRefs], organisationRefs, personRefs }];
    }),
  );
}

function allowsType(list: '*' | readonly string[], type: string): boolean {
  return list === '*' || list.includes(type);
}

// ---- the relationships, as filters on Patient ----

/** Patients the role's organisation is directly responsible for, or opened by this clinician's break-glass. */
export function directlyResponsible(held: HeldRole, now: number): SearchFilter {
  const parts: SearchFilter[] = [refersTo('Patient', 'general-practitioner', held.refs)];
  if (held.organisationRefs.length > 0) {
    parts.push(
      refersTo('Patient', 'organization', held.organisationRefs),
      referredToBy('EpisodeOfCare', 'patient', all([refersTo('EpisodeOfCare', 'organization', held.organisationRefs), hasCode('EpisodeOfCare', 'status', ['active'])])),
    );
  }
  if (held.policy.breakGlass) parts.push(referredToBy('Flag', 'patient', breakGlassBy(held.personRefs, now)));
  return any(parts);
}

/** An active break-glass Flag opened by one of `authors`. */
export function breakGlassBy(authors: readonly string[], now: number): SearchFilter {
  return all([inSystem('Flag', 'identifier', BREAK_GLASS_SYSTEM), refersTo('Flag', 'author', authors), coversNow('Flag', 'date', now)]);
}

function activeConsentTo(actors: readonly string[], now: number, extra: readonly SearchFilter[] = []): SearchFilter {
  return all([refersTo('Consent', 'actor', actors), hasCode('Consent', 'status', ['active']), coversNow('Consent', 'period', now), ...extra]);
}

/** Patients whose care involves the role's organisation or person, short of direct responsibility. */
export function involved(held: HeldRole, policy: AccessPolicy, now: number): SearchFilter {
  return any([
    referredToBy('CareTeam', 'patient', all([refersTo('CareTeam', 'participant', held.refs), hasCode('CareTeam', 'status', ['active'])])),
    referredToBy(
      'ServiceRequest',
      'patient',
      all([any([refersTo('ServiceRequest', 'performer', held.refs), refersTo('ServiceRequest', 'requester', held.refs)]), hasCode('ServiceRequest', 'status', ['active'])]),
    ),
    referredToBy(
      'Task',
      'patient',
      all([
        any([refersTo('Task', 'owner', held.refs), refersTo('Task', 'requester', held.refs)]),
        hasCode('Task', 'status', policy.taskOpenStatuses),
        // a break-glass review is about the access, not care: it must not open the record to the organisation
        { kind: 'token', param: paramKey('Task', 'code'), modifier: 'not', values: [{ system: REVIEW_TASK_SYSTEM, code: BREAK_GLASS_REVIEW }] },
      ]),
    ),
    referredToBy('Consent', 'patient', activeConsentTo(held.refs, now)),
  ]);
}

/** Patients with an active consent to the role's organisation or person that permits `label`. */
function consentPermitting(held: HeldRole, label: Coding, now: number): SearchFilter {
  return referredToBy('Consent', 'patient', activeConsentTo(held.refs, now, [hasCode('Consent', 'security-label', [label.code], label.system)]));
}

/** Patients whose open tasks are offered to this volunteer. */
export function volunteerPatients(held: HeldRole, policy: AccessPolicy): SearchFilter {
  return referredToBy('Task', 'patient', all([refersTo('Task', 'owner', held.personRefs), hasCode('Task', 'status', policy.taskOpenStatuses)]));
}

/** Patients who gave this carer an active consent to `action`. */
export function consentingToCarer(relatedPerson: string, action: CarerAction, now: number): SearchFilter {
  return referredToBy('Consent', 'patient', activeConsentTo([`RelatedPerson/${relatedPerson}`], now, [hasCode('Consent', 'action', [action], CARER_ACTION_SYSTEM)]));
}

// ---- improvement Tasks (the innovation log) ----

/** A Task with one of the policy's improvement codes that names nobody (Task.for absent); undefined when the policy has none. */
export function improvementTasks(policy: AccessPolicy): SearchFilter | undefined {
  const improvement = policy.improvementTasks;
  if (improvement === undefined) return undefined;
  return all([hasCode('Task', 'code', improvement.codes, improvement.system), { kind: 'missing', param: paramKey('Task', 'subject'), missing: true }]);
}

/** Any Task but an improvement Task: the other write grants leave those to their own grant (which never deletes). */
function notImprovementTask(policy: AccessPolicy): SearchFilter | undefined {
  const improvement = policy.improvementTasks;
  if (improvement === undefined) return undefined;
  return any([
    { kind: 'token', param: paramKey('Task', 'code'), modifier: 'not', values: improvement.codes.map((code) => ({ system: improvement.system, code })) },
    { kind: 'missing', param: paramKey('Task', 'subject'), missing: false },
  ]);
}

function isImprovementContent(policy: AccessPolicy, resource: Record<string, unknown>): boolean {
  const improvement = policy.improvementTasks;
  const codings = (resource.code as { coding?: { system?: unknown; code?: unknown }[] } | undefined)?.coding ?? [];
  return improvement !== undefined && codings.some((c) => c.system === improvement.system && typeof c.code === 'string' && improvement.codes.includes(c.code));
}

/** What staff other than volunteers may do with improvement Tasks: create them and change them, never about a person, never delete. */
function improvementWrite(held: HeldRole, type: string, policy: AccessPolicy): WriteGrant[] {
  const current = improvementTasks(policy);
  if (type !== 'Task' || held.policy.volunteer || current === undefined) return [];
  const aboutNobody = (r: Record<string, unknown>): string | undefined =>
    r.for === undefined ? undefined : 'an improvement idea or cycle is about the service, not a person: it must not name anyone in "for"';
  return [{ appliesTo: 'both', mayDelete: false, current, needsPatient: false, only: (r) => isImprovementContent(policy, r), check: aboutNobody }];
}

// ---- reading ----

function withoutLabels(type: string, labels: readonly Coding[]): SearchFilter[] {
  return labels.map((label) => withoutLabel(type, label));
}

function staffRead(held: HeldRole, type: string, policy: AccessPolicy, now: number): SearchFilter | undefined {
  const links = personLinks(type, policy.patientLinks);
  if (held.policy.volunteer) return volunteerRead(held, type, policy);
  const ideas = type === 'Task' ? improvementTasks(policy) : undefined;
  if (!allowsType(held.policy.read, type)) return ideas;
  const extra: SearchFilter[] = [];
  if (ideas !== undefined) extra.push(ideas);
  if (type === 'Task') {
    extra.push(refersTo('Task', 'owner', held.refs), refersTo('Task', 'requester', held.refs));
    // the organisation's work: a task assigned to a colleague at one's own organisation (a triage inbox)
    if (held.organisationRefs.length > 0) extra.push(refersToMatching('Task', 'owner', 'PractitionerRole', refersTo('PractitionerRole', 'organization', held.organisationRefs)));
  }
  // a team the staff member or their organisation belongs to, even one that names no patient (a virtual ward, decision 0016)
  if (type === 'CareTeam') extra.push(refersTo('CareTeam', 'participant', held.refs));
  if (type === 'Flag' && held.policy.reviewsBreakGlass && held.organisationRefs.length > 0) {
    extra.push(all([inSystem('Flag', 'identifier', BREAK_GLASS_SYSTEM), refersToMatching('Flag', 'author', 'PractitionerRole', refersTo('PractitionerRole', 'organization', held.organisationRefs))]));
  }
  if (links.length === 0 && type !== 'Patient') return extra.length > 0 ? any(extra) : undefined;
  const full = directlyResponsible(held, now);
  const shared = involved(held, policy, now);
  const sensitiveOk = (label: Coding): SearchFilter => any([withoutLabel(type, label), aboutPatient(type, links, consentPermitting(held, label, now))]);
  const record = held.policy.seesSensitive
    ? any([aboutPatient(type, links, full), all([aboutPatient(type, links, shared), ...policy.sensitiveLabels.map(sensitiveOk)])])
    : all([aboutPatient(type, links, any([full, shared])), ...withoutLabels(type, policy.sensitiveLabels)]);
  return extra.length > 0 ? any([record, ...extra]) : record;
}

function volunteerRead(held: HeldRole, type: string, policy: AccessPolicy): SearchFilter | undefined {
  if (!allowsType(held.policy.read, type)) return undefined;
  switch (type) {
    case 'Task':
      // the tasks offered to them, and the requests they made for someone (to follow them up)
      return any([refersTo('Task', 'owner', held.personRefs), refersTo('Task', 'requester', held.personRefs)]);
    case 'QuestionnaireResponse':
      // only the forms they filled in themselves for someone
      return refersTo('QuestionnaireResponse', 'author', held.personRefs);
    case 'Patient':
      return all([volunteerPatients(held, policy), ...withoutLabels('Patient', policy.sensitiveLabels)]);
    case 'Communication':
      return any([refersTo('Communication', 'sender', held.personRefs), refersTo('Communication', 'recipient', held.personRefs)]);
    default:
      return undefined;
  }
}

function personRead(patient: string, type: string, policy: AccessPolicy): Restriction {
  const links = personLinks(type, policy.patientLinks);
  if (links.length === 0 && type !== 'Patient') return 'none';
  return all([aboutPatient(type, links, idIs([patient])), ...withoutLabels(type, policy.hiddenFromPersonLabels)]);
}

function carerRead(relatedPerson: string, type: string, policy: AccessPolicy, now: number): Restriction {
  const links = personLinks(type, policy.patientLinks);
  const viewing = consentingToCarer(relatedPerson, CarerAction.viewRecord, now);
  const own: SearchFilter[] = [];
  if (type === 'RelatedPerson') own.push(idIs([relatedPerson]));
  if (type === 'Consent') own.push(refersTo('Consent', 'actor', [`RelatedPerson/${relatedPerson}`]));
  if (links.length === 0 && type !== 'Patient') return 'none';
  const record = all([aboutPatient(type, links, viewing), ...withoutLabels(type, policy.sensitiveLabels), ...withoutLabels(type, policy.hiddenFromPersonLabels)]);
  return own.length > 0 ? any([...own, record]) : record;
}

/** What `principal` may read of `type`. */
export function readRestriction(principal: Principal, type: string, policy: AccessPolicy, now: number): Restriction {
  switch (principal.kind) {
    case 'system':
      return undefined;
    case 'nobody':
      return 'none';
    case 'patient':
      return policy.referenceTypes.has(type) ? undefined : personRead(principal.patient, type, policy);
    case 'carer':
      return policy.referenceTypes.has(type) ? undefined : carerRead(principal.relatedPerson, type, policy, now);
    case 'staff': {
      const held = heldRoles(principal, policy);
      if (held.length === 0) return 'none';
      if (policy.referenceTypes.has(type)) return undefined;
      const parts = held.map((h) => staffRead(h, type, policy, now)).filter((f): f is SearchFilter => f !== undefined);
      return parts.length === 0 ? 'none' : any(parts);
    }
  }
}

// ---- writing ----

/**
 * One way a write may be allowed. A write passes when one of its grants passes: the version it
 * replaces (if any) satisfies `current`, every patient the new version is about satisfies
 * `patients`, and `check` finds nothing wrong with the new content.
 */
export interface WriteGrant {
  /** 'create': only when there is no current version; 'change': only of a current version (update, delete) */
  readonly appliesTo: 'create' | 'change' | 'both';
  /** whether the grant lets the holder delete what `current` allows */
  readonly mayDelete: boolean;
  /** undefined: any current version */
  readonly current?: SearchFilter;
  /** undefined: any patients (or none) */
  readonly patients?: SearchFilter;
  /** the new content must name at least one patient (a record entry about nobody is refused) */
  readonly needsPatient: boolean;
  /** a reason to refuse the new content, or undefined */
  readonly check?: (resource: Record<string, unknown>) => string | undefined;
  /** the grant is only for content like this (a delete has none): other content is judged by the other grants alone */
  readonly only?: (resource: Record<string, unknown>) => boolean;
}

export type WriteRule = 'unrestricted' | readonly WriteGrant[];

function references(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(references);
  const ref = (value as { reference?: unknown } | undefined)?.reference;
  return typeof ref === 'string' ? [ref] : [];
}

function staffWrite(held: HeldRole, type: string, policy: AccessPolicy, now: number): WriteGrant[] {
  if (policy.referenceTypes.has(type)) return held.policy.writeReference.includes(type) ? [{ appliesTo: 'both', mayDelete: true, needsPatient: false }] : [];
  const improvement = improvementWrite(held, type, policy);
  if (!allowsType(held.policy.write, type)) return improvement;
  const readable = staffRead(held, type, policy, now);
  const others = type === 'Task' ? notImprovementTask(policy) : undefined;
  const current = readable !== undefined && others !== undefined ? all([readable, others]) : readable;
  if (held.policy.volunteer) {
    if (type === 'Task') {
      const ownsIt = (r: Record<string, unknown>): string | undefined =>
        references(r.owner).some((ref) => held.personRefs.includes(ref)) ? undefined : 'a volunteer can update only the tasks offered to them, and cannot pass them to someone else';
      const requestedByThem = (r: Record<string, unknown>): string | undefined =>
        references(r.requester).some((ref) => held.personRefs.includes(ref)) ? undefined : 'a volunteer may make a request only as its requester';
      return [
        { appliesTo: 'change', mayDelete: false, ...(current ? { current } : {}), needsPatient: false, check: ownsIt },
        // helping someone they support to ask for help (issue 4: a volunteer fills in the request)
        { appliesTo: 'create', mayDelete: false, patients: volunteerPatients(held, policy), needsPatient: true, check: requestedByThem },
      ];
    }
    if (type === 'QuestionnaireResponse') {
      const filledInByThem = (r: Record<string, unknown>): string | undefined =>
        references(r.author).some((ref) => held.personRefs.includes(ref)) ? undefined : "a volunteer's form must have them as its author";
      return [{ appliesTo: 'create', mayDelete: false, patients: volunteerPatients(held, policy), needsPatient: true, check: filledInByThem }];
    }
    if (type === 'Communication') {
      const sentByThem = (r: Record<string, unknown>): string | undefined =>
        references(r.sender).some((ref) => held.personRefs.includes(ref)) ? undefined : "a volunteer's message must have them as its sender";
      return [{ appliesTo: 'create', mayDelete: false, patients: volunteerPatients(held, policy), needsPatient: false, check: sentByThem }];
    }
    return [];
  }
  if (type === 'Patient') {
    const registersHere = (r: Record<string, unknown>): string | undefined =>
      [...references(r.generalPractitioner), ...references(r.managingOrganization)].some((ref) => held.refs.includes(ref))
        ? undefined
        : 'a new person can be registered only with your own organisation as their GP practice or managing organisation';
    return [
      { appliesTo: 'change', mayDelete: true, ...(current ? { current } : {}), needsPatient: false },
      { appliesTo: 'create', mayDelete: false, needsPatient: false, check: registersHere },
    ];
  }
  const caredFor = any([directlyResponsible(held, now), involved(held, policy, now)]);
  return [...improvement, { appliesTo: 'both', mayDelete: true, ...(current ? { current } : {}), patients: caredFor, needsPatient: true }];
}

/** Ways `principal` may write `type`; an empty list means never. */
export function writeRule(principal: Principal, type: string, policy: AccessPolicy, now: number): WriteRule {
  switch (principal.kind) {
    case 'system':
      return 'unrestricted';
    case 'nobody':
      return [];
    case 'patient': {
      if (!policy.patientWrite.has(type)) return [];
      const self = idIs([principal.patient]);
      const current = personRead(principal.patient, type, policy);
      if (type === 'Patient') return [{ appliesTo: 'change', mayDelete: false, current: self, needsPatient: false }];
      return [{ appliesTo: 'both', mayDelete: false, ...(current !== 'none' && current !== undefined ? { current } : {}), patients: self, needsPatient: true }];
    }
    case 'carer': {
      const grants: WriteGrant[] = [];
      for (const action of Object.values(CarerAction)) {
        if (!policy.carerActions[action].write.includes(type)) continue;
        const patients = consentingToCarer(principal.relatedPerson, action, now);
        const current = all([aboutPatient(type, personLinks(type, policy.patientLinks), patients), ...withoutLabels(type, policy.sensitiveLabels)]);
        grants.push({ appliesTo: 'both', mayDelete: false, current, patients, needsPatient: true });
      }
      return grants;
    }
    case 'staff':
      return heldRoles(principal, policy).flatMap((h) => staffWrite(h, type, policy, now));
  }
}
