/**
 * Kindred against data nobody here wrote: the Synthea sample of 10 patients (13 Patient records,
 * about 7,000 resources; public Synthea output from smart-on-fhir's sample-bulk-fhir-datasets,
 * Apache License 2.0, read from ../shared/data/synthea-10 with its SOURCE.md and LICENSE).
 *
 * On each storage backend: Kindred starts as `kindred serve` wires it, `kindred import` loads the
 * folder while it runs, and then everything is checked through the HTTP API with the ordinary
 * client library fhir-kit-client: counts per type, reads and vreads, searches (strings, dates,
 * tokens, references, chains, _has, _include, _revinclude, _sort, paging) and a Bulk Data export.
 * Every expected answer is computed from the ndjson files by this test's own small code
 * (synthea/expected-search.ts), never by Kindred's.
 *
 * Skips, saying why, when ../shared is absent (a failure under KINDRED_REQUIRE_SHARED_DATA=1) and
 * when no PostgreSQL server answers (a failure under KINDRED_REQUIRE_POSTGRES=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '@kindred/store/testing';
import type { SearchParams } from 'fhir-kit-client';
import { sharedDataDir } from './support/shared-data.ts';
import { exportEverything } from './synthea/bulk-export.ts';
import { codingMatches, literalTarget } from './synthea/expected-search.ts';
import { asSearchPage, inBatches, idsOf, searchAll, sortedIds, type SearchResult } from './synthea/fhir-search.ts';
import { createdPerType, startKindred, type RunningKindred } from './synthea/kindred-under-test.ts';
import { describeSearch, encounterSubjects, searchCases } from './synthea/search-cases.ts';
import { readSourceFiles, resourcesOf, stringOf, withoutServerMeta, type JsonObject, type SourceData, type SourceResource } from './synthea/source-files.ts';

const synthea = sharedDataDir('data/synthea-10');
const backends = await testBackends();
const source: SourceData | undefined = synthea.found ? readSourceFiles(synthea.path) : undefined;

/** Reads of every resource in flight at once: enough to keep the server busy, few enough for a 2-core machine. */
const READ_CONCURRENCY = 8;

function data(): SourceData {
  if (source === undefined) throw new Error('the Synthea sample was not read');
  return source;
}

/** The file's resource for an answer's resource; an answer the files do not hold fails here. */
function fileResource(resource: { resourceType: string; id: string }): SourceResource {
  const found = data().byKey.get(`${resource.resourceType}/${resource.id}`);
  if (found === undefined) throw new Error(`${resource.resourceType}/${resource.id} is not in the files`);
  return found;
}

/** The answer equals the file apart from what the server sets (meta.versionId, meta.lastUpdated). */
function expectSameAsFile(resource: JsonObject & { resourceType: string; id: string }): void {
  expect(withoutServerMeta(resource), `${resource.resourceType}/${resource.id}`).toEqual(withoutServerMeta(fileResource(resource)));
}

function expectNoDuplicates(result: SearchResult, what: string): void {
  const ids = idsOf(result.matches);
  const seen = new Set<string>();
  const repeated = ids.filter((id) => seen.size === seen.add(id).size);
  expect(repeated, `${what}: ids served twice across pages`).toEqual([]);
}

const dataTitle = synthea.found ? 'Synthea sample (../shared/data/synthea-10)' : `Synthea sample (${synthea.skipReason})`;

