/**
 * Checkers for FHIR primitive values, compiled once per primitive type from the generated model:
 * the JSON type (http://hl7.org/fhir/R4/json.html#primitive), the specification's regex and the
 * few value rules the datatypes page states in words (http://hl7.org/fhir/R4/datatypes.html).
 *
 * A checker answers "what is wrong with this value" in words, or undefined. It must not know where
 * the value sits (the walker adds the location) and must not compile anything per call.
 */
import { getTypeDefinition } from '../model.ts';

export interface PrimitiveChecker {
  readonly type: string;
  /** whether `_name` beside a value of this type may carry extensions (xhtml may not) */
  readonly allowsExtension: boolean;
  /** what is wrong with `value`, or undefined when it is valid */
  check(value: unknown): PrimitiveProblem | undefined;
}

/**
 * A problem with a primitive value. `text` continues a sentence that starts with the element's
 * location ("Patient.birthDate " + text). `structure` when the JSON type is wrong, `value` otherwise;
 * `warning` for what the specification says SHOULD not be, rather than SHALL not.
 */
export interface PrimitiveProblem {
  readonly code: 'structure' | 'value';
  readonly text: string;
  readonly warning?: true;
}

function structureProblem(text: string): PrimitiveProblem {
  return { code: 'structure', text };
}

function valueProblem(text: string | undefined): PrimitiveProblem | undefined {
  return text === undefined ? undefined : { code: 'value', text };
}

type JsonKind = 'boolean' | 'integer' | 'decimal' | 'string';

/** Strings SHALL NOT exceed 1MB (http://hl7.org/fhir/R4/datatypes.html#string). */
const MAX_STRING_LENGTH = 1024 * 1024;
/** integer is a signed 32-bit number (http://hl7.org/fhir/R4/datatypes.html#integer). */
const MIN_INTEGER = -2147483648;
const MAX_INTEGER = 2147483647;

/**
 * The regexes are written for Java/XML Schema, where \s is ASCII whitespace only; in JavaScript \s
 * also matches no-break and other Unicode spaces, which would reject valid strings such as names
 * pasted with U+00A0. Rewriting the two escapes keeps the specification's meaning.
 */
const JAVA_SPACE = ' \\t\\n\\x0B\\f\\r';

/**
 * Spec regexes that V8 runs in exponential time on some failing inputs, each with a rewrite that
 * matches exactly the same strings in linear time. base64Binary: `(\s*X{4}\s*)+` lets every run of
 * whitespace split between two repetitions; `\s*(X{4}\s*)+` gives each run one owner. Keyed by the
 * spec's text, so a changed definition falls back to the regex as published.
 */
const LINEAR_REWRITES: Readonly<Record<string, string>> = {
  '(\\s*([0-9a-zA-Z\\+/=]){4}\\s*)+': '\\s*(?:[0-9a-zA-Z+/=]{4}\\s*)+',
};

const JAVA_SPACE_CHARS = [' ', '\t', '\n', '\x0B', '\f', '\r'];

/**
 * A class holding \S and `members`, as one class: members that are not whitespace add nothing to
 * \S, so the union is "anything but the whitespace that `members` does not list". One class keeps
 * the regex a tight loop on long strings, where an alternation costs a branch per character.
 */
function nonSpaceUnion(members: string): string {
  const listed = members.length === 0 ? undefined : new RegExp(`[${members}]`);
  const excluded = JAVA_SPACE_CHARS.filter((ch) => listed === undefined || !listed.test(ch));
  if (excluded.length === 0) return '[\\s\\S]';
  return `[^${excluded.map((ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')}]`;
}

/**
 * Quick acceptance tests for long values, each accepting only strings the spec regex also accepts
 * (the regex still decides everything else). Attachments carry up to megabytes of base64; without
 * whitespace, "groups of four" is just a length check and a one-class scan, several times faster
 * than stepping through the groups.
 */
const BASE64_WITHOUT_SPACES = /^[0-9a-zA-Z+/=]*$/;
const FAST_ACCEPT: Readonly<Record<string, (value: string) => boolean>> = {
  '(\\s*([0-9a-zA-Z\\+/=]){4}\\s*)+': (value) => value.length % 4 === 0 && BASE64_WITHOUT_SPACES.test(value),
};

/** Whether `value` could be blank at all: spares a trim() (and a copy) for nearly every string. */
function startsOrEndsWithSpace(value: string): boolean {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return first <= 32 || last <= 32 || first >= 0x85 || last >= 0x85;
}

/**
 * Rewrites \s and \S with Java's meaning. Inside a positive class `\S` cannot be listed, so such a
 * class becomes the complement of the spaces it does not list: `[ \r\n\t\S]` → `[^\x0b\x0c]`.
 */
