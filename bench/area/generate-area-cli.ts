/**
 * Command line for the synthetic area generator:
 *   tsx bench/area/generate-area-cli.ts OUTDIR --resources N [--seed S] [--start YYYY-MM-DD]
 * Writes one NDJSON file per resource type into OUTDIR and prints the counts. Argument parsing and
 * printing only; the work is writeAreaNdjson's.
 */
import { parseArgs } from 'node:util';
import { writeAreaNdjson } from './write-area-ndjson.ts';

const USAGE = 'usage: tsx bench/area/generate-area-cli.ts OUTDIR --resources N [--seed S] [--start YYYY-MM-DD]';

function positiveNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got "${text}"`);
  return value;
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { resources: { type: 'string' }, seed: { type: 'string' }, start: { type: 'string' }, help: { type: 'boolean' } },
  });
  const outDir = positionals[0];
  const resources = positiveNumber('resources', values.resources);
  if (values.help || outDir === undefined || resources === undefined || positionals.length > 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const seed = positiveNumber('seed', values.seed);
  const start = values.start === undefined ? undefined : new Date(`${values.start}T00:00:00Z`);
  if (start && Number.isNaN(start.getTime())) throw new Error(`--start must be a date like 2022-01-01, got "${values.start}"`);
  const began = performance.now();
  const counts = await writeAreaNdjson(outDir, { resources, ...(seed === undefined ? {} : { seed }), ...(start ? { start } : {}) });
  const seconds = (performance.now() - began) / 1000;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const width = Math.max(...Object.keys(counts).map((k) => k.length), 5);
  for (const [type, count] of Object.entries(counts).sort(([, a], [, b]) => b - a)) {
    console.log(`${type.padEnd(width)} ${String(count).padStart(9)} ${((100 * count) / total).toFixed(2).padStart(6)}%`);
  }
  console.log(`${'total'.padEnd(width)} ${String(total).padStart(9)}   in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} resources/s)`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    console.error(USAGE);
    process.exitCode = 2;
  },
);
