/**
 * Required bindings (http://hl7.org/fhir/R4/terminologies.html#required): a coded value bound with
 * strength "required" must come from its value set. Uses the expanded codes in the generated
 * value-sets.json; value sets that could not be expanded there are not checked (never guessed).
 *
 * Pure lookups over generated data; must not call a terminology server.
 */
import { readFileSync } from 'node:fs';
import { SUPPLEMENT_TYPES } from '../supplements/view-definition.ts';

interface GeneratedValueSets {
  expanded: Record<string, string[]>;
  notExpanded: string[];
}

export interface RequiredBinding {
  readonly url: string;
  /** codes in the order the value set lists them, for messages */
  readonly codes: readonly string[];
  readonly codeSet: ReadonlySet<string>;
  /**
   * Code systems taken to be this value set's own, for checking codings. value-sets.json keeps
   * codes without their systems, so these are the two places the specification publishes the code
   * system of a value set named X: http://hl7.org/fhir/X and http://terminology.hl7.org/CodeSystem/X.
   * Codings from any other system are left alone (they may be translations).
   */
  readonly systems: ReadonlySet<string>;
}

const valueSets = JSON.parse(readFileSync(new URL('../generated/value-sets.json', import.meta.url), 'utf8')) as GeneratedValueSets;

/** Compiled bindings by url; a memo over immutable generated data. */
const bindings = new Map<string, RequiredBinding | null>();

const FHIR_VALUE_SET = 'http://hl7.org/fhir/ValueSet/';

/**
 * Value sets of resource type codes, which also hold Kindred's supplement types (ViewDefinition):
 * the record stores, searches and lists them like any other type (see supplements/).
 */
const TYPE_VALUE_SETS: ReadonlySet<string> = new Set(['resource-types', 'defined-types', 'all-types'].map((name) => FHIR_VALUE_SET + name));

function expandedCodes(url: string): string[] | undefined {
  const codes = valueSets.expanded[url];
  return codes !== undefined && TYPE_VALUE_SETS.has(url) ? [...codes, ...Object.keys(SUPPLEMENT_TYPES)] : codes;
}

/** The expanded binding for `url`, or undefined when the value set was not expanded. */
export function requiredBinding(url: string): RequiredBinding | undefined {
  let binding = bindings.get(url);
  if (binding === undefined) {
    const codes = expandedCodes(url);
    if (codes === undefined) {
      binding = null;
    } else {
      const name = url.startsWith(FHIR_VALUE_SET) ? url.slice(FHIR_VALUE_SET.length) : undefined;
      const systems = name === undefined ? [] : [`http://hl7.org/fhir/${name}`, `http://terminology.hl7.org/CodeSystem/${name}`];
      binding = { url, codes, codeSet: new Set(codes), systems: new Set(systems) };
    }
    bindings.set(url, binding);
  }
  return binding ?? undefined;
}

/** "must be one of male, female, other, unknown" with a suggestion when only the case is wrong. */
export function describeAllowedCodes(binding: RequiredBinding, given: string): string {
  const shown = binding.codes.slice(0, 10).join(', ');
  const more = binding.codes.length > 10 ? ` and ${binding.codes.length - 10} more` : '';
  const lower = given.toLowerCase();
  const nearly = binding.codes.find((c) => c.toLowerCase() === lower);
  const suggestion = nearly === undefined ? '' : ` Did you mean '${nearly}'? Codes are case-sensitive.`;
  return `it must be one of ${shown}${more} (required binding to ${binding.url}).${suggestion}`;
}
