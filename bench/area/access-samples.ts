/**
 * Who asks for what in the access benchmark: a fixed sample of patients the area is certain to
 * contain, each with one of their Observations and a GP at the patient's own practice — a clinician
 * whose organisation is directly responsible for them, so the access policy must show them the
 * whole record. Computed from the plan by regenerating those patients' records (never by reading
 * files), so it is the same for a seed and size wherever it runs.
 */
import { pickStaff, practitionerId, practitionerRoleId, planArea } from './area-plan.ts';
import { patientProfile } from './patient-profile.ts';
import { patientRecord } from './patient-record.ts';
import { hash32, SeededRandom } from './seeded-random.ts';

export interface AccessSample {
  /** Patient id */
  patient: string;
  /** id of one of the patient's Observations */
  observation: string;
  /** the patient's GP practice (Organization id) */
  practice: string;
  /** a GP at that practice: the Practitioner the request is made as (fhirUser), and their PractitionerRole */
  practitioner: string;
  practitionerRole: string;
}

export const DEFAULT_ACCESS_SAMPLE_SIZE = 50;

/**
 * Up to `size` patients (fewer in a small area) with at least one Observation and one Encounter,
 * from the patients an area of `totalResources` with `seed` is certain to contain, in a
 * seed-dependent order. Throws when there is none.
 */
export function accessSamples(seed: number, totalResources: number, size = DEFAULT_ACCESS_SAMPLE_SIZE, start?: Date): AccessSample[] {
  const plan = planArea({ resources: totalResources, seed, ...(start ? { start } : {}) });
  const pool = plan.guaranteedPatients;
  const offset = pool > 0 ? hash32(plan.seed, 0xacce55) % pool : 0;
  const samples: AccessSample[] = [];
  for (let i = 0; i < pool && samples.length < size; i++) {
    const index = (offset + i) % pool;
    const record = [...patientRecord(plan, index)];
    const observations = record.filter((r) => r.resourceType === 'Observation');
    if (observations.length === 0 || !record.some((r) => r.resourceType === 'Encounter')) continue;
    const observation = observations[hash32(plan.seed, 0xacce55, index) % observations.length]?.id;
    if (observation === undefined) continue;
    const profile = patientProfile(plan, index);
    const gp = pickStaff(profile.practice, ['gp'], SeededRandom.for(plan.seed, 0xacce55, index));
    samples.push({ patient: profile.id, observation, practice: profile.practice.id, practitioner: practitionerId(plan, gp), practitionerRole: practitionerRoleId(plan, gp) });
  }
  if (samples.length === 0) throw new Error(`an area of ${totalResources} resources has no patient certain to have observations and encounters`);
  return samples;
}
