/**
 * compileView and runView: a SQL on FHIR v2 ViewDefinition
 * (https://build.fhir.org/ig/FHIR/sql-on-fhir-v2/StructureDefinition-ViewDefinition.html) checked
 * and compiled once, then run over any number of resources. Rows have one key per column, in the
 * view's column order; FHIR primitives come out as in the resource's JSON, empty as null, and
 * collection columns as arrays.
 */
import { isResourceType } from '@kindred/fhir';
import { compileConstants } from './constants.ts';
import { compilePath, compileSelect, type CompileContext } from './compile-view.ts';
import { ViewDefinitionError } from './errors.ts';
import { plainPath } from './plain-path.ts';
import { viewFunctions } from './functions.ts';
import { evaluateValues, selectRows, type Row } from './view-rows.ts';
import type { CompiledPath, ViewColumn } from './view-tree.ts';

export interface CompiledView {
  /** view.name, or 'view' when the view has none. */
  readonly name: string;
  /** The resource type the view reads (view.resource). */
  readonly resource: string;
  /** The output columns, in order. */
  readonly columns: readonly ViewColumn[];
  /** The rows one resource gives: none when it is of another type or the view's where excludes it. */
  rows(resource: unknown): Record<string, unknown>[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * ViewDefinition.where: each path must give true for the resource to be included; it must give a
 * single boolean or nothing (nothing excludes the resource), anything else is an error.
 */
function passesWhere(where: readonly CompiledPath[], resource: unknown, variables: Readonly<Record<string, unknown>>): boolean {
  for (const path of where) {
    const values = path.plain ? path.plain(resource) : evaluateValues(path, resource, variables);
    if (values.length === 0) return false;
    const [value] = values;
    if (values.length > 1 || typeof value !== 'boolean') {
      throw new ViewDefinitionError(`${path.location}: "${path.path}" must give true or false, but gave ${JSON.stringify(values.length > 1 ? values : value)}.`);
    }
    if (!value) return false;
  }
  return true;
}

/** Checks a ViewDefinition and compiles its paths; throws ViewDefinitionError naming what is wrong. */
export function compileView(view: unknown): CompiledView {
  if (!isRecord(view)) throw new ViewDefinitionError('The ViewDefinition must be a JSON object.');
  const { resource, name } = view;
  if (typeof resource !== 'string' || !/^[A-Z][A-Za-z]+$/.test(resource)) {
    throw new ViewDefinitionError(`resource: give the FHIR resource type the view reads, e.g. "Patient"${resource === undefined ? '' : `, not ${JSON.stringify(resource)}`}.`);
  }
  if (!isResourceType(resource)) throw new ViewDefinitionError(`resource: "${resource}" is not a FHIR R4 resource type.`);
  if (name !== undefined && typeof name !== 'string') throw new ViewDefinitionError('name: must be text.');
  if (view.resourceType !== undefined && view.resourceType !== 'ViewDefinition') {
    throw new ViewDefinitionError(`resourceType: must be "ViewDefinition", not ${JSON.stringify(view.resourceType)}.`);
  }
  const constants = compileConstants(view.constant);
  const context: CompileContext = { functions: viewFunctions(), constants: new Set(Object.keys(constants)) };
  if (!Array.isArray(view.select) || view.select.length === 0) throw new ViewDefinitionError('select: give at least one select with columns.');
  // The view's top level behaves as one select holding the view's selects.
  const root = compileSelect({ select: view.select }, 'view', context, { type: resource, prefix: '' });
  const selects = root.selects;
  if (view.where !== undefined && !Array.isArray(view.where)) throw new ViewDefinitionError('where: must be a list of {path}.');
  const where = ((view.where as unknown[] | undefined) ?? []).map((clause, index): CompiledPath => {
    const compiled = compilePath(isRecord(clause) ? clause.path : undefined, `where[${index}].path`, context);
    const plain = plainPath(compiled.path, { type: resource, prefix: '' })?.evaluate;
    return plain === undefined ? compiled : { ...compiled, plain };
  });
  const columns: ViewColumn[] = root.output.map(({ name: column, type, collection, description }) => ({
    name: column,
    collection,
    ...(type === undefined ? {} : { type }),
    ...(description === undefined ? {} : { description }),
  }));
  const names = columns.map((column) => column.name);
  const variables = { ...constants, rowIndex: 0 };
  return {
    name: name ?? 'view',
    resource,
    columns,
    rows(input: unknown): Record<string, unknown>[] {
      if (!isRecord(input) || input.resourceType !== resource) return [];
      if (!passesWhere(where, input, variables)) return [];
      let rows: Row[] = [{}];
      for (const select of selects) {
        const more = selectRows(select, input, variables);
        const next: Row[] = [];
        for (const row of rows) for (const other of more) next.push({ ...row, ...other });
        rows = next;
        if (rows.length === 0) return [];
      }
      return rows.map((row) => {
        const ordered: Record<string, unknown> = {};
        for (const column of names) ordered[column] = row[column] ?? null;
        return ordered;
      });
    },
  };
}

/** Compiles the view once and returns the rows of every resource, in order. */
export function runView(view: unknown, resources: Iterable<unknown>): Record<string, unknown>[] {
  const compiled = compileView(view);
  const rows: Record<string, unknown>[] = [];
  for (const resource of resources) for (const row of compiled.rows(resource)) rows.push(row);
  return rows;
}
