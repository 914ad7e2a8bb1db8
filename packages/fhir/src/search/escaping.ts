/**
 * The backslash escapes of search values (http://hl7.org/fhir/R4/search.html#escaping): `,`
 * separates OR values, `|` separates the parts of a token, quantity or canonical, `$` the parts of a
 * composite; `\,` `\|` `\$` and `\\` stand for the characters themselves. Any other backslash is
 * illegal ("the parameter value xx\xx is illegal"). Splitting keeps pieces escaped so that each
 * level can split again; `unescapeValue` is applied once, to the final piece.
 */
import { invalidSearch, quote } from './search-errors.ts';

const ESCAPABLE: ReadonlySet<string> = new Set(['\\', ',', '$', '|']);

/**
 * Splits `raw` at every `separator` that is not escaped. Throws INVALID_SEARCH, naming `label`
 * (the parameter as written), when a backslash escapes anything but `\ , $ |`.
 */
export function splitUnescaped(raw: string, separator: ',' | '|' | '$', label: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      const next = raw[i + 1];
      if (next === undefined || !ESCAPABLE.has(next)) throw badEscape(raw, label);
      i++;
    } else if (c === separator) {
      parts.push(raw.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(raw.slice(start));
  return parts;
}

/** The literal text of an escaped piece: `a\,b` → `a,b`, `a\\b` → `a\b`. */
export function unescapeValue(piece: string, label: string): string {
  // validate first, so that a stray backslash is reported rather than kept
  splitUnescaped(piece, '$', label);
  return piece.replace(/\\([\\,$|])/g, '$1');
}

function badEscape(raw: string, label: string): Error {
  return invalidSearch(
    `Search parameter '${label}': ${quote(raw)} has a backslash that escapes nothing. A backslash may only precede ` +
      '\\ , $ or | (write \\\\ for a literal backslash) — see http://hl7.org/fhir/R4/search.html#escaping.',
  );
}
