/**
 * Finds official test data (Synthea samples, the SQL on FHIR suite…) in the `shared` folder that
 * sits beside the repository: `<repo>/../shared`. The data is not ours and is not committed; each
 * test that reads it names its source and licence.
 *
 * Where the data is missing the test skips and says why, unless KINDRED_REQUIRE_SHARED_DATA=1
 * (as .ci/run sets), where a missing folder is a failure.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type Env = Readonly<Record<string, string | undefined>>;

/** The repository's root folder (this file is tests/e2e/support/shared-data.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The `shared` folder beside the repository. */
export const sharedRoot = resolve(repoRoot, '..', 'shared');

export type SharedData =
  | { found: true; path: string }
  | { found: false; skipReason: string };

/**
 * Locates a folder or file under ../shared, e.g. `sharedDataDir('data/synthea-10')`.
 *
 *   const synthea = sharedDataDir('data/synthea-10');
 *   describe.skipIf(!synthea.found)(`Synthea import${synthea.found ? '' : ` (${synthea.skipReason})`}`, …);
 *
 * With KINDRED_REQUIRE_SHARED_DATA=1 a missing path throws, so the test file fails.
 */
export function sharedDataDir(relativePath: string, env: Env = process.env): SharedData {
  const path = resolve(sharedRoot, relativePath);
  if (existsSync(path)) return { found: true, path };
  const shown = `../shared/${relativePath}`;
  if (env.KINDRED_REQUIRE_SHARED_DATA === '1') {
    throw new Error(`${shown} not found (looked at ${path}); KINDRED_REQUIRE_SHARED_DATA=1, so this is a failure, not a skip`);
  }
  return { found: false, skipReason: `skipped: ${shown} not found (the shared test data sits beside the repository)` };
}
