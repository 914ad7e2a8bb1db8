/**
 * `kindred token [--scope S] [--data DIR | --database-url URL]`: prints one line, a bearer token
 * for the built-in administrator, signed with the store's key and valid for one hour.
 */
import { parseArgs } from 'node:util';
import { createTokenService } from '@kindred/access';
import { STORE_OPTIONS, openStoreFromFlags } from '../store-options.ts';

export const tokenUsage = `kindred token [--scope "system/*.cruds"] [--data DIR | --database-url URL]

  Prints a bearer token for the built-in administrator (a signed JWT, valid for one hour).
  --scope narrows what the token may do, in SMART scope syntax (e.g. "system/Patient.rs").`;

export async function runToken(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...STORE_OPTIONS, scope: { type: 'string' } } });
  const store = await openStoreFromFlags(values);
  try {
    const token = await createTokenService(store.settings).issueAdministratorToken(values.scope !== undefined ? { scope: values.scope } : {});
    process.stdout.write(`${token}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
