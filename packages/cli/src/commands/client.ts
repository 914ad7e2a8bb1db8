/**
 * `kindred client add --client-id ID --name "…" (--redirect-uri URI… [--public] | --jwks FILE |
 * --jwks-url URL) [--scope "…"]`: registers an app (a SMART app, or a backend service that signs
 * its token requests with its private key) with Kindred's sign-in service. Only public keys are
 * read; a JWKS file holding a private key is refused.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createClients } from '@kindred/access';
import { STORE_OPTIONS, UsageError, openStoreFromFlags } from '../store-options.ts';

export const clientUsage = `kindred client add --client-id ID --name "App name" (--redirect-uri URI … [--public] | --jwks FILE | --jwks-url URL)
                   [--scope "…"] [--data DIR | --database-url URL]

  Registers an app with Kindred's sign-in service. A SMART app gives its --redirect-uri (repeat
  for several); --public for an app that cannot keep a secret (it uses PKCE alone). A confidential
  app or a backend service (SMART Backend Services) gives its public keys: --jwks FILE (a JWK Set)
  or --jwks-url URL; it signs its token requests with RS384 or ES384. --scope lists what it may
  ever ask for (default: patient and user read scopes for apps, system/*.rs for backend services).`;

export async function runClient(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'add') throw new UsageError(action === undefined ? 'Say what to do: kindred client add …' : `Unknown action "${action}": kindred client add …`);
  const { values } = parseArgs({
    args: rest,
    options: {
      ...STORE_OPTIONS,
      'client-id': { type: 'string' },
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      public: { type: 'boolean' },
      jwks: { type: 'string' },
      'jwks-url': { type: 'string' },
      scope: { type: 'string' },
    },
  });
  if (values['client-id'] === undefined) throw new UsageError('--client-id is required.');
  if (values.name === undefined) throw new UsageError('--name is required.');
  let jwks: { keys: Record<string, unknown>[] } | undefined;
  if (values.jwks !== undefined) {
    try {
      jwks = JSON.parse(readFileSync(values.jwks, 'utf8')) as { keys: Record<string, unknown>[] };
    } catch (error) {
      throw new UsageError(`--jwks ${values.jwks}: cannot read a JSON JWK Set (${error instanceof Error ? error.message : String(error)}).`);
    }
  }
  const store = await openStoreFromFlags(values);
  try {
    const client = await createClients(store.identity).add({
      clientId: values['client-id'],
      name: values.name,
      redirectUris: values['redirect-uri'] ?? [],
      public: values.public === true,
      ...(jwks !== undefined ? { jwks } : {}),
      ...(values['jwks-url'] !== undefined ? { jwksUri: values['jwks-url'] } : {}),
      ...(values.scope !== undefined ? { scope: values.scope } : {}),
    });
    process.stdout.write(
      `Registered ${client.token_endpoint_auth_method === 'none' ? 'public' : 'confidential'} client "${client.client_id}" (${client.client_name}): ` +
        `grants ${client.grant_types.join(', ')}; scopes ${client.scope}.\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
