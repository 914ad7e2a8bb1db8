/**
 * `kindred views …`: SQL on FHIR v2 views. `run` over a ViewDefinition file and ndjson files needs
 * no database (views-file.ts); `run NAME` and `list` work on the ViewDefinitions in the record
 * (views-record.ts); `refresh`, `export` and `status` on their analytics copy (views-warehouse.ts).
 */
import { UsageError } from '../store-options.ts';
import { runViewFile, viewsFileUsage } from './views-file.ts';
import { runViewsRecord, viewsRecordUsage } from './views-record.ts';
import { runViewsWarehouse, viewsWarehouseUsage } from './views-warehouse.ts';

export const viewsUsage = `${viewsFileUsage}
${viewsRecordUsage}
${viewsWarehouseUsage}`;

/** A `run` whose first argument is a file (VIEW.json) or that names --input runs over files. */
function isFileRun(args: readonly string[]): boolean {
  const [sub, first] = args;
  return sub === 'run' && (args.includes('--input') || (first !== undefined && /\.json$/i.test(first)));
}

const WAREHOUSE = new Set(['refresh', 'export', 'status']);
const RECORD = new Set(['run', 'list']);

export async function runViews(args: string[]): Promise<number> {
  const [sub] = args;
  if (sub === undefined) throw new UsageError('Say what to do: run, list, refresh, export or status.');
  if (isFileRun(args)) return runViewFile(args.slice(1));
  if (RECORD.has(sub)) return runViewsRecord(args);
  if (WAREHOUSE.has(sub)) return runViewsWarehouse(args);
  throw new UsageError(`"${sub}" is not a views subcommand: use run, list, refresh, export or status.`);
}
