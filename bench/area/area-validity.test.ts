/**
 * Every generated resource must be valid FHIR R4 by the project's own validator
 * (packages/fhir/src/validation). The validator is looked up at run time so that this suite says
 * clearly why it skips, rather than failing to compile, if the validator is not there.
 */
import { describe, expect, it } from 'vitest';
import * as fhir from '@kindred/fhir';
import { generateArea } from './generate-area.ts';

type Validate = (value: unknown) => unknown;

function projectValidator(): Validate | undefined {
  const candidate: unknown = (fhir as Record<string, unknown>)['assertValidResource'];
  return typeof candidate === 'function' ? (value: unknown) => (candidate as Validate)(value) : undefined;
}

const assertValid = projectValidator();

describe('generated resources', () => {
  it.skipIf(assertValid === undefined)('all pass assertValidResource (skipped only while @kindred/fhir has no assertValidResource)', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const seed of [1, 2]) {
      for (const resource of generateArea({ resources: 25_000, seed })) {
        checked++;
        try {
          assertValid?.(resource);
        } catch (error) {
          if (failures.length < 5) failures.push(`${resource.resourceType}/${resource.id ?? ''}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(45_000);
  });
});
