/**
 * The official SQL on FHIR v2 conformance suite (HL7 sql-on-fhir-v2 repository, folder tests/, MIT
 * licence; see SOURCE.md beside it), read from ../shared/conformance/sql-on-fhir-v2 at the project
 * root. One describe per file, one test per case. Rows compare order-insensitively (tests.schema.json),
 * a key missing from an expected row meaning null; expectError cases must throw ViewDefinitionError.
 * With KINDRED_SOF_TEST_REPORT=FILE the outcomes are also written to FILE in the suite's test report
 * shape ({ "file.json": { "tests": [{ "name", "result": { "passed" } }] } }) for the implementations page.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileView, ViewDefinitionError } from './index.ts';

const SUITE = fileURLToPath(new URL('../../../../../shared/conformance/sql-on-fhir-v2/tests/', import.meta.url));

interface ConformanceCase {
  title: string;
  view: unknown;
  expect?: Record<string, unknown>[];
  expectCount?: number;
  expectError?: boolean;
  expectColumns?: string[];
}

interface ConformanceFile {
  title: string;
  resources: unknown[];
  tests: ConformanceCase[];
}

function run(view: unknown, resources: readonly unknown[]): { columns: string[]; rows: Record<string, unknown>[] } {
  const compiled = compileView(view);
  return { columns: compiled.columns.map((column) => column.name), rows: resources.flatMap((resource) => compiled.rows(resource)) };
}

/** A row as a canonical string over the given columns, absent keys as null. */
function canonical(row: Record<string, unknown>, columns: readonly string[]): string {
  return JSON.stringify(columns.map((column) => row[column] ?? null));
}

function checkCase(test: ConformanceCase, resources: readonly unknown[]): void {
  if (test.expectError === true) {
    expect(() => run(test.view, resources)).toThrow(ViewDefinitionError);
    return;
  }
  const { columns, rows } = run(test.view, resources);
  if (test.expectColumns) expect(columns).toEqual(test.expectColumns);
  if (test.expectCount !== undefined) expect(rows.length).toBe(test.expectCount);
  if (test.expect) {
    const actual = rows.map((row) => canonical(row, columns)).sort();
    const wanted = test.expect.map((row) => canonical(row, columns)).sort();
    expect(actual).toEqual(wanted);
    for (const row of test.expect) for (const key of Object.keys(row)) expect(columns).toContain(key);
  }
}

/** Outcomes for the optional test report, by file. */
const report: Record<string, { tests: { name: string; result: { passed: boolean } }[] }> = {};

function recorded(file: string, name: string, check: () => void): () => void {
  return () => {
    const tests = (report[file] ??= { tests: [] }).tests;
    try {
      check();
      tests.push({ name, result: { passed: true } });
    } catch (error) {
      tests.push({ name, result: { passed: false } });
      throw error;
    }
  };
}

afterAll(() => {
  const target = process.env.KINDRED_SOF_TEST_REPORT;
  if (target !== undefined && target !== '') writeFileSync(target, `${JSON.stringify(report, null, 2)}\n`);
});

/** Cases this engine does not pass yet, by file and title, each with its reason. */
const KNOWN_FAILURES: Readonly<Record<string, string>> = {};

if (!existsSync(SUITE)) {
  describe('SQL on FHIR v2 conformance', () => {
    it.skip('skipped: the folder ../shared/conformance/sql-on-fhir-v2/tests is absent', () => undefined);
  });
} else {
  for (const file of readdirSync(SUITE).filter((name) => name.endsWith('.json')).sort()) {
    const suite = JSON.parse(readFileSync(join(SUITE, file), 'utf8')) as ConformanceFile;
    describe(`${file}: ${suite.title}`, () => {
      for (const test of suite.tests) {
        const known = KNOWN_FAILURES[`${file}: ${test.title}`];
        (known === undefined ? it : it.fails)(test.title, recorded(file, test.title, () => checkCase(test, suite.resources)));
      }
    });
  }
}
