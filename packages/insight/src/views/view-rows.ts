/**
 * Turns one resource into rows, following the specification's "Process a Resource" algorithm
 * (https://build.fhir.org/ig/FHIR/sql-on-fhir-v2/implementer_guidance.html): a select's own columns,
 * its nested selects and its unionAll are cross-joined per focus; forEach and forEachOrNull unnest a
 * collection (forEachOrNull keeps one row of nulls when it is empty); repeat unnests a tree depth
 * first. %rowIndex is the focus's 0-based place in the nearest enclosing iteration (0 elsewhere).
 */
import { fhirPathItemData, fhirPathItemValues } from '@kindred/fhir';
import { ViewDefinitionError } from './errors.ts';
import type { CompiledColumn, CompiledPath, CompiledSelect } from './view-tree.ts';

export type Row = Record<string, unknown>;
type Variables = Readonly<Record<string, unknown>>;

/** The JSON values of a path on a focus; fhirpath.js errors become ViewDefinitionErrors naming the place. */
export function evaluateItems(path: CompiledPath, focus: unknown, variables: Variables): unknown[] {
  try {
    return path.evaluate(focus, variables);
  } catch (error) {
    if (error instanceof ViewDefinitionError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ViewDefinitionError(`${path.location}: "${path.path}" could not be evaluated (${reason}).`);
  }
}

export function evaluateValues(path: CompiledPath, focus: unknown, variables: Variables): unknown[] {
  return fhirPathItemValues(evaluateItems(path, focus, variables)).filter((value) => value !== null && value !== undefined);
}

function columnValue(column: CompiledColumn, focus: unknown, variables: Variables): unknown {
  const values = column.plain ? column.plain(fhirPathItemData(focus)) : evaluateValues(column, focus, variables);
  if (column.collection) return values;
  if (values.length > 1) {
    throw new ViewDefinitionError(
      `${column.location}: "${column.path}" gave ${values.length} values for one row; set "collection": true on the column, or narrow the path (e.g. with first()).`,
    );
  }
  return values[0] ?? null;
}

/** The cross join of row sets, in order; an empty set empties the result. */
function crossJoin(sets: readonly Row[][]): Row[] {
  let rows: Row[] = [{}];
  for (const set of sets) {
    if (set.length === 1) {
      const [only] = set as [Row];
      rows = rows.map((row) => Object.assign(row, only));
      continue;
    }
    const next: Row[] = [];
    for (const row of rows) for (const other of set) next.push({ ...row, ...other });
    rows = next;
  }
  return rows;
}

function rowsAtFocus(select: CompiledSelect, focus: unknown, variables: Variables): Row[] {
  const own: Row = {};
  for (const column of select.columns) own[column.name] = columnValue(column, focus, variables);
  const sets: Row[][] = [[own]];
  for (const child of select.selects) {
    const rows = selectRows(child, focus, variables);
    if (rows.length === 0) return [];
    sets.push(rows);
  }
  if (select.unionAll.length > 0) sets.push(select.unionAll.flatMap((branch) => selectRows(branch, focus, variables)));
  return crossJoin(sets);
}

/**
 * forEachOrNull over an empty collection: one row whose columns are evaluated on an empty focus, so
 * every path gives null, while %rowIndex is 0 as the conformance suite expects.
 */
function nullRow(select: CompiledSelect, variables: Variables): Row {
  const row: Row = {};
  const empty: unknown[] = [];
  for (const column of select.output) row[column.name] = column.collection ? null : (fhirPathItemValues(evaluateItems(column, empty, variables))[0] ?? null);
  return row;
}

/** Depth-first, each node before what lies under it, every repeat path applied at each level. */
function repeatFoci(paths: readonly CompiledPath[], focus: unknown, variables: Variables, out: unknown[]): void {
  for (const path of paths) {
    for (const item of evaluateItems(path, focus, variables)) {
      out.push(item);
      repeatFoci(paths, item, variables, out);
    }
  }
}

export function selectRows(select: CompiledSelect, focus: unknown, variables: Variables): Row[] {
  const { iteration } = select;
  if (iteration.kind === 'none') return rowsAtFocus(select, focus, variables);
  let foci: unknown[];
  if (iteration.kind === 'repeat') {
    foci = [];
    repeatFoci(iteration.paths, focus, variables, foci);
  } else {
    foci = iteration.plain ? iteration.plain(fhirPathItemData(focus)) : evaluateItems(iteration.path, focus, variables);
    if (foci.length === 0 && iteration.kind === 'forEachOrNull') return [nullRow(select, { ...variables, rowIndex: 0 })];
  }
  const rows: Row[] = [];
  foci.forEach((item, rowIndex) => {
    for (const row of rowsAtFocus(select, item, { ...variables, rowIndex })) rows.push(row);
  });
  return rows;
}
