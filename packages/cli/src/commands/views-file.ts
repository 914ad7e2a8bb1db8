/** `kindred views run VIEW.json --input FILE.ndjson… [--format json|csv]` (to be written). */
import { UsageError } from '../store-options.ts';

export const viewsFileUsage = 'kindred views run VIEW.json --input FILE.ndjson… [--format json|csv]';

export async function runViewFile(_args: string[]): Promise<number> {
  throw new UsageError('not written yet');
}
