/**
 * Every generated resource must be valid FHIR R4 by the project's own validator
 * (packages/fhir/src/validation): the benchmarks import them, and a rejected one would be skipped.
 */
import { describe, expect, it } from 'vitest';
import { assertValidResource } from '@kindred/fhir';
import { generateArea } from './generate-area.ts';

describe('generated resources', () => {
  it('all pass assertValidResource', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const seed of [1, 2]) {
      for (const resource of generateArea({ resources: 25_000, seed })) {
        checked++;
        try {
          assertValidResource(resource);
        } catch (error) {
          if (failures.length < 5) failures.push(`${resource.resourceType}/${resource.id ?? ''}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(45_000);
  });
});
