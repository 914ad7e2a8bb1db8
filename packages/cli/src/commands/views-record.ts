/** `kindred views run NAME` and `kindred views list` over the record's ViewDefinitions (to be written). */
import { UsageError } from '../store-options.ts';

export const viewsRecordUsage = 'kindred views run NAME [--format json|csv] [--data DIR | --database-url URL]\nkindred views list [--data DIR | --database-url URL]';

export async function runViewsRecord(_args: string[]): Promise<number> {
  throw new UsageError('not written yet');
}