function withJavaWhitespace(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      out += next === 's' ? `[${JAVA_SPACE}]` : next === 'S' ? `[^${JAVA_SPACE}]` : `\\${next}`;
      i++;
      continue;
    }
    if (ch !== '[') {
      out += ch;
      continue;
    }
    // a character class: copy its members, lifting \s to the listed spaces and \S out of the class
    const negated = source[i + 1] === '^';
    let members = '';
    let hasNonSpace = false;
    let j = negated ? i + 2 : i + 1;
    for (; j < source.length && source[j] !== ']'; j++) {
      if (source[j] === '\\') {
        const next = source[j + 1] ?? '';
        if (next === 's') members += JAVA_SPACE;
        else if (next === 'S') hasNonSpace = true;
        else members += `\\${next}`;
        j++;
      } else {
        members += source[j];
      }
    }
    // no R4 regex has [^\S…]; should one appear, JavaScript's reading is the safer failure
    if (hasNonSpace && negated) return source;
    if (!hasNonSpace) out += `[${negated ? '^' : ''}${members}]`;
    else out += nonSpaceUnion(members);
    i = j;
  }
  return out;
}

/** Anchors a spec regex: the published patterns are meant to match the whole value. */
export function compileSpecRegex(source: string): RegExp {
  return new RegExp(`^(?:${withJavaWhitespace(LINEAR_REWRITES[source] ?? source)})$`);
}

/** How a value of each type is written, for messages; absent types get the regex itself. */
const FORMAT_HINTS: Readonly<Record<string, string>> = {
  date: 'YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-03-15',
  dateTime: 'YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a time zone (Z or +hh:mm), e.g. 2024-03-15T09:30:00Z',
  instant: 'YYYY-MM-DDThh:mm:ss(.sss) with a time zone (Z or +hh:mm), e.g. 2024-03-15T09:30:00.000Z',
  time: 'hh:mm:ss on a 24-hour clock, e.g. 14:30:00',
  id: '1 to 64 characters from A-Z, a-z, 0-9, "-" and "."',
  code: 'a token with no leading or trailing whitespace and single spaces only',
  uri: 'a URI with no whitespace',
  url: 'a URL with no whitespace',
  canonical: 'a canonical URL with no whitespace',
  oid: 'urn:oid: followed by a dotted OID, e.g. urn:oid:2.16.840.1.113883',
  uuid: 'urn:uuid: followed by a lower-case UUID, e.g. urn:uuid:c757873d-ec9a-4326-a141-556f43239520',
  base64Binary: 'base64 (A-Z, a-z, 0-9, "+", "/", "=") in complete groups of four characters',
  string: 'text without form-feed or vertical-tab characters',
  markdown: 'text without form-feed or vertical-tab characters',
};

/** The JSON representation of a primitive follows the type it specialises (json.html#primitive). */
function jsonKindOf(type: string): JsonKind {
  for (let name: string | undefined = type; name !== undefined; name = getTypeDefinition(name)?.base) {
    if (name === 'boolean') return 'boolean';
    if (name === 'integer') return 'integer';
    if (name === 'decimal') return 'decimal';
  }
  return 'string';
}

function specialisesString(type: string): boolean {
  for (let name: string | undefined = type; name !== undefined; name = getTypeDefinition(name)?.base) {
    if (name === 'string') return true;
  }
  return false;
}

/** A JSON value named for a message: `the string "true"`, `the number 3`, `an object`. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** A string value quoted for a message, cut short when long. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function digitsAt(value: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) n = n * 10 + (value.charCodeAt(i) - 48);
  return n;
}

/** "Dates SHALL be valid dates" (datatypes.html#date): the regex allows 31 days in every month. */
function calendarProblem(value: string): string | undefined {
  if (value.length < 10) return undefined;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  if (day <= daysInMonth(year, month)) return undefined;
  return `holds ${JSON.stringify(value)}, which is not a real date: month ${month} of ${year} has ${daysInMonth(year, month)} days.`;
}

/** Strings SHOULD not hold characters below 32 except tab, CR and LF (datatypes.html#string). */
// eslint-disable-next-line no-control-regex -- finding control characters is this regex's job
const CONTROL_CHARACTERS = /[\x00-\x08\x0b\x0c\x0e-\x1f]/;

