/**
 * The area's organisations, sites and workforce as FHIR resources: Organization, Location,
 * Practitioner and PractitionerRole, streamed in that order so every reference points backwards.
 * Each resource is a pure function of the plan and an index; nothing is accumulated.
 */
import type { Resource } from '@kindred/fhir';
import { IdSpace, resourceId } from './area-identifiers.ts';
import { practitionerId, practitionerRoleId, staffOf, Stream, type AreaPlan, type OrganisationPlan, type SitePlan, type StaffRole } from './area-plan.ts';
import { drawName, fictionalEmail, fictionalLandline } from './person-names.ts';
import { SeededRandom } from './seeded-random.ts';
import { concept, IdentifierSystem, reference, snomed, System, type ConceptValue } from './terminology.ts';

/** The Kindred access role each kind of staff holds (PractitionerRole.code, ACCESS_ROLE_SYSTEM): what the access policy decides on. */
export type AccessRole = 'clinician' | 'social-worker' | 'care-coordinator' | 'volunteer';

const ACCESS_ROLE_DISPLAY: Readonly<Record<AccessRole, string>> = {
  clinician: 'Clinician', 'social-worker': 'Social worker', 'care-coordinator': 'Care coordinator', volunteer: 'Volunteer',
};

interface RoleDetails {
  code: ConceptValue;
  access: AccessRole;
  specialty?: ConceptValue;
  registration: 'gmc' | 'nmc' | 'hcpc' | 'volunteer' | 'none';
  doctor: boolean;
  femaleShare: number;
}

const doctor = concept(System.practitionerRole, 'doctor', 'Doctor');
const nurse = concept(System.practitionerRole, 'nurse', 'Nurse');
const textOnly = (text: string): ConceptValue => ({ text });

/** What each staff role looks like on the record (codes: practitioner-role, SNOMED CT specialties and occupations). */
export const ROLE_DETAILS: Readonly<Record<StaffRole, RoleDetails>> = {
  gp: { code: doctor, access: 'clinician', specialty: snomed('394814009', 'General practice'), registration: 'gmc', doctor: true, femaleShare: 0.55 },
  'practice-nurse': { code: nurse, access: 'clinician', specialty: snomed('394814009', 'General practice'), registration: 'nmc', doctor: false, femaleShare: 0.9 },
  'link-worker': { code: textOnly('Social prescribing link worker'), access: 'care-coordinator', registration: 'none', doctor: false, femaleShare: 0.75 },
  'emergency-doctor': { code: doctor, access: 'clinician', specialty: snomed('773568002', 'Emergency medicine'), registration: 'gmc', doctor: true, femaleShare: 0.45 },
  physician: { code: doctor, access: 'clinician', specialty: snomed('419192003', 'Internal medicine'), registration: 'gmc', doctor: true, femaleShare: 0.45 },
  cardiologist: { code: doctor, access: 'clinician', specialty: snomed('394579002', 'Cardiology'), registration: 'gmc', doctor: true, femaleShare: 0.3 },
  'respiratory-physician': { code: doctor, access: 'clinician', specialty: snomed('418112009', 'Pulmonary medicine'), registration: 'gmc', doctor: true, femaleShare: 0.4 },
  'orthopaedic-surgeon': { code: doctor, access: 'clinician', specialty: snomed('394801008', 'Trauma and orthopedics'), registration: 'gmc', doctor: true, femaleShare: 0.15 },
  'ward-nurse': { code: nurse, access: 'clinician', specialty: snomed('419192003', 'Internal medicine'), registration: 'nmc', doctor: false, femaleShare: 0.88 },
  psychiatrist: { code: doctor, access: 'clinician', specialty: snomed('394587001', 'Psychiatry'), registration: 'gmc', doctor: true, femaleShare: 0.5 },
  'mental-health-nurse': { code: nurse, access: 'clinician', specialty: snomed('394587001', 'Psychiatry'), registration: 'nmc', doctor: false, femaleShare: 0.75 },
  'social-worker': { code: snomed('106328005', 'Social worker (occupation)'), access: 'social-worker', registration: 'none', doctor: false, femaleShare: 0.8 },
  'occupational-therapist': { code: snomed('80546007', 'Occupational therapist (occupation)'), access: 'social-worker', registration: 'hcpc', doctor: false, femaleShare: 0.9 },
  'volunteer-coordinator': { code: textOnly('Volunteer coordinator'), access: 'care-coordinator', registration: 'none', doctor: false, femaleShare: 0.7 },
  volunteer: { code: textOnly('Volunteer'), access: 'volunteer', registration: 'volunteer', doctor: false, femaleShare: 0.65 },
};

