/**
 * The FHIRPath entry point for hot paths such as index extraction: an expression is compiled once
 * to plain JavaScript when it is within the subset compile.ts handles, and otherwise evaluated by
 * fhirpath.js. Either way the caller gets values with their FHIR types, and can see which engine
 * runs the expression and why. Pure: nothing is fetched and no resource is changed.
 */
import type { Resource } from '../types.ts';
import { compileToEvaluator } from './compile.ts';
import type { TypedValue } from './nodes.ts';
import { evaluateFhirPathTyped } from './fhirpath-js.ts';
import { UnsupportedFhirPath } from './parse.ts';

export interface CompiledFhirPath {
  readonly expression: string;
  /** "compiled" when compile.ts runs it; "fhirpath.js" when it falls back */
  readonly engine: 'compiled' | 'fhirpath.js';
  /** why the expression falls back to fhirpath.js */
  readonly fallbackReason?: string;
  /** the FHIR types the values may have, from the element model; undefined for fhirpath.js */
  readonly resultTypes?: readonly string[];
  readonly evaluate: (resource: Resource) => readonly TypedValue[];
}

const cache = new Map<string, CompiledFhirPath>();
const CACHE_LIMIT = 2000;

function prepare(expression: string): CompiledFhirPath {
  try {
    const { evaluate, resultTypes } = compileToEvaluator(expression);
    return { expression, engine: 'compiled', resultTypes, evaluate };
  } catch (error) {
    if (!(error instanceof UnsupportedFhirPath)) throw error;
    return {
      expression,
      engine: 'fhirpath.js',
      fallbackReason: error.message,
      evaluate: (resource) => evaluateFhirPathTyped(expression, resource),
    };
  }
}

/** Compiles `expression` (cached), falling back to fhirpath.js outside the compiled subset. */
export function compileFhirPath(expression: string): CompiledFhirPath {
  let compiled = cache.get(expression);
  if (!compiled) {
    compiled = prepare(expression);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(expression, compiled);
  }
  return compiled;
}
