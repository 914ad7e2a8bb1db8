/**
 * The printed table: every figure with its target, pass or miss, the previous run's value and the
 * trend. Plain text, fixed-width columns, so it reads the same in a terminal, a CI log or an issue.
 */
import type { Figure, Target } from './figures.ts';
import { figureKey, type PreviousResults } from './results-file.ts';

const OP_SIGN: Record<Target['op'], string> = { '>=': '≥', '<=': '≤', '<': '<', '=': '=' };

/** Units whose values are whole (counts, rates, MiB); the rest show two decimals below 100. */
const WHOLE_UNITS: ReadonlySet<string> = new Set(['resources/s', 'rows/s', 'requests/s', 'requests', 'MiB']);

export function formatValue(value: number, whole = false): string {
  if (!Number.isFinite(value)) return '—';
  const digits = Math.abs(value) >= 100 || whole ? 0 : 2;
  return value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "↑ +12.3% better", "↓ -4.0% worse", "= 0.0%"; empty without a previous value. */
export function trend(value: number, previous: number | undefined, better: Figure['better']): string {
  if (previous === undefined || !Number.isFinite(previous) || !Number.isFinite(value)) return '';
  if (previous === 0) return value === 0 ? '=' : '↑ new';
  const change = ((value - previous) / Math.abs(previous)) * 100;
  if (Math.abs(change) < 0.5) return `= ${change >= 0 ? '+' : ''}${change.toFixed(1)}%`;
  const improved = better === 'higher' ? change > 0 : change < 0;
  return `${change > 0 ? '↑ +' : '↓ '}${change.toFixed(1)}% ${improved ? 'better' : 'worse'}`;
}

export function formatTable(figures: readonly Figure[], previous: PreviousResults | undefined): string {
  const notes = figures.some((f) => f.note !== undefined);
  const header = ['step', 'backend', 'scale', 'figure', 'value', 'unit', 'target', 'result', 'previous', 'trend', ...(notes ? ['note'] : [])];
  const rows = figures.map((f) => {
    const before = previous?.figures.get(figureKey(f));
    return [
      f.section,
      f.backend,
      f.scale,
      f.name,
      formatValue(f.value, WHOLE_UNITS.has(f.unit)),
      f.unit,
      f.target ? `${OP_SIGN[f.target.op]} ${formatValue(f.target.value, Number.isInteger(f.target.value))}` : '',
      f.pass === undefined ? '' : f.pass ? 'pass' : 'MISS',
      before === undefined ? '' : formatValue(before, WHOLE_UNITS.has(f.unit)),
      trend(f.value, before, f.better),
      ...(notes ? [f.note ?? ''] : []),
    ];
  });
  const numeric = new Set([4, 8]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const body: string[] = [];
  rows.forEach((row, i) => {
    // A blank line between sections and backends keeps a long table scannable.
    const prev = figures[i - 1];
    const cur = figures[i];
    if (prev && cur && (prev.section !== cur.section || prev.backend !== cur.backend || prev.scale !== cur.scale)) body.push('');
    body.push(line(row));
  });
  return [line(header), rule, ...body].join('\n');
}
