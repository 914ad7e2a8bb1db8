/**
 * A checked ViewDefinition as the engine runs it: each select with its iteration, its columns and
 * its nested selects, every FHIRPath already compiled. Built by compile-view.ts, run by view-rows.ts.
 */
import type { FhirPathEvaluator } from '@kindred/fhir';
import type { PlainPath } from './plain-path.ts';

/** A view column as callers see it. */
export interface ViewColumn {
  name: string;
  type?: string;
  collection: boolean;
  description?: string;
}

export interface CompiledColumn extends ViewColumn, CompiledPath {}

export interface CompiledPath {
  readonly path: string;
  readonly location: string;
  readonly evaluate: FhirPathEvaluator;
  /** the same path read straight from the JSON, when plain-path.ts can (see there) */
  readonly plain?: PlainPath;
}

/** How a select iterates: forEach, forEachOrNull, repeat, or not at all (on its parent's focus). */
export type Iteration =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'forEach' | 'forEachOrNull';
      readonly path: CompiledPath;
      /** set when the path and everything evaluated on its foci can be read straight from the JSON */
      readonly plain?: PlainPath;
    }
  | { readonly kind: 'repeat'; readonly paths: readonly CompiledPath[] };

export interface CompiledSelect {
  readonly location: string;
  readonly iteration: Iteration;
  readonly columns: readonly CompiledColumn[];
  readonly selects: readonly CompiledSelect[];
  readonly unionAll: readonly CompiledSelect[];
  /** Every column this select yields, its own first, then its selects', then unionAll's. */
  readonly output: readonly CompiledColumn[];
}
