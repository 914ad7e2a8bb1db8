/**
 * Building FHIR R4 AuditEvents (http://hl7.org/fhir/R4/auditevent.html) for Kindred's audit
 * trail: who acted (agents: the person or system, the app they used, whom they acted for), why
 * (purposeOfUse: normal treatment, or emergency / break-the-glass access), what they did (type,
 * subtype, action, outcome) and to what (entities: the resources, the patients concerned, the
 * query). Pure: builds values, never records them (the audited repository and the writer do).
 */
import type { Coding, Resource } from '@kindred/fhir';
import type { AuditEventInput } from '@kindred/store';
import type { AccessContext } from '../access-context.ts';

export const AuditSystem = {
  eventType: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  restfulInteraction: 'http://hl7.org/fhir/restful-interaction',
  dicom: 'http://dicom.nema.org/resources/ontology/DCM',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  entityType: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
  objectRole: 'http://terminology.hl7.org/CodeSystem/object-role',
  securitySource: 'http://terminology.hl7.org/CodeSystem/security-source-type',
  securityRole: 'http://terminology.hl7.org/CodeSystem/extra-security-role-type',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
} as const;

/** AuditEvent.action (http://hl7.org/fhir/R4/valueset-audit-event-action.html) */
export const AuditAction = { create: 'C', read: 'R', update: 'U', delete: 'D', execute: 'E' } as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/** AuditEvent.outcome (http://hl7.org/fhir/R4/valueset-audit-event-outcome.html) */
export const AuditOutcome = { success: '0', minorFailure: '4', seriousFailure: '8', majorFailure: '12' } as const;
export type AuditOutcome = (typeof AuditOutcome)[keyof typeof AuditOutcome];

/** The subtypes of a `rest` event (http://hl7.org/fhir/R4/valueset-type-restful-interaction.html) */
export const RestInteraction = {
  read: 'read',
  vread: 'vread',
  update: 'update',
  patch: 'patch',
  delete: 'delete',
  historyInstance: 'history-instance',
  historyType: 'history-type',
  historySystem: 'history-system',
  create: 'create',
  searchType: 'search-type',
  searchSystem: 'search-system',
  batch: 'batch',
  transaction: 'transaction',
  operation: 'operation',
} as const;
export type RestInteraction = (typeof RestInteraction)[keyof typeof RestInteraction];

/** AuditEvent.type codes used beside `rest` (DICOM, http://hl7.org/fhir/R4/valueset-audit-event-type.html) */
export const AuditEventType = {
  rest: { system: AuditSystem.eventType, code: 'rest', display: 'RESTful Operation' },
  import: { system: AuditSystem.dicom, code: '110107', display: 'Import' },
  export: { system: AuditSystem.dicom, code: '110106', display: 'Export' },
  userAuthentication: { system: AuditSystem.dicom, code: '110114', display: 'User Authentication' },
  securityAlert: { system: AuditSystem.dicom, code: '110113', display: 'Security Alert' },
  patientRecord: { system: AuditSystem.dicom, code: '110110', display: 'Patient Record' },
} as const satisfies Record<string, Coding>;

/** v3-ActReason purposes (http://terminology.hl7.org/CodeSystem/v3-ActReason) */
export const PurposeOfUse = {
  treatment: { system: AuditSystem.actReason, code: 'TREAT', display: 'treatment' },
  emergencyTreatment: { system: AuditSystem.actReason, code: 'ETREAT', display: 'Emergency Treatment' },
  breakTheGlass: { system: AuditSystem.actReason, code: 'BTG', display: 'break the glass' },
} as const satisfies Record<string, Coding>;

/** What the audit trail needs to know of a caller: an AccessContext has it all; a sign-in has some. */
export type AuditIdentity = Pick<AccessContext, 'subject' | 'issuer' | 'fhirUser' | 'patient' | 'clientId'> & { readonly tokenId?: string };

/** Who is acting, and in what circumstances, as the audit trail names them. */
export interface AuditActor {
  readonly access: AuditIdentity;
  /** set when the caller broke the glass: purposeOfUse ETREAT and BTG, and the reason they gave */
  readonly breakGlass?: { readonly reason?: string };
  /**
   * the person the caller acts for ("Patient/…"), when a carer acts for someone. When absent and
   * a RelatedPerson has a patient in context, that patient is taken.
   */
  readonly onBehalfOf?: string;
}

/** This Kindred, as AuditEvent.source names it. */
export interface AuditSource {
  /** e.g. "Kindred (https://kindred.example.org)" */
  readonly observer: string;
  /** the site or area this installation serves */
  readonly site?: string;
}

export const DEFAULT_AUDIT_SOURCE: AuditSource = Object.freeze({ observer: 'Kindred' });

/** A query as an AuditEvent entity records it: readable text, kept as base64 in `query` too. */
export interface AuditQuery {
  readonly description: string;
  readonly text: string;
}

export interface AuditEventDetails {
  readonly type: Coding;
  readonly subtype?: readonly Coding[];
  readonly action: AuditAction;
  readonly outcome: AuditOutcome;
  /** why it failed, for outcomes other than success (AuditEvent.outcomeDesc) */
  readonly outcomeDesc?: string;
  /** references of the resources acted on or returned ("Observation/1/_history/2") */
  readonly resources?: readonly string[];
  /** the ids of the patients concerned */
  readonly patientIds?: readonly string[];
  readonly query?: AuditQuery;
  /** a free-text note on the event (AuditEvent.entity.description of the query, or of the first entity) */
  readonly description?: string;
}

