/**
 * Every entry of the error catalogue is documented in docs/api/errors.md with the same HTTP status
 * and FHIR issue type, and the page documents nothing that the catalogue does not have.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCatalogue, type ErrorName } from './errors.ts';

const docPath = new URL('../../../docs/api/errors.md', import.meta.url);

interface DocumentedError {
  status: number;
  code: string;
  when: string;
  line: number;
}

/** Reads the rows of the table: | `NAME` | 404 | `not-found` | When it happens |. */
function documentedErrors(markdown: string): Map<string, DocumentedError> {
  const rows = new Map<string, DocumentedError>();
  const row = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*(\d{3})\s*\|\s*`([a-z-]+)`\s*\|(.*)\|\s*$/;
  markdown.split('\n').forEach((text, index) => {
    const match = row.exec(text);
    if (!match) return;
    const [, name, status, code, when] = match as unknown as [string, string, string, string, string];
    if (rows.has(name)) throw new Error(`docs/api/errors.md lists ${name} twice (line ${index + 1})`);
    rows.set(name, { status: Number(status), code, when: when.trim(), line: index + 1 });
  });
  return rows;
}

const documented = documentedErrors(readFileSync(docPath, 'utf8'));
const catalogue = Object.entries(ErrorCatalogue) as [ErrorName, (typeof ErrorCatalogue)[ErrorName]][];

describe('docs/api/errors.md', () => {
  it('has a table row for each error', () => {
    expect(documented.size).toBeGreaterThan(0);
  });

  it.each(catalogue)('documents %s with its status and issue type', (name, entry) => {
    const row = documented.get(name);
    expect(row, `${name} is missing from docs/api/errors.md`).toBeDefined();
    expect(row?.status, `${name}: HTTP status in docs/api/errors.md (line ${row?.line})`).toBe(entry.status);
    expect(row?.code, `${name}: FHIR issue type in docs/api/errors.md (line ${row?.line})`).toBe(entry.code);
    expect(row?.when, `${name}: say when it happens`).not.toBe('');
  });

  it('documents no error that the catalogue does not have', () => {
    const unknown = [...documented.keys()].filter((name) => !(name in ErrorCatalogue));
    expect(unknown, 'in docs/api/errors.md but not in ErrorCatalogue').toEqual([]);
  });
});
