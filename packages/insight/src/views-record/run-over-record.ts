/**
 * Running a ViewDefinition over the record: the view's resource type is read through the given
 * repository's export (one pass in a stable order) and each resource turned into rows by the views
 * engine. The repository is the caller's access-checked one, so the rows come only from what the
 * caller may read; a type their policy or token never lets them read is refused (FhirError 403),
 * not quietly empty.
 */
import type { Repository } from '@kindred/store';
import { FhirError } from '@kindred/fhir';
import { ViewDefinitionError, type CompiledView } from '../views/index.ts';
import { checkViewDefinition } from './view-definitions.ts';

export interface RunViewOptions {
  /** at most this many rows */
  readonly limit?: number;
}

/** Rows the view gives for one resource; a failure names the resource (a 422, not a crash). */
function rowsOf(compiled: CompiledView, resource: { resourceType: string; id: string }): Record<string, unknown>[] {
  try {
    return compiled.rows(resource);
  } catch (error) {
    if (!(error instanceof ViewDefinitionError)) throw error;
    throw new FhirError('UNPROCESSABLE', `The view "${compiled.name}" failed on ${resource.resourceType}/${resource.id}: ${error.message}`, { cause: error });
  }
}

/** The rows of `view` over the resources `record` lets its caller read, in the store's export order. */
export async function* runViewOverRecord(record: Repository, view: unknown, options: RunViewOptions = {}): AsyncIterable<Record<string, unknown>> {
  const compiled = checkViewDefinition(view);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (limit <= 0) return;
  let given = 0;
  for await (const resource of record.exportResources({ types: [compiled.resource] })) {
    for (const row of rowsOf(compiled, resource)) {
      yield row;
      given += 1;
      if (given >= limit) return;
    }
  }
}
