/**
 * generateArea: a lazy, deterministic stream of FHIR R4 resources describing one synthetic local
 * area (organisations, staff, patients and a few years of their care) for benchmarks. The stream
 * never holds more than one patient's record at a time, and every reference in it points to a
 * resource emitted earlier, so an importer loading in order never meets a dangling reference.
 *
 * Order: Organizations, Locations, Practitioners, PractitionerRoles; then each patient's record
 * (see patient-record.ts); then two Groups. Patients are generated until the requested total is
 * reached, so the total lands within a fraction of one patient's record of `resources`.
 *
 * Resource mix, measured with seed 1 (the CLI prints it for any run):
 *
 *   type                     100k       1M
 *   Observation             52.9 %   53.2 %
 *   Encounter               16.0 %   16.0 %   classes: AMB 59 %, VR 33 %, EMER 5 %, IMP 1.5 %, HH 1 %
 *   Condition                9.2 %    9.2 %
 *   Appointment              8.9 %    8.8 %
 *   Immunization             4.0 %    4.1 %
 *   Procedure                2.9 %    2.9 %
 *   Patient                  2.9 %    2.8 %   (2,865 and 27,786 patients)
 *   ServiceRequest, Task     1.1 %    1.1 %   each
 *   AllergyIntolerance       0.4 %    0.4 %
 *   CareTeam                 0.2 %    0.2 %
 *   RelatedPerson            0.1 %    0.1 %
 *   Organization, Location, Practitioner, PractitionerRole, Group: under 0.1 % together
 *   (7, 9, 28, 28, 2 at 100k; 12, 14, 122, 122, 2 at 1M)
 */
import type { Resource } from '@kindred/fhir';
import { NHS_NUMBER_CAPACITY } from './area-identifiers.ts';
import { areaGroups } from './area-groups.ts';
import { planArea, type AreaOptions } from './area-plan.ts';
import { infrastructureResources } from './infrastructure-resources.ts';
import { patientRecord } from './patient-record.ts';

export type { AreaOptions } from './area-plan.ts';

export function* generateArea(options: AreaOptions): Generator<Resource> {
  const plan = planArea(options);
  yield* infrastructureResources(plan);
  let used = 0;
  let patients = 0;
  while (used < plan.patientBudget && patients < NHS_NUMBER_CAPACITY) {
    for (const resource of patientRecord(plan, patients)) {
      used++;
      yield resource;
    }
    patients++;
  }
  yield* areaGroups(plan, patients);
}
