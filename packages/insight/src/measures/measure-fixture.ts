/**
 * A small area for the measure tests, small enough to count by hand: two practices and a
 * community trust's virtual ward, four people (one with nothing recorded about them), their
 * appointments, online requests, red-flag exits and ward alerts in March 2026 (weeks starting
 * 2, 9, 16 and 23 March; nothing happens in the week of 16 March but one red-flag exit).
 */
import type { Resource } from '@kindred/fhir';

const SD = 'https://kindred.health/fhir/StructureDefinition';
const MODALITY_SYSTEM = 'https://kindred.health/fhir/CodeSystem/consultation-modality';
const TASK_CODE_SYSTEM = 'https://kindred.health/fhir/CodeSystem/task-code';

const organisation = (id: string, name: string): Resource => ({ resourceType: 'Organization', id, name, active: true });

interface PersonInput {
  id: string;
  gender?: string;
  birthDate?: string;
  ethnicity?: string;
  lsoa?: string;
  practice: string;
  needs?: { noInternet?: boolean; carerHelps?: string };
  interpreter?: boolean;
}

function person(input: PersonInput): Resource {
  const needs = [
    ...(input.needs?.noInternet ? [{ url: 'noInternet', valueBoolean: true }] : []),
    ...(input.needs?.carerHelps !== undefined ? [{ url: 'carerHelps', valueReference: { reference: input.needs.carerHelps } }] : []),
  ];
  const extension = [
      ...(input.ethnicity !== undefined
        ? [{ url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory', valueCodeableConcept: { coding: [{ system: 'https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland', code: input.ethnicity }] } }]
        : []),
      ...(input.interpreter !== undefined ? [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired', valueBoolean: input.interpreter }] : []),
      ...(needs.length > 0 ? [{ url: `${SD}/access-needs`, extension: needs }] : []),
  ];
  return {
    resourceType: 'Patient',
    id: input.id,
    ...(extension.length > 0 ? { extension } : {}),
    name: [{ family: 'Test', given: [input.id] }],
    ...(input.gender !== undefined ? { gender: input.gender } : {}),
    ...(input.birthDate !== undefined ? { birthDate: input.birthDate } : {}),
    address: [
      {
        use: 'home',
        line: ['1 High Street'],
        ...(input.lsoa !== undefined ? { extension: [{ url: `${SD}/lsoa`, valueCoding: { system: 'https://kindred.health/fhir/CodeSystem/lsoa-2021', code: input.lsoa } }] } : {}),
      },
    ],
    generalPractitioner: [{ reference: `Organization/${input.practice}` }],
  };
}

interface AppointmentInput {
  id: string;
  patient: string;
  start: string;
  status: string;
  given?: string;
  serviceType?: string;
  contact?: string;
  used?: string;
  preferred?: string;
}

const coding = (code: string) => ({ system: MODALITY_SYSTEM, code });

function appointment(input: AppointmentInput): Resource {
  const extension = [
      ...(input.given !== undefined ? [{ url: `${SD}/modality-given`, valueCoding: coding(input.given) }] : []),
      ...(input.used !== undefined ? [{ url: `${SD}/modality-used`, valueCoding: coding(input.used) }] : []),
      ...(input.preferred !== undefined ? [{ url: `${SD}/preferred-modality`, valueCoding: coding(input.preferred) }] : []),
      ...(input.contact !== undefined ? [{ url: 'https://fhir.kindred.example/StructureDefinition/contact-modality', valueCoding: { system: 'https://fhir.kindred.example/CodeSystem/contact-modality', code: input.contact } }] : []),
  ];
  return {
    resourceType: 'Appointment',
    id: input.id,
    status: input.status,
    ...(extension.length > 0 ? { extension } : {}),
    ...(input.serviceType !== undefined ? { serviceType: [{ coding: [coding(input.serviceType)] }] } : {}),
    start: input.start,
    end: new Date(Date.parse(input.start) + 10 * 60_000).toISOString(),
    participant: [{ actor: { reference: `Patient/${input.patient}` }, required: 'required', status: 'accepted' }],
  };
}

interface RequestInput {
  id: string;
  patient: string;
  authored: string;
  route?: string;
  owner?: string;
  outcome?: string;
  respondedAt?: string;
}

function request(input: RequestInput): Resource {
  const done = input.outcome !== undefined;
  return {
    resourceType: 'Task',
    id: input.id,
    status: done ? 'completed' : 'requested',
    intent: 'order',
    priority: 'routine',
    code: { coding: [{ system: TASK_CODE_SYSTEM, code: 'online-request' }, { system: 'https://kindred.health/fhir/CodeSystem/request-category', code: 'medical' }] },
    for: { reference: `Patient/${input.patient}` },
    authoredOn: input.authored,
    ...(input.owner !== undefined ? { owner: { reference: `Organization/${input.owner}` } } : {}),
    ...(input.route !== undefined ? { extension: [{ url: `${SD}/request-route`, valueCode: input.route }] } : {}),
    ...(done
      ? {
          output: [{ type: { coding: [{ system: 'https://kindred.health/fhir/CodeSystem/triage-outcome', code: input.outcome }] }, valueString: 'Done' }],
          executionPeriod: { start: input.authored, end: input.respondedAt },
        }
      : {}),
  };
}

function redFlagExit(id: string, patient: string, authored: string): Resource {
  return {
    resourceType: 'QuestionnaireResponse',
    id,
    status: 'stopped',
    questionnaire: 'https://kindred.health/fhir/Questionnaire/online-request|1',
    subject: { reference: `Patient/${patient}` },
    authored,
    extension: [{ url: `${SD}/red-flag`, valueString: '999' }],
  };
}

function wardAlert(id: string, patient: string, raised: string, closed?: string): Resource {
  return {
    resourceType: 'Task',
    id,
    status: closed !== undefined ? 'completed' : 'requested',
    intent: 'order',
    priority: 'urgent',
    code: { coding: [{ system: TASK_CODE_SYSTEM, code: 'virtual-ward-alert' }] },
    for: { reference: `Patient/${patient}` },
    authoredOn: raised,
    owner: { reference: 'CareTeam/ward-1' },
    ...(closed !== undefined ? { executionPeriod: { end: closed } } : {}),
  };
}

/** The IMD deciles of the people's LSOAs (p4 has none). */
export const FIXTURE_IMD = [
  { lsoaCode: 'E01000001', decile: 1 },
  { lsoaCode: 'E01000002', decile: 4 },
  { lsoaCode: 'E01000003', decile: 10 },
  { lsoaCode: 'E01000099', decile: 6 },
];

/** In the order they can be written (what is referred to first). */
export function measureFixture(): Resource[] {
  return [
    organisation('gp-a', 'Alder Practice'),
    organisation('gp-b', 'Birch Practice'),
    organisation('trust', 'Community Trust'),
    person({ id: 'p1', gender: 'female', birthDate: '1950-06-15', ethnicity: 'A', lsoa: 'E01000001', practice: 'gp-a' }),
    person({ id: 'p2', gender: 'male', birthDate: '2010', ethnicity: 'H', lsoa: 'E01000002', practice: 'gp-a', needs: { noInternet: true }, interpreter: true }),
    person({ id: 'p4', practice: 'gp-b' }),
    {
      resourceType: 'RelatedPerson',
      id: 'rp1',
      active: true,
      patient: { reference: 'Patient/p1' },
      relationship: [{ coding: [{ system: 'http://snomed.info/sct', code: '133932002', display: 'Caregiver (person)' }] }],
    },
    person({ id: 'p3', gender: 'female', birthDate: '1986-03-20', ethnicity: 'Z', lsoa: 'E01000003', practice: 'gp-b', needs: { carerHelps: 'RelatedPerson/rp1' } }),
    {
      resourceType: 'CareTeam',
      id: 'ward-1',
      status: 'active',
      name: 'Virtual ward',
      category: [{ coding: [{ system: 'https://kindred.health/fhir/CodeSystem/care-team-category', code: 'virtual-ward' }] }],
      managingOrganization: [{ reference: 'Organization/trust' }],
    },
    appointment({ id: 'a1', patient: 'p1', start: '2026-03-03T10:00:00Z', status: 'fulfilled', given: 'video', serviceType: 'video', preferred: 'video' }),
    appointment({ id: 'a2', patient: 'p1', start: '2026-03-04T10:00:00Z', status: 'fulfilled', given: 'video', used: 'phone' }),
    appointment({ id: 'a3', patient: 'p2', start: '2026-03-05T10:00:00Z', status: 'noshow', contact: 'telephone' }),
    appointment({ id: 'a4', patient: 'p3', start: '2026-03-10T10:00:00Z', status: 'fulfilled', contact: 'face-to-face', preferred: 'video' }),
    appointment({ id: 'a5', patient: 'p4', start: '2026-03-11T10:00:00Z', status: 'fulfilled', serviceType: 'phone' }),
    appointment({ id: 'a6', patient: 'p3', start: '2026-03-24T10:00:00Z', status: 'noshow', given: 'video' }),
    appointment({ id: 'a7', patient: 'p2', start: '2026-03-12T10:00:00Z', status: 'cancelled', given: 'home-visit' }),
    appointment({ id: 'a8', patient: 'p1', start: '2026-03-25T10:00:00Z', status: 'fulfilled', given: 'phone', preferred: 'phone' }),
    request({ id: 'r1', patient: 'p1', authored: '2026-03-02T09:00:00Z', route: 'online-self', owner: 'gp-a', outcome: 'reply', respondedAt: '2026-03-02T13:00:00Z' }),
    request({ id: 'r2', patient: 'p2', authored: '2026-03-03T09:00:00Z', route: 'phone', owner: 'gp-a', outcome: 'book', respondedAt: '2026-03-04T09:00:00Z' }),
    request({ id: 'r3', patient: 'p3', authored: '2026-03-10T08:00:00Z', route: 'online-assisted', owner: 'gp-b' }),
    request({ id: 'r4', patient: 'p4', authored: '2026-03-11T08:00:00Z', route: 'in-person', owner: 'gp-b', outcome: 'reply', respondedAt: '2026-03-11T10:00:00Z' }),
    request({ id: 'r5', patient: 'p3', authored: '2026-03-24T08:00:00Z', outcome: 'close', respondedAt: '2026-03-24T20:00:00Z' }),
    redFlagExit('x1', 'p1', '2026-03-03T12:00:00Z'),
    redFlagExit('x2', 'p2', '2026-03-05T12:00:00Z'),
    redFlagExit('x3', 'p3', '2026-03-17T12:00:00Z'),
    wardAlert('w1', 'p1', '2026-03-03T10:00:00Z', '2026-03-03T10:20:00Z'),
    wardAlert('w2', 'p4', '2026-03-04T10:00:00Z', '2026-03-04T11:00:00Z'),
    wardAlert('w3', 'p2', '2026-03-05T10:00:00Z'),
  ];
}
