/**
 * Turns planned contacts into Appointment, Encounter and Condition resources: who saw the patient,
 * where, how (face to face, telephone, video, at home), and what was found. Builders return new
 * objects and only refer to resources already emitted (ids come from the record context).
 */
import type { Resource } from '@kindred/fhir';
import { pickStaff, type OrganisationPlan, type SitePlan, type StaffRole } from './area-plan.ts';
import type { ChronicKey } from './clinical-vocabulary.ts';
import type { AppointmentOnlyEvent, ContactEvent, ContactKind } from './care-timeline.ts';
import { staffMember, type StaffMember } from './infrastructure-resources.ts';
import type { ChronicCondition, PastProblem } from './patient-profile.ts';
import type { BuiltResource, RecordContext } from './record-context.ts';
import { coding, concept, ExtensionUrl, reference, snomed, System, type ConceptValue, type ReferenceValue } from './terminology.ts';
import { DAY_MS, formatUkDateTime, MINUTE_MS } from './uk-time.ts';

export type Modality = 'face-to-face' | 'telephone' | 'video' | 'home-visit';

export interface ContactSetting {
  organisation: OrganisationPlan;
  staff: StaffMember;
  site?: SitePlan;
  modality: Modality;
}

const MODALITY_DISPLAY: Readonly<Record<Modality, string>> = { 'face-to-face': 'Face to face', telephone: 'Telephone', video: 'Video', 'home-visit': 'Home visit' };

const SPECIALIST_ROLE: Readonly<Record<string, StaffRole>> = { cardiology: 'cardiologist', respiratory: 'respiratory-physician', orthopaedics: 'orthopaedic-surgeon' };

function modalityOf(ctx: RecordContext, kind: ContactKind, remote: boolean): Modality {
  if (kind === 'gp-home-visit' || kind === 'social-care-visit') return 'home-visit';
  if (kind === 'gp-video') return 'video';
  if (kind === 'gp-phone') return 'telephone';
  if (!remote) return 'face-to-face';
  return ctx.random.chance(kind === 'outpatient' ? 0.5 : 0.3) ? 'video' : 'telephone';
}

/** Who provides a contact of this kind, which member of staff, and at which site. */
export function settingOf(ctx: RecordContext, kind: ContactKind, remote: boolean, referralKey?: string, orthopaedic = false): ContactSetting {
  const { plan, profile, random } = ctx;
  const modality = modalityOf(ctx, kind, remote);
  const roles = ((): { organisation: OrganisationPlan; roles: StaffRole[]; site: SitePlan | undefined } => {
    const practice = profile.practice;
    const practiceSite = practice.sites[random.chance(0.8) ? 0 : practice.sites.length - 1];
    switch (kind) {
      case 'gp-face': return { organisation: practice, roles: random.chance(0.8) ? ['gp'] : ['practice-nurse'], site: practiceSite };
      case 'long-term-review': return { organisation: practice, roles: random.chance(0.6) ? ['practice-nurse'] : ['gp'], site: practiceSite };
      case 'health-check': return { organisation: practice, roles: ['practice-nurse'], site: practiceSite };
      case 'gp-phone': case 'gp-video': case 'gp-home-visit': return { organisation: practice, roles: ['gp'], site: undefined };
      case 'outpatient': return { organisation: plan.hospital, roles: [SPECIALIST_ROLE[referralKey ?? ''] ?? 'physician', 'physician'], site: plan.hospital.sites[random.chance(0.7) ? 0 : 1] };
      case 'mental-health': return { organisation: plan.mentalHealth, roles: random.chance(0.7) ? ['mental-health-nurse'] : ['psychiatrist'], site: plan.mentalHealth.sites[1] };
      case 'social-care-visit': return { organisation: plan.council, roles: random.chance(0.75) ? ['social-worker'] : ['occupational-therapist'], site: undefined };
      case 'emergency': return { organisation: plan.hospital, roles: ['emergency-doctor'], site: plan.hospital.sites[0] };
      case 'admission': return { organisation: plan.hospital, roles: orthopaedic ? ['orthopaedic-surgeon'] : ['physician'], site: plan.hospital.sites[0] };
    }
  })();
  const staff = staffMember(plan, pickStaff(roles.organisation, roles.roles, random));
  const site = modality === 'face-to-face' ? roles.site : undefined;
  return { organisation: roles.organisation, staff, modality, ...(site ? { site } : {}) };
}

const CLASS: Readonly<Record<'AMB' | 'VR' | 'HH' | 'EMER' | 'IMP', string>> = { AMB: 'ambulatory', VR: 'virtual', HH: 'home health', EMER: 'emergency', IMP: 'inpatient encounter' };

export function encounterClassOf(kind: ContactKind, modality: Modality): keyof typeof CLASS {
  if (kind === 'emergency') return 'EMER';
  if (kind === 'admission') return 'IMP';
  if (modality === 'home-visit') return 'HH';
  if (modality === 'telephone' || modality === 'video') return 'VR';
  return 'AMB';
}

