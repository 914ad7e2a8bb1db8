/**
 * Repository contract: search compiled to SQL, on every backend. The fixtures are small enough
 * that each expected answer can be checked by reading them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirError, parseSearchRequest, type Resource, type SearchRequest } from '@kindred/fhir';
import { testBackends, type TestStore } from './testing/databases.ts';

const backends = await testBackends();

const fixtures: Resource[] = [
  { resourceType: 'Organization', id: 'org-gp', name: 'Riverside Surgery', identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'Y00001' }] },
  { resourceType: 'Organization', id: 'org-hosp', name: 'City Hospital', partOf: { reference: 'Organization/org-trust' } },
  { resourceType: 'Organization', id: 'org-trust', name: 'City Hospitals Trust' },
  {
    resourceType: 'Patient',
    id: 'p-renee',
    name: [{ family: 'Dupré', given: ['Renée', 'Marie'] }],
    gender: 'female',
    birthDate: '1950-03-02',
    identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' }],
    generalPractitioner: [{ reference: 'Organization/org-gp' }],
    telecom: [{ system: 'phone', value: '01632 960001' }],
    active: true,
  },
  {
    resourceType: 'Patient',
    id: 'p-sam',
    name: [{ family: 'Smith', given: ['Sam'] }],
    gender: 'male',
    birthDate: '1985',
    identifier: [{ system: 'https://example.org/mrn', value: 'MRN-2' }],
    generalPractitioner: [{ reference: 'Organization/org-gp' }],
    active: false,
  },
  { resourceType: 'Patient', id: 'p-smythe', name: [{ family: 'Smythe', given: ['Jo'] }], birthDate: '2001-12-24' },
  {
    resourceType: 'Observation',
    id: 'o-hr-1',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }], text: 'Heart rate' },
    subject: { reference: 'Patient/p-renee' },
    effectiveDateTime: '2024-01-10T09:30:00Z',
    valueQuantity: { value: 72, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
  },
  {
    resourceType: 'Observation',
    id: 'o-hr-2',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: 'Patient/p-renee' },
    effectiveDateTime: '2024-03-15T10:00:00Z',
    valueQuantity: { value: 101, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
  },
  {
    resourceType: 'Observation',
    id: 'o-weight',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }] },
    subject: { reference: 'Patient/p-sam' },
    effectivePeriod: { start: '2023-06-01', end: '2023-06-30' },
    valueQuantity: { value: 80.5, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
  },
  {
    resourceType: 'Encounter',
    id: 'e-1',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'VR' },
    subject: { reference: 'Patient/p-renee' },
    serviceProvider: { reference: 'Organization/org-hosp' },
    period: { start: '2024-01-10T09:00:00Z', end: '2024-01-10T09:45:00Z' },
  },
  {
    resourceType: 'Encounter',
    id: 'e-2',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: 'Patient/p-sam' },
    period: { start: '2023-06-01T14:00:00Z' },
  },
  { resourceType: 'ValueSet', id: 'vs-1', status: 'active', url: 'http://example.org/fhir/ValueSet/colours' },
];

function search(type: string, query: string, handling: 'strict' | 'lenient' = 'strict'): SearchRequest {
  const params = [...new URLSearchParams(query).entries()] as [string, string][];
  return parseSearchRequest(type, params, { handling, baseUrl: 'https://kindred.example/fhir' });
}

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`repository search on ${backend.name}${backend.skip ? ` (${backend.skip})` : ''}`, () => {
    let store: TestStore;
    const ids = async (type: string, query: string): Promise<string[]> =>
      (await store.repository.search(search(type, query))).matches.map((m) => m.id).sort();

    beforeAll(async () => {
      store = await backend.open();
      const results = await store.repository.importResources(fixtures);
      expect(results.filter((r) => r.outcome === 'rejected')).toEqual([]);
    });
    afterAll(async () => {
      await store?.destroy();
    });

    it('string: starts-with, accent- and case-insensitive, :exact and :contains', async () => {
      expect(await ids('Patient', 'name=sm')).toEqual(['p-sam', 'p-smythe']);
      expect(await ids('Patient', 'family=dupre')).toEqual(['p-renee']);
      expect(await ids('Patient', 'given=RENEE')).toEqual(['p-renee']);
      expect(await ids('Patient', 'family:exact=Dupré')).toEqual(['p-renee']);
      expect(await ids('Patient', 'family:exact=dupré')).toEqual([]);
      expect(await ids('Patient', "family=d'upré")).toEqual(['p-renee']);
      expect(await ids('Patient', 'name:contains=myth')).toEqual(['p-smythe']);
      expect(await ids('Patient', 'name:contains=100%')).toEqual([]);
      expect(await ids('Patient', 'name=smith,dupre')).toEqual(['p-renee', 'p-sam']);
      expect(await ids('Patient', 'name=sm&name=smy')).toEqual(['p-smythe']);
    });

    it('token: code, system|code, |code, system|, :not, :text, booleans', async () => {
      expect(await ids('Patient', 'identifier=9434765919')).toEqual(['p-renee']);
      expect(await ids('Patient', 'identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919')).toEqual(['p-renee']);
      expect(await ids('Patient', 'identifier=https://example.org/mrn|9434765919')).toEqual([]);
      expect(await ids('Patient', 'identifier=https://example.org/mrn|')).toEqual(['p-sam']);
      expect(await ids('Patient', 'gender=female')).toEqual(['p-renee']);
      expect(await ids('Patient', 'gender=|female')).toEqual(['p-renee']);
      expect(await ids('Patient', 'gender:not=female')).toEqual(['p-sam', 'p-smythe']);
      expect(await ids('Patient', 'active=true')).toEqual(['p-renee']);
      expect(await ids('Observation', 'code=http://loinc.org|8867-4')).toEqual(['o-hr-1', 'o-hr-2']);
      expect(await ids('Observation', 'code:text=body')).toEqual(['o-weight']);
      expect(await ids('Patient', 'phone=01632 960001')).toEqual(['p-renee']);
    });

    it('reference: Type/id, id, :Type, :identifier and chains', async () => {
      expect(await ids('Observation', 'subject=Patient/p-renee')).toEqual(['o-hr-1', 'o-hr-2']);
      expect(await ids('Observation', 'patient=p-sam')).toEqual(['o-weight']);
      expect(await ids('Observation', 'subject:Patient=p-sam')).toEqual(['o-weight']);
      expect(await ids('Observation', 'subject=https://kindred.example/fhir/Patient/p-sam')).toEqual(['o-weight']);
      expect(await ids('Observation', 'subject:Patient.name=dupre')).toEqual(['o-hr-1', 'o-hr-2']);
      expect(await ids('Observation', 'subject:Patient.identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919')).toEqual(['o-hr-1', 'o-hr-2']);
      expect(await ids('Patient', 'general-practitioner:Organization.name=riverside')).toEqual(['p-renee', 'p-sam']);
      expect(await ids('Encounter', 'service-provider.partof=Organization/org-trust')).toEqual(['e-1']);
    });

    it('_has: reverse chaining', async () => {
      expect(await ids('Patient', '_has:Observation:patient:code=8867-4')).toEqual(['p-renee']);
      expect(await ids('Patient', '_has:Encounter:subject:class=AMB')).toEqual(['p-sam']);
      expect(await ids('Organization', '_has:Patient:general-practitioner:gender=male')).toEqual(['org-gp']);
    });

    it('date: every prefix against ranges of different precision', async () => {
      expect(await ids('Patient', 'birthdate=1985')).toEqual(['p-sam']);
      expect(await ids('Patient', 'birthdate=1985-06')).toEqual([]); // the year 1985 is not inside June 1985
      expect(await ids('Patient', 'birthdate=1950-03-02')).toEqual(['p-renee']);
      expect(await ids('Patient', 'birthdate=ge1985-01-01')).toEqual(['p-sam', 'p-smythe']);
      expect(await ids('Patient', 'birthdate=gt1985-12-31')).toEqual(['p-smythe']);
      expect(await ids('Patient', 'birthdate=lt1985-01-01')).toEqual(['p-renee']);
      expect(await ids('Patient', 'birthdate=le1985')).toEqual(['p-renee', 'p-sam']);
      expect(await ids('Patient', 'birthdate=ne1985')).toEqual(['p-renee', 'p-smythe']);
      expect(await ids('Patient', 'birthdate=sa1985-12-31')).toEqual(['p-smythe']);
      expect(await ids('Patient', 'birthdate=eb1985-01-01')).toEqual(['p-renee']);
      expect(await ids('Patient', 'birthdate=ge1950&birthdate=le1990')).toEqual(['p-renee', 'p-sam']);
      expect(await ids('Observation', 'date=2024-01')).toEqual(['o-hr-1']);
      expect(await ids('Observation', 'date=2023-06')).toEqual(['o-weight']);
      expect(await ids('Observation', 'date=2023-06-15')).toEqual([]); // a month-long period is not inside one day
      expect(await ids('Observation', 'date=ge2023-06-15&date=le2024-01-31')).toEqual(['o-hr-1', 'o-weight']);
      // an open-ended period goes on for ever, so it reaches past any date
      expect(await ids('Encounter', 'date=ge2024-01-10T09:30:00Z')).toEqual(['e-1', 'e-2']);
      expect(await ids('Encounter', 'date=gt2030-01-01')).toEqual(['e-2']);
      expect(await ids('Encounter', 'date=lt2023-06-01')).toEqual([]);
    });

    it('number and quantity: precision, prefixes, units', async () => {
      expect(await ids('Observation', 'value-quantity=72')).toEqual(['o-hr-1']);
      expect(await ids('Observation', 'value-quantity=72.4')).toEqual([]);
      expect(await ids('Observation', 'value-quantity=gt100')).toEqual(['o-hr-2']);
      expect(await ids('Observation', 'value-quantity=le80.5')).toEqual(['o-hr-1', 'o-weight']);
      expect(await ids('Observation', 'value-quantity=80.5|http://unitsofmeasure.org|kg')).toEqual(['o-weight']);
      expect(await ids('Observation', 'value-quantity=80.5||/min')).toEqual([]);
      expect(await ids('Observation', 'value-quantity=ap100')).toEqual(['o-hr-2']);
    });

    it('uri: exact, :below and :above', async () => {
      expect(await ids('ValueSet', 'url=http://example.org/fhir/ValueSet/colours')).toEqual(['vs-1']);
      expect(await ids('ValueSet', 'url:below=http://example.org/fhir')).toEqual(['vs-1']);
      expect(await ids('ValueSet', 'url:above=http://example.org/fhir/ValueSet/colours/extra')).toEqual(['vs-1']);
      expect(await ids('ValueSet', 'url=http://example.org/fhir')).toEqual([]);
    });

    it(':missing, _id, _lastUpdated', async () => {
      expect(await ids('Patient', 'gender:missing=true')).toEqual(['p-smythe']);
      expect(await ids('Patient', 'gender:missing=false')).toEqual(['p-renee', 'p-sam']);
      expect(await ids('Patient', '_id=p-sam,p-smythe')).toEqual(['p-sam', 'p-smythe']);
      expect(await ids('Patient', '_lastUpdated=gt2000-01-01')).toEqual(['p-renee', 'p-sam', 'p-smythe']);
      expect(await ids('Patient', '_lastUpdated=lt2000-01-01')).toEqual([]);
    });

    it('_include, _revinclude and :iterate', async () => {
      const inc = await store.repository.search(search('Observation', '_id=o-hr-1&_include=Observation:subject'));
      expect(inc.matches.map((m) => m.id)).toEqual(['o-hr-1']);
      expect(inc.included.map((m) => m.id)).toEqual(['p-renee']);
      const rev = await store.repository.search(search('Patient', '_id=p-renee&_revinclude=Observation:subject&_revinclude=Encounter:subject'));
      expect(rev.included.map((m) => m.id).sort()).toEqual(['e-1', 'o-hr-1', 'o-hr-2']);
      const iterate = await store.repository.search(search('Encounter', '_id=e-1&_include=Encounter:service-provider&_include:iterate=Organization:partof'));
      expect(iterate.included.map((m) => m.id).sort()).toEqual(['org-hosp', 'org-trust']);
      // without :iterate an include can only start from the matches (Encounter), so this is a mistake worth reporting
      expect(() => search('Encounter', '_id=e-1&_include=Encounter:service-provider&_include=Organization:partof')).toThrow(/iterate/);
      const typed = await store.repository.search(search('Observation', '_id=o-hr-1&_include=Observation:subject:Group'));
      expect(typed.included).toEqual([]);
      const none = await store.repository.search(search('Patient', '_id=p-renee&_include=*'));
      expect(none.included.map((m) => m.id)).toEqual(['org-gp']);
    });

    it('_sort on several keys, descending, missing values last', async () => {
      const order = async (query: string): Promise<string[]> => (await store.repository.search(search('Patient', query))).matches.map((m) => m.id);
      expect(await order('_sort=birthdate')).toEqual(['p-renee', 'p-sam', 'p-smythe']);
      expect(await order('_sort=-birthdate')).toEqual(['p-smythe', 'p-sam', 'p-renee']);
      expect(await order('_sort=gender,-family')).toEqual(['p-renee', 'p-sam', 'p-smythe']);
      expect(await order('_sort=-gender,family')).toEqual(['p-sam', 'p-renee', 'p-smythe']);
      expect(await order('_sort=-_id')).toEqual(['p-smythe', 'p-sam', 'p-renee']);
    });

    it('_total: counted when asked, free when the result fits on one page, absent otherwise', async () => {
      const page = await store.repository.search(search('Patient', '_count=1&_total=accurate'));
      expect(page.total).toBe(3);
      expect(page.matches).toHaveLength(1);
      expect((await store.repository.search(search('Patient', '_count=1&_total=estimate'))).total).toBe(3);
      expect((await store.repository.search(search('Patient', '_count=1'))).total).toBeUndefined();
      expect((await store.repository.search(search('Patient', '_count=5'))).total).toBe(3);
      const none = await store.repository.search(search('Patient', '_count=0'));
      expect(none.matches).toEqual([]);
      expect((await store.repository.search(search('Patient', '_summary=count'))).total).toBe(3);
      const later = await store.repository.search(search('Patient', '_count=2'));
      const second = await store.repository.search({ ...search('Patient', '_count=2'), cursor: later.nextCursor! });
      expect(second.matches).toHaveLength(1);
      expect(second.total).toBeUndefined();
    });

    it('leads with the filter that matches fewest, whatever order the parameters come in', async () => {
      // many Observations share a code, one patient has few: the answer is the same either way round
      const a = await ids('Observation', 'code=http://loinc.org|8867-4&subject=Patient/p-renee');
      const b = await ids('Observation', 'subject=Patient/p-renee&code=http://loinc.org|8867-4');
      expect(a).toEqual(['o-hr-1', 'o-hr-2']);
      expect(b).toEqual(a);
    });

    it('compartment search', async () => {
      const viaParser = async (type: string, id: string): Promise<string[]> => {
        const { compartmentFilter } = await import('@kindred/fhir');
        const request = search(type, '');
        const page = await store.repository.search({ ...request, filters: [compartmentFilter('Patient', id, type)] });
        return page.matches.map((m) => m.id).sort();
      };
      expect(await viaParser('Observation', 'p-renee')).toEqual(['o-hr-1', 'o-hr-2']);
      expect(await viaParser('Encounter', 'p-sam')).toEqual(['e-2']);
      expect(await viaParser('Patient', 'p-sam')).toEqual(['p-sam']);
    });

    it('pages with cursors that stay correct while data changes', async () => {
      const created: string[] = [];
      for (let i = 0; i < 7; i++) created.push((await store.repository.update({ resourceType: 'Basic', id: `page-${i}`, code: { text: 'paging' } })).resource.id);
      const seen: string[] = [];
      let request = search('Basic', 'code:text=paging&_count=3&_sort=-_id');
      for (let round = 0; round < 10; round++) {
        const page = await store.repository.search(request);
        seen.push(...page.matches.map((m) => m.id));
        if (round === 0) {
          // between pages: a new resource sorts before the cursor, one already seen is updated, one not yet seen is deleted
          await store.repository.update({ resourceType: 'Basic', id: 'page-9', code: { text: 'paging' } });
          await store.repository.update({ resourceType: 'Basic', id: 'page-6', code: { text: 'paging again' } });
          await store.repository.delete('Basic', 'page-2');
        }
        if (!page.nextCursor) break;
        request = { ...request, cursor: page.nextCursor };
      }
      expect(seen).toEqual(['page-6', 'page-5', 'page-4', 'page-3', 'page-1', 'page-0']);
    });

    it('rejects a tampered cursor with 400', async () => {
      const request = { ...search('Patient', '_count=1'), cursor: 'not-a-cursor' };
      const error = await store.repository.search(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FhirError);
      expect((error as FhirError).status).toBe(400);
    });

    it('treats hostile values as data', async () => {
      expect(await ids('Patient', "name=' OR 1=1 --")).toEqual([]);
      // punctuation is ignored (search.html#string), so "%" asks for every name, and LIKE wildcards stay literal
      expect(await ids('Patient', 'name=%25')).toEqual(['p-renee', 'p-sam', 'p-smythe']);
      expect(await ids('Patient', 'name:contains=_')).toEqual(['p-renee', 'p-sam', 'p-smythe']);
      expect(await ids('Patient', 'name:contains=m_th')).toEqual([]);
      expect(() => search('Patient', 'identifier=x|y|z')).toThrow(FhirError);
      expect(await ids('Patient', 'identifier=x\\|y|z')).toEqual([]);
      expect(await ids('Patient', `name=${'a'.repeat(5000)}`)).toEqual([]);
      // NUL cannot be stored, so nothing matches it: either an empty result or a 400, never a server error
      const nul = await ids('Patient', 'name=\u0000').catch((e: unknown) => e);
      if (Array.isArray(nul)) expect(nul).toEqual([]);
      else expect((nul as FhirError).status).toBe(400);
    });
  });
}
