/**
 * Differential tests: for every R4 search parameter expression, the compiled evaluator returns
 * exactly what fhirpath.js returns (values, their order and their FHIR types), on the public
 * Synthea sample and on hand-made fixtures for the shapes Synthea lacks.
 *
 * Synthea data: ../shared/data/synthea-10 beside the repository (smart-on-fhir/sample-bulk-fhir-datasets,
 * branch 10-patients; synthetic patients; Apache License 2.0, see LICENSE and SOURCE.md there).
 *
 * Where fhirpath.js raises N1's error for `as` on several items, the reference is fhirpath.js on
 * the same expression written with ofType(), which is what compile.ts implements (see its header).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resourceTypes } from '../model.ts';
import { searchParametersOf } from '../search-parameters.ts';
import type { Resource } from '../types.ts';
import { fixtures } from './fhirpath-fixtures.ts';
import { compileFhirPath, evaluateFhirPathTyped, type TypedValue } from './index.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const syntheaDir = resolve(repoRoot, '..', 'shared', 'data', 'synthea-10');
const syntheaFound = existsSync(syntheaDir);
if (!syntheaFound && process.env.KINDRED_REQUIRE_SHARED_DATA === '1') {
  throw new Error(`../shared/data/synthea-10 not found (looked at ${syntheaDir}); KINDRED_REQUIRE_SHARED_DATA=1, so this is a failure, not a skip`);
}

function loadSynthea(): Map<string, Resource[]> {
  const byType = new Map<string, Resource[]>();
  if (!syntheaFound) return byType;
  for (const file of readdirSync(syntheaDir).filter((name) => name.endsWith('.ndjson') && name !== 'log.ndjson')) {
    for (const line of readFileSync(join(syntheaDir, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const resource = JSON.parse(line) as Resource;
      byType.set(resource.resourceType, [...(byType.get(resource.resourceType) ?? []), resource]);
    }
  }
  return byType;
}

/** `(x as T)` and `x.as(T)` written as `x.ofType(T)`: the filter R4's search expressions mean. */
function asOfType(expression: string): string {
  return expression.replace(/ as (\w+)\)/g, '.ofType($1))').replace(/\.as\(/g, '.ofType(');
}

function byFhirpathJs(expression: string, resource: Resource): TypedValue[] {
  try {
    return evaluateFhirPathTyped(expression, resource);
  } catch (error) {
    if (!String(error).includes("Expected singleton on left side of 'as'")) throw error;
    return evaluateFhirPathTyped(asOfType(expression), resource);
  }
}

function byCompiled(expression: string, resource: Resource): TypedValue[] {
  const compiled = compileFhirPath(expression);
  expect(compiled.engine, compiled.fallbackReason).toBe('compiled');
  return [...compiled.evaluate(resource)];
}

function expressionsOf(resourceType: string): [string, string][] {
  return [...searchParametersOf(resourceType).values()]
    .filter((definition) => definition.expression !== undefined)
    .map((definition) => [`${resourceType}.${definition.code}`, definition.expression as string]);
}

const synthea = loadSynthea();

describe.skipIf(!syntheaFound)(
  syntheaFound ? 'compiled FHIRPath = fhirpath.js on the Synthea sample' : 'skipped: ../shared/data/synthea-10 not found (the shared test data sits beside the repository)',
  () => {
    for (const [resourceType, resources] of synthea) {
      describe(`${resourceType} (${resources.length} resources)`, () => {
        it.each(expressionsOf(resourceType))('%s: %s', (_name, expression) => {
          for (const resource of resources) {
            expect(byCompiled(expression, resource), `${resourceType}/${resource.id ?? '?'}`).toEqual(byFhirpathJs(expression, resource));
          }
        });
      });
    }
  },
);

describe('compiled FHIRPath = fhirpath.js on hand-made fixtures', () => {
  for (const resource of fixtures) {
    describe(`${resource.resourceType}/${resource.id ?? '?'}`, () => {
      it.each(expressionsOf(resource.resourceType))('%s: %s', (_name, expression) => {
        expect(byCompiled(expression, resource)).toEqual(byFhirpathJs(expression, resource));
      });
    });
  }
});

const fixture = (id: string): Resource => {
  const found = fixtures.find((resource) => resource.id === id);
  if (!found) throw new Error(`no fixture ${id}`);
  return found;
};

