/**
 * Helpers shared by the area generator's tests: finding every literal reference in a resource,
 * counting a stream by type, and an NHS number check written independently of the generator's
 * own (so a shared mistake cannot make both agree). Test support only; never used by the generator.
 */
import type { Resource } from '@kindred/fhir';

/** Every `reference` string anywhere inside `value`. */
export function referencesIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) referencesIn(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'reference' && typeof child === 'string') found.push(child);
      else referencesIn(child, found);
    }
  }
  return found;
}

export function countByType(resources: Iterable<Resource>): { total: number; byType: Record<string, number> } {
  const byType: Record<string, number> = {};
  let total = 0;
  for (const resource of resources) {
    byType[resource.resourceType] = (byType[resource.resourceType] ?? 0) + 1;
    total++;
  }
  return { total, byType };
}

/** Modulus 11 as the NHS Data Dictionary describes it, digit by digit. */
export function isValidNhsNumber(value: string): boolean {
  if (!/^[0-9]{10}$/.test(value)) return false;
  const digits = [...value].map(Number);
  const weighted = digits.slice(0, 9).reduce((sum, digit, position) => sum + digit * (10 - position), 0);
  const remainder = weighted % 11;
  const check = remainder === 0 ? 0 : 11 - remainder;
  return check !== 10 && check === digits[9];
}

export function stringAt(value: unknown, ...path: (string | number)[]): string | undefined {
  let current: unknown = value;
  for (const step of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return typeof current === 'string' ? current : undefined;
}
