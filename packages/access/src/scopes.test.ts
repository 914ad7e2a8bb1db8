/**
 * SMART scope parsing (SMART App Launch 2.0, scopes-and-launch-context.html): v2 cruds subsets,
 * v1 read/write/*, wildcards, the scopes that carry no resource rights, and everything refused.
 */
import { describe, expect, it } from 'vitest';
import { FhirError } from '@kindred/fhir';
import { parseScope, parseScopes, type Interaction } from './scopes.ts';

describe('parseScope', () => {
  const resourceCases: [string, { context: string; resourceType: string; interactions: Interaction[]; syntax: 'v1' | 'v2' }][] = [
    ['system/*.cruds', { context: 'system', resourceType: '*', interactions: ['c', 'r', 'u', 'd', 's'], syntax: 'v2' }],
    ['system/Patient.rs', { context: 'system', resourceType: 'Patient', interactions: ['r', 's'], syntax: 'v2' }],
    ['user/Observation.r', { context: 'user', resourceType: 'Observation', interactions: ['r'], syntax: 'v2' }],
    ['user/Encounter.cud', { context: 'user', resourceType: 'Encounter', interactions: ['c', 'u', 'd'], syntax: 'v2' }],
    ['patient/*.rs', { context: 'patient', resourceType: '*', interactions: ['r', 's'], syntax: 'v2' }],
    ['system/Condition.s', { context: 'system', resourceType: 'Condition', interactions: ['s'], syntax: 'v2' }],
    // v1, mapped as "Scope equivalence with SMART v1" says: read = rs, write = cud, * = cruds.
    ['patient/Observation.read', { context: 'patient', resourceType: 'Observation', interactions: ['r', 's'], syntax: 'v1' }],
    ['user/*.write', { context: 'user', resourceType: '*', interactions: ['c', 'u', 'd'], syntax: 'v1' }],
    ['system/*.*', { context: 'system', resourceType: '*', interactions: ['c', 'r', 'u', 'd', 's'], syntax: 'v1' }],
    ['user/Patient.*', { context: 'user', resourceType: 'Patient', interactions: ['c', 'r', 'u', 'd', 's'], syntax: 'v1' }],
  ];
  it.each(resourceCases)('%s', (text, expected) => {
    expect(parseScope(text)).toEqual({ kind: 'resource', text, ...expected });
  });

  it.each([
    ['openid', 'identity'],
    ['fhirUser', 'identity'],
    ['profile', 'identity'],
    ['launch', 'launch'],
    ['launch/patient', 'launch'],
    ['launch/encounter', 'launch'],
    ['offline_access', 'refresh'],
    ['online_access', 'refresh'],
  ])('%s is accepted and grants no resource rights', (text, kind) => {
    expect(parseScope(text)).toEqual({ kind, text });
    expect(parseScopes(text).allows('Patient', 'r')).toBe(false);
  });

  const invalid: [string, RegExp][] = [
    ['system/Patient.sr', /subset of c r u d s in that order/],
    ['system/Patient.rr', /subset of c r u d s in that order/],
    ['system/Patient.x', /subset of c r u d s/],
    ['system/Patient.', /subset of c r u d s/],
    ['system/Patient.readwrite', /subset of c r u d s/],
    ['system/patient.rs', /not a FHIR R4 resource type/],
    ['system/Unicorn.rs', /not a FHIR R4 resource type/],
    ['admin/Patient.rs', /not a SMART scope/],
    ['system/Patient', /not a SMART scope/],
    ['Patient.rs', /not a SMART scope/],
    ['system/**.rs', /not a SMART scope/],
    ['read', /not a SMART scope/],
    ['OpenID', /not a SMART scope/],
    ['launch/', /not a SMART scope/],
    // Finer-grained constraints are parsed and refused, never silently dropped.
    ['patient/Observation.rs?category=laboratory', /search parameter \(category\).*not support/],
    ['system/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs&code=x', /category, code/],
    ['system/Observation.rs?', /empty search restriction/],
    ['system/Observation.read?category=laboratory', /only SMART v2 scopes/],
  ];
  it.each(invalid)('refuses %s', (text, message) => {
    let error: unknown;
    try {
      parseScope(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FhirError);
    expect((error as FhirError).status).toBe(400);
    expect((error as FhirError).message).toMatch(/^invalid_scope: /);
    expect((error as FhirError).message).toMatch(message);
  });
});

describe('parseScopes', () => {
  it('reads a space-separated list and answers allows() for system and user scopes', () => {
    const scopes = parseScopes('openid fhirUser  system/Patient.rs user/Observation.cu system/Observation.r');
    expect(scopes.allows('Patient', 'r')).toBe(true);
    expect(scopes.allows('Patient', 's')).toBe(true);
    expect(scopes.allows('Patient', 'c')).toBe(false);
    expect(scopes.allows('Observation', 'c')).toBe(true);
    expect(scopes.allows('Observation', 'r')).toBe(true);
    expect(scopes.allows('Observation', 's')).toBe(false);
    expect(scopes.allows('Encounter', 'r')).toBe(false);
    expect(scopes.toString()).toBe('openid fhirUser system/Patient.rs user/Observation.cu system/Observation.r');
  });

  it('wildcards allow every type, and combine with typed scopes', () => {
    const scopes = parseScopes('system/*.rs system/Observation.c');
    expect(scopes.allows('Encounter', 'r')).toBe(true);
    expect(scopes.allows('Encounter', 'c')).toBe(false);
    expect(scopes.allows('Observation', 'c')).toBe(true);
    expect(scopes.typesAllowing('r')).toBe('*');
    expect([...(scopes.typesAllowing('c') as ReadonlySet<string>)]).toEqual(['Observation']);
    expect([...(scopes.typesAllowing('d') as ReadonlySet<string>)]).toEqual([]);
  });

  it('patient/ scopes never allow anything without a patient in context', () => {
    const scopes = parseScopes('patient/*.cruds patient/Observation.read');
    expect(scopes.hasPatientScopes).toBe(true);
    for (const i of ['c', 'r', 'u', 'd', 's'] as const) expect(scopes.allows('Observation', i)).toBe(false);
    expect(scopes.typesAllowing('r')).toEqual(new Set());
  });

  it('names the scope a refusal needs, in the style of the token', () => {
    expect(parseScopes('system/Patient.r').scopeNeededFor('Observation', 's')).toBe('system/Observation.s');
    expect(parseScopes('user/Patient.r').scopeNeededFor('Observation', 'r')).toBe('user/Observation.r');
  });

  it.each([[''], ['   '], ['system/Patient.rs\tsystem/Observation.rs'], ['system/Patient.rs "x"'], ['openid nonsense']])('refuses %j', (text) => {
    expect(() => parseScopes(text)).toThrow(/^invalid_scope: /);
  });

  it('returns a frozen set that cannot be widened afterwards', () => {
    const scopes = parseScopes('system/Patient.r');
    expect(Object.isFrozen(scopes)).toBe(true);
    expect(Object.isFrozen(scopes.scopes)).toBe(true);
  });
});
