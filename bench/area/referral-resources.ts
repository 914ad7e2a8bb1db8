/**
 * Referrals across organisations as the BRIEF maps them: a ServiceRequest from the referring
 * clinician to the receiving organisation, and a Task that tracks it through the receiver's queue.
 * Both reflect the state at the end of the history window (a referral later seen is completed).
 */
import type { Resource } from '@kindred/fhir';
import type { AreaPlan, OrganisationPlan } from './area-plan.ts';
import { COMMUNITY_SUPPORT_NEEDS, type ProviderKind } from './clinical-vocabulary.ts';
import type { ContactEvent, PlannedReferral } from './care-timeline.ts';
import type { StaffMember } from './infrastructure-resources.ts';
import type { RecordContext } from './record-context.ts';
import { concept, reference, snomed, System, type ReferenceValue } from './terminology.ts';
import { DAY_MS, formatUkDateTime, HOUR_MS } from './uk-time.ts';

function receiver(plan: AreaPlan, provider: ProviderKind, pickVoluntary: number): OrganisationPlan {
  switch (provider) {
    case 'hospital': return plan.hospital;
    case 'mental-health': return plan.mentalHealth;
    case 'council': return plan.council;
    case 'voluntary': return plan.voluntary[pickVoluntary % plan.voluntary.length] ?? plan.council;
    case 'gp-practice': return plan.hospital;
  }
}

function conditionReasons(ctx: RecordContext, event: ContactEvent): ReferenceValue[] {
  return event.about.flatMap((key) => {
    const id = ctx.conditionIds.get(key);
    return id === undefined ? [] : [reference('Condition', id)];
  });
}

/** The ServiceRequest, then its Task. */
export function* referralResources(ctx: RecordContext, event: ContactEvent, referral: PlannedReferral, encounterId: string, requester: StaffMember): Generator<Resource> {
  const { plan, random } = ctx;
  const definition = referral.definition;
  const organisation = receiver(plan, definition.provider, random.int(0, 1000));
  const urgent = random.chance(definition.provider === 'mental-health' ? 0.3 : 0.12);
  const need = definition.provider === 'voluntary' ? random.pick(COMMUNITY_SUPPORT_NEEDS) : undefined;
  const reasons = conditionReasons(ctx, event);
  // A voluntary-sector request is done (or not) within weeks; clinical referrals follow the plan.
  const voluntaryDone = definition.provider === 'voluntary' && event.atMs + 42 * DAY_MS < plan.asOfMs && random.chance(0.8);
  const completed = referral.outcome === 'seen' || voluntaryDone;
  const serviceRequestId = ctx.nextId();
  const requesterRef = reference('Practitioner', requester.id, requester.displayName);
  const receiverRef = reference('Organization', organisation.id, organisation.name);
  yield {
    resourceType: 'ServiceRequest',
    id: serviceRequestId,
    status: referral.outcome === 'declined' ? 'revoked' : completed ? 'completed' : 'active',
    intent: 'order',
    category: [snomed('3457005', 'Patient referral (procedure)')],
    priority: urgent ? 'urgent' : 'routine',
    code: { coding: [{ system: System.snomed, code: definition.code, display: definition.display }], text: need ? `${definition.text}: ${need}` : definition.text },
    subject: ctx.patient,
    encounter: reference('Encounter', encounterId),
    authoredOn: formatUkDateTime(event.endMs),
    requester: requesterRef,
    performer: [receiverRef],
    ...(reasons.length > 0 ? { reasonReference: reasons } : {}),
  };

  const authored = event.endMs + random.int(1, 48) * HOUR_MS;
  const doneMs = referral.seenAtMs ?? (voluntaryDone ? event.atMs + random.int(5, 40) * DAY_MS : undefined);
  const status = referral.outcome === 'declined' ? 'rejected' : completed ? 'completed' : authored + 14 * DAY_MS < plan.asOfMs ? 'accepted' : 'requested';
  const businessStatus = status === 'rejected' ? 'Declined after triage' : status === 'completed' ? (definition.provider === 'voluntary' ? 'Support provided' : 'Seen') : status === 'accepted' ? 'Awaiting appointment' : 'Awaiting triage';
  const lastModified = doneMs !== undefined && status === 'completed' ? Math.min(doneMs, plan.asOfMs) : Math.min(authored + random.int(1, 20) * DAY_MS, Math.max(authored, plan.asOfMs));
  yield {
    resourceType: 'Task',
    id: ctx.nextId(),
    basedOn: [reference('ServiceRequest', serviceRequestId)],
    status,
    businessStatus: { text: businessStatus },
    intent: 'order',
    priority: urgent ? 'urgent' : 'routine',
    code: concept(System.taskCode, 'fulfill', 'Fulfill the focal request'),
    description: definition.text,
    focus: reference('ServiceRequest', serviceRequestId),
    for: ctx.patient,
    authoredOn: formatUkDateTime(authored),
    lastModified: formatUkDateTime(Math.max(authored, lastModified)),
    requester: requesterRef,
    owner: receiverRef,
    executionPeriod: { start: formatUkDateTime(authored), ...(status === 'completed' && doneMs !== undefined ? { end: formatUkDateTime(Math.max(authored, doneMs)) } : {}) },
  };
}