export function restSubtype(interaction: RestInteraction): Coding {
  return { system: AuditSystem.restfulInteraction, code: interaction, display: interaction };
}

function purposesOf(actor: AuditActor): Coding[] {
  return actor.breakGlass ? [PurposeOfUse.emergencyTreatment, PurposeOfUse.breakTheGlass] : [PurposeOfUse.treatment];
}

function onBehalfOf(actor: AuditActor): string | undefined {
  if (actor.onBehalfOf !== undefined) return actor.onBehalfOf;
  const { fhirUser, patient } = actor.access;
  return fhirUser?.startsWith('RelatedPerson/') && patient !== undefined ? `Patient/${patient}` : undefined;
}

/** AuditEvent.agent: the requestor, the app they used, and the person they acted for. */
export function agentsOf(actor: AuditActor): Record<string, unknown>[] {
  const { access } = actor;
  const purposeOfUse = purposesOf(actor).map((coding) => ({ coding: [coding] }));
  const requestor: Record<string, unknown> = {
    ...(access.fhirUser !== undefined ? { type: { coding: [{ system: AuditSystem.securityRole, code: 'humanuser', display: 'human user' }] } } : {}),
    who: access.fhirUser !== undefined ? { reference: access.fhirUser } : { identifier: { system: `${access.issuer}#sub`, value: access.subject }, display: access.subject },
    altId: access.subject,
    requestor: true,
    // "The policy would also indicate the security token used" (AuditEvent.agent.policy)
    ...(access.tokenId !== undefined ? { policy: [`urn:kindred:token:${access.tokenId}`] } : {}),
    purposeOfUse,
  };
  const agents = [requestor];
  if (access.clientId !== undefined) {
    agents.push({
      type: { coding: [{ system: AuditSystem.dicom, code: '110150', display: 'Application' }] },
      who: { identifier: { system: `${access.issuer}#client_id`, value: access.clientId }, display: access.clientId },
      requestor: false,
    });
  }
  const represented = onBehalfOf(actor);
  if (represented !== undefined) {
    agents.push({
      type: { coding: [{ system: AuditSystem.participationType, code: 'RCT', display: 'record target' }], text: 'on behalf of' },
      who: { reference: represented },
      requestor: false,
    });
  }
  return agents;
}

function entitiesOf(details: AuditEventDetails): Record<string, unknown>[] {
  const patients = new Set(details.patientIds ?? []);
  const asPatient = (id: string): Record<string, unknown> => ({
    what: { reference: `Patient/${id}` },
    type: { system: AuditSystem.entityType, code: '1', display: 'Person' },
    role: { system: AuditSystem.objectRole, code: '1', display: 'Patient' },
  });
  const entities: Record<string, unknown>[] = [];
  const shownPatients = new Set<string>();
  for (const reference of new Set(details.resources ?? [])) {
    const patient = /^Patient\/([^/]+)(\/_history\/.*)?$/.exec(reference)?.[1];
    if (patient !== undefined && patients.has(patient)) {
      entities.push({ ...asPatient(patient), what: { reference } });
      shownPatients.add(patient);
    } else {
      entities.push({ what: { reference }, type: { system: AuditSystem.entityType, code: '2', display: 'System Object' } });
    }
  }
  for (const id of patients) if (!shownPatients.has(id)) entities.push(asPatient(id));
  if (details.query) {
    entities.push({
      type: { system: AuditSystem.entityType, code: '2', display: 'System Object' },
      role: { system: AuditSystem.objectRole, code: '24', display: 'Query' },
      description: details.query.description,
      query: Buffer.from(details.query.text, 'utf8').toString('base64'),
    });
  } else if (details.description !== undefined) {
    // a note with no query: on the first entity, or on an entity of its own when there is none
    if (entities[0] !== undefined) entities[0] = { ...entities[0], description: details.description };
    else entities.push({ type: { system: AuditSystem.entityType, code: '2', display: 'System Object' }, description: details.description });
  }
  return entities;
}

/** One AuditEvent, with the patients it concerns for the trail's index. */
export function auditEvent(actor: AuditActor, source: AuditSource, details: AuditEventDetails, now: Date = new Date()): AuditEventInput {
  const purposes = purposesOf(actor).map((coding) => ({ coding: [coding] }));
  const entity = entitiesOf(details);
  const event: Resource = {
    resourceType: 'AuditEvent',
    type: details.type,
    ...(details.subtype !== undefined && details.subtype.length > 0 ? { subtype: [...details.subtype] } : {}),
    action: details.action,
    recorded: now.toISOString(),
    outcome: details.outcome,
    ...(details.outcomeDesc !== undefined ? { outcomeDesc: details.outcomeDesc } : {}),
    purposeOfEvent: purposes,
    agent: agentsOf(actor),
    source: {
      ...(source.site !== undefined ? { site: source.site } : {}),
      observer: { display: source.observer },
      type: [{ system: AuditSystem.securitySource, code: '4', display: 'Application Server' }],
    },
    ...(entity.length > 0 ? { entity } : {}),
  };
  if (actor.breakGlass?.reason !== undefined) event.purposeOfEvent = [...purposes, { text: actor.breakGlass.reason }];
  return { event, patientIds: [...new Set(details.patientIds ?? [])] };
}
