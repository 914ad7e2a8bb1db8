/**
 * Every resource of the public Synthea sample must validate without errors. The data is the
 * 10-patient bulk export of smart-on-fhir/sample-bulk-fhir-datasets (Apache-2.0; see SOURCE.md and
 * LICENSE beside it), read from ../shared/data/synthea-10 next to the repository root.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateResource } from './validate-resource.ts';

const dataDir = fileURLToPath(new URL('../../../../../shared/data/synthea-10', import.meta.url));
const present = existsSync(dataDir);
// log.ndjson in the export is the export's own log, not resources: only Type.NNN.ndjson files hold resources
const files = present ? readdirSync(dataDir).filter((f) => /^[A-Z][A-Za-z]+\.\d+\.ndjson$/.test(f)) : [];

describe.skipIf(!present)(present ? 'Synthea sample (../shared/data/synthea-10)' : 'skipped: ../shared/data/synthea-10 not found', () => {
  it.each(files)('%s validates with no errors', (file) => {
    const lines = readFileSync(`${dataDir}/${file}`, 'utf8').split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    const failures: string[] = [];
    for (const line of lines) {
      const resource = JSON.parse(line) as { resourceType: string; id?: string };
      for (const issue of validateResource(resource)) {
        if (issue.severity === 'error') failures.push(`${resource.resourceType}/${resource.id ?? '?'} ${issue.expression?.[0] ?? ''}: ${issue.diagnostics}`);
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
  });
});
