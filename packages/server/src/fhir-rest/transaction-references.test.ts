/**
 * Reference rewriting for transactions, on its own: replacements at any depth, conditional
 * references recognised, inputs untouched, and keys such as "__proto__" kept as data.
 */
import { describe, expect, it } from 'vitest';
import { conditionalReference, referencesIn, replaceReferences, resolveConditionalReferences } from './transaction-references.ts';

describe('transaction references', () => {
  const resource = {
    resourceType: 'Observation',
    subject: { reference: 'urn:uuid:a' },
    contained: [{ resourceType: 'Provenance', target: [{ reference: 'urn:uuid:a' }, { reference: 'Patient/kept' }] }],
    note: [{ text: 'reference: urn:uuid:a' }],
  };

  it('finds and replaces every Reference.reference at any depth, returning a new value', () => {
    expect([...referencesIn(resource)]).toEqual(['urn:uuid:a', 'Patient/kept']);
    const replaced = replaceReferences(resource, new Map([['urn:uuid:a', 'Patient/123']]));
    expect(replaced.subject).toEqual({ reference: 'Patient/123' });
    expect(replaced.contained[0]?.target).toEqual([{ reference: 'Patient/123' }, { reference: 'Patient/kept' }]);
    expect(replaced.note).toEqual([{ text: 'reference: urn:uuid:a' }]);
    expect(resource.subject.reference).toBe('urn:uuid:a');
  });

  it('keeps a "__proto__" key as data, never as a prototype', () => {
    const hostile = JSON.parse('{"resourceType":"Patient","__proto__":{"reference":"urn:uuid:a","polluted":true}}') as Record<string, unknown>;
    const replaced = replaceReferences(hostile, new Map([['urn:uuid:a', 'Patient/1']]));
    expect(Object.getPrototypeOf(replaced)).toBe(Object.prototype);
    expect(Object.keys(replaced)).toEqual(['resourceType', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('recognises conditional references and resolves them to their one match', async () => {
    expect(conditionalReference('Patient?identifier=a|b')).toEqual({ type: 'Patient', criteria: 'identifier=a|b' });
    expect(conditionalReference('Patient/1')).toBeUndefined();
    expect(conditionalReference('urn:uuid:x?y')).toBeUndefined();
    const known = await resolveConditionalReferences({ subject: { reference: 'Patient?identifier=a|b' } }, async () => ['p1'], new Map());
    expect(known.get('Patient?identifier=a|b')).toBe('Patient/p1');
    await expect(resolveConditionalReferences({ subject: { reference: 'Patient?x=1' } }, async () => [], new Map())).rejects.toMatchObject({ status: 404 });
    await expect(resolveConditionalReferences({ subject: { reference: 'Patient?x=1' } }, async () => ['a', 'b'], new Map())).rejects.toMatchObject({ status: 412 });
  });
});
