/**
 * One patient's whole record, streamed in an order where every reference points to something
 * already emitted: Patient, carer, allergies, old problems, care team, then the timeline's
 * appointments, encounters, conditions, observations, procedures, referrals and vaccinations.
 * A pure function of (plan, patient index); the record is cut at MAX_RESOURCES_PER_PATIENT so
 * the area's lower bound on patients holds.
 */
import type { Resource } from '@kindred/fhir';
import { MAX_RESOURCES_PER_PATIENT, pickStaff, Stream, type AreaPlan } from './area-plan.ts';
import { planTimeline, type ContactEvent } from './care-timeline.ts';
import { acuteConditionResource, appointmentResource, chronicConditionResource, encounterResource, pastConditionResource, settingOf } from './encounter-resources.ts';
import { staffMember } from './infrastructure-resources.ts';
import { contactObservations, monitoringObservations } from './observation-resources.ts';
import { patientProfile } from './patient-profile.ts';
import { allergyResources, careTeamResource, carerResource, patientResource } from './patient-resources.ts';
import { immunizationResource, procedureResource, proceduresFor } from './procedure-resources.ts';
import { createRecordLedger, type RecordLedger } from './record-context.ts';
import { referralResources } from './referral-resources.ts';
import { SeededRandom } from './seeded-random.ts';
import { reference } from './terminology.ts';

function* contactResources(ctx: RecordLedger, event: ContactEvent): Generator<Resource> {
  const { plan, random } = ctx;
  const orthopaedic = event.electiveSurgery !== undefined || event.acute?.code === '359817006';
  const setting = settingOf(ctx, event.contact, event.remote, event.fulfils?.definition.key, orthopaedic);
  const basedOn = event.fulfils ? ctx.referralIds.get(event.fulfils.number) : undefined;
  let appointmentId: string | undefined;
  if (event.booked) {
    const appointment = appointmentResource(ctx, event.contact, event.atMs, event.endMs, setting, 'fulfilled', event.about, basedOn, event.fulfils?.definition.specialty);
    appointmentId = appointment.id;
    yield appointment;
  }
  const encounter = encounterResource(ctx, event, setting, appointmentId, basedOn);
  yield encounter;
  const encounterId = encounter.id;
  for (const diagnosis of event.diagnoses) {
    const condition = chronicConditionResource(ctx, diagnosis, setting.staff, encounterId, event.atMs);
    ctx.conditionIds.set(diagnosis.definition.key, condition.id);
    yield condition;
  }
  const acute = acuteConditionResource(ctx, event, encounterId, setting.staff);
  if (acute) yield acute;
  const clinician = reference('Practitioner', setting.staff.id, setting.staff.displayName);
  const nurse = event.contact === 'admission' ? staffMember(plan, pickStaff(plan.hospital, ['ward-nurse'], random)) : setting.staff;
  yield* contactObservations(ctx, event, encounterId, clinician, reference('Practitioner', nurse.id, nurse.displayName));
  for (const key of proceduresFor(ctx, event)) yield procedureResource(ctx, key, event, encounterId, setting.staff);
  if (event.referral) {
    // Social prescribing goes through the practice's link worker; other referrals come from the clinician.
    const requester = event.referral.definition.provider === 'voluntary' ? staffMember(plan, pickStaff(ctx.profile.practice, ['link-worker'], random)) : setting.staff;
    for (const resource of referralResources(ctx, event, event.referral, encounterId, requester)) {
      // Visits that answer the referral later point back at its ServiceRequest.
      if (resource.resourceType === 'ServiceRequest' && resource.id !== undefined) ctx.referralIds.set(event.referral.number, resource.id);
      yield resource;
    }
  }
  if (event.monitoringDays) yield* monitoringObservations(ctx, event.endMs, event.monitoringDays);
}

function* fullRecord(plan: AreaPlan, patientIndex: number): Generator<Resource> {
  const profile = patientProfile(plan, patientIndex);
  const random = SeededRandom.for(plan.seed, Stream.history, patientIndex);
  const ctx = createRecordLedger(plan, profile, random);
  yield patientResource(ctx);
  const carer = carerResource(ctx);
  if (carer) {
    ctx.carerId = carer.id;
    yield carer;
  }
  yield* allergyResources(ctx);
  const gp = staffMember(plan, pickStaff(profile.practice, ['gp'], random));
  for (const problem of profile.pastProblems) yield pastConditionResource(ctx, problem, gp);
  for (const condition of profile.chronic) {
    if (condition.diagnosedInWindow) continue;
    const resource = chronicConditionResource(ctx, condition, gp);
    ctx.conditionIds.set(condition.definition.key, resource.id);
    yield resource;
  }
  const careTeam = careTeamResource(ctx);
  if (careTeam) yield careTeam;
  for (const event of planTimeline(plan, profile, random)) {
    if (event.type === 'immunisation') yield immunizationResource(ctx, event);
    else if (event.type === 'contact') yield* contactResources(ctx, event);
    else {
      const setting = settingOf(ctx, event.contact, false);
      yield appointmentResource(ctx, event.contact, event.atMs, event.endMs, setting, event.status, []);
    }
  }
}

/** The record of the patient at `patientIndex`, identical every time for the same plan. */
export function* patientRecord(plan: AreaPlan, patientIndex: number): Generator<Resource> {
  let emitted = 0;
  for (const resource of fullRecord(plan, patientIndex)) {
    yield resource;
    if (++emitted >= MAX_RESOURCES_PER_PATIENT) return;
  }
}
