/**
 * Saves a person's access needs on their Patient through the repository it is given (the
 * access-checked one), with If-Match (http://hl7.org/fhir/R4/http.html#concurrency), so that two
 * people editing the profile at once cannot overwrite each other without knowing: the second save
 * is refused with PRECONDITION_FAILED and told to look again.
 *
 * Must not write anything but the one Patient.
 */
import { FhirError, isFhirError, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import { withAccessNeeds, type AccessNeeds } from './access-needs.ts';

export interface SaveAccessNeedsOptions {
  /** the Patient's version the person saw when they opened the form (meta.versionId); a save over a newer one is refused */
  seenVersion?: string;
}

function changedMeanwhile(patientId: string): FhirError {
  return new FhirError(
    'PRECONDITION_FAILED',
    `Someone else changed the details of Patient/${patientId} while you were editing their access needs. Nothing was saved: open the page again to see their changes, then make yours.`,
  );
}

export async function saveAccessNeeds(repository: Repository, patientId: string, needs: AccessNeeds, options: SaveAccessNeedsOptions = {}): Promise<StoredResource> {
  const patient = await repository.read('Patient', patientId);
  const version = patient.meta.versionId;
  if (options.seenVersion !== undefined && options.seenVersion !== version) throw changedMeanwhile(patientId);
  try {
    const { resource } = await repository.update(withAccessNeeds(patient, needs), { ifMatchVersion: version });
    return resource;
  } catch (error) {
    if (isFhirError(error) && error.errorName === 'PRECONDITION_FAILED') throw changedMeanwhile(patientId);
    throw error;
  }
}
