/**
 * The plan of a synthetic area: which organisations, sites and staff exist for a requested size and
 * seed, the history window, and the arithmetic that lets anyone (the generator, sampleQueries)
 * regenerate any single patient without generating the others. The plan's size grows with the
 * number of organisations and staff, never with the number of patients or resources streamed.
 */
import { IdSpace, NHS_NUMBER_CAPACITY, resourceId } from './area-identifiers.ts';
import { normaliseSeed, SeededRandom, WeightedTable } from './seeded-random.ts';
import type { ProviderKind } from './clinical-vocabulary.ts';
import { PLACES, STREETS } from './uk-names.ts';
import { addYears } from './uk-time.ts';

export interface AreaOptions {
  /** approximate number of resources to generate */
  resources: number;
  seed?: number;
  /** start of the recorded history (default 2022-01-01T00:00:00Z); the history runs HISTORY_YEARS from here */
  start?: Date;
}

export const DEFAULT_SEED = 1;
export const DEFAULT_START = new Date(Date.UTC(2022, 0, 1));
export const HISTORY_YEARS = 3;
/** A patient's record is cut off here, so a lower bound on the number of patients is known in advance. */
export const MAX_RESOURCES_PER_PATIENT = 1000;
/** Measured mean size of a patient's record; used only to size the workforce and estimate counts. */
export const TYPICAL_RESOURCES_PER_PATIENT = 35;
/** Resources emitted after the last patient (the Groups). */
export const TAIL_RESOURCES = 2;

/** Independent random streams; each part of the area draws from its own so parts can be regenerated alone. */
export const Stream = { plan: 1, practitioner: 2, profile: 3, history: 4 } as const;

export type StaffRole =
  | 'gp' | 'practice-nurse' | 'link-worker'
  | 'emergency-doctor' | 'physician' | 'cardiologist' | 'respiratory-physician' | 'orthopaedic-surgeon' | 'ward-nurse'
  | 'psychiatrist' | 'mental-health-nurse'
  | 'social-worker' | 'occupational-therapist'
  | 'volunteer-coordinator' | 'volunteer';

export interface StaffGroup {
  role: StaffRole;
  /** global practitioner index of the first member */
  first: number;
  count: number;
}

export type SiteKind = 'surgery' | 'acute-hospital' | 'community-hospital' | 'mental-health-unit' | 'mental-health-base' | 'civic-centre' | 'community-centre';

export interface SitePlan {
  index: number;
  id: string;
  name: string;
  kind: SiteKind;
  odsSiteCode?: string;
  organisationIndex: number;
  street: string;
  houseNumber: number;
  town: string;
  postcode: string;
  latitude: number;
  longitude: number;
}

export interface OrganisationPlan {
  index: number;
  id: string;
  kind: ProviderKind;
  name: string;
  odsCode: string;
  town: string;
  district: number;
  staff: readonly StaffGroup[];
  sites: readonly SitePlan[];
  /** relative list size (GP practices); 0 for others */
  listWeight: number;
}

export interface AreaPlan {
  seed: number;
  requested: number;
  startMs: number;
  /** end of the history window: appointments after it are still booked */
  asOfMs: number;
  organisations: readonly OrganisationPlan[];
  practices: readonly OrganisationPlan[];
  practiceTable: WeightedTable<OrganisationPlan>;
  hospital: OrganisationPlan;
  mentalHealth: OrganisationPlan;
  council: OrganisationPlan;
  voluntary: readonly OrganisationPlan[];
  practitionerCount: number;
  siteCount: number;
  /** Organizations + Locations + Practitioners + PractitionerRoles */
  infrastructureCount: number;
  /**
   * Resources available for patients' records: patient k is generated while the records before it
   * hold fewer than this. Half a typical record is held back so the total lands near the request
   * rather than always above it.
   */
  patientBudget: number;
  /** patients that exist for certain, whatever their records' sizes (see MAX_RESOURCES_PER_PATIENT) */
  guaranteedPatients: number;
}

const PRACTICE_SUFFIXES = ['Medical Centre', 'Surgery', 'Health Centre', 'Family Practice', 'Group Practice', 'Medical Practice'];
const VOLUNTARY_NAMES = ['Good Neighbours', 'Carers Together', 'Community Pantry', 'Befriending Network', 'Digital Buddies', 'Wellbeing Café', 'Men’s Shed', 'Community Transport'];
const UNIT_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ'; // postcode unit letters exclude C I K M O V

export function drawPostcode(random: SeededRandom, district: number): string {
  return `KD${district} ${random.int(1, 9)}${random.pick([...UNIT_LETTERS])}${random.pick([...UNIT_LETTERS])}`;
}

