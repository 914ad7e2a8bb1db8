/** Helpers shared by the search parser's tests. Test-only. */
import { FhirError } from '../errors.ts';

/** The FhirError that `run` throws; fails the test when it throws nothing or something else. */
export function thrown(run: () => unknown): FhirError {
  try {
    run();
  } catch (e) {
    if (e instanceof FhirError) return e;
    throw e;
  }
  throw new Error('expected a FhirError');
}

/** A ParamKey as the parser writes it. */
export const key = (resourceType: string, code: string, type: string): { resourceType: string; code: string; type: string } => ({ resourceType, code, type });