const XHTML_NAMESPACE = /^<div\b[^>]*\bxmlns\s*=\s*["']http:\/\/www\.w3\.org\/1999\/xhtml["']/;
/** Elements the narrative must not hold (http://hl7.org/fhir/R4/narrative.html#xhtml, txt-1). */
const FORBIDDEN_XHTML = /<(script|iframe|object|embed|applet|form|input|button|base|link|style|meta|head|body|frame|frameset)\b/i;

/** Narrative div rules (http://hl7.org/fhir/R4/narrative.html#xhtml): a <div> in the XHTML namespace. */
function xhtmlProblem(value: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed.startsWith('<div') || !(trimmed.endsWith('</div>') || trimmed.endsWith('/>'))) {
    return 'must be XHTML whose root element is a <div>, e.g. "<div xmlns=\\"http://www.w3.org/1999/xhtml\\">…</div>".';
  }
  if (!XHTML_NAMESPACE.test(trimmed)) {
    return 'must declare the XHTML namespace on its <div>: start it with <div xmlns="http://www.w3.org/1999/xhtml">.';
  }
  const forbidden = FORBIDDEN_XHTML.exec(trimmed);
  if (forbidden) return `must not contain <${forbidden[1] ?? ''}> elements: a narrative holds basic formatting HTML only (txt-1).`;
  return undefined;
}

function compilePrimitive(type: string): PrimitiveChecker {
  const definition = getTypeDefinition(type);
  const kind = jsonKindOf(type);
  const pattern = definition?.regex === undefined ? undefined : compileSpecRegex(definition.regex);
  const fastAccept = definition?.regex === undefined ? undefined : FAST_ACCEPT[definition.regex];
  const hint = FORMAT_HINTS[type] ?? (definition?.regex === undefined ? `a valid ${type}` : `text matching ${definition.regex}`);
  const allowsExtension = (definition?.elements.extension?.max ?? -1) !== 0;
  const isString = specialisesString(type);
  const isCalendar = type === 'date' || type === 'dateTime' || type === 'instant';
  const isXhtml = type === 'xhtml';

  const checkString = (value: unknown): PrimitiveProblem | undefined => {
    if (typeof value !== 'string') return structureProblem(`must be a JSON string (${type}), not ${describeJson(value)}.`);
    // json.html#primitive: empty strings are not valid; the element is left out instead.
    if (value.length === 0) return valueProblem('is an empty string; leave the element out when there is no value.');
    if (startsOrEndsWithSpace(value) && value.trim().length === 0) return valueProblem('holds only whitespace; leave the element out when there is no value.');
    if (isString && value.length > MAX_STRING_LENGTH) return valueProblem('is longer than 1MB, the most a FHIR string may hold.');
    if (pattern !== undefined && !fastAccept?.(value) && !pattern.test(value)) return valueProblem(`holds ${quote(value)}, which is not a valid ${type}: write it as ${hint}.`);
    if (isCalendar) return valueProblem(calendarProblem(value));
    if (isXhtml) return valueProblem(xhtmlProblem(value));
    if (isString && CONTROL_CHARACTERS.test(value)) {
      return { code: 'value', warning: true, text: 'holds control characters (below U+0020, other than tab, carriage return and line feed); remove them.' };
    }
    return undefined;
  };

  const checkInteger = (value: unknown): PrimitiveProblem | undefined => {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      return structureProblem(`must be a JSON number without a fraction (${type}), not ${describeJson(value)}.`);
    }
    if (value < MIN_INTEGER || value > MAX_INTEGER) {
      return valueProblem(`holds ${value}, which is outside the 32-bit range of ${type} (${MIN_INTEGER} to ${MAX_INTEGER}).`);
    }
    // the sign rules of positiveInt (1 or more) and unsignedInt (0 or more) are in their regexes
    if (pattern !== undefined && !pattern.test(String(value))) {
      const rule = type === 'positiveInt' ? 'it must be 1 or more' : type === 'unsignedInt' ? 'it must be 0 or more' : `it must match ${definition?.regex ?? ''}`;
      return valueProblem(`holds ${value}, which is not a valid ${type}: ${rule}.`);
    }
    return undefined;
  };

  const checkBoolean = (value: unknown): PrimitiveProblem | undefined =>
    typeof value === 'boolean' ? undefined : structureProblem(`must be a JSON boolean (true or false), not ${describeJson(value)}.`);

  // any finite JSON number matches the decimal grammar; strings such as "1.5" do not belong here
  const checkDecimal = (value: unknown): PrimitiveProblem | undefined =>
    typeof value === 'number' && Number.isFinite(value) ? undefined : structureProblem(`must be a JSON number (decimal), not ${describeJson(value)}.`);

  const check = kind === 'boolean' ? checkBoolean : kind === 'integer' ? checkInteger : kind === 'decimal' ? checkDecimal : checkString;
  return { type, allowsExtension, check };
}

/**
 * Compiled checkers by type. A memo over the immutable generated model, so sharing it between
 * callers is safe; filled lazily so a process that validates only Patients compiles only their types.
 */
const checkers = new Map<string, PrimitiveChecker>();

export function primitiveChecker(type: string): PrimitiveChecker {
  let checker = checkers.get(type);
  if (checker === undefined) {
    checker = compilePrimitive(type);
    checkers.set(type, checker);
  }
  return checker;
}
