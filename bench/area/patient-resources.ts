/**
 * The start of each patient's record: the Patient, the unpaid carer (RelatedPerson), allergies,
 * long-term conditions recorded before the history window, and the CareTeam of people with complex
 * needs. Built from the patient profile; the carer and conditions come before the CareTeam that
 * names them, so references always point backwards.
 */
import type { Resource } from '@kindred/fhir';
import { pickStaff } from './area-plan.ts';
import { ETHNIC_CATEGORY_DISPLAY } from './uk-names.ts';
import { ROLE_DETAILS, staffMember } from './infrastructure-resources.ts';
import { hasCondition, type CarerProfile } from './patient-profile.ts';
import type { BuiltResource, RecordContext } from './record-context.ts';
import { fictionalMobile } from './person-names.ts';
import { concept, ExtensionUrl, IdentifierSystem, reference, snomed, System, type ConceptValue, type ReferenceValue } from './terminology.ts';
import { DAY_MS, formatUkDate, formatUkDateTime, YEAR_MS } from './uk-time.ts';

const LANGUAGE_DISPLAY: Readonly<Record<string, string>> = {
  pl: 'Polish', ro: 'Romanian', pt: 'Portuguese', es: 'Spanish', fr: 'French', tr: 'Turkish', ku: 'Kurdish', ur: 'Urdu', pa: 'Punjabi',
  bn: 'Bengali', gu: 'Gujarati', hi: 'Hindi', so: 'Somali', yo: 'Yoruba', tw: 'Twi', zh: 'Chinese', yue: 'Cantonese', ar: 'Arabic', ga: 'Irish', bfi: 'British Sign Language',
};

const MARITAL_DISPLAY: Readonly<Record<string, string>> = { S: 'Never Married', M: 'Married', D: 'Divorced', W: 'Widowed' };

function prefixFor(ctx: RecordContext): string[] {
  const { profile, random } = ctx;
  if (profile.age < 18 || random.chance(0.3)) return [];
  if (profile.gender === 'male') return ['Mr'];
  if (profile.gender !== 'female') return random.chance(0.5) ? ['Mx'] : [];
  return profile.maritalStatus === 'M' || profile.maritalStatus === 'W' ? [random.chance(0.8) ? 'Mrs' : 'Ms'] : [random.chance(0.5) ? 'Miss' : 'Ms'];
}

export function patientResource(ctx: RecordContext): Resource {
  const { plan, profile } = ctx;
  const prefix = prefixFor(ctx);
  const telecom = [
    ...(profile.mobile ? [{ system: 'phone', value: profile.mobile, use: 'mobile', rank: 1 }] : []),
    ...(profile.landline ? [{ system: 'phone', value: profile.landline, use: 'home' }] : []),
    ...(profile.email ? [{ system: 'email', value: profile.email, use: 'home' }] : []),
  ];
  const extension = [
    { url: ExtensionUrl.ethnicCategory, valueCodeableConcept: concept(System.ethnicCategory, profile.ethnicCategory, ETHNIC_CATEGORY_DISPLAY[profile.ethnicCategory]) },
    ...(profile.language?.interpreterRequired ? [{ url: ExtensionUrl.interpreterRequired, valueBoolean: true }] : []),
  ];
  return {
    resourceType: 'Patient',
    id: profile.id,
    extension,
    identifier: [
      { system: IdentifierSystem.nhsNumber, value: profile.nhsNumber },
      { use: 'usual', type: concept(System.identifierType, 'MR', 'Medical record number'), system: IdentifierSystem.hospitalNumber(plan.hospital.odsCode), value: profile.hospitalNumber },
    ],
    active: true,
    name: [{ use: 'official', family: profile.name.family, given: profile.name.given, ...(prefix.length > 0 ? { prefix } : {}) }],
    ...(telecom.length > 0 ? { telecom } : {}),
    gender: profile.gender,
    birthDate: formatUkDate(profile.birthMs),
    ...(profile.deathMs !== undefined ? { deceasedDateTime: formatUkDateTime(profile.deathMs) } : {}),
    address: [{ use: 'home', type: 'physical', line: profile.address.line, city: profile.address.town, postalCode: profile.address.postcode, country: 'GB' }],
    ...(profile.maritalStatus ? { maritalStatus: concept(System.maritalStatus, profile.maritalStatus, MARITAL_DISPLAY[profile.maritalStatus]) } : {}),
    ...(profile.language ? { communication: [{ language: concept(System.language, profile.language.code, LANGUAGE_DISPLAY[profile.language.code]), preferred: true }] } : {}),
    generalPractitioner: [reference('Organization', profile.practice.id, profile.practice.name)],
    managingOrganization: reference('Organization', profile.practice.id, profile.practice.name),
  };
}

