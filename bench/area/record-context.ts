/**
 * What the builders of one patient's resources share while that patient's record streams out: the
 * plan, the patient, the patient's history random stream, an id sequence, and the ids of resources
 * already emitted that later ones refer to. Builders get a read-only view (RecordContext); only
 * patient-record.ts, which creates the ledger, writes to it. It lives for one patient only.
 */
import type { Resource } from '@kindred/fhir';
import { patientResourceId, type AreaPlan } from './area-plan.ts';
import type { ChronicKey } from './clinical-vocabulary.ts';
import type { PatientProfile } from './patient-profile.ts';
import type { SeededRandom } from './seeded-random.ts';
import { reference, type ReferenceValue } from './terminology.ts';

/** A resource as the builders make it: always with an id, so later resources can refer to it. */
export type BuiltResource = Resource & { id: string };

export interface RecordContext {
  readonly plan: AreaPlan;
  readonly profile: PatientProfile;
  /** the patient's history stream; drawing from it advances it, like any random source */
  readonly random: SeededRandom;
  readonly patient: ReferenceValue;
  /** the next id in this patient's sequence (0 is the Patient itself) */
  nextId(): string;
  /** Conditions of long-term conditions already on the record, for reasonReference */
  readonly conditionIds: ReadonlyMap<ChronicKey, string>;
  /** ServiceRequests already emitted, by planned referral number */
  readonly referralIds: ReadonlyMap<number, string>;
  /** the carer's RelatedPerson, once emitted */
  readonly carerId?: string;
}

/** The writable side, held by patient-record.ts alone. */
export interface RecordLedger extends RecordContext {
  readonly conditionIds: Map<ChronicKey, string>;
  readonly referralIds: Map<number, string>;
  carerId?: string;
}

export function createRecordLedger(plan: AreaPlan, profile: PatientProfile, random: SeededRandom): RecordLedger {
  let sequence = 0;
  const display = `${profile.name.given.join(' ')} ${profile.name.family}`;
  return {
    plan,
    profile,
    random,
    patient: reference('Patient', profile.id, display),
    nextId: () => patientResourceId(plan, profile.index, ++sequence),
    conditionIds: new Map(),
    referralIds: new Map(),
  };
}
