/**
 * The demo area's organisations and staff: two GP practices, a hospital outpatient service, a
 * mental health service, the council's adult social care and two voluntary groups; for each, the
 * people who work there as a Practitioner with a PractitionerRole whose code is the access role
 * the policy reads (decision 0011), and for each practice the online-request service with its
 * capacity (decision 0013).
 *
 * Fixed data: no randomness, so the demo accounts always name the same people.
 */
import type { Resource } from '@kindred/fhir';
import { EXT, Role, SYSTEM } from './demo-vocabulary.ts';

export const ORGANISATION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/organization-type';

export interface DemoOrganisation {
  id: string;
  name: string;
  /** organization-type code: prov (healthcare provider), govt, cg (community group) */
  type: 'prov' | 'govt' | 'cg';
  phone: string;
}

export const PRACTICES = {
  riverside: { id: 'demo-riverside-practice', name: 'Riverside Medical Practice', type: 'prov', phone: '0300 555 0101' },
  hillview: { id: 'demo-hillview-surgery', name: 'Hillview Surgery', type: 'prov', phone: '0300 555 0102' },
} as const satisfies Record<string, DemoOrganisation>;
export type PracticeKey = keyof typeof PRACTICES;
export const PRACTICE_KEYS = Object.keys(PRACTICES) as PracticeKey[];

export const ORGANISATIONS = {
  ...PRACTICES,
  hospital: { id: 'demo-northgate-outpatients', name: 'Northgate Hospital Outpatients', type: 'prov', phone: '0300 555 0201' },
  mentalHealth: { id: 'demo-community-mental-health', name: 'Northgate Community Mental Health Team', type: 'prov', phone: '0300 555 0301' },
  council: { id: 'demo-council-adult-social-care', name: 'Northgate Council Adult Social Care', type: 'govt', phone: '0300 555 0401' },
  goodNeighbours: { id: 'demo-good-neighbours', name: 'Northgate Good Neighbours', type: 'cg', phone: '0300 555 0501' },
  carersCentre: { id: 'demo-carers-centre', name: 'Northgate Carers Centre', type: 'cg', phone: '0300 555 0502' },
} as const satisfies Record<string, DemoOrganisation>;
export type OrganisationKey = keyof typeof ORGANISATIONS;

export interface DemoStaff {
  /** the Practitioner's id; the PractitionerRole is `<id>-role` */
  id: string;
  given: string;
  family: string;
  prefix?: string;
  organisation: OrganisationKey;
  role: Role;
  /** what they do, in plain English ("GP", "Practice nurse") */
  job: string;
}

/** The staff and volunteers, keyed by what the demo calls them. */
export const STAFF = {
  riversideGp: { id: 'demo-dr-amira-hassan', prefix: 'Dr', given: 'Amira', family: 'Hassan', organisation: 'riverside', role: Role.clinician, job: 'GP' },
  riversideNurse: { id: 'demo-grace-okafor', given: 'Grace', family: 'Okafor', organisation: 'riverside', role: Role.clinician, job: 'Practice nurse' },
  riversideReceptionist: { id: 'demo-jo-taylor', given: 'Jo', family: 'Taylor', organisation: 'riverside', role: Role.receptionist, job: 'Receptionist' },
  hillviewGp: { id: 'demo-dr-tom-whitfield', prefix: 'Dr', given: 'Tom', family: 'Whitfield', organisation: 'hillview', role: Role.clinician, job: 'GP' },
  hillviewNurse: { id: 'demo-priya-nair', given: 'Priya', family: 'Nair', organisation: 'hillview', role: Role.clinician, job: 'Practice nurse' },
  hillviewReceptionist: { id: 'demo-sam-kowalski', given: 'Sam', family: 'Kowalski', organisation: 'hillview', role: Role.receptionist, job: 'Receptionist' },
  hospitalClinician: { id: 'demo-dr-helen-brooks', prefix: 'Dr', given: 'Helen', family: 'Brooks', organisation: 'hospital', role: Role.clinician, job: 'Consultant' },
  mentalHealthClinician: { id: 'demo-kwame-mensah', given: 'Kwame', family: 'Mensah', organisation: 'mentalHealth', role: Role.clinician, job: 'Community mental health nurse' },
  socialWorker: { id: 'demo-ruth-evans', given: 'Ruth', family: 'Evans', organisation: 'council', role: Role.socialWorker, job: 'Social worker' },
  careCoordinator: { id: 'demo-daniel-price', given: 'Daniel', family: 'Price', organisation: 'riverside', role: Role.careCoordinator, job: 'Care coordinator' },
  privacyOfficer: { id: 'demo-lena-fischer', given: 'Lena', family: 'Fischer', organisation: 'riverside', role: Role.privacyOfficer, job: 'Privacy officer' },
  goodNeighboursVolunteer: { id: 'demo-bill-harper', given: 'Bill', family: 'Harper', organisation: 'goodNeighbours', role: Role.volunteer, job: 'Volunteer' },
  carersCentreVolunteer: { id: 'demo-nadia-rahman', given: 'Nadia', family: 'Rahman', organisation: 'carersCentre', role: Role.volunteer, job: 'Volunteer' },
} as const satisfies Record<string, DemoStaff>;
export type StaffKey = keyof typeof STAFF;