const ORGANISATION_TYPE: Readonly<Record<OrganisationPlan['kind'], readonly [string, string]>> = {
  'gp-practice': ['prov', 'Healthcare Provider'],
  hospital: ['prov', 'Healthcare Provider'],
  'mental-health': ['prov', 'Healthcare Provider'],
  council: ['govt', 'Government'],
  voluntary: ['cg', 'Community Group'],
};

/** v3 RoleCode service delivery location types. */
const SITE_TYPE: Readonly<Record<SitePlan['kind'], readonly [string, string]>> = {
  surgery: ['PC', 'primary care clinic'],
  'acute-hospital': ['GACH', 'Hospitals; General Acute Care Hospital'],
  'community-hospital': ['HOSP', 'Hospital'],
  'mental-health-unit': ['PSYCHF', 'Psychiatric Care Facility'],
  'mental-health-base': ['COMM', 'Community Location'],
  'civic-centre': ['COMM', 'Community Location'],
  'community-centre': ['COMM', 'Community Location'],
};

function siteAddress(site: SitePlan): Record<string, unknown> {
  return { use: 'work', line: [`${site.houseNumber} ${site.street}`], city: site.town, postalCode: site.postcode, country: 'GB' };
}

function organizationResource(plan: AreaPlan, organisation: OrganisationPlan): Resource {
  const random = SeededRandom.for(plan.seed, Stream.plan, 1000 + organisation.index);
  const [typeCode, typeDisplay] = ORGANISATION_TYPE[organisation.kind];
  const firstSite = organisation.sites[0];
  return {
    resourceType: 'Organization',
    id: organisation.id,
    identifier: [{ system: IdentifierSystem.odsOrganisation, value: organisation.odsCode }],
    active: true,
    type: [concept(System.organizationType, typeCode, typeDisplay)],
    name: organisation.name,
    telecom: [{ system: 'phone', value: fictionalLandline(random), use: 'work' }],
    ...(firstSite ? { address: [siteAddress(firstSite)] } : {}),
  };
}

function locationResource(plan: AreaPlan, site: SitePlan): Resource {
  const random = SeededRandom.for(plan.seed, Stream.plan, 5000 + site.index);
  const organisation = plan.organisations[site.organisationIndex];
  if (!organisation) throw new Error(`site ${site.name} has no organisation`);
  const [typeCode, typeDisplay] = SITE_TYPE[site.kind];
  return {
    resourceType: 'Location',
    id: site.id,
    ...(site.odsSiteCode === undefined ? {} : { identifier: [{ system: IdentifierSystem.odsSite, value: site.odsSiteCode }] }),
    status: 'active',
    name: site.name,
    mode: 'instance',
    type: [concept(System.roleCode, typeCode, typeDisplay)],
    telecom: [{ system: 'phone', value: fictionalLandline(random), use: 'work' }],
    address: siteAddress(site),
    physicalType: concept(System.locationPhysicalType, 'bu', 'Building'),
    position: { longitude: site.longitude, latitude: site.latitude },
    managingOrganization: reference('Organization', organisation.id, organisation.name),
  };
}

export interface StaffMember {
  index: number;
  id: string;
  role: StaffRole;
  organisation: OrganisationPlan;
  female: boolean;
  family: string;
  given: string[];
  displayName: string;
}

