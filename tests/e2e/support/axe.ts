/**
 * Accessibility checks with axe-core, run inside a page that a test has opened.
 *
 * Kindred's pages aim at WCAG 2.2 AA, so every rule tagged for WCAG 2.0, 2.1 or 2.2 at level A or
 * AA runs. axe finds the faults that can be found by machine; it does not replace testing with
 * people and assistive technology.
 */
import axe from 'axe-core';
import type { Page } from 'playwright-core';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] as const;

export interface AxeViolation {
  /** the axe rule, e.g. `image-alt` */
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string; html: string; failureSummary: string }[];
}

/** Runs axe on the page as it is now and returns its WCAG A/AA violations (none is a pass). */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  const injected = await page.evaluate(() => 'axe' in globalThis);
  if (!injected) await page.evaluate(axe.source);
  const options: axe.RunOptions = {
    runOnly: { type: 'tag', values: [...WCAG_TAGS] },
    resultTypes: ['violations'],
  };
  return page.evaluate(async (runOptions) => {
    // This function runs in the page, where axe-core has just been loaded.
    const inPage = globalThis as unknown as { axe: typeof axe; document: axe.ElementContext };
    const results = await inPage.axe.run(inPage.document, runOptions);
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.map((t) => (typeof t === 'string' ? t : JSON.stringify(t))).join(' '),
        html: n.html,
        failureSummary: n.failureSummary ?? '',
      })),
    }));
  }, options);
}

/** Violations as text for an assertion message: rule, impact, what to fix, and each element. */
export function formatViolations(violations: readonly AxeViolation[]): string {
  if (violations.length === 0) return 'no accessibility violations';
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    ${n.target}\n      ${n.html}\n      ${n.failureSummary.replace(/\n/g, '\n      ')}`)
        .join('\n');
      return `${v.id} (${v.impact ?? 'unknown impact'}): ${v.help}\n  ${v.helpUrl}\n${nodes}`;
    })
    .join('\n\n');
}
