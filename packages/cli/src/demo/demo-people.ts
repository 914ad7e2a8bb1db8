/**
 * One demo person: a Patient registered with one of the practices (varied age, sex, ethnicity,
 * name, a valid NHS number from the range kept for testing, an address with its LSOA), their
 * communication and access needs profile (decision 0013), and for some an unpaid carer or a parent
 * as a RelatedPerson with a Consent that says what they may do (decision 0011).
 *
 * Deterministic: the same seed and index make the same person. Returns resources and the facts the
 * history needs; writes nothing.
 */
import type { Resource } from '@kindred/fhir';
import { NHS_NUMBER_SYSTEM } from '@kindred/fhir';
import { demoRandom, type DemoRandom } from './demo-random.ts';
import { NAME_GROUPS, STREETS, type NameGroup } from './demo-names.ts';
import { PRACTICES, type PracticeKey } from './demo-organisations.ts';
import type { AreaLsoa } from './demo-deprivation.ts';
import { dateOfDay } from './demo-time.ts';
import { EXT, Modality, SYSTEM } from './demo-vocabulary.ts';

/** The ways Kindred can reach a person (decision 0012's channels). */
type Channel = 'app' | 'sms' | 'email' | 'phone' | 'letter';

export interface DemoPerson {
  id: string;
  index: number;
  name: string;
  practice: PracticeKey;
  age: number;
  child: boolean;
  decile?: number;
  noInternet: boolean;
  interpreter?: { code: string; display: string };
  bsl: boolean;
  easyRead: boolean;
  longerAppointment: boolean;
  safeToContactAtHome: boolean;
  mobile?: string;
  email?: string;
  preferredModality: Modality;
  /** the carer (or a child's parent) with a consent, when there is one */
  carer?: { id: string; name: string; actions: readonly string[]; parent: boolean };
}

export interface PersonContext {
  seed: number;
  /** today, as a UTC day number */
  today: number;
  /** the area's LSOAs, empty when no deprivation file was given */
  lsoas: readonly AreaLsoa[];
  nhsNumbers: NhsNumbers;
}

export const patientId = (index: number): string => `demo-person-${String(index + 1).padStart(6, '0')}`;

/** NHS numbers from 999 000 000x, the range the NHS keeps for testing, each used once. */
export interface NhsNumbers {
  next(index: number): string;
}

function checkDigit(nine: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (nine.charCodeAt(i) - 48) * (10 - i);
  const check = 11 - (sum % 11);
  return check === 11 ? 0 : check;
}

export function createNhsNumbers(seed: number): NhsNumbers {
  const used = new Set<number>();
  const offset = demoRandom('nhs', seed).int(0, 999_999);
  return {
    next(index) {
      // a permutation of 0…999999 (7919 is coprime with 10^6), probing past numbers already used or without a check digit
      for (let k = index; ; k++) {
        const n = (k * 7919 + offset) % 1_000_000;
        if (used.has(n)) continue;
        const nine = `999${String(n).padStart(6, '0')}`;
        const check = checkDigit(nine);
        used.add(n);
        if (check !== 10) return `${nine}${check}`;
      }
    },
  };
}

/** Age in years, in roughly England's shares (children to 95 and over). */
function drawAge(random: DemoRandom): number {
  const band = random.weighted<[number, number]>([
    [[0, 4], 5.5],
    [[5, 15], 12.5],
    [[16, 29], 17],
    [[30, 49], 26],
    [[50, 64], 19],
    [[65, 79], 13.5],
    [[80, 94], 5.8],
    [[95, 103], 0.7],
  ]);
  return random.int(band[0], band[1]);
}

const CARER_RELATIONSHIPS = [
  { code: 'DAU', display: 'daughter', given: 'female' },
  { code: 'SON', display: 'son', given: 'male' },
  { code: 'WIFE', display: 'wife', given: 'female' },
  { code: 'HUSB', display: 'husband', given: 'male' },
  { code: 'SIS', display: 'sister', given: 'female' },
  { code: 'FRND', display: 'unrelated friend', given: 'male' },
] as const;

const ROLE_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';

function personalConsent(id: string, patient: string, actor: string, actions: readonly string[], start: string): Resource {
  // As the access policy reads a carer's consent (decision 0011, and the policy's test area).
  return {
    resourceType: 'Consent',
    id,
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: { reference: patient },
    dateTime: start,
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
    provision: {
      type: 'permit',
      period: { start },
      actor: [{ role: { coding: [{ system: SYSTEM.participationType, code: 'IRCP' }] }, reference: { reference: actor } }],
      action: actions.map((code) => ({ coding: [{ system: SYSTEM.carerAction, code }] })),
    },
  };
}

const ALL_CARER_ACTIONS = ['view-record', 'book', 'message', 'manage-requests'] as const;

function noInternetChance(age: number, decile: number | undefined): number {
  const byAge = age < 40 ? 0.06 : age < 65 ? 0.1 : age < 75 ? 0.25 : age < 85 ? 0.42 : 0.62;
  return Math.min(0.9, byAge + (decile !== undefined && decile <= 2 ? 0.07 : decile !== undefined && decile <= 4 ? 0.03 : 0));
}

