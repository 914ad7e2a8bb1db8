/**
 * Test helpers for the validator's tests: run validateResource and pick out the errors at one
 * location. Used only by *.test.ts beside it; not exported from the package.
 */
import { expect } from 'vitest';
import type { Issue } from '../errors.ts';
import { validateResource } from './validate-resource.ts';

export function errorsOf(resource: unknown): Issue[] {
  return validateResource(resource).filter((i) => i.severity === 'error');
}

/**
 * Asserts that validating `resource` gives exactly one error, at `expression`, whose message
 * contains every fragment (the fragments are what makes the message helpful: the element, the
 * value, what to do instead). Returns the issue for further checks.
 */
export function expectOneError(resource: unknown, expression: string, ...fragments: string[]): Issue {
  const errors = errorsOf(resource);
  expect(errors.map((e) => [e.expression?.[0], e.diagnostics])).toHaveLength(1);
  const [error] = errors;
  expect(error?.expression).toEqual([expression]);
  for (const fragment of fragments) expect(error?.diagnostics).toContain(fragment);
  return error as Issue;
}

/** Asserts that an error at `expression` is among the errors, with every fragment in its message. */
export function expectErrorAt(resource: unknown, expression: string, ...fragments: string[]): Issue {
  const errors = errorsOf(resource);
  const error = errors.find((e) => e.expression?.[0] === expression);
  expect(error, `no error at ${expression}; got ${JSON.stringify(errors.map((e) => e.expression?.[0]))}`).toBeDefined();
  for (const fragment of fragments) expect(error?.diagnostics).toContain(fragment);
  return error as Issue;
}
