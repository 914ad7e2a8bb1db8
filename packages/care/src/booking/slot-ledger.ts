/**
 * Who has a time: the Slot's own status is the truth (free or busy), because people cannot see
 * other people's appointments. `claim` marks a free Slot busy with If-Match on the version read
 * (http://hl7.org/fhir/R4/http.html#concurrency), so of two claims at once one wins and the other
 * is told the time has just been taken; `release` frees it again.
 *
 * The server builds the ledger over the store's own repository: the clinic's schedule acts on a
 * booking the caller is allowed to make (a person may book, but may not write Slots). Care code is
 * given a ledger and never builds one from a store itself.
 */
import { FhirError, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';

export interface SlotLedger {
  /** marks the free Slot busy and returns it; CONFLICT when it is not free any more */
  claim(slotId: string): Promise<StoredResource>;
  /** marks the Slot free again (nothing to do when it already is) */
  release(slotId: string): Promise<void>;
}

const taken = (cause?: unknown) => new FhirError('CONFLICT', 'That time has just been taken; choose another.', cause === undefined ? {} : { cause });

export function storeSlotLedger(repository: Repository): SlotLedger {
  return {
    async claim(slotId) {
      const slot = await repository.read('Slot', slotId);
      if (slot.status !== 'free') throw taken();
      try {
        return (await repository.update({ ...slot, status: 'busy' }, { ifMatchVersion: slot.meta.versionId })).resource;
      } catch (error) {
        if (error instanceof FhirError && error.errorName === 'PRECONDITION_FAILED') throw taken(error);
        throw error;
      }
    },
    async release(slotId) {
      const slot = await repository.read('Slot', slotId);
      if (slot.status === 'free') return;
      await repository.update({ ...slot, status: 'free' }, { ifMatchVersion: slot.meta.versionId });
    },
  };
}
