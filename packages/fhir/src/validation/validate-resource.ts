/**
 * The validator's front door: is this JSON a valid FHIR R4 resource? Structure, cardinality,
 * primitive formats, required bindings and the data-type rules, all derived from the generated
 * R4 definitions (http://hl7.org/fhir/R4/validation.html, the "structure" and "terminology" checks).
 *
 * Runs on every write, bulk import included, so it must stay a single cheap pass. It does not
 * check profiles, FHIRPath invariants beyond the few data-type rules, or whether references resolve.
 */
import { FhirError, type Issue } from '../errors.ts';
import { isPlainObject, type Resource } from '../types.ts';
import type { Findings } from './findings.ts';
import { checkResource } from './walk.ts';

/** Every problem found in `value` as a resource: errors and warnings, each with its location. */
export function validateResource(value: unknown): Issue[] {
  const findings: Findings = { issues: [] };
  const root = isPlainObject(value) && typeof value.resourceType === 'string' ? value.resourceType : 'Resource';
  checkResource(value, undefined, root, findings, 0, false);
  return findings.issues;
}

function isError(issue: Issue): boolean {
  return issue.severity === 'error' || issue.severity === 'fatal';
}

/**
 * Returns `value` as a Resource when it is valid, and throws otherwise: INVALID_REQUEST when it is
 * not a resource at all, UNPROCESSABLE (with every issue) when it breaks the R4 rules.
 */
export function assertValidResource(value: unknown): Resource {
  if (!isPlainObject(value)) {
    throw new FhirError('INVALID_REQUEST', 'The body must be a JSON object holding a FHIR resource.');
  }
  if (typeof value.resourceType !== 'string') {
    throw new FhirError('INVALID_REQUEST', 'The resource has no resourceType; every resource must say its type, e.g. "resourceType": "Patient".', {
      expression: ['resourceType'],
    });
  }
  const issues = validateResource(value);
  const errors = issues.filter(isError);
  if (errors.length === 0) return value as Resource;
  const [first] = errors;
  const more = errors.length === 1 ? '' : ` (and ${errors.length - 1} more problem${errors.length === 2 ? '' : 's'})`;
  // errors first: callers that show one issue (an import log line) should show an error
  const ordered = [...errors, ...issues.filter((i) => !isError(i))];
  throw new FhirError('UNPROCESSABLE', `The ${value.resourceType} is not valid FHIR R4: ${first?.diagnostics ?? ''}${more}`, { issues: ordered });
}