export function makePerson(index: number, context: PersonContext): { person: DemoPerson; resources: Resource[] } {
  const random = demoRandom('person', context.seed, index);
  const id = patientId(index);
  const practice: PracticeKey = random.chance(0.55) ? 'riverside' : 'hillview';
  // Riverside serves the more deprived half of the area, Hillview the less deprived.
  const lsoa =
    context.lsoas.length === 0
      ? undefined
      : random.weighted(context.lsoas.map((l) => [l, practice === 'riverside' ? 11 - l.decile : l.decile] as const));
  const age = drawAge(random);
  const child = age < 16;
  const birthDay = context.today - age * 365 - random.int(0, 364) - Math.floor(age / 4);
  const genderDraw = random.next();
  const gender = genderDraw < 0.003 ? 'other' : genderDraw < 0.51 ? 'female' : 'male';
  const group: NameGroup = random.weighted(NAME_GROUPS.map((g) => [g, g.share] as const));
  const given = random.pick(gender === 'female' ? group.female : gender === 'male' ? group.male : random.chance(0.5) ? group.female : group.male);
  const family = random.pick(group.family);
  const name = `${given} ${family}`;
  const nhsNumber = context.nhsNumbers.next(index);

  const noInternet = !child && random.chance(noInternetChance(age, lsoa?.decile));
  const interpreterChance = group.interpreter ? group.interpreter.chance * (age >= 65 ? 1.4 : 1) : 0;
  const interpreter = !child && group.interpreter && random.chance(interpreterChance) ? random.pick(group.interpreter.languages) : undefined;
  const bsl = !interpreter && random.chance(0.005);
  const easyRead = !child && random.chance(0.02);
  const largePrint = !child && random.chance(age >= 75 ? 0.1 : 0.015);
  const hearingLoss = !bsl && random.chance(age >= 75 ? 0.12 : 0.02);
  const sightLoss = random.chance(age >= 75 ? 0.06 : 0.01);
  const safeToContactAtHome = child || !random.chance(0.01);
  const longerAppointment = interpreter !== undefined || bsl || easyRead || random.chance(age >= 80 ? 0.1 : 0.02);
  const mobile = !child && random.chance(age >= 85 ? 0.45 : age >= 75 ? 0.7 : 0.93) ? `07700 900${String(random.int(0, 999)).padStart(3, '0')}` : undefined;
  const email =
    !child && !noInternet && random.chance(age >= 75 ? 0.35 : 0.75)
      ? `${given}.${family}${random.int(1, 99)}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, '')
      : undefined;

  // An unpaid carer for some (more among older people and people with needs); a parent for some children.
  const carerChance = child ? 0.5 : age >= 80 ? 0.45 : noInternet || easyRead || interpreter ? 0.3 : age >= 65 ? 0.15 : 0.08;
  const hasCarer = random.chance(carerChance);
  let carer: DemoPerson['carer'];
  const resources: Resource[] = [];
  const start = dateOfDay(context.today - random.int(30, 900));
  if (hasCarer) {
    const relation = child
      ? random.chance(0.6)
        ? { code: 'MTH', display: 'mother', given: 'female' as const }
        : { code: 'FTH', display: 'father', given: 'male' as const }
      : random.pick(CARER_RELATIONSHIPS);
    const carerGiven = random.pick(relation.given === 'female' ? group.female : group.male);
    const carerFamily = relation.code === 'FRND' ? random.pick(group.family) : family;
    const carerId = `${id}-carer`;
    const actions = random.chance(0.75) ? ALL_CARER_ACTIONS : (['view-record', 'book'] as const);
    carer = { id: carerId, name: `${carerGiven} ${carerFamily}`, actions, parent: child };
    resources.push(
      {
        resourceType: 'RelatedPerson',
        id: carerId,
        active: true,
        patient: { reference: `Patient/${id}` },
        relationship: [{ coding: [{ system: ROLE_CODE_SYSTEM, code: relation.code, display: relation.display }], text: child ? relation.display : `${relation.display}, unpaid carer` }],
        name: [{ use: 'usual', family: carerFamily, given: [carerGiven] }],
        telecom: [{ system: 'phone', value: `07700 900${String(random.int(0, 999)).padStart(3, '0')}`, use: 'mobile' }],
      },
      personalConsent(`${id}-carer-consent`, `Patient/${id}`, `RelatedPerson/${carerId}`, actions, start),
    );
  }

  const preferredModality: Modality = noInternet
    ? random.weighted([[Modality.phone, 4], [Modality.faceToFace, 5], [Modality.homeVisit, age >= 80 ? 3 : 0.2]])
    : bsl
      ? random.weighted([[Modality.video, 3], [Modality.faceToFace, 2]])
      : random.weighted([[Modality.video, age < 50 ? 3 : 1], [Modality.phone, 4], [Modality.faceToFace, 4], [Modality.homeVisit, age >= 85 ? 2 : 0.05]]);

  const written: Channel[] = noInternet ? [] : ['app', ...(email ? (['email'] as const) : [])];
  const preferred: Channel[] = noInternet
    ? [random.chance(0.5) ? 'phone' : 'letter']
    : largePrint || easyRead
      ? ['letter']
      : [random.weighted<Channel>([['app', age < 60 ? 4 : 1], ['sms', mobile ? 4 : 0], ['email', email ? 2 : 0], ['phone', 1]])];
  const possible = (['app', 'sms', 'email', 'phone', 'letter'] as Channel[]).filter(
    (c) => !preferred.includes(c) && (c === 'sms' ? mobile !== undefined : c === 'app' || c === 'email' ? written.includes(c) : c === 'letter' ? safeToContactAtHome : !bsl),
  );
  const adjustments = [
    ...(longerAppointment ? ['A longer appointment'] : []),
    ...(easyRead ? ['Explain things simply and check understanding'] : []),
    ...(hearingLoss ? ['Face the person and speak clearly; hearing loop at reception'] : []),
    ...(sightLoss ? ['Read letters aloud or send them in large print'] : []),
    ...(!safeToContactAtHome ? ['Do not write or phone at home: use the mobile number only, after 10am'] : []),
  ];
  const accessNeeds = child
    ? undefined
    : {
        url: EXT.accessNeeds,
        extension: [
          ...preferred.map((c) => ({ url: 'preferredChannel', valueCode: c })),
          ...possible.map((c) => ({ url: 'possibleChannel', valueCode: c })),
          ...(noInternet ? [{ url: 'noInternet', valueBoolean: true }] : []),
          ...(easyRead ? [{ url: 'easyRead', valueBoolean: true }] : []),
          ...(largePrint ? [{ url: 'largePrint', valueBoolean: true }] : []),
          ...(hearingLoss ? [{ url: 'hearingLoss', valueBoolean: true }] : []),
          ...(sightLoss ? [{ url: 'sightLoss', valueBoolean: true }] : []),
          ...(carer && !carer.parent ? [{ url: 'carerHelps', valueReference: { reference: `RelatedPerson/${carer.id}`, display: carer.name } }] : []),
          ...adjustments.map((a) => ({ url: 'reasonableAdjustment', valueString: a })),
          ...(longerAppointment ? [{ url: 'longerAppointment', valueBoolean: true }] : []),
          ...(safeToContactAtHome ? [] : [{ url: 'safeToContactAtHome', valueBoolean: false }]),
        ],
      };
  const language = bsl ? { code: 'bfi', display: 'British Sign Language' } : interpreter;
  const houseNumber = random.int(1, 180);
  const telecom = [
    ...(mobile ? [{ system: 'phone', value: mobile, use: 'mobile' }] : []),
    ...(email ? [{ system: 'email', value: email, use: 'home' }] : []),
  ];
  const patient: Resource = {
    resourceType: 'Patient',
    id,
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: nhsNumber }],
    active: true,
    name: [{ use: 'official', family, given: [given] }],
    gender,
    birthDate: dateOfDay(birthDay),
    ...(telecom.length > 0 ? { telecom } : {}),
    address: [
      {
        use: 'home',
        line: [`${houseNumber} ${random.pick(STREETS)}`],
        city: 'Northgate',
        postalCode: `KN${random.int(1, 9)} ${random.int(1, 9)}${String.fromCharCode(65 + random.int(0, 25))}${String.fromCharCode(65 + random.int(0, 25))}`,
        country: 'GB',
        ...(lsoa ? { extension: [{ url: EXT.lsoa, valueCoding: { system: SYSTEM.lsoa2021, code: lsoa.code } }] } : {}),
      },
    ],
    generalPractitioner: [{ reference: `Organization/${PRACTICES[practice].id}`, display: PRACTICES[practice].name }],
    ...(language
      ? { communication: [{ language: { coding: [{ system: SYSTEM.bcp47, code: language.code, display: language.display }], text: language.display }, preferred: true }] }
      : {}),
    extension: [
      { url: EXT.ethnicCategory, valueCodeableConcept: { coding: [{ system: SYSTEM.ethnicCategory, code: group.category, display: group.display }] } },
      ...(language ? [{ url: EXT.interpreterRequired, valueBoolean: true }] : []),
      ...(accessNeeds ? [accessNeeds] : []),
    ],
  };
  return {
    person: {
      id,
      index,
      name,
      practice,
      age,
      child,
      ...(lsoa ? { decile: lsoa.decile } : {}),
      noInternet,
      ...(interpreter ? { interpreter } : {}),
      bsl,
      easyRead,
      longerAppointment,
      safeToContactAtHome,
      ...(mobile ? { mobile } : {}),
      ...(email ? { email } : {}),
      preferredModality,
      ...(carer ? { carer } : {}),
    },
    resources: [patient, ...resources],
  };
}
