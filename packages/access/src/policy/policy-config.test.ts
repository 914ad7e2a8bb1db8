/**
 * The access policy file: Kindred's default loads; an area's own policy with a mistake is refused
 * at start with a message that names the mistake (a wrong policy must never half-apply).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessPolicyFrom, defaultAccessPolicy, loadAccessPolicy } from './policy-config.ts';

const base = JSON.parse(JSON.stringify(defaultAccessPolicy(), (_key, value: unknown) => (value instanceof Set ? [...(value as Set<unknown>)] : value))) as Record<string, unknown>;

describe('access policy configuration', () => {
  it('loads the default policy with its version and roles', () => {
    const policy = defaultAccessPolicy();
    expect(policy.version).toMatch(/\S/);
    expect(Object.keys(policy.roles).sort()).toEqual(['analyst', 'care-coordinator', 'clinician', 'privacy-officer', 'receptionist', 'social-worker', 'volunteer']);
    expect(policy.roles.clinician?.breakGlass).toBe(true);
    expect(policy.roles.volunteer?.volunteer).toBe(true);
    expect(policy.referenceTypes.has('Organization')).toBe(true);
    expect(policy.referenceTypes.has('ViewDefinition') && !policy.referenceTypes.has('MeasureReport')).toBe(true);
    expect(policy.improvementTasks).toEqual({ system: 'https://kindred.health/fhir/CodeSystem/improvement', codes: ['improvement-idea', 'pdsa-cycle'] });
    expect(policy.roles.analyst).toMatchObject({ read: [], write: [], writeReference: ['ViewDefinition', 'Measure', 'Library'] });
  });

  it.each([
    [{ version: '' }, '"version" must be a non-empty string'],
    [{ roles: { clinician: { read: ['Patient', 'Patinet'], write: [] } } }, 'roles.clinician.read[1] "Patinet" is not a FHIR R4 resource type'],
    [{ roles: { clinician: { read: '*', write: '*', breakGlass: 'yes' } } }, 'roles.clinician.breakGlass must be true or false'],
    [{ carerActions: { 'view-record': { read: true } } }, 'carerActions.book is missing'],
    [{ sensitiveLabels: [{ code: 'SEX' }] }, 'sensitiveLabels[0] needs a system and a code'],
    [{ improvementTasks: { codes: ['improvement-idea'] } }, '"improvementTasks" needs a code system'],
    [{ improvementTasks: { system: 'https://example.org/improvement', codes: [] } }, '"improvementTasks.codes" must be a non-empty list of Task codes'],
  ])('refuses a policy with a mistake: %j', (change, message) => {
    expect(() => accessPolicyFrom({ ...base, ...change })).toThrow(message);
  });

  it('says when a policy file is not JSON', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kindred-policy-')), 'policy.json');
    writeFileSync(file, '{ "version": ');
    expect(() => loadAccessPolicy(file)).toThrow(/could not be read as JSON/);
  });
});
