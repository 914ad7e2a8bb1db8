/** OperationOutcome builders (http://hl7.org/fhir/R4/operationoutcome.html). Pure. */
import type { FhirError, Issue } from './errors.ts';
import type { Resource } from './types.ts';

export interface OperationOutcome extends Resource {
  resourceType: 'OperationOutcome';
  issue: Issue[];
}

export function operationOutcome(issues: Issue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues.map((i) => ({ ...i })) };
}

export function informationOutcome(diagnostics: string): OperationOutcome {
  return operationOutcome([{ severity: 'information', code: 'informational', diagnostics }]);
}

export function outcomeOfError(error: FhirError): OperationOutcome {
  return operationOutcome(error.issues);
}
