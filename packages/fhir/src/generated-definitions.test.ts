/**
 * The committed files in src/generated/ are exactly what the generator makes from the published
 * FHIR R4 definitions: regenerated in memory and compared byte for byte.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, generatedDir } from '../scripts/generate-definitions.ts';

const fresh: Record<string, string> = { ...generate() };

describe('generated FHIR definitions', () => {
  it('has no committed file that the generator no longer makes', () => {
    const committed = readdirSync(generatedDir).filter((name) => name.endsWith('.json')).sort();
    expect(committed, 'src/generated/ differs from what the generator makes: run npm run generate').toEqual(Object.keys(fresh).sort());
  });

  it.each(Object.keys(fresh))('%s is up to date', (name) => {
    const committed = readFileSync(join(generatedDir, name), 'utf8');
    // Compared as a boolean: a diff of a megabyte of one-line JSON helps nobody.
    expect(committed === fresh[name], `packages/fhir/src/generated/${name} is out of date: run npm run generate`).toBe(true);
  });
});