describe.skipIf(!synthea.found)(dataTitle, () => {
  for (const backend of backends) {
    describe.skipIf(backend.skip !== undefined)(`imported and served on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
      let kindred: RunningKindred;

      beforeAll(async () => {
        kindred = await startKindred(backend, synthea.found ? synthea.path : '');
      });
      afterAll(async () => {
        await kindred?.stop();
      });

      it('kindred import creates every line of every file and rejects none', () => {
        expect(Object.fromEntries(createdPerType(kindred.importReport))).toEqual(Object.fromEntries(data().lineCounts));
        expect(kindred.importReport).toMatch(/^rejected: 0$/m);
      });

      it('counts per type (_summary=count and _total=accurate) equal the line counts', async () => {
        const types = [...data().lineCounts.keys()];
        const counted = Object.fromEntries(
          await Promise.all(types.map(async (type) => [type, asSearchPage(await kindred.client.search({ resourceType: type, searchParams: { _summary: 'count' } })).total] as const)),
        );
        expect(counted).toEqual(Object.fromEntries(data().lineCounts));
        const totals = Object.fromEntries(
          await Promise.all(types.map(async (type) => [type, asSearchPage(await kindred.client.search({ resourceType: type, searchParams: { _total: 'accurate', _count: 1 } })).total] as const)),
        );
        expect(totals).toEqual(Object.fromEntries(data().lineCounts));
        // The sample has no Observation file (SOURCE.md): none may appear from anywhere.
        expect(asSearchPage(await kindred.client.search({ resourceType: 'Observation', searchParams: { _summary: 'count' } })).total).toBe(0);
      });

      it('reads every resource back as the file has it, apart from meta.versionId and meta.lastUpdated', async () => {
        const all = [...data().byKey.values()];
        const answers = await inBatches(all, READ_CONCURRENCY, async (r) => ({ file: r, answer: await kindred.client.read({ resourceType: r.resourceType, id: r.id }) }));
        let checked = 0;
        for (const { file, answer } of answers) {
          expect(withoutServerMeta(answer as unknown as JsonObject), `${file.resourceType}/${file.id}`).toEqual(withoutServerMeta(file));
          expect((answer.meta as { versionId?: unknown } | undefined)?.versionId, `${file.resourceType}/${file.id} meta.versionId`).toBe('1');
          checked++;
        }
        expect(checked).toBe(all.length);
      });

      it('vreads version 1 of every 7th resource (and every Patient) as the file has it', async () => {
        const sample = [...data().byKey.values()].filter((r, index) => index % 7 === 0 || r.resourceType === 'Patient');
        await inBatches(sample, READ_CONCURRENCY, async (r) => {
          const answer = (await kindred.client.vread({ resourceType: r.resourceType, id: r.id, version: '1' })) as unknown as JsonObject;
          expect(withoutServerMeta(answer), `${r.resourceType}/${r.id}/_history/1`).toEqual(withoutServerMeta(r));
        });
      });

      describe('searches give exactly the ids computed from the files', () => {
        for (const c of source === undefined ? [] : searchCases(source)) {
          it(`${describeSearch(c.type, c.params)} (${c.why})`, async () => {
            expect(c.ambiguity).toBeUndefined();
            if (c.emptyOnPurpose !== true) expect(c.expected.length, 'a search whose expected answer is empty proves little: choose another value').toBeGreaterThan(0);
            // _total=accurate (search.html#total) makes the count a second, separately computed answer.
            const result = await searchAll(kindred.client, c.type, { ...c.params, _total: 'accurate' });
            expectNoDuplicates(result, c.type);
            expect(sortedIds(result.matches)).toEqual(c.expected);
            expect(result.included).toEqual([]);
            for (const match of result.matches) {
              expect(match.resourceType).toBe(c.type);
              expectSameAsFile(match);
            }
            expect(result.pages[0]?.total, 'Bundle.total').toBe(c.expected.length);
          });
        }
      });

      it('_include=Encounter:subject brings, on each page, exactly the Patients of that page’s matches', async () => {
        const params: SearchParams = { class: 'EMER', _include: 'Encounter:subject', _count: 5 };
        const result = await searchAll(kindred.client, 'Encounter', params);
        const expected = resourcesOf(data(), 'Encounter').filter((e) => codingMatches(e.class, 'EMER'));
        expect(sortedIds(result.matches)).toEqual(sortedIds(expected));
        expect(result.pages.length).toBeGreaterThan(1);
        expect(result.included.length).toBeGreaterThan(0);
        // search.html#include: included resources come with the page of the matches that refer to them.
        for (const page of result.pages) {
          const matches = page.entries.filter((e) => e.mode === 'match').map((e) => fileResource(e.resource));
          const wanted = new Set(matches.map((m) => literalTarget(m.subject)).filter((t): t is string => t !== undefined && data().byKey.has(t)));
          const included = page.entries.filter((e) => e.mode === 'include').map((e) => `${e.resource.resourceType}/${e.resource.id}`);
          expect(new Set(included)).toEqual(wanted);
          expect(included.length, 'each included resource once per page').toBe(wanted.size);
        }
        for (const resource of [...result.matches, ...result.included]) expectSameAsFile(resource);
      });

      it('_include=Encounter:practitioner includes nothing: the sample’s practitioner references are conditional', async () => {
        const { fewest } = encounterSubjects(data());
        const result = await searchAll(kindred.client, 'Encounter', { subject: fewest, _include: 'Encounter:practitioner' });
        expect(result.matches.length).toBeGreaterThan(0);
        expect(result.included).toEqual([]);
      });

      it('_revinclude=Encounter:patient brings every Encounter of the Patient', async () => {
        for (const target of Object.values(encounterSubjects(data()))) {
          const id = target.slice('Patient/'.length);
          const result = await searchAll(kindred.client, 'Patient', { _id: id, _revinclude: 'Encounter:patient' });
          expect(idsOf(result.matches)).toEqual([id]);
          const expected = resourcesOf(data(), 'Encounter').filter((e) => literalTarget(e.subject) === target);
          expect(sortedIds(result.included), `Encounters of ${target}`).toEqual(sortedIds(expected));
          for (const resource of result.included) {
            expect(resource.resourceType).toBe('Encounter');
            expectSameAsFile(resource);
          }
        }
      });

      it('the Patient compartment (Patient/[id]/Encounter, compartmentdefinition-patient: Encounter by patient) holds that Patient’s Encounters', async () => {
        const { most } = encounterSubjects(data());
        const result = await searchAll(kindred.client, 'Encounter', { _count: 100 }, { resourceType: 'Patient', id: most.slice('Patient/'.length) });
        expectNoDuplicates(result, 'compartment');
        expect(sortedIds(result.matches)).toEqual(sortedIds(resourcesOf(data(), 'Encounter').filter((e) => literalTarget(e.subject) === most)));
      });

      it('_revinclude=Condition:subject over two Patients', async () => {
        const [a, b] = resourcesOf(data(), 'Patient');
        if (a === undefined || b === undefined) throw new Error('the sample has fewer than two Patients');
        const result = await searchAll(kindred.client, 'Patient', { _id: `${a.id},${b.id}`, _revinclude: 'Condition:subject' });
        expect(sortedIds(result.matches)).toEqual([a.id, b.id].sort());
        const expected = resourcesOf(data(), 'Condition').filter((c) => [`Patient/${a.id}`, `Patient/${b.id}`].includes(literalTarget(c.subject) ?? ''));
        expect(sortedIds(result.included)).toEqual(sortedIds(expected));
      });

      for (const [sort, direction] of [
        ['birthdate', 1],
        ['-birthdate', -1],
      ] as const) {
        it(`_sort=${sort} serves every Patient in birthDate order, across pages of 4`, async () => {
          const result = await searchAll(kindred.client, 'Patient', { _sort: sort, _count: 4 });
          expectNoDuplicates(result, `_sort=${sort}`);
          expect(sortedIds(result.matches)).toEqual(sortedIds(resourcesOf(data(), 'Patient')));
          // Several patients share a birthDate (three in 1927-05-21): only the order of the dates is defined.
          const served = result.matches.map((p) => stringOf(fileResource(p).birthDate) ?? '');
          const ordered = [...served].sort((x, y) => direction * x.localeCompare(y));
          expect(served).toEqual(ordered);
        });
      }

      for (const [sort, direction] of [
        ['birthdate,_id', 1],
        ['-birthdate,-_id', -1],
      ] as const) {
        it(`_sort=${sort} serves every Patient in exactly the order of (birthDate, id)`, async () => {
          const result = await searchAll(kindred.client, 'Patient', { _sort: sort, _count: 5 });
          // Two keys make the order total; ids compare as plain strings (search.html#_sort on a token: its code).
          const key = (p: SourceResource): string => `${stringOf(p.birthDate) ?? ''} ${p.id}`;
          const expected = [...resourcesOf(data(), 'Patient')].sort((x, y) => direction * (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
          expect(idsOf(result.matches)).toEqual(idsOf(expected));
        });
      }

      for (const [type, count] of [
        ['Patient', 4],
        ['Encounter', 50],
        ['Procedure', 250],
      ] as const) {
        it(`${type}?_count=${count} pages through every ${type} once, no gaps, no duplicates`, async () => {
          const result = await searchAll(kindred.client, type, { _count: count });
          const all = resourcesOf(data(), type);
          expectNoDuplicates(result, type);
          expect(sortedIds(result.matches)).toEqual(sortedIds(all));
          expect(result.pages.length).toBe(Math.ceil(all.length / count));
          expect(result.pages.slice(0, -1).every((p) => p.entries.length === count), 'every page but the last is full').toBe(true);
        });
      }

      it('a system-level Bulk Data $export holds exactly the files’ resources', async () => {
        const exported = await exportEverything(kindred.client, kindred.token);
        expect(exported.kickOffStatus).toBe(202);
        expect(exported.manifest.error).toEqual([]);
        const byType = new Map<string, string[]>();
        for (const { fileType, resource } of exported.resources) {
          const typed = resource as JsonObject & { resourceType: string; id: string };
          expect(typed.resourceType, 'a file holds resources of its type only').toBe(fileType);
          byType.set(fileType, [...(byType.get(fileType) ?? []), typed.id]);
          expectSameAsFile(typed);
        }
        const expected = Object.fromEntries([...data().byType].map(([type, list]) => [type, sortedIds(list)]));
        expect(Object.fromEntries([...byType].map(([type, ids]) => [type, [...ids].sort()]))).toEqual(expected);
      });
    });
  }
});