/** The rest of the compiled subset, beyond what the R4 expressions happen to use. */
const subsetCases: [string, string][] = [
  ['pat-1', 'Patient.name.given[1]'],
  ['pat-1', 'Patient.name.given[2]'], // a given name that has only an extension: counted, not returned
  ['pat-1', 'Patient.name.given.first()'],
  ['pat-1', 'Patient.name.first().given'],
  ['pat-1', 'Patient.telecom.exists()'],
  ['pat-1', 'Patient.photo.empty()'],
  ['pat-2', 'Patient.gender'],
  ['pat-2', 'Patient.gender.exists()'],
  ['pat-1', "Patient.name.where(use = 'official').family"],
  ['pat-1', 'Patient.name.given | Patient.name.family'],
  ['pat-1', "Patient.telecom.where(system = 'email') | Patient.telecom.where(use = 'home')"],
  ['pat-1', "Patient.telecom.where(system != 'phone')"],
  ['pat-1', 'Patient.identifier.where(system.exists())'],
  ['pat-1', 'Patient.active = true'],
  ['pat-1', 'Patient.deceased = false'],
  ['pat-2', 'Patient.deceased != false'],
  ['pat-1', 'Patient.photo.exists() and Patient.active'],
  ['pat-1', 'Patient.photo.exists() or Patient.active'],
  ['pat-1', 'Patient.contained'],
  ['pat-1', 'Patient.contained.ofType(Practitioner).name'],
  ['pat-1', 'Patient.generalPractitioner.resolve()'],
  ['pat-1', 'Patient.generalPractitioner.where(resolve() is Organization)'],
  ['pat-1', 'Resource.id'],
  ['pat-1', 'DomainResource.text'],
  ['doc-1', 'DomainResource.id'],
  ['doc-1', 'Bundle.entry[1].resource'],
  ['doc-1', 'Bundle.entry.resource.ofType(Composition).subject'],
  ['obs-1', 'Observation.value is Quantity'],
  ['obs-1', 'Observation.value.is(CodeableConcept)'],
  ['obs-1', 'Observation.component.value'],
  ['obs-1', 'Observation.component.where(value is Quantity).code'],
  ['obs-1', 'Observation.component.value.ofType(Quantity).value'],
  ['obs-2', 'Observation.subject.where(resolve() is Patient or resolve() is Group)'],
  ['q-1', 'Questionnaire.item.item.item.linkId'],
  ['cp-1', 'CarePlan.activity.detail.scheduled'],
];

describe('compiled FHIRPath = fhirpath.js on the rest of the subset', () => {
  it.each(subsetCases)('%s: %s', (id, expression) => {
    const resource = fixture(id);
    expect(byCompiled(expression, resource)).toEqual(byFhirpathJs(expression, resource));
  });
});

describe('which expressions fall back to fhirpath.js', () => {
  it('compiles every R4 search parameter expression of every resource type', () => {
    const fallbacks = resourceTypes.flatMap((resourceType) =>
      expressionsOf(resourceType)
        .map(([name, expression]) => ({ name, expression, compiled: compileFhirPath(expression) }))
        .filter(({ compiled }) => compiled.engine !== 'compiled')
        .map(({ name, compiled }) => `${name}: ${compiled.fallbackReason ?? ''}`),
    );
    expect(fallbacks).toEqual([]);
  });

  it.each([
    ['pat-1', 'Patient.name.given.substring(0, 1)', 'function substring()'],
    ['pat-1', 'Patient.descendants().count()', 'function descendants()'],
    ['pat-1', 'Patient.multipleBirth = 2', '"=" between boolean and a number literal'],
    ['pat-1', "Patient.name.family + 'x'", '"+" at 20'],
  ])('%s: %s falls back (%s) and answers as fhirpath.js does', (id, expression, reason) => {
    const resource = fixture(id);
    const compiled = compileFhirPath(expression);
    expect(compiled.engine).toBe('fhirpath.js');
    expect(compiled.fallbackReason).toBe(reason);
    let expected: unknown;
    try {
      expected = evaluateFhirPathTyped(expression, resource);
    } catch (error) {
      expected = String(error);
    }
    let actual: unknown;
    try {
      actual = compiled.evaluate(resource);
    } catch (error) {
      actual = String(error);
    }
    expect(actual).toEqual(expected);
  });
});
