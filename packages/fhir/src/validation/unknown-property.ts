/**
 * Explains a JSON property that a structure does not define, in words that say what to do:
 * a choice element with a type it does not permit, `_name` beside a complex element, a misspelt
 * name. Runs only when something is already wrong, so it may take its time.
 *
 * Describes; must not decide validity (the walker already has).
 */
import { choiceJsonName } from '../model.ts';
import type { CompiledStructure } from './structure.ts';

function isUpperCase(ch: string | undefined): boolean {
  return ch !== undefined && ch >= 'A' && ch <= 'Z';
}

/**
 * Edit distance counting a swap of neighbours as one edit (optimal string alignment), for "did you
 * mean": element names are short, so the quadratic table is fine.
 */
function distance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

/** The candidate nearest to `name` (ignoring case, or a few edits away), as " Did you mean 'x'?". */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 4));
  for (const candidate of candidates) {
    if (candidate.startsWith('_')) continue;
    const d = candidate.toLowerCase() === lower ? 0 : distance(name, candidate);
    if (d <= bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` Did you mean '${best}'?`;
}

export function describeUnknownProperty(key: string, structure: CompiledStructure, path: string): string {
  const at = `${path}.${key}`;
  const bare = key.startsWith('_') ? key.slice(1) : key;
  // http://hl7.org/fhir/R4/formats.html#choice: the type is part of the name, e.g. valueQuantity
  for (const choice of structure.choices) {
    const permitted = choice.types.map((t) => choiceJsonName(choice.base, t));
    const list = permitted.length > 12 ? `${permitted.slice(0, 12).join(', ')} and ${permitted.length - 12} more` : permitted.join(', ');
    if (bare === choice.base) {
      return `${at} must name its type: ${choice.base}[x] in ${structure.name} is written as one of ${list}.`;
    }
    if (bare.startsWith(choice.base) && isUpperCase(bare[choice.base.length])) {
      const type = bare.slice(choice.base.length);
      return `${at} is not allowed: ${type} is not a permitted type for ${choice.base}[x] in ${structure.name}; use one of ${list}.`;
    }
  }
  if (key.startsWith('_')) {
    const base = structure.properties.get(bare);
    if (base !== undefined && base.kind !== 'primitive') {
      return `${at} is not allowed: _name properties carry extensions of primitive values only, and ${bare} is a ${base.type}; put its id and extensions inside ${bare} itself.`;
    }
    if (base !== undefined) return `${at} is not allowed: ${bare} (${base.type}) cannot have extensions.`;
  }
  if (key === 'resourceType') return `${at} is not allowed: resourceType belongs only at the root of a resource, and ${structure.name} is not one.`;
  return `Unknown element '${key}' at ${at}: ${structure.name} has no element of that name in FHIR R4. Remove it, or carry the data in an extension.${didYouMean(bare, structure.properties.keys())}`;
}
