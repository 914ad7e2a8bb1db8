/**
 * Token values (http://hl7.org/fhir/R4/search.html#token) and the `:missing` value
 * (http://hl7.org/fhir/R4/search.html#modifiers). Pure parsing of one escaped piece.
 */
import { splitUnescaped, unescapeValue } from './escaping.ts';
import { invalidSearch, quote } from './search-errors.ts';
import type { TokenValue } from './search-request.ts';

/**
 * One OR value of a token: `code` (any system), `system|code`, `|code` (no system) or `system|`
 * (any code in that system). A literal `|` in a code is written `\|`.
 */
export function parseTokenValue(piece: string, label: string): TokenValue {
  const parts = splitUnescaped(piece, '|', label);
  const [first = '', second] = parts;
  if (parts.length > 2) {
    throw invalidSearch(
      `Search parameter '${label}': ${quote(unescapeValue(piece, label))} has more than one '|'. A token is code, ` +
        'system|code, |code or system|; write \\| for a | inside a code (http://hl7.org/fhir/R4/search.html#token).',
    );
  }
  if (second === undefined) return { code: unescapeValue(first, label) };
  const system = unescapeValue(first, label);
  const code = unescapeValue(second, label);
  if (system === '' && code === '') {
    throw invalidSearch(
      `Search parameter '${label}': "|" alone names neither a system nor a code. Write code, system|code, |code or system| ` +
        '(http://hl7.org/fhir/R4/search.html#token).',
    );
  }
  if (system === '') return { system: null, code };
  if (code === '') return { system };
  return { system, code };
}

/** The value of `[parameter]:missing`: only the literals `true` and `false` are allowed. */
export function parseMissingValue(raw: string, label: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw invalidSearch(
    `Search parameter '${label}:missing': ${quote(raw)} is not allowed; write true (no value present) or false ` +
      '(a value present). :missing takes a single value, not a comma-separated list (http://hl7.org/fhir/R4/search.html#modifiers).',
  );
}
