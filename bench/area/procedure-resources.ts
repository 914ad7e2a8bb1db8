/**
 * Procedures done at contacts (reviews, tests, operations, care needs assessments) and
 * vaccinations given by the practice. Decides which procedure a contact involves and builds the
 * Procedure or Immunization; refers only to resources emitted earlier in the patient's record.
 */
import type { Resource } from '@kindred/fhir';
import type { ContactEvent, ImmunisationEvent } from './care-timeline.ts';
import { PROCEDURES, VACCINES, type ProcedureKey } from './clinical-vocabulary.ts';
import { pickStaff } from './area-plan.ts';
import { staffMember, type StaffMember } from './infrastructure-resources.ts';
import type { RecordContext } from './record-context.ts';
import { concept, reference, snomed, System } from './terminology.ts';
import { formatUkDateTime, HOUR_MS, MINUTE_MS } from './uk-time.ts';

/** Procedures a contact involves, decided from its kind, its problem and what it is about. */
export function proceduresFor(ctx: RecordContext, event: ContactEvent): ProcedureKey[] {
  const { random } = ctx;
  const about = (key: ContactEvent['about'][number]) => event.about.includes(key);
  const acute = event.acute?.code;
  const keys: ProcedureKey[] = [];
  const add = (chance: number, key: ProcedureKey) => {
    if (random.chance(chance)) keys.push(key);
  };
  switch (event.contact) {
    case 'long-term-review':
      add(0.5, 'medicationReview');
      if (about('copd') || about('asthma')) add(0.2, 'spirometry');
      if (about('depression')) add(0.3, 'depressionScreening');
      break;
    case 'emergency':
      if (acute === '29857009' || about('atrial-fibrillation') || about('heart-failure')) add(0.7, 'ecg');
      if (acute === '233604007' || acute === '267036007' || about('copd')) add(0.7, 'chestXray');
      break;
    case 'admission':
      if (event.electiveSurgery) keys.push(event.electiveSurgery);
      else if (acute === '359817006') add(0.8, 'hipReplacement');
      else if (acute === '21522001') add(0.25, random.chance(0.4) ? 'appendicectomy' : 'colonoscopy');
      if (about('heart-failure')) add(0.5, 'echocardiography');
      break;
    case 'outpatient': {
      const clinic = event.fulfils?.definition.key;
      if (clinic === 'cardiology') {
        add(0.6, 'ecg');
        add(0.3, 'echocardiography');
      }
      if (clinic === 'respiratory') add(0.6, 'spirometry');
      break;
    }
    case 'social-care-visit':
      keys.push('careNeedsAssessment');
      break;
    case 'mental-health':
      add(0.2, 'depressionScreening');
      break;
    case 'gp-face': case 'gp-phone': case 'gp-video': case 'gp-home-visit': case 'health-check':
      break;
  }
  return keys;
}

export function procedureResource(ctx: RecordContext, key: ProcedureKey, event: ContactEvent, encounterId: string, performer: StaffMember): Resource {
  const [code, display] = PROCEDURES[key];
  const surgery = key === 'hipReplacement' || key === 'kneeReplacement' || key === 'appendicectomy';
  const startMs = event.atMs + (event.contact === 'admission' ? ctx.random.int(surgery ? 12 : 2, 30) * HOUR_MS : ctx.random.int(2, 10) * MINUTE_MS);
  const performed = surgery
    ? { performedPeriod: { start: formatUkDateTime(startMs), end: formatUkDateTime(startMs + ctx.random.int(60, 180) * MINUTE_MS) } }
    : { performedDateTime: formatUkDateTime(startMs) };
  const reasons = event.about.flatMap((k) => {
    const id = ctx.conditionIds.get(k);
    return id === undefined ? [] : [reference('Condition', id)];
  });
  return {
    resourceType: 'Procedure',
    id: ctx.nextId(),
    status: 'completed',
    code: snomed(code, display),
    subject: ctx.patient,
    encounter: reference('Encounter', encounterId),
    ...performed,
    performer: [{ actor: reference('Practitioner', performer.id, performer.displayName) }],
    ...(event.acute ? { reasonCode: [snomed(event.acute.code, event.acute.display)] } : {}),
    ...(reasons.length > 0 ? { reasonReference: reasons } : {}),
  };
}

/** A vaccination given by a practice nurse at the patient's surgery. */
export function immunizationResource(ctx: RecordContext, event: ImmunisationEvent): Resource {
  const { plan, profile, random } = ctx;
  const [code, display] = VACCINES[event.vaccine];
  const nurse = staffMember(plan, pickStaff(profile.practice, ['practice-nurse', 'gp'], random));
  const site = profile.practice.sites[0];
  const nasal = event.vaccine === 'fluNasal';
  return {
    resourceType: 'Immunization',
    id: ctx.nextId(),
    status: 'completed',
    vaccineCode: concept(System.cvx, code, display),
    patient: ctx.patient,
    occurrenceDateTime: formatUkDateTime(event.atMs),
    recorded: formatUkDateTime(event.atMs + random.int(1, 120) * MINUTE_MS),
    primarySource: true,
    ...(site ? { location: reference('Location', site.id, site.name) } : {}),
    lotNumber: `${String.fromCharCode(65 + random.int(0, 25))}${String.fromCharCode(65 + random.int(0, 25))}${random.int(1000, 9999)}`,
    ...(nasal ? {} : { route: concept(System.routeOfAdministration, 'IM', 'Injection, intramuscular') }),
    performer: [{ actor: reference('Practitioner', nurse.id, nurse.displayName) }],
  };
}
