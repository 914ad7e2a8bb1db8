/**
 * `kindred audit verify`: checks every link of the store's audit trail (docs/decisions/0009) and
 * says whether it is intact, or which entry is the first that does not hold, when it was recorded
 * and why. Exit 0 when intact, 1 when broken. It reads only; it never repairs the trail.
 */
import { parseArgs } from 'node:util';
import { createProgress, formatCount, type Progress } from '../progress.ts';
import { STORE_OPTIONS, UsageError, openStoreFromFlags } from '../store-options.ts';

export const auditUsage = `kindred audit verify [--data DIR | --database-url URL]

  Checks the audit trail's hash chain from its first entry to its last: every entry must follow
  the one before it and hash to what was written. Prints "audit trail intact: N entries" and the
  last entry's hash (keep it elsewhere: a later run that does not reach it shows a cut-off tail),
  or names the first broken entry, when it was recorded and why, and exits 1.`;

function entries(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'entry' : 'entries'}`;
}

export async function runAudit(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...STORE_OPTIONS } });
  if (positionals[0] !== 'verify' || positionals.length > 1) throw new UsageError(positionals.length === 0 ? 'Name what to do: verify.' : `Unknown audit command "${positionals.join(' ')}"; the one there is: verify.`);
  const store = await openStoreFromFlags(values);
  try {
    let progress: Progress | undefined;
    const result = await store.audit.verify((checked, total) => {
      // a bar only for a person at a terminal; logs get the one-line answer alone
      if (process.stderr.isTTY !== true) return;
      progress ??= createProgress('Verifying the audit trail', total);
      progress.update(checked, entries(checked));
    });
    if (result.ok) {
      progress?.finish(entries(result.count));
      process.stdout.write(`audit trail intact: ${entries(result.count)}\nlast entry's hash: ${result.lastHash}\n`);
      return 0;
    }
    progress?.finish('stopped at a broken entry');
    process.stdout.write(
      `audit trail broken: entry ${result.firstBroken} (recorded ${result.recorded}) does not hold: ${result.reason}\n` +
        `${entries(result.count)} in the trail; every entry from ${result.firstBroken} on is in doubt.\n`,
    );
    return 1;
  } finally {
    await store.close();
  }
}