/** SNOMED CT type of a contact; Appointment.serviceType and Encounter.type share it. */
function contactType(kind: ContactKind, modality: Modality, fromEmergency: boolean): ConceptValue {
  if (modality === 'telephone') return snomed('185317003', 'Telephone encounter (procedure)');
  if (modality === 'video') return snomed('448337001', 'Telemedicine consultation with patient (procedure)');
  switch (kind) {
    case 'health-check': return snomed('185349003', 'Encounter for check up (procedure)');
    case 'long-term-review': return snomed('390906007', 'Follow-up encounter (procedure)');
    case 'gp-home-visit': case 'social-care-visit': return snomed('439708006', 'Home visit (procedure)');
    case 'outpatient': case 'mental-health': return snomed('11429006', 'Consultation (procedure)');
    case 'emergency': return snomed('50849002', 'Emergency room admission (procedure)');
    case 'admission': return fromEmergency ? snomed('183452005', 'Emergency hospital admission (procedure)') : snomed('32485007', 'Hospital admission (procedure)');
    case 'gp-face': case 'gp-phone': case 'gp-video': return snomed('185347001', 'Encounter for problem (procedure)');
  }
}

const APPOINTMENT_TYPE: Readonly<Partial<Record<ContactKind, readonly [string, string]>>> = {
  'health-check': ['CHECKUP', 'A routine check-up, such as an annual physical'],
  'long-term-review': ['FOLLOWUP', 'A follow up visit from a previous appointment'],
};

function reasonReferences(ctx: RecordContext, about: readonly ChronicKey[]): ReferenceValue[] {
  return about.flatMap((key) => {
    const id = ctx.conditionIds.get(key);
    return id === undefined ? [] : [reference('Condition', id)];
  });
}

/** An Appointment; `status` fulfilled for one that happened, noshow/cancelled/booked otherwise. */
export function appointmentResource(ctx: RecordContext, kind: ContactKind, startMs: number, endMs: number, setting: ContactSetting, status: 'fulfilled' | AppointmentOnlyEvent['status'], about: readonly ChronicKey[], basedOn?: string, specialty?: readonly [string, string]): BuiltResource {
  const { random } = ctx;
  const end = endMs > startMs ? endMs : startMs + (kind === 'mental-health' ? 50 : kind === 'outpatient' ? 20 : 10) * MINUTE_MS;
  const createdMs = startMs - random.int(0, kind === 'outpatient' ? 60 : 14) * DAY_MS - random.int(1, 600) * MINUTE_MS;
  const [typeCode, typeDisplay] = APPOINTMENT_TYPE[kind] ?? ['ROUTINE', 'Routine appointment - default if not valued'];
  const reasons = reasonReferences(ctx, about);
  const accepted = { required: 'required', status: 'accepted' };
  return {
    resourceType: 'Appointment',
    id: ctx.nextId(),
    extension: [{ url: ExtensionUrl.contactModality, valueCoding: coding(System.contactModality, setting.modality, MODALITY_DISPLAY[setting.modality]) }],
    status,
    serviceType: [contactType(kind, setting.modality, false)],
    ...(specialty ? { specialty: [snomed(specialty[0], specialty[1])] } : {}),
    appointmentType: concept(System.appointmentReason, typeCode, typeDisplay),
    ...(reasons.length > 0 ? { reasonReference: reasons } : {}),
    ...(basedOn ? { basedOn: [reference('ServiceRequest', basedOn)] } : {}),
    start: formatUkDateTime(startMs),
    end: formatUkDateTime(end),
    minutesDuration: Math.max(1, Math.round((end - startMs) / MINUTE_MS)),
    created: formatUkDateTime(createdMs),
    participant: [
      { actor: ctx.patient, ...accepted },
      { actor: reference('Practitioner', setting.staff.id, setting.staff.displayName), ...accepted },
      ...(setting.site ? [{ actor: reference('Location', setting.site.id, setting.site.name), ...accepted }] : []),
    ],
  };
}

