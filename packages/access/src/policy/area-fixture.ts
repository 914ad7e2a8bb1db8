/**
 * A small area for the access policy's tests: two GP practices, a hospital, a mental health
 * service, the council's adult social care and a voluntary group, their staff and a volunteer,
 * people with carers, consents, a referral, a volunteer task, and records with sensitive labels.
 * Used only by tests (*.test.ts); nothing in the product imports it.
 */
import { parseScopes, type AccessContext } from '../index.ts';
import type { Resource } from '@kindred/fhir';
import { ACCESS_ROLE_SYSTEM, CARER_ACTION_SYSTEM } from './vocabulary.ts';

const org = (id: string, name: string): Resource => ({ resourceType: 'Organization', id, name });
const practitioner = (id: string, family: string): Resource => ({ resourceType: 'Practitioner', id, name: [{ family }] });
const role = (id: string, practitionerId: string, organisation: string, code: string): Resource => ({
  resourceType: 'PractitionerRole',
  id,
  active: true,
  practitioner: { reference: `Practitioner/${practitionerId}` },
  organization: { reference: `Organization/${organisation}` },
  code: [{ coding: [{ system: ACCESS_ROLE_SYSTEM, code }] }],
});

export const SEX_LABEL = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'SEX' } as const;
export const SAFEGUARDING_LABEL = { system: 'https://kindred.health/fhir/CodeSystem/sensitivity', code: 'safeguarding' } as const;

const person = (id: string, family: string, gp: string): Resource => ({
  resourceType: 'Patient',
  id,
  name: [{ family, given: ['Test'] }],
  birthDate: '1950-02-03',
  telecom: [{ system: 'phone', value: '01234 567890' }],
  address: [{ line: ['1 High Street'], postalCode: 'LS1 1AA' }],
  generalPractitioner: [{ reference: `Organization/${gp}` }],
});

const carer = (id: string, patient: string): Resource => ({ resourceType: 'RelatedPerson', id, patient: { reference: `Patient/${patient}` }, name: [{ family: id }] });

export function consent(id: string, patient: string, actor: string, options: { actions?: string[]; labels?: { system: string; code: string }[]; end?: string; status?: string } = {}): Resource {
  return {
    resourceType: 'Consent',
    id,
    status: options.status ?? 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: { reference: `Patient/${patient}` },
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
    provision: {
      type: 'permit',
      period: { start: '2026-01-01', ...(options.end ? { end: options.end } : {}) },
      actor: [{ role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] }, reference: { reference: actor } }],
      ...(options.actions ? { action: options.actions.map((code) => ({ coding: [{ system: CARER_ACTION_SYSTEM, code }] })) } : {}),
      ...(options.labels ? { securityLabel: options.labels.map((l) => ({ ...l })) } : {}),
    },
  };
}

export function observation(id: string, patient: string, code: string, label?: { system: string; code: string }): Resource {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code }] },
    subject: { reference: `Patient/${patient}` },
    ...(label ? { meta: { security: [{ ...label }] } } : {}),
  };
}