/** The member of staff at `index`, regenerated from its own stream so any module can name them. */
export function staffMember(plan: AreaPlan, index: number): StaffMember {
  const { organisation, group } = staffOf(plan, index);
  const details = ROLE_DETAILS[group.role];
  const random = SeededRandom.for(plan.seed, Stream.practitioner, index);
  const female = random.chance(details.femaleShare);
  const name = drawName(random, female, random.int(1958, 2000));
  const displayName = `${details.doctor ? 'Dr ' : ''}${name.given[0] ?? ''} ${name.family}`;
  return { index, id: practitionerId(plan, index), role: group.role, organisation, female, family: name.family, given: name.given, displayName };
}

function registrationIdentifier(role: StaffRole, index: number): Record<string, unknown>[] {
  switch (ROLE_DETAILS[role].registration) {
    case 'gmc': return [{ system: IdentifierSystem.gmc, value: String(7_100_000 + index) }];
    case 'nmc': return [{ system: IdentifierSystem.nmc, value: `${String(10 + (index % 89)).padStart(2, '0')}${'ABCDEFGHJ'[index % 9] ?? 'A'}${String(1000 + (index % 9000)).padStart(4, '0')}${'EOSNW'[index % 5] ?? 'E'}` }];
    case 'hcpc': return [{ system: IdentifierSystem.hcpc, value: `OT${String(60_000 + index)}` }];
    case 'volunteer': return [{ system: IdentifierSystem.volunteer, value: `V${String(index).padStart(6, '0')}` }];
    case 'none': return [];
  }
}

function practitionerResource(plan: AreaPlan, index: number): Resource {
  const member = staffMember(plan, index);
  const details = ROLE_DETAILS[member.role];
  const domain = member.organisation.kind === 'voluntary' ? 'community.example' : 'nhs.example';
  return {
    resourceType: 'Practitioner',
    id: member.id,
    identifier: [{ system: IdentifierSystem.sdsUser, value: String(555_000_000_000 + index) }, ...registrationIdentifier(member.role, index)],
    active: true,
    name: [{ use: 'official', family: member.family, given: member.given, ...(details.doctor ? { prefix: ['Dr'] } : {}) }],
    telecom: [{ system: 'email', value: fictionalEmail(member.given[0] ?? 'staff', member.family, domain, index), use: 'work' }],
    gender: member.female ? 'female' : 'male',
  };
}

function practitionerRoleResource(plan: AreaPlan, index: number): Resource {
  const member = staffMember(plan, index);
  const details = ROLE_DETAILS[member.role];
  const site = member.organisation.sites[index % member.organisation.sites.length];
  return {
    resourceType: 'PractitionerRole',
    id: practitionerRoleId(plan, index),
    active: true,
    practitioner: reference('Practitioner', member.id, member.displayName),
    organization: reference('Organization', member.organisation.id, member.organisation.name),
    // The occupation, then the access role as a concept of its own: they are different classifications.
    code: [details.code, concept(System.accessRole, details.access, ACCESS_ROLE_DISPLAY[details.access])],
    ...(details.specialty ? { specialty: [details.specialty] } : {}),
    ...(site ? { location: [reference('Location', site.id, site.name)] } : {}),
  };
}

/** Organizations, then Locations, then Practitioners, then PractitionerRoles. */
export function* infrastructureResources(plan: AreaPlan): Generator<Resource> {
  for (const organisation of plan.organisations) yield organizationResource(plan, organisation);
  for (const organisation of plan.organisations) for (const site of organisation.sites) yield locationResource(plan, site);
  for (let i = 0; i < plan.practitionerCount; i++) yield practitionerResource(plan, i);
  for (let i = 0; i < plan.practitionerCount; i++) yield practitionerRoleResource(plan, i);
}

export function groupId(plan: AreaPlan, index: number): string {
  return resourceId(plan.seed, IdSpace.group, index, 0);
}
