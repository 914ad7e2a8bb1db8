/** Self-test of locating test data in ../shared: found, skipped with a reason, or failed when required. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sharedDataDir, sharedRoot } from './shared-data.ts';

describe('sharedDataDir', () => {
  it('looks in the shared folder beside the repository', () => {
    expect(existsSync(join(repoRoot, 'package.json'))).toBe(true);
    expect(sharedRoot).toBe(join(repoRoot, '..', 'shared'));
  });

  it('gives a skip reason for a missing path', () => {
    expect(sharedDataDir('data/no-such-sample', {})).toEqual({
      found: false,
      skipReason: 'skipped: ../shared/data/no-such-sample not found (the shared test data sits beside the repository)',
    });
  });

  it('fails instead when KINDRED_REQUIRE_SHARED_DATA=1', () => {
    expect(() => sharedDataDir('data/no-such-sample', { KINDRED_REQUIRE_SHARED_DATA: '1' })).toThrow(
      /\.\.\/shared\/data\/no-such-sample not found .*failure, not a skip/,
    );
  });

  it('finds the Synthea sample the end-to-end tests use', () => {
    const synthea = sharedDataDir('data/synthea-10');
    if (!synthea.found) return; // sharedDataDir has thrown already when the data is required
    expect(existsSync(synthea.path)).toBe(true);
  });
});
