/**
 * `kindred user add --username U --name "…" [--fhir-user Practitioner/123] [--email E]
 * [--password-stdin] [--totp] [--volunteer]`: adds a person who can sign in. The password is read
 * from standard input (never from the command line, where it would be seen in the process list
 * and the shell history) and never printed. With --totp the otpauth:// URI is printed once, for
 * the person's authenticator app; it cannot be shown again.
 */
import { parseArgs } from 'node:util';
import { createAccounts } from '@kindred/access';
import { SIGN_IN_PREFIX, passwordResetLink } from '@kindred/server';
import { STORE_OPTIONS, UsageError, openStoreFromFlags } from '../store-options.ts';

export const userUsage = `kindred user add --username U --name "Full Name" [--fhir-user Practitioner/123] [--email ADDRESS]
                 [--password-stdin] [--totp] [--volunteer] [--data DIR | --database-url URL]
kindred user disable|enable --username U
kindred user reset-password --username U --base-url URL

  Adds an account that can sign in to Kindred. --fhir-user links it to the person in the record:
  Practitioner/… for staff and volunteers, Patient/… for a patient, RelatedPerson/… for a carer.
  --password-stdin reads the password from standard input (e.g. from a password manager).
  --totp sets up an authenticator app (required for staff; --volunteer makes it optional) and
  prints its otpauth:// URI once. --email is where password reset links are sent.
  disable stops an account signing in (enable allows it again). reset-password queues a one-time
  link to the account's email address in the message outbox; --base-url is the site's address.`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is how `echo` and most tools end the line; it is not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function runUserChange(action: 'disable' | 'enable' | 'reset-password', rest: string[]): Promise<number> {
  const { values } = parseArgs({ args: rest, options: { ...STORE_OPTIONS, username: { type: 'string' }, 'base-url': { type: 'string' } } });
  if (values.username === undefined) throw new UsageError('--username is required.');
  if (action === 'reset-password' && values['base-url'] === undefined) throw new UsageError('--base-url is required: the link in the message points at the site.');
  const store = await openStoreFromFlags(values);
  try {
    const accounts = createAccounts(store.identity, store.outbox);
    if (action === 'reset-password') {
      const issuer = `${new URL(values['base-url']!).href.replace(/\/+$/, '').replace(/\/fhir$/, '')}${SIGN_IN_PREFIX}`;
      if ((await accounts.byUsername(values.username)) === undefined) throw new UsageError(`There is no account "${values.username}".`);
      await accounts.requestPasswordReset(values.username, (token) => passwordResetLink(issuer, token));
      process.stdout.write(`If "${values.username}" has an email address and can sign in, a password reset link is waiting in the message outbox.\n`);
      return 0;
    }
    if (!(await accounts.setDisabled(values.username, action === 'disable'))) throw new UsageError(`There is no account "${values.username}".`);
    process.stdout.write(`Account "${values.username}" ${action === 'disable' ? 'can no longer sign in' : 'can sign in again'}.\n`);
    return 0;
  } finally {
    await store.close();
  }
}

export async function runUser(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'disable' || action === 'enable' || action === 'reset-password') return runUserChange(action, rest);
  if (action !== 'add') throw new UsageError(action === undefined ? 'Say what to do: kindred user add …' : `Unknown action "${action}": kindred user add | disable | enable | reset-password …`);
  const { values } = parseArgs({
    args: rest,
    options: {
      ...STORE_OPTIONS,
      username: { type: 'string' },
      name: { type: 'string' },
      'fhir-user': { type: 'string' },
      email: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      totp: { type: 'boolean' },
      volunteer: { type: 'boolean' },
    },
  });
  if (values.username === undefined) throw new UsageError('--username is required.');
  if (values.name === undefined) throw new UsageError('--name is required.');
  const password = values['password-stdin'] === true ? await readStdin() : undefined;
  const store = await openStoreFromFlags(values);
  try {
    const accounts = createAccounts(store.identity, store.outbox);
    const { account, totpUri } = await accounts.add({
      username: values.username,
      displayName: values.name,
      ...(values['fhir-user'] !== undefined ? { fhirUser: values['fhir-user'] } : {}),
      ...(values.email !== undefined ? { email: values.email } : {}),
      ...(password !== undefined ? { password } : {}),
      totp: values.totp === true,
      volunteer: values.volunteer === true,
    });
    process.stdout.write(`Added ${account.kind} account "${account.username}" (${account.displayName}${account.fhirUser ? `, ${account.fhirUser}` : ''}), id ${account.accountId}.\n`);
    if (password === undefined) process.stdout.write('It has no password yet: a password reset link (sent to --email) sets one.\n');
    if (totpUri !== undefined) {
      process.stdout.write(`Add this to the person's authenticator app (shown once, not stored anywhere you can read it again):\n${totpUri}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
