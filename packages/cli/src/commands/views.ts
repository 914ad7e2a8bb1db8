/**
 * `kindred views …`: SQL on FHIR v2 views. `run` over a ViewDefinition file and ndjson files needs
 * no database (views-file.ts); every other form works on the record's views and their analytics
 * copy (views-store.ts).
 */
import { UsageError } from '../store-options.ts';
import { runViewFile, viewsFileUsage } from './views-file.ts';
import { runViewsStore, viewsStoreUsage } from './views-store.ts';

export const viewsUsage = `kindred views run VIEW.json --input FILE.ndjson… [--format json|csv]
${viewsFileUsage}

${viewsStoreUsage}`;

/** A `run` whose first argument is a file (VIEW.json) or that names --input runs over files. */
function isFileRun(args: readonly string[]): boolean {
  const [sub, first] = args;
  return sub === 'run' && (args.includes('--input') || (first !== undefined && /\.json$/i.test(first)));
}

export async function runViews(args: string[]): Promise<number> {
  if (args.length === 0) throw new UsageError('Say what to do: "run", or another subcommand below.');
  if (isFileRun(args)) return runViewFile(args.slice(1));
  return runViewsStore(args);
}
