/**
 * Checks a ViewDefinition and compiles each of its FHIRPath expressions once, following the
 * specification's validation step ("Validate Columns",
 * https://build.fhir.org/ig/FHIR/sql-on-fhir-v2/implementer_guidance.html) and the element rules
 * of https://build.fhir.org/ig/FHIR/sql-on-fhir-v2/StructureDefinition-ViewDefinition.html.
 * Everything wrong is reported as a ViewDefinitionError naming the place, e.g. `select[0].column[1]`.
 */
import { compileFhirPathEvaluator, type FhirPathFunction } from '@kindred/fhir';
import { NAME } from './constants.ts';
import { ViewDefinitionError } from './errors.ts';
import { plainPath, type StaticType } from './plain-path.ts';
import type { CompiledColumn, CompiledPath, CompiledSelect, Iteration } from './view-tree.ts';

/** Environment variables fhirpath.js or the specification provide, besides the view's constants. */
const BUILT_IN_VARIABLES = new Set(['resource', 'rootResource', 'context', 'ucum', 'sct', 'loinc', 'rowIndex', 'factory', 'terminologies']);

export interface CompileContext {
  readonly functions: Readonly<Record<string, FhirPathFunction>>;
  readonly constants: ReadonlySet<string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Each `%name` an expression reads, outside its string literals. */
function variablesIn(expression: string): string[] {
  const code = expression.replace(/'(?:[^'\\]|\\.)*'/g, "''");
  return [...code.matchAll(/%(?:([A-Za-z_][A-Za-z0-9_]*)|`([^`]*)`)/g)].map((match) => match[1] ?? match[2] ?? '');
}

export function compilePath(path: unknown, location: string, context: CompileContext): CompiledPath {
  if (typeof path !== 'string' || path.trim() === '') throw new ViewDefinitionError(`${location}: must be a FHIRPath expression (a non-empty string), not ${JSON.stringify(path)}.`);
  for (const name of variablesIn(path)) {
    const known = context.constants.has(name) || BUILT_IN_VARIABLES.has(name) || name.startsWith('vs-') || name.startsWith('ext-');
    if (!known) throw new ViewDefinitionError(`${location}: the path "${path}" reads %${name}, which is not a constant of this view.`);
  }
  try {
    return { path, location, evaluate: compileFhirPathEvaluator(path, context.functions) };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ViewDefinitionError(`${location}: "${path}" is not a valid FHIRPath expression (${reason}).`);
  }
}

function compileColumn(column: unknown, location: string, context: CompileContext, focus: StaticType | undefined): CompiledColumn {
  if (!isRecord(column)) throw new ViewDefinitionError(`${location}: a column must be an object with a name and a path.`);
  const { name, type, collection, description } = column;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ViewDefinitionError(`${location}: the column name must start with a letter and hold only letters, digits and _, not ${JSON.stringify(name)}.`);
  }
  const at = `${location} (${name})`;
  if (type !== undefined && typeof type !== 'string') throw new ViewDefinitionError(`${at}: type must be a FHIR type name.`);
  if (collection !== undefined && typeof collection !== 'boolean') throw new ViewDefinitionError(`${at}: collection must be true or false.`);
  if (description !== undefined && typeof description !== 'string') throw new ViewDefinitionError(`${at}: description must be text.`);
  if (column.tag !== undefined && !Array.isArray(column.tag)) throw new ViewDefinitionError(`${at}: tag must be a list of {name, value}.`);
  const compiled = compilePath(column.path, `${at}.path`, context);
  const plain = plainPath(compiled.path, focus)?.evaluate;
  return {
    ...(plain === undefined ? {} : { plain }),
    name,
    collection: collection === true,
    ...(type === undefined ? {} : { type }),
    ...(description === undefined ? {} : { description }),
    path: compiled.path,
    location: at,
    evaluate: compiled.evaluate,
  };
}

function compileIteration(select: Record<string, unknown>, location: string, context: CompileContext): Iteration {
  const given = (['forEach', 'forEachOrNull', 'repeat'] as const).filter((key) => select[key] !== undefined);
  if (given.length > 1) throw new ViewDefinitionError(`${location}: use only one of forEach, forEachOrNull and repeat, not ${given.join(' and ')}.`);
  const [kind] = given;
  if (kind === undefined) return { kind: 'none' };
  if (kind === 'repeat') {
    const paths = select.repeat;
    if (!Array.isArray(paths) || paths.length === 0) throw new ViewDefinitionError(`${location}.repeat: must be a list of one or more FHIRPath expressions.`);
    return { kind, paths: paths.map((path: unknown, index) => compilePath(path, `${location}.repeat[${index}]`, context)) };
  }
  return { kind, path: compilePath(select[kind], `${location}.${kind}`, context) };
}

function sameNames(a: readonly CompiledColumn[], b: readonly CompiledColumn[]): boolean {
  return a.length === b.length && a.every((column, index) => column.name === b[index]?.name);
}

/** The type of each focus an iteration gives, when the model knows it (for plain-path.ts). */
function focusType(iteration: Iteration, at: StaticType | undefined): StaticType | undefined {
  if (iteration.kind === 'none') return at;
  if (iteration.kind === 'repeat') return undefined;
  const type = plainPath(iteration.path.path, at)?.type;
  return type === 'primitive' ? undefined : type;
}

/** Compiles a select whose focus has the model type `at` (undefined when not known). */
export function compileSelect(select: unknown, location: string, context: CompileContext, at?: StaticType): CompiledSelect {
  if (!isRecord(select)) throw new ViewDefinitionError(`${location}: a select must be an object.`);
  const list = (key: string): unknown[] => {
    const value = select[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new ViewDefinitionError(`${location}.${key}: must be a list.`);
    return value;
  };
  const iteration = compileIteration(select, location, context);
  const focus = focusType(iteration, at);
  const columns = list('column').map((column, index) => compileColumn(column, `${location}.column[${index}]`, context, focus));
  const selects = list('select').map((child, index) => compileSelect(child, `${location}.select[${index}]`, context, focus));
  const unionAll = list('unionAll').map((child, index) => compileSelect(child, `${location}.unionAll[${index}]`, context, focus));
  const [first, ...rest] = unionAll;
  // Every branch of a unionAll must give the same columns in the same order.
  rest.forEach((branch, index) => {
    if (first !== undefined && !sameNames(first.output, branch.output)) {
      const names = (columns: readonly CompiledColumn[]): string => columns.map((column) => column.name).join(', ') || 'none';
      throw new ViewDefinitionError(`${location}.unionAll[${index + 1}]: its columns (${names(branch.output)}) must be the same, in the same order, as unionAll[0]'s (${names(first.output)}).`);
    }
  });
  if (columns.length === 0 && selects.length === 0 && unionAll.length === 0) {
    throw new ViewDefinitionError(`${location}: a select needs at least one column, select or unionAll.`);
  }
  const output = [...columns, ...selects.flatMap((child) => child.output), ...(first?.output ?? [])];
  const plainIteration = iteration.kind === 'forEach' || iteration.kind === 'forEachOrNull' ? plainPath(iteration.path.path, at)?.evaluate : undefined;
  if (plainIteration !== undefined && iteration.kind !== 'none' && iteration.kind !== 'repeat' && onlyPlain(columns, [...selects, ...unionAll])) {
    return { location, iteration: { ...iteration, plain: plainIteration }, columns, selects, unionAll, output: checkNames(output) };
  }
  return { location, iteration, columns, selects, unionAll, output: checkNames(output) };
}

/**
 * Whether nothing on a focus needs fhirpath.js: then the foci can be plain JSON rather than
 * fhirpath.js nodes (which keep the model types that FHIRPath functions need).
 */
function onlyPlain(columns: readonly CompiledColumn[], children: readonly CompiledSelect[]): boolean {
  return (
    columns.every((column) => column.plain !== undefined) &&
    children.every((child) =>
      child.iteration.kind === 'none' ? onlyPlain(child.columns, [...child.selects, ...child.unionAll]) : child.iteration.kind !== 'repeat' && child.iteration.plain !== undefined,
    )
  );
}

function checkNames(output: CompiledColumn[]): CompiledColumn[] {
  const seen = new Set<string>();
  for (const column of output) {
    if (seen.has(column.name)) throw new ViewDefinitionError(`${column.location}: the column name "${column.name}" is used twice in this view.`);
    seen.add(column.name);
  }
  return output;
}