const RELATIONSHIP: Readonly<Record<CarerProfile['relationship'], readonly [string, string]>> = {
  spouse: ['SPS', 'spouse'], daughter: ['DAU', 'natural daughter'], son: ['SON', 'natural son'], friend: ['FRND', 'unrelated friend'], neighbour: ['NBOR', 'neighbor'],
};

/** The unpaid carer, recorded as a RelatedPerson of the person they care for. */
export function carerResource(ctx: RecordContext): BuiltResource | undefined {
  const { profile, random } = ctx;
  const carer = profile.carer;
  if (!carer) return undefined;
  const id = ctx.nextId();
  const [code, display] = RELATIONSHIP[carer.relationship];
  const birthMs = Date.UTC(carer.birthYear, random.int(0, 11), random.int(1, 28));
  const address = carer.livesWithPatient ? profile.address : undefined;
  return {
    resourceType: 'RelatedPerson',
    id,
    active: true,
    patient: ctx.patient,
    relationship: [concept(System.roleCode, code, display), snomed('133932002', 'Caregiver (person)')],
    name: [{ use: 'official', family: carer.relationship === 'spouse' && random.chance(0.7) ? profile.name.family : carer.name.family, given: carer.name.given }],
    telecom: [{ system: 'phone', value: fictionalMobile(random), use: 'mobile' }],
    gender: carer.female ? 'female' : 'male',
    birthDate: formatUkDate(birthMs),
    ...(address ? { address: [{ use: 'home', line: address.line, city: address.town, postalCode: address.postcode, country: 'GB' }] } : {}),
    period: { start: formatUkDate(Math.max(profile.birthMs, ctx.plan.startMs - random.int(30, 3000) * DAY_MS)) },
  };
}

export function allergyResources(ctx: RecordContext): Resource[] {
  const { plan, profile, random } = ctx;
  return profile.allergies.map((allergy) => {
    const recordedMs = Math.max(profile.birthMs + YEAR_MS, plan.startMs - random.int(30, 3650) * DAY_MS);
    const recorder = staffMember(plan, pickStaff(profile.practice, ['gp'], random));
    return {
      resourceType: 'AllergyIntolerance',
      id: ctx.nextId(),
      clinicalStatus: concept(System.allergyClinical, 'active', 'Active'),
      verificationStatus: concept(System.allergyVerification, 'confirmed', 'Confirmed'),
      type: 'allergy',
      category: [allergy.category],
      criticality: allergy.criticality,
      code: snomed(allergy.code, allergy.display),
      patient: ctx.patient,
      recordedDate: formatUkDateTime(recordedMs),
      recorder: reference('Practitioner', recorder.id, recorder.displayName),
    };
  });
}

/** The team around someone with complex needs: the patient, their carer, GP, nurse, social worker. */
export function careTeamResource(ctx: RecordContext): Resource | undefined {
  const { plan, profile, random } = ctx;
  if (!profile.complexNeeds) return undefined;
  const gp = staffMember(plan, pickStaff(profile.practice, ['gp'], random));
  const nurse = staffMember(plan, pickStaff(profile.practice, ['practice-nurse'], random));
  const needsSocialCare = hasCondition(profile, 'dementia') || profile.housebound;
  const socialWorker = needsSocialCare ? staffMember(plan, pickStaff(plan.council, ['social-worker'], random)) : undefined;
  const member = (role: ConceptValue, ref: ReferenceValue) => ({ role: [role], member: ref });
  const reasons = [...ctx.conditionIds.values()].slice(0, 4).map((id) => reference('Condition', id));
  return {
    resourceType: 'CareTeam',
    id: ctx.nextId(),
    status: 'active',
    category: [concept(System.loinc, 'LA28865-6', 'Longitudinal care-coordination focused care team')],
    name: `Care team for ${profile.name.given[0] ?? ''} ${profile.name.family}`,
    subject: ctx.patient,
    period: { start: formatUkDate(Math.max(profile.activeFromMs - random.int(0, 700) * DAY_MS, profile.birthMs)) },
    participant: [
      member(snomed('116154003', 'Patient (person)'), ctx.patient),
      ...(ctx.carerId ? [member(snomed('133932002', 'Caregiver (person)'), reference('RelatedPerson', ctx.carerId))] : []),
      member(ROLE_DETAILS.gp.code, reference('Practitioner', gp.id, gp.displayName)),
      member(ROLE_DETAILS['practice-nurse'].code, reference('Practitioner', nurse.id, nurse.displayName)),
      ...(socialWorker ? [member(ROLE_DETAILS['social-worker'].code, reference('Practitioner', socialWorker.id, socialWorker.displayName))] : []),
    ],
    ...(reasons.length > 0 ? { reasonReference: reasons } : {}),
    managingOrganization: [reference('Organization', profile.practice.id, profile.practice.name)],
  };
}