/** Everything in the area, in an order that can be written one by one. */
export const AREA: readonly Resource[] = [
  org('gp-north', 'North Street Surgery'),
  org('gp-south', 'South Lane Practice'),
  org('hospital', 'City Hospital Outpatients'),
  org('mental-health', 'Community Mental Health Team'),
  org('council', 'Adult Social Care'),
  org('helping-hands', 'Helping Hands Volunteers'),
  practitioner('dr-north', 'North'),
  role('dr-north-role', 'dr-north', 'gp-north', 'clinician'),
  practitioner('rec-north', 'Desk'),
  role('rec-north-role', 'rec-north', 'gp-north', 'receptionist'),
  practitioner('dr-south', 'South'),
  role('dr-south-role', 'dr-south', 'gp-south', 'clinician'),
  practitioner('dr-hospital', 'Ward'),
  role('dr-hospital-role', 'dr-hospital', 'hospital', 'clinician'),
  practitioner('po-hospital', 'Privacy'),
  role('po-hospital-role', 'po-hospital', 'hospital', 'privacy-officer'),
  practitioner('dr-mh', 'Mind'),
  role('dr-mh-role', 'dr-mh', 'mental-health', 'clinician'),
  practitioner('sw', 'Social'),
  role('sw-role', 'sw', 'council', 'social-worker'),
  practitioner('vol', 'Helper'),
  role('vol-role', 'vol', 'helping-hands', 'volunteer'),
  person('alice', 'Able', 'gp-north'),
  person('carol', 'Cole', 'gp-south'),
  person('dave', 'Dunn', 'gp-north'),
  carer('ruth', 'alice'),
  carer('sam', 'alice'),
  carer('tom', 'alice'),
  consent('consent-ruth', 'alice', 'RelatedPerson/ruth', { actions: ['view-record', 'book'] }),
  consent('consent-sam', 'alice', 'RelatedPerson/sam', { actions: ['view-record'], end: '2026-02-01' }),
  consent('consent-council', 'alice', 'Organization/council'),
  consent('consent-mh', 'alice', 'Organization/mental-health', { labels: [SEX_LABEL] }),
  {
    resourceType: 'ServiceRequest',
    id: 'referral-hospital',
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/alice' },
    requester: { reference: 'PractitionerRole/dr-north-role' },
    performer: [{ reference: 'Organization/hospital' }],
  },
  observation('obs-bp', 'alice', '85354-9'),
  observation('obs-sexual-health', 'alice', '45331-6', SEX_LABEL),
  {
    resourceType: 'Condition',
    id: 'cond-safeguarding',
    subject: { reference: 'Patient/alice' },
    code: { text: 'Safeguarding concern' },
    meta: { security: [{ ...SAFEGUARDING_LABEL }] },
  },
  { resourceType: 'Encounter', id: 'enc-alice', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: 'Patient/alice' } },
  observation('obs-carol', 'carol', '85354-9'),
  observation('obs-dave', 'dave', '85354-9'),
  {
    resourceType: 'Task',
    id: 'task-dave',
    status: 'requested',
    intent: 'order',
    description: 'Collect a prescription',
    for: { reference: 'Patient/dave' },
    owner: { reference: 'PractitionerRole/vol-role' },
  },
];

/** An analyst at North Street (the improvement and analytics team's role), kept out of AREA so its counts stay as they are. */
export const ANALYST_AREA: readonly Resource[] = [practitioner('analyst', 'Counts'), role('analyst-role', 'analyst', 'gp-north', 'analyst')];

/** The analyst of ANALYST_AREA, signed in. */
export function analystAccess(): AccessContext {
  return Object.freeze({
    subject: 'analyst',
    scopes: parseScopes('user/*.cruds'),
    tokenId: 'test-analyst',
    expiresAt: new Date(Date.now() + 3_600_000),
    issuer: 'urn:kindred:test',
    fhirUser: 'Practitioner/analyst',
  });
}

/** The people of the area, as the access layer knows them once signed in. */
export const WHO = {
  gpClinician: 'Practitioner/dr-north',
  receptionist: 'Practitioner/rec-north',
  otherGpClinician: 'Practitioner/dr-south',
  hospitalClinician: 'Practitioner/dr-hospital',
  privacyOfficer: 'Practitioner/po-hospital',
  mentalHealthClinician: 'Practitioner/dr-mh',
  socialWorker: 'Practitioner/sw',
  volunteer: 'Practitioner/vol',
  patient: 'Patient/alice',
  carerWithConsent: 'RelatedPerson/ruth',
  carerWithExpiredConsent: 'RelatedPerson/sam',
  carerWithoutConsent: 'RelatedPerson/tom',
} as const;
export type Who = keyof typeof WHO | 'system';

export function accessOf(who: Who, scope = who === 'system' ? 'system/*.cruds' : 'user/*.cruds'): AccessContext {
  return Object.freeze({
    subject: who,
    scopes: parseScopes(scope),
    tokenId: `test-${who}`,
    expiresAt: new Date(Date.now() + 3_600_000),
    issuer: 'urn:kindred:test',
    ...(who === 'system' ? {} : { fhirUser: WHO[who] }),
  });
}