export function placeOfDistrict(district: number): string {
  for (const [town, districts] of PLACES) if (districts.includes(district)) return town;
  return PLACES[0]?.[0] ?? 'Ashworth';
}

export function resolveOptions(options: AreaOptions): { seed: number; requested: number; startMs: number } {
  if (!Number.isFinite(options.resources) || options.resources < 1) throw new Error(`resources must be a positive number, got ${options.resources}`);
  const startMs = (options.start ?? DEFAULT_START).getTime();
  if (!Number.isFinite(startMs)) throw new Error('start must be a valid date');
  return { seed: normaliseSeed(options.seed ?? DEFAULT_SEED), requested: Math.round(options.resources), startMs };
}

/** Builds the plan; pure, so the generator and sampleQueries build identical plans from the same options. */
export function planArea(options: AreaOptions): AreaPlan {
  const { seed, requested, startMs } = resolveOptions(options);
  const random = SeededRandom.for(seed, Stream.plan, 0);
  const patients = Math.max(1, requested / TYPICAL_RESOURCES_PER_PATIENT);
  const organisations: OrganisationPlan[] = [];
  let practitioner = 0;
  let site = 0;
  const districts = PLACES.flatMap(([, d]) => d);

  const addOrganisation = (kind: ProviderKind, name: string, odsCode: string, district: number, staffing: readonly (readonly [StaffRole, number])[], sites: readonly (readonly [string, SiteKind, string | undefined])[], listWeight = 0): OrganisationPlan => {
    const index = organisations.length;
    const staff = staffing.map(([role, count]) => {
      const group = { role, first: practitioner, count: Math.max(1, Math.round(count)) };
      practitioner += group.count;
      return group;
    });
    const town = placeOfDistrict(district);
    const sitePlans = sites.map(([siteName, siteKind, odsSiteCode], n): SitePlan => {
      const siteDistrict = n === 0 ? district : random.pick(districts);
      const plan: SitePlan = {
        index: site, id: resourceId(seed, IdSpace.location, site, 0), name: siteName, kind: siteKind, organisationIndex: index,
        street: random.pick(STREETS), houseNumber: random.int(1, 180), town: placeOfDistrict(siteDistrict), postcode: drawPostcode(random, siteDistrict),
        latitude: Math.round((53.70 + siteDistrict * 0.006 + random.between(-0.01, 0.01)) * 1e6) / 1e6,
        longitude: Math.round((-2.32 + (siteDistrict % 4) * 0.02 + random.between(-0.01, 0.01)) * 1e6) / 1e6,
        ...(odsSiteCode === undefined ? {} : { odsSiteCode }),
      };
      site++;
      return plan;
    });
    const organisation: OrganisationPlan = { index, id: resourceId(seed, IdSpace.organization, index, 0), kind, name, odsCode, town, district, staff, sites: sitePlans, listWeight };
    organisations.push(organisation);
    return organisation;
  };

  // Secondary care first, so that everything later (practices' referrals, staff) can point at it.
  const hospital = addOrganisation('hospital', 'Ashworth and District Hospitals NHS Foundation Trust', 'RZZ', 1, [
    ['emergency-doctor', Math.max(2, patients / 3000)], ['physician', Math.max(2, patients / 4000)], ['cardiologist', patients / 10000],
    ['respiratory-physician', patients / 12000], ['orthopaedic-surgeon', patients / 12000], ['ward-nurse', Math.max(3, patients / 1500)],
  ], [['Ashworth General Hospital', 'acute-hospital', 'RZZ01'], ['Kelbrook Community Hospital', 'community-hospital', 'RZZ02']]);
  const mentalHealth = addOrganisation('mental-health', 'Ashworth Vale Mental Health NHS Trust', 'RZY', 2, [
    ['psychiatrist', patients / 15000], ['mental-health-nurse', Math.max(2, patients / 5000)],
  ], [['Ashworth Vale Unit', 'mental-health-unit', 'RZY01'], ['Millbridge Community Mental Health Team Base', 'mental-health-base', 'RZY02']]);
  const council = addOrganisation('council', 'Ashworth Borough Council Adult Social Care', '9ZZ', 3, [
    ['social-worker', Math.max(2, patients / 3000)], ['occupational-therapist', patients / 10000],
  ], [['Ashworth Town Hall', 'civic-centre', undefined]]);

  const practiceCount = Math.min(80, Math.max(2, Math.round(patients / 6000)));
  const weights = Array.from({ length: practiceCount }, () => random.frailtyMultiplier(0.45));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const practiceNames = [...PLACES.map(([town]) => town), ...STREETS.map((s) => s.replace(/ (Street|Road|Lane|Avenue|Drive|Close|Walk|Row|Terrace|Grove|Way|Crescent|Court|Mews)$/, ''))];
  const practices = weights.map((weight, i) => {
    const list = (patients * weight) / totalWeight;
    const district = random.pick(districts);
    const base = practiceNames[i % practiceNames.length] ?? 'Ashworth';
    // Cycling the suffix one step further each time the places run out keeps names unique.
    const name = `${base} ${PRACTICE_SUFFIXES[(i + Math.floor(i / practiceNames.length)) % PRACTICE_SUFFIXES.length] ?? 'Surgery'}`;
    const ods = `K8${String(1000 + i * 13).padStart(4, '0')}`;
    const sites: [string, SiteKind, string | undefined][] = [[name, 'surgery', undefined]];
    if (list > 9000) sites.push([`${name} (branch surgery)`, 'surgery', undefined]);
    return addOrganisation('gp-practice', name, ods, district, [['gp', Math.max(1, list / 1800)], ['practice-nurse', Math.max(1, list / 3000)], ['link-worker', 1]], sites, weight);
  });

  const voluntaryCount = Math.min(VOLUNTARY_NAMES.length * PLACES.length, Math.max(2, Math.round(patients / 8000)));
  const voluntary = Array.from({ length: voluntaryCount }, (_, i) => {
    // Each place gets one group of each kind before any kind repeats, so names stay unique.
    const [town, townDistricts] = PLACES[Math.floor(i / VOLUNTARY_NAMES.length) % PLACES.length] ?? ['Ashworth', [1]];
    const district = townDistricts[0] ?? 1;
    const name = `${town} ${VOLUNTARY_NAMES[i % VOLUNTARY_NAMES.length] ?? 'Community Group'}`;
    return addOrganisation('voluntary', name, `NZZ${String(i + 1).padStart(2, '0')}`, district, [
      ['volunteer-coordinator', 1], ['volunteer', Math.max(2, patients / (voluntaryCount * 1200))],
    ], [[`${town} Community Centre`, 'community-centre', undefined]]);
  });

  const infrastructureCount = organisations.length + site + 2 * practitioner;
  const asOfMs = addYears(startMs, HISTORY_YEARS);
  const patientBudget = requested - infrastructureCount - TAIL_RESOURCES - TYPICAL_RESOURCES_PER_PATIENT / 2;
  return {
    seed, requested, startMs, asOfMs, organisations, practices, hospital, mentalHealth, council, voluntary,
    practiceTable: new WeightedTable(practices.map((p) => [p, p.listWeight] as const)),
    practitionerCount: practitioner, siteCount: site, infrastructureCount,
    patientBudget,
    // Patient k starts while the k records before it (at most k × MAX each) are under budget.
    guaranteedPatients: patientBudget > 0 ? Math.min(NHS_NUMBER_CAPACITY, Math.ceil(patientBudget / MAX_RESOURCES_PER_PATIENT)) : 0,
  };
}

