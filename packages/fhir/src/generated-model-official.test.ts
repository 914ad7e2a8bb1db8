/**
 * The generated model against an independent reading of R4: fhirpath.js ships the list of every
 * element path of FHIR R4 (its `fhir-context/r4` model, generated from the specification by its own
 * authors). Every element we know must be in that list, and every element in that list must be one
 * we know, so an edited or incomplete source of definitions cannot pass unnoticed.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { getTypeDefinition, resourceTypes } from './model.ts';
import { isSupplementResourceType } from './supplements/view-definition.ts';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const readJson = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(require.resolve(`fhirpath/fhir-context/r4/${name}`), 'utf8')) as Record<string, unknown>;

const path2Type = readJson('path2Type.json');
const choiceTypePaths = readJson('choiceTypePaths.json') as Record<string, string[]>;
const definedElsewhere = readJson('pathsDefinedElsewhere.json');
const capital = (t: string): string => t.charAt(0).toUpperCase() + t.slice(1);

/** Official element paths, with choice elements under their base name ("Observation.value"). */
function officialPaths(): Set<string> {
  const expanded = new Set<string>();
  for (const [base, types] of Object.entries(choiceTypePaths)) for (const t of types) expanded.add(base + capital(t));
  const out = new Set<string>();
  for (const p of Object.keys(path2Type)) if (!expanded.has(p)) out.add(p);
  for (const p of Object.keys(choiceTypePaths)) out.add(p);
  for (const p of Object.keys(definedElsewhere)) out.add(p);
  return out;
}

function ourPaths(): Map<string, string[]> {
  const generated = JSON.parse(readFileSync(new URL('./generated/model.json', import.meta.url), 'utf8')) as { types: Record<string, { kind: string }> };
  const out = new Map<string, string[]>();
  for (const [name, type] of Object.entries(generated.types)) {
    if (type.kind === 'primitive-type') continue;
    for (const [path, el] of Object.entries(getTypeDefinition(name)!.elements)) out.set(`${name}.${path}`, el.types);
  }
  return out;
}

describe('the generated R4 model agrees with fhirpath.js’s R4 element list', () => {
  const official = officialPaths();
  const ours = ourPaths();
  const typeNames = new Set([...ours.keys()].map((p) => p.split('.')[0]!));

  it('has no element that R4 does not define', () => {
    const inherited = /\.(id|extension|modifierExtension)$/;
    expect([...ours.keys()].filter((p) => !official.has(p) && !inherited.test(p))).toEqual([]);
  });

  it('has every element R4 defines for the types it knows', () => {
    // fhirpath.js also lists the inside of a sliced extension (ElementDefinition.extension.url …);
    // those are elements of the Extension type, which the model has under Extension.
    const missing = [...official].filter((p) => typeNames.has(p.split('.')[0]!) && !ours.has(p) && !/\.extension\./.test(p));
    expect(missing).toEqual([]);
  });

  it('gives choice elements exactly the R4 types', () => {
    const wrong: string[] = [];
    for (const [base, types] of Object.entries(choiceTypePaths)) {
      const mine = ours.get(base);
      if (mine === undefined) continue;
      const a = [...mine].map((t) => t.toLowerCase()).sort().join(',');
      const b = [...types].map((t) => t.toLowerCase()).sort().join(',');
      if (a !== b) wrong.push(`${base}: ${a} ≠ ${b}`);
    }
    expect(wrong).toEqual([]);
  });

  it('knows exactly the concrete R4 resource types', () => {
    const parents = readJson('type2Parent.json') as Record<string, string>;
    const isResource = (t: string | undefined): boolean => t === 'Resource' || (t !== undefined && isResource(parents[t]));
    const abstract = new Set(['Resource', 'DomainResource', 'MetadataResource']);
    const r4 = Object.keys(parents).filter((t) => isResource(t) && !abstract.has(t)).sort();
    // ViewDefinition (SQL on FHIR) is Kindred's one documented supplement to R4
    expect(resourceTypes.filter((t) => !isSupplementResourceType(t))).toEqual(r4);
    expect(resourceTypes).not.toContain('SubscriptionStatus');
  });
});