export const roleId = (staff: DemoStaff): string => `${staff.id}-role`;
export const staffName = (staff: DemoStaff): string => `${'prefix' in staff && staff.prefix ? `${staff.prefix} ` : ''}${staff.given} ${staff.family}`;

export const PRACTICE_STAFF = {
  riverside: { gp: STAFF.riversideGp, nurse: STAFF.riversideNurse, receptionist: STAFF.riversideReceptionist },
  hillview: { gp: STAFF.hillviewGp, nurse: STAFF.hillviewNurse, receptionist: STAFF.hillviewReceptionist },
} as const satisfies Record<PracticeKey, Record<string, DemoStaff>>;

/** How many requests a practice takes online in a day, and what the form offers when it is full. */
export const CAPACITY = {
  riverside: { dailyLimit: 60, whenFull: 'call-back', responseDays: 2 },
  hillview: { dailyLimit: 40, whenFull: 'safe-routing', responseDays: 2 },
} as const satisfies Record<PracticeKey, { dailyLimit: number; whenFull: string; responseDays: number }>;

export const onlineServiceId = (practice: PracticeKey): string => `${PRACTICES[practice].id}-online-requests`;

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'];

function organisation(o: DemoOrganisation): Resource {
  return {
    resourceType: 'Organization',
    id: o.id,
    active: true,
    type: [{ coding: [{ system: ORGANISATION_TYPE_SYSTEM, code: o.type }] }],
    name: o.name,
    telecom: [{ system: 'phone', value: o.phone, use: 'work' }],
    address: [{ line: [`${o.name}`, 'Market Street'], city: 'Northgate', postalCode: 'KN1 1AA', country: 'GB' }],
  };
}

function staffResources(s: DemoStaff): Resource[] {
  const org = ORGANISATIONS[s.organisation];
  return [
    {
      resourceType: 'Practitioner',
      id: s.id,
      active: true,
      name: [{ use: 'official', family: s.family, given: [s.given], ...(s.prefix ? { prefix: [s.prefix] } : {}) }],
    },
    {
      resourceType: 'PractitionerRole',
      id: roleId(s),
      active: true,
      practitioner: { reference: `Practitioner/${s.id}`, display: staffName(s) },
      organization: { reference: `Organization/${org.id}`, display: org.name },
      code: [{ coding: [{ system: SYSTEM.accessRole, code: s.role }], text: s.job }],
    },
  ];
}

/**
 * A practice's online-request service: its hours (when the form is open) and its capacity, as
 * decision 0013 records them (HealthcareService, http://hl7.org/fhir/R4/healthcareservice.html).
 */
function onlineService(practice: PracticeKey): Resource {
  const o = PRACTICES[practice];
  const c = CAPACITY[practice];
  return {
    resourceType: 'HealthcareService',
    id: onlineServiceId(practice),
    active: true,
    providedBy: { reference: `Organization/${o.id}`, display: o.name },
    name: `Online requests to ${o.name}`,
    comment: 'Ask for help with a medical or admin need. We reply within 2 working days.',
    availableTime: [{ daysOfWeek: WEEKDAYS, availableStartTime: '08:00:00', availableEndTime: '18:30:00' }],
    extension: [
      {
        url: EXT.onlineRequestCapacity,
        extension: [
          { url: 'dailyLimit', valueInteger: c.dailyLimit },
          { url: 'whenFull', valueCode: c.whenFull },
          { url: 'responseDays', valueInteger: c.responseDays },
        ],
      },
    ],
  };
}

/** Organisations, staff and services, in an order that can be written one by one. */
export function organisationResources(): Resource[] {
  return [
    ...Object.values(ORGANISATIONS).map(organisation),
    ...Object.values(STAFF).flatMap((s) => staffResources(s)),
    ...PRACTICE_KEYS.map(onlineService),
  ];
}