/** The staff group a practitioner belongs to, with its organisation. */
export function staffOf(plan: AreaPlan, practitionerIndex: number): { organisation: OrganisationPlan; group: StaffGroup } {
  for (const organisation of plan.organisations) {
    for (const group of organisation.staff) {
      if (practitionerIndex >= group.first && practitionerIndex < group.first + group.count) return { organisation, group };
    }
  }
  throw new Error(`no practitioner ${practitionerIndex} in this area`);
}

/** A member of staff in `role` at `organisation` (first matching role in `roles`), drawn with `random`. */
export function pickStaff(organisation: OrganisationPlan, roles: readonly StaffRole[], random: SeededRandom): number {
  for (const role of roles) {
    const group = organisation.staff.find((g) => g.role === role);
    if (group) return group.first + Math.floor(random.next() * group.count);
  }
  const fallback = organisation.staff[0];
  if (!fallback) throw new Error(`${organisation.name} has no staff`);
  return fallback.first;
}

export function practitionerId(plan: AreaPlan, practitionerIndex: number): string {
  return resourceId(plan.seed, IdSpace.practitioner, practitionerIndex, 0);
}

export function practitionerRoleId(plan: AreaPlan, practitionerIndex: number): string {
  return resourceId(plan.seed, IdSpace.practitionerRole, practitionerIndex, 0);
}

export function patientResourceId(plan: AreaPlan, patientIndex: number, sequence: number): string {
  return resourceId(plan.seed, IdSpace.patientRecord, patientIndex, sequence);
}

