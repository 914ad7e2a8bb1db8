/** `kindred spc FILE` (to be written). */
import { UsageError } from '../store-options.ts';

export const spcUsage = 'kindred spc FILE [--improvement increase|decrease|neutral] [--target N] [--rebase DATE]… [--fix-after N] [--no-screen]';

export async function runSpc(_args: string[]): Promise<number> {
  throw new UsageError('not written yet');
}
