/** `kindred views run NAME`, refresh, export, list (to be written). */
import { UsageError } from '../store-options.ts';

export const viewsStoreUsage = 'kindred views run NAME [--data DIR | --database-url URL]';

export async function runViewsStore(_args: string[]): Promise<number> {
  throw new UsageError('not written yet');
}
