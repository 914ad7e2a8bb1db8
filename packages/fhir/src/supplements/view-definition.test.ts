/**
 * ViewDefinition in the model: a resource type that validates by its structure (recursive select,
 * constants of several types, the publication-status and resource-type bindings) and has the
 * name, url, status and resource search parameters, indexed like any other.
 */
import { describe, expect, it } from 'vitest';
import { extractIndexRows } from '../indexing/index.ts';
import { isResourceType, resourceTypes } from '../model.ts';
import { getSearchParameter, isSupportedSearchParameter } from '../search-parameters.ts';
import type { Resource } from '../types.ts';
import { validateResource } from '../validation/index.ts';

const view = (extra: Record<string, unknown> = {}): Resource => ({
  resourceType: 'ViewDefinition',
  url: 'https://kindred.health/fhir/ViewDefinition/patient-demographics',
  name: 'patient_demographics',
  status: 'active',
  resource: 'Patient',
  constant: [{ name: 'home', valueCode: 'home' }, { name: 'limit', valueInteger: 3 }],
  select: [
    { column: [{ name: 'id', path: 'getResourceKey()', type: 'string', tag: [{ name: 'ansi/type', value: 'CHAR(64)' }] }] },
    {
      forEach: 'name',
      column: [{ name: 'family', path: 'family' }],
      select: [{ forEachOrNull: 'given', column: [{ name: 'given', path: '$this', collection: false }] }],
      unionAll: [{ column: [{ name: 'x', path: "'a'" }] }],
    },
    { repeat: ['item', 'answer.item'], column: [{ name: 'link', path: 'linkId' }] },
  ],
  where: [{ path: "address.where(use = %home).exists()", description: 'has a home address' }],
  ...extra,
});

const errors = (resource: unknown): string[] => validateResource(resource).filter((i) => i.severity === 'error').map((i) => i.diagnostics ?? '');

describe('ViewDefinition as a resource type', () => {
  it('is a resource type of the model', () => {
    expect(isResourceType('ViewDefinition')).toBe(true);
    expect(resourceTypes).toContain('ViewDefinition');
  });

  it('accepts a well-formed view, nested selects included', () => {
    expect(errors(view())).toEqual([]);
  });

  it('refuses an unknown element, a missing resource, a bad status and a column without a path', () => {
    expect(errors(view({ colour: 'blue' })).join(' ')).toMatch(/colour/);
    const { resource: _dropped, ...withoutResource } = view();
    expect(errors(withoutResource).join(' ')).toMatch(/resource/);
    expect(errors(view({ status: 'live' })).join(' ')).toMatch(/live/);
    expect(errors(view({ resource: 'Pateint' })).join(' ')).toMatch(/Pateint/);
    expect(errors(view({ select: [{ column: [{ name: 'id' }] }] })).join(' ')).toMatch(/path/);
    expect(errors(view({ select: [{ select: [{ column: [{ name: 'id', path: 'id', colour: 1 }] }] }] })).join(' ')).toMatch(/colour/);
    expect(errors(view({ constant: [{ name: 'x', valueCode: 'a', valueString: 'b' }] })).length).toBeGreaterThan(0);
  });

  it('has the name, url, status and resource search parameters, indexed', () => {
    for (const code of ['name', 'url', 'status', 'resource']) {
      const def = getSearchParameter('ViewDefinition', code);
      expect(def !== undefined && isSupportedSearchParameter(def)).toBe(true);
    }
    expect(getSearchParameter('ViewDefinition', '_id')).toBeDefined();
    const rows = extractIndexRows({ ...view(), id: 'v1' });
    expect(rows.strings.filter((r) => r.code === 'name').map((r) => r.exact)).toEqual(['patient_demographics']);
    expect(rows.tokens.filter((r) => r.code === 'status').map((r) => r.value)).toEqual(['active']);
    expect(rows.tokens.filter((r) => r.code === 'resource').map((r) => r.value)).toEqual(['Patient']);
    expect(rows.uris.filter((r) => r.code === 'url').map((r) => r.value)).toEqual(['https://kindred.health/fhir/ViewDefinition/patient-demographics']);
  });
});
