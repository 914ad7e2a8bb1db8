/** `kindred views refresh|export|status` on the views' analytics copy (to be written). */
import { UsageError } from '../store-options.ts';

export const viewsWarehouseUsage = 'kindred views refresh [--full]\nkindred views export NAME --format csv|ndjson|parquet --out FILE\nkindred views status';

export async function runViewsWarehouse(_args: string[]): Promise<number> {
  throw new UsageError('not written yet');
}
