/**
 * ViewDefinition.constant: named values a view's paths read as `%name`
 * (https://build.fhir.org/ig/FHIR/sql-on-fhir-v2/StructureDefinition-ViewDefinition.html#constants).
 * Dates and times become FHIRPath date/time values, so that `birthDate = %bd` compares as dates.
 */
import { compileFhirPathEvaluator } from '@kindred/fhir';
import { ViewDefinitionError } from './errors.ts';

/** Each value[x] a constant may have, with the JSON shape it must take. */
const CONSTANT_TYPES: Readonly<Record<string, 'string' | 'boolean' | 'integer' | 'decimal' | 'date' | 'dateTime' | 'time'>> = {
  valueBase64Binary: 'string',
  valueBoolean: 'boolean',
  valueCanonical: 'string',
  valueCode: 'string',
  valueDate: 'date',
  valueDateTime: 'dateTime',
  valueDecimal: 'decimal',
  valueId: 'string',
  valueInstant: 'dateTime',
  valueInteger: 'integer',
  valueInteger64: 'integer',
  valueOid: 'string',
  valueString: 'string',
  valuePositiveInt: 'integer',
  valueTime: 'time',
  valueUnsignedInt: 'integer',
  valueUri: 'string',
  valueUrl: 'string',
  valueUuid: 'string',
};

// FHIR R4 primitive formats (http://hl7.org/fhir/R4/datatypes.html#primitive).
const DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;
const DATE_TIME = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** A FHIRPath date/time literal's value, e.g. `@2016-11-12T` for the dateTime "2016-11-12". */
function temporal(literal: string): unknown {
  return compileFhirPathEvaluator(literal)([])[0];
}

function constantValue(kind: string, value: unknown, where: string): unknown {
  const fail = (what: string): never => {
    throw new ViewDefinitionError(`${where}: the value must be ${what}, not ${JSON.stringify(value)}.`);
  };
  switch (kind) {
    case 'boolean':
      return typeof value === 'boolean' ? value : fail('true or false');
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? value : fail('a whole number');
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? value : fail('a number');
    case 'date':
      return typeof value === 'string' && DATE.test(value) ? temporal(`@${value}`) : fail('a date (YYYY, YYYY-MM or YYYY-MM-DD)');
    case 'dateTime':
      if (typeof value !== 'string' || !DATE_TIME.test(value)) return fail('a dateTime (YYYY-MM-DDThh:mm:ss+zz:zz)');
      return temporal(`@${value.includes('T') ? value : `${value}T`}`);
    case 'time':
      return typeof value === 'string' && TIME.test(value) ? temporal(`@T${value}`) : fail('a time (hh:mm:ss)');
    default:
      return typeof value === 'string' ? value : fail('a string');
  }
}

export const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** The view's constants by name, ready to be given to fhirpath.js as environment variables. */
export function compileConstants(constants: unknown): Record<string, unknown> {
  if (constants === undefined) return {};
  if (!Array.isArray(constants)) throw new ViewDefinitionError('constant: must be a list of constants.');
  const values: Record<string, unknown> = {};
  constants.forEach((constant: unknown, index) => {
    const where = `constant[${index}]`;
    if (typeof constant !== 'object' || constant === null || Array.isArray(constant)) throw new ViewDefinitionError(`${where}: must be an object with a name and a value[x].`);
    const { name } = constant as { name?: unknown };
    if (typeof name !== 'string' || !NAME.test(name)) throw new ViewDefinitionError(`${where}: the name must start with a letter and hold only letters, digits and _, not ${JSON.stringify(name)}.`);
    if (Object.hasOwn(values, name)) throw new ViewDefinitionError(`${where} (${name}): a constant of that name is already defined.`);
    const valueKeys = Object.keys(constant).filter((key) => key.startsWith('value'));
    if (valueKeys.length !== 1) throw new ViewDefinitionError(`${where} (${name}): give exactly one value[x], e.g. valueString; found ${valueKeys.length === 0 ? 'none' : valueKeys.join(', ')}.`);
    const key = valueKeys[0] as string;
    const kind = CONSTANT_TYPES[key];
    if (kind === undefined) throw new ViewDefinitionError(`${where} (${name}): ${key} is not a type a constant can have.`);
    values[name] = constantValue(kind, (constant as Record<string, unknown>)[key], `${where} (${name})`);
  });
  return values;
}