export function encounterResource(ctx: RecordContext, event: ContactEvent, setting: ContactSetting, appointmentId?: string, basedOn?: string): BuiltResource {
  const { plan, random } = ctx;
  const classCode = encounterClassOf(event.contact, setting.modality);
  const finished = event.endMs <= plan.asOfMs;
  const period = finished ? { start: formatUkDateTime(event.atMs), end: formatUkDateTime(event.endMs) } : { start: formatUkDateTime(event.atMs) };
  const reasons = reasonReferences(ctx, event.about);
  const reasonCodes = [...(event.acute ? [snomed(event.acute.code, event.acute.display)] : []), ...event.diagnoses.map((d) => snomed(d.definition.code, d.definition.display))];
  const died = ctx.profile.deathMs !== undefined && event.endMs >= ctx.profile.deathMs;
  const hospitalization = classCode === 'IMP' ? {
    hospitalization: {
      admitSource: event.fromEmergency ? concept(System.admitSource, 'emd', 'From accident/emergency department') : concept(System.admitSource, 'outp', 'From outpatient department'),
      ...(finished ? { dischargeDisposition: died ? concept(System.dischargeDisposition, 'exp', 'Expired') : random.chance(0.9) ? concept(System.dischargeDisposition, 'home', 'Home') : concept(System.dischargeDisposition, 'snf', 'Skilled nursing facility') } : {}),
    },
  } : {};
  return {
    resourceType: 'Encounter',
    id: ctx.nextId(),
    status: finished ? 'finished' : 'in-progress',
    class: coding(System.actCode, classCode, CLASS[classCode]),
    type: [contactType(event.contact, setting.modality, event.fromEmergency === true)],
    subject: ctx.patient,
    ...(basedOn ? { basedOn: [reference('ServiceRequest', basedOn)] } : {}),
    participant: [{ type: [concept(System.participationType, 'PPRF', 'primary performer')], period, individual: reference('Practitioner', setting.staff.id, setting.staff.displayName) }],
    ...(appointmentId ? { appointment: [reference('Appointment', appointmentId)] } : {}),
    period,
    ...(classCode === 'IMP' && finished ? { length: { value: Math.max(1, Math.round((event.endMs - event.atMs) / DAY_MS)), unit: 'days', system: System.ucum, code: 'd' } } : {}),
    ...(reasonCodes.length > 0 ? { reasonCode: reasonCodes } : {}),
    ...(reasons.length > 0 ? { reasonReference: reasons } : {}),
    ...hospitalization,
    ...(setting.site ? { location: [{ location: reference('Location', setting.site.id, setting.site.name), status: finished ? 'completed' : 'active' }] } : {}),
    serviceProvider: reference('Organization', setting.organisation.id, setting.organisation.name),
  };
}

const clinicalStatus = (code: 'active' | 'resolved' | 'remission', display: string) => concept(System.conditionClinical, code, display);
const confirmed = concept(System.conditionVerification, 'confirmed', 'Confirmed');

/** A problem found at a contact; resolved with an abatement date once it is over. */
export function acuteConditionResource(ctx: RecordContext, event: ContactEvent, encounterId: string, recorder: StaffMember): Resource | undefined {
  const acute = event.acute;
  if (!acute) return undefined;
  const abatementMs = event.atMs + ctx.random.int(acute.days[0], acute.days[1]) * DAY_MS;
  const resolved = abatementMs <= ctx.plan.asOfMs && (ctx.profile.deathMs === undefined || abatementMs < ctx.profile.deathMs);
  return {
    resourceType: 'Condition',
    id: ctx.nextId(),
    clinicalStatus: resolved ? clinicalStatus('resolved', 'Resolved') : clinicalStatus('active', 'Active'),
    verificationStatus: acute.finding ? concept(System.conditionVerification, 'provisional', 'Provisional') : confirmed,
    category: [concept(System.conditionCategory, 'encounter-diagnosis', 'Encounter Diagnosis')],
    code: snomed(acute.code, acute.display),
    subject: ctx.patient,
    encounter: reference('Encounter', encounterId),
    onsetDateTime: formatUkDateTime(event.atMs),
    ...(resolved ? { abatementDateTime: formatUkDateTime(abatementMs) } : {}),
    recordedDate: formatUkDateTime(event.atMs),
    recorder: reference('Practitioner', recorder.id, recorder.displayName),
  };
}

/** A past problem, long resolved, kept on the problem list as history. */
export function pastConditionResource(ctx: RecordContext, problem: PastProblem, recorder: StaffMember): Resource {
  return {
    resourceType: 'Condition',
    id: ctx.nextId(),
    clinicalStatus: clinicalStatus('resolved', 'Resolved'),
    verificationStatus: confirmed,
    category: [concept(System.conditionCategory, 'problem-list-item', 'Problem List Item')],
    code: snomed(problem.definition.code, problem.definition.display),
    subject: ctx.patient,
    onsetDateTime: formatUkDateTime(problem.onsetMs),
    abatementDateTime: formatUkDateTime(problem.abatementMs),
    recordedDate: formatUkDateTime(problem.onsetMs),
    recorder: reference('Practitioner', recorder.id, recorder.displayName),
  };
}

/** A long-term condition on the problem list; `encounterId` when it was first recorded at a contact. */
export function chronicConditionResource(ctx: RecordContext, condition: ChronicCondition, recorder: StaffMember, encounterId?: string, recordedMs?: number): BuiltResource {
  const id = ctx.nextId();
  const inRemission = (condition.definition.key === 'depression' || condition.definition.key === 'anxiety') && !condition.diagnosedInWindow && ctx.random.chance(0.3);
  return {
    resourceType: 'Condition',
    id,
    clinicalStatus: inRemission ? clinicalStatus('remission', 'Remission') : clinicalStatus('active', 'Active'),
    verificationStatus: confirmed,
    category: [concept(System.conditionCategory, 'problem-list-item', 'Problem List Item')],
    code: snomed(condition.definition.code, condition.definition.display),
    subject: ctx.patient,
    ...(encounterId ? { encounter: reference('Encounter', encounterId) } : {}),
    onsetDateTime: formatUkDateTime(condition.onsetMs),
    recordedDate: formatUkDateTime(recordedMs ?? condition.onsetMs),
    recorder: reference('Practitioner', recorder.id, recorder.displayName),
  };
}
