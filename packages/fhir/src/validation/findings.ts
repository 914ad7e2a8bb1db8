/**
 * Where the validator collects what it finds, and how locations are written. Expressions are
 * FHIRPath-style element paths (`Patient.name[0].given[1]`), as OperationOutcome.issue.expression
 * expects (http://hl7.org/fhir/R4/operationoutcome-definitions.html#OperationOutcome.issue.expression).
 *
 * Collecting only: nothing here decides what is valid.
 */
import type { Issue, IssueType } from '../errors.ts';

export interface Findings {
  readonly issues: Issue[];
}

/**
 * Enough issues to act on. A hostile resource with millions of faults must not make millions of
 * messages (or spend time composing them): past this many, one closing issue says so.
 */
export const MAX_ISSUES = 1000;

export function isFull(findings: Findings): boolean {
  return findings.issues.length >= MAX_ISSUES;
}

function add(findings: Findings, issue: Issue): void {
  const count = findings.issues.length;
  if (count < MAX_ISSUES - 1) {
    findings.issues.push(issue);
  } else if (count === MAX_ISSUES - 1) {
    findings.issues.push({ severity: 'error', code: 'too-costly', diagnostics: `Validation stopped reporting after ${MAX_ISSUES - 1} issues; fix these and validate again.` });
  }
}

export function addError(findings: Findings, code: IssueType, expression: string, diagnostics: string): void {
  add(findings, { severity: 'error', code, diagnostics, expression: [expression] });
}

export function addWarning(findings: Findings, code: IssueType, expression: string, diagnostics: string): void {
  add(findings, { severity: 'warning', code, diagnostics, expression: [expression] });
}

/** `Patient.name` + index 0 → `Patient.name[0]`; index -1 for elements that do not repeat. */
export function childPath(path: string, name: string, index: number): string {
  return index < 0 ? `${path}.${name}` : `${path}.${name}[${index}]`;
}
