/**
 * The area generator's contract: deterministic, close to the requested size, references always
 * backwards, valid unique ids and NHS numbers, bounded memory, and a realistic shape.
 */
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Resource } from '@kindred/fhir';
import { countByType, isValidNhsNumber, referencesIn, stringAt } from './area-test-support.ts';
import { planArea } from './area-plan.ts';
import { generateArea } from './generate-area.ts';

function digest(resources: Iterable<Resource>): string {
  const hash = createHash('sha256');
  for (const resource of resources) hash.update(JSON.stringify(resource)).update('\n');
  return hash.digest('hex');
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

describe('generateArea', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const first = digest(generateArea({ resources: 15_000, seed: 42 }));
    expect(digest(generateArea({ resources: 15_000, seed: 42 }))).toBe(first);
    expect(digest(generateArea({ resources: 15_000, seed: 43 }))).not.toBe(first);
    expect(digest(generateArea({ resources: 15_000, seed: 42, start: new Date(Date.UTC(2020, 0, 1)) }))).not.toBe(first);
  });

  it('is lazy: taking a few resources does not generate the rest', () => {
    const started = performance.now();
    const iterator = generateArea({ resources: 50_000_000, seed: 1 })[Symbol.iterator]();
    for (let i = 0; i < 100; i++) expect(iterator.next().done).toBe(false);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it.each([3_000, 20_000, 100_000])('lands within 3 percent of %i resources', (requested) => {
    const { total } = countByType(generateArea({ resources: requested, seed: 7 }));
    expect(Math.abs(total - requested) / requested).toBeLessThan(0.03);
  });

  it('only refers to resources emitted earlier, and ids are valid and unique', () => {
    const seen = new Set<string>();
    const dangling: string[] = [];
    for (const resource of generateArea({ resources: 40_000, seed: 11 })) {
      expect(resource.id).toMatch(ID);
      for (const reference of referencesIn(resource)) {
        if (!seen.has(reference)) dangling.push(`${resource.resourceType}/${resource.id ?? ''} → ${reference}`);
      }
      const key = `${resource.resourceType}/${resource.id ?? ''}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
    expect(dangling.slice(0, 5)).toEqual([]);
  });

  it('gives every patient a valid, unique NHS number, a hospital number and a registered practice', () => {
    const nhsNumbers = new Set<string>();
    const practices = new Set<string>();
    let patients = 0;
    for (const resource of generateArea({ resources: 60_000, seed: 3 })) {
      if (resource.resourceType === 'Organization') practices.add(`Organization/${resource.id ?? ''}`);
      if (resource.resourceType !== 'Patient') continue;
      patients++;
      const identifiers = Array.isArray(resource.identifier) ? resource.identifier : [];
      const nhs = identifiers.map((i) => (stringAt(i, 'system') === 'https://fhir.nhs.uk/Id/nhs-number' ? stringAt(i, 'value') : undefined)).filter((v) => v !== undefined);
      expect(nhs).toHaveLength(1);
      const value = nhs[0] ?? '';
      expect(isValidNhsNumber(value), value).toBe(true);
      expect(value.startsWith('999')).toBe(true);
      nhsNumbers.add(value);
      expect(identifiers.some((i) => stringAt(i, 'type', 'coding', 0, 'code') === 'MR')).toBe(true);
      expect(practices.has(stringAt(resource, 'generalPractitioner', 0, 'reference') ?? '')).toBe(true);
    }
    expect(patients).toBeGreaterThan(1000);
    expect(nhsNumbers.size).toBe(patients);
  });

  it('keeps nothing it has emitted: memory stays flat over 200k resources', async () => {
    // Structural check: weak references to emitted resources must all be collectable while the
    // generator is still running, and the heap must not grow with the number of resources.
    setFlagsFromString('--expose-gc');
    const exposed = runInNewContext('gc') as unknown;
    if (typeof exposed !== 'function') return expect.fail('could not expose the garbage collector');
    const gc = exposed as () => void;
    const collect = async () => {
      // WeakRef targets stay alive until the current job ends, so yield before collecting.
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc();
      return process.memoryUsage().heapUsed;
    };
    const iterator = generateArea({ resources: 200_000, seed: 5 })[Symbol.iterator]();
    const sampled: WeakRef<Resource>[] = [];
    const counts = new Map<string, number>();
    let heapAfterWarmUp = 0;
    for (let n = 0; ; n++) {
      const next = iterator.next();
      if (next.done) break;
      counts.set(next.value.resourceType, (counts.get(next.value.resourceType) ?? 0) + 1);
      if (n % 5000 === 0) sampled.push(new WeakRef(next.value));
      if (n === 20_000) heapAfterWarmUp = await collect();
      if (n === 190_000) {
        const heapLate = await collect();
        expect(heapLate - heapAfterWarmUp).toBeLessThan(8 * 1024 * 1024);
        expect(sampled.filter((ref) => ref.deref() !== undefined).length).toBeLessThanOrEqual(1);
      }
    }
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(190_000);
  });

  it('plans infrastructure that grows with the area but not with every resource', () => {
    const small = planArea({ resources: 100_000, seed: 1 });
    const large = planArea({ resources: 1_000_000, seed: 1 });
    expect(large.organisations.length).toBeGreaterThan(small.organisations.length);
    expect(large.organisations.length).toBeLessThan(60);
    expect(large.practitionerCount).toBeLessThan(1_000_000 / 200);
    expect(large.guaranteedPatients).toBeGreaterThan(500);
  });
});

describe('the shape of the area', () => {
  const resources = [...generateArea({ resources: 60_000, seed: 9 })];
  const { total, byType } = countByType(resources);
  const share = (type: string) => (byType[type] ?? 0) / total;
  const patients = resources.filter((r) => r.resourceType === 'Patient');
  const encounters = resources.filter((r) => r.resourceType === 'Encounter');

  it('has roughly the benchmark mix of resource types', () => {
    expect(share('Observation')).toBeGreaterThan(0.45);
    expect(share('Observation')).toBeLessThan(0.6);
    expect(share('Encounter')).toBeGreaterThan(0.12);
    expect(share('Encounter')).toBeLessThan(0.2);
    expect(share('Condition')).toBeGreaterThan(0.05);
    expect(share('Appointment')).toBeGreaterThan(0.05);
    expect(share('Patient')).toBeGreaterThan(0.02);
    expect(share('Patient')).toBeLessThan(0.035);
    for (const type of ['Organization', 'Location', 'Practitioner', 'PractitionerRole', 'RelatedPerson', 'ServiceRequest', 'Task', 'CareTeam', 'Group', 'Procedure', 'Immunization', 'AllergyIntolerance']) {
      expect(byType[type], type).toBeGreaterThan(0);
    }
  });

  it('gives every PractitionerRole its occupation and the Kindred access role the policy reads', () => {
    const roles = resources.filter((r) => r.resourceType === 'PractitionerRole');
    const practitionerRoleCodes = new Map<string, string>();
    for (const role of roles) {
      const code = Array.isArray(role.code) ? role.code : [];
      expect(code).toHaveLength(2);
      const access = stringAt(role, 'code', 1, 'coding', 0, 'code') ?? '';
      expect(stringAt(role, 'code', 1, 'coding', 0, 'system')).toBe('https://kindred.health/fhir/CodeSystem/access-role');
      expect(['clinician', 'social-worker', 'care-coordinator', 'volunteer']).toContain(access);
      // The occupation comes first, as before: a practitioner-role code, a SNOMED CT occupation or text only.
      const occupation = stringAt(role, 'code', 0, 'coding', 0, 'code') ?? stringAt(role, 'code', 0, 'text') ?? '';
      practitionerRoleCodes.set(occupation, access);
    }
    expect(practitionerRoleCodes.get('doctor')).toBe('clinician');
    expect(practitionerRoleCodes.get('nurse')).toBe('clinician');
    expect(practitionerRoleCodes.get('106328005')).toBe('social-worker'); // social worker
    expect(practitionerRoleCodes.get('Social prescribing link worker')).toBe('care-coordinator');
    expect(practitionerRoleCodes.get('Volunteer')).toBe('volunteer');
  });

  it('uses every encounter class with realistic shares', () => {
    const classes = new Map<string, number>();
    for (const e of encounters) {
      expect(stringAt(e, 'class', 'system')).toBe('http://terminology.hl7.org/CodeSystem/v3-ActCode');
      const code = stringAt(e, 'class', 'code') ?? '';
      classes.set(code, (classes.get(code) ?? 0) + 1);
    }
    const classShare = (code: string) => (classes.get(code) ?? 0) / encounters.length;
    expect(classShare('AMB')).toBeGreaterThan(0.45);
    expect(classShare('VR')).toBeGreaterThan(0.2);
    expect(classShare('EMER')).toBeGreaterThan(0.02);
    expect(classShare('IMP')).toBeGreaterThan(0.005);
    expect(classShare('HH')).toBeGreaterThan(0.003);
  });

  it('has people of all ages and both sexes, some deceased, some preferring another language', () => {
    const ages = patients.map((p) => 2025 - Number((stringAt(p, 'birthDate') ?? '').slice(0, 4)));
    const over65 = ages.filter((a) => a >= 65).length / ages.length;
    const children = ages.filter((a) => a < 16).length / ages.length;
    expect(over65).toBeGreaterThan(0.12);
    expect(over65).toBeLessThan(0.3);
    expect(children).toBeGreaterThan(0.12);
    const female = patients.filter((p) => p.gender === 'female').length / patients.length;
    expect(female).toBeGreaterThan(0.45);
    expect(female).toBeLessThan(0.56);
    expect(patients.filter((p) => p.deceasedDateTime !== undefined).length).toBeGreaterThan(0);
    expect(patients.filter((p) => p.communication !== undefined).length).toBeGreaterThan(0);
  });

  it('has UK names and postcodes, including accented and hyphenated names', () => {
    const names = patients.map((p) => `${(stringAt(p, 'name', 0, 'given', 0) ?? '')} ${stringAt(p, 'name', 0, 'family') ?? ''}`);
    expect(names.some((n) => /[^ -~]/.test(n))).toBe(true); // outside printable ASCII: accents
    expect(names.some((n) => /\S-\S/.test(n.split(' ').slice(-1)[0] ?? ''))).toBe(true);
    const familyCounts = new Map<string, number>();
    for (const p of patients) familyCounts.set(stringAt(p, 'name', 0, 'family') ?? '', (familyCounts.get(stringAt(p, 'name', 0, 'family') ?? '') ?? 0) + 1);
    // A long tail: the commonest surname is shared by many, most by few.
    expect(Math.max(...familyCounts.values())).toBeGreaterThan(patients.length / 100);
    for (const p of patients) expect(stringAt(p, 'address', 0, 'postalCode')).toMatch(/^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][ABD-HJLNP-UW-Z]{2}$/);
  });

  it('keeps FHIR invariants the structural validator does not check', () => {
    for (const r of resources) {
      const period = (r.resourceType === 'Encounter' ? r.period : undefined) as { start?: string; end?: string } | undefined;
      if (period?.end !== undefined) expect(Date.parse(period.end)).toBeGreaterThanOrEqual(Date.parse(period.start ?? ''));
      if (r.resourceType === 'Task') expect(Date.parse(stringAt(r, 'lastModified') ?? '')).toBeGreaterThanOrEqual(Date.parse(stringAt(r, 'authoredOn') ?? '')); // inv-1
      if (r.resourceType === 'Condition' && r.abatementDateTime !== undefined) expect(['inactive', 'resolved', 'remission']).toContain(stringAt(r, 'clinicalStatus', 'coding', 0, 'code')); // con-4
      if (r.resourceType === 'Appointment') expect(Date.parse(stringAt(r, 'end') ?? '')).toBeGreaterThan(Date.parse(stringAt(r, 'start') ?? '')); // app-2
      if (r.resourceType === 'Observation' && r.component !== undefined) expect(r.valueQuantity).toBeUndefined(); // obs-7
    }
  });
});
