/**
 * `kindred serve [--data DIR] [--port N] [--host H] [--database-url URL]`: runs Kindred — the FHIR
 * API, the web pages and the background job worker — until interrupted, then shuts down cleanly
 * (in-flight requests finish, the database closes).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { notifyChannels, type MessageChannels } from '@kindred/care';
import { readFileSync } from 'node:fs';
import type { Store } from '@kindred/store';
import { createTokenService, defaultAccessPolicy, loadAccessPolicy, type AccessPolicy } from '@kindred/access';
import { accessLogRoutes, breakGlassRoutes, buildApp, bulkExportRoutes, checkIceServers, startBulkExportWorker, startCareJobs, startInsightJobs, type InsightJobs, type SignInConfig } from '@kindred/server';
import { openWarehouse, type Warehouse } from '@kindred/insight';
import { analyticsPathOf } from './views-warehouse.ts';
import { STORE_OPTIONS, UsageError, openStoreFromFlags } from '../store-options.ts';
import { KINDRED_VERSION } from '../version.ts';
import { createDemoArea } from '../demo/index.ts';
import { createProgress, formatCount } from '../progress.ts';

export const serveUsage = `kindred serve [--data DIR] [--port N] [--host H] [--base-url URL] [--database-url URL] [--log-requests] [--access-policy FILE]
              [--sign-in on|off] [--trust-proxy] [--demo [--demo-people N] [--imd FILE]]

  Starts Kindred: the FHIR R4 API at /fhir and the home page at /. Defaults: the embedded SQLite
  database in ./data, port 8080 (or PORT), host localhost. --base-url sets the public address when
  Kindred runs behind a proxy. Errors are always logged (as JSON lines); --log-requests (or
  KINDRED_LOG_REQUESTS=1) logs every request too. --access-policy (or KINDRED_ACCESS_POLICY) loads the
  area's own access policy (JSON, the shape of Kindred's default); a policy that is not valid stops
  start-up and says why. Sign-in (OpenID Connect and SMART on FHIR at <address>/auth, for the
  accounts and apps added with \`kindred user add\` and \`kindred client add\`) is on unless
  --sign-in off (or KINDRED_SIGN_IN=off); it needs the public address (--base-url, or the port).
  --trust-proxy (or KINDRED_TRUST_PROXY=1) takes the client's address from X-Forwarded-For, for
  Kindred behind a load balancer (sign-in rate limits and the audit trail count by address).
  --demo (what \`npm start\` uses) fills an empty store with the demo area first (300 people, or
  --demo-people N; their deprivation from the IMD file given with --imd or KINDRED_IMD_FILE, or the
  copy beside the project when there is one) and lists the demo accounts on the home page.
  KINDRED_ICE_SERVERS (a JSON list of STUN/TURN servers) is what video consultations' browsers use.
  The views' analytics copy (DuckDB) is KINDRED_ANALYTICS_PATH, by default analytics.duckdb in the
  data directory (SQLite) or in memory (PostgreSQL: each process keeps its own copy); it is refreshed
  every KINDRED_VIEW_REFRESH_SECONDS (default 60; 0: never).`;

/** Where the published IMD LSOA file is looked for when none is given: the copy beside the project, when there is one. */
const IMD_BESIDE_PROJECT = '../shared/data/imd/imd2025_england_lsoa21_rank_decile.csv';

/** The demo area in an empty store (or the one already there); false when the store holds other data. */
async function prepareDemo(store: Store, people: number, imdFile: string | undefined): Promise<boolean> {
  const imd = imdFile ?? (existsSync(IMD_BESIDE_PROJECT) ? IMD_BESIDE_PROJECT : undefined);
  const progress = createProgress('Demo area', people);
  try {
    const summary = await createDemoArea(store, {
      people,
      seed: 1,
      now: new Date(),
      ...(imd !== undefined ? { imdFile: imd } : {}),
      onProgress: (done, total) => progress.update(done, `${formatCount(done)} of ${formatCount(total)} people`),
    });
    if (summary.created) {
      progress.finish(`${formatCount(people)} people`);
      process.stdout.write(`Made the demo area (${formatCount(people)} people): ${summary.deprivation}.\n`);
    } else progress.finish('already there');
    return true;
  } catch (error) {
    progress.finish('not made');
    process.stderr.write(`The demo area was not added: ${error instanceof Error ? error.message : String(error)}\n`);
    return false;
  }
}

/**
 * GOV.UK Notify, from the environment only (the key must not be on a command line):
 * KINDRED_NOTIFY_API_KEY and KINDRED_NOTIFY_TEMPLATES (a JSON file mapping our template names,
 * e.g. "appointment-reminder/sms", to the area's Notify template ids), optionally
 * KINDRED_NOTIFY_BASE_URL. Without them messages stay in the local outbox, where staff see them.
 */
export function notifyChannelsOf(env: NodeJS.ProcessEnv): MessageChannels | undefined {
  const apiKey = env.KINDRED_NOTIFY_API_KEY;
  if (apiKey === undefined || apiKey === '') return undefined;
  const file = env.KINDRED_NOTIFY_TEMPLATES;
  if (file === undefined || file === '') throw new UsageError('KINDRED_NOTIFY_API_KEY needs KINDRED_NOTIFY_TEMPLATES too: a JSON file of our template names and your Notify template ids.');
  let templateIds: Record<string, string>;
  try {
    templateIds = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (error) {
    throw new UsageError(`KINDRED_NOTIFY_TEMPLATES (${file}) could not be read as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return notifyChannels({ apiKey, templateIds, ...(env.KINDRED_NOTIFY_BASE_URL ? { baseUrl: env.KINDRED_NOTIFY_BASE_URL } : {}) });
  } catch (error) {
    throw new UsageError(`GOV.UK Notify is not set up right: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * GOV.UK Notify's received text messages callback (decision 0016), from the environment only:
 * KINDRED_NOTIFY_RECEIVED_TEXT_TOKEN is the bearer token set in Notify's callback settings. Without
 * it, POST /hooks/notify/received-text is not served.
 */
export function receivedTextOf(env: NodeJS.ProcessEnv): { receivedText: { token: string } } | Record<string, never> {
  const token = env.KINDRED_NOTIFY_RECEIVED_TEXT_TOKEN;
  if (token === undefined || token === '') return {};
  if (token.length < 16 || /\s/.test(token)) throw new UsageError('KINDRED_NOTIFY_RECEIVED_TEXT_TOKEN must be at least 16 characters with no spaces: the bearer token you set in Notify’s callback settings.');
  return { receivedText: { token } };
}

/**
 * The STUN/TURN servers for video consultations (decision 0015), from KINDRED_ICE_SERVERS: a JSON
 * list of RTCIceServer objects, e.g. [{"urls":"turn:turn.example.org:3478","username":"u","credential":"p"}].
 * Without it, browsers use their host candidates (enough on a local network).
 */
export function iceServersOf(env: NodeJS.ProcessEnv): { video: { iceServers: ReturnType<typeof checkIceServers> } } | Record<string, never> {
  const text = env.KINDRED_ICE_SERVERS;
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`KINDRED_ICE_SERVERS must be JSON, a list such as [{"urls":"stun:stun.example.org"}]: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return { video: { iceServers: checkIceServers(value) } };
  } catch (error) {
    throw new UsageError(`KINDRED_ICE_SERVERS: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function demoPeopleOf(value: string | undefined): number {
  const people = Number(value ?? 300);
  if (!Number.isInteger(people) || people < 1 || people > 1_000_000) throw new UsageError(`--demo-people must be a whole number from 1 to 1000000 (got "${value}").`);
  return people;
}

function refreshSecondsOf(value: string | undefined): number {
  const seconds = Number(value ?? 60);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 86_400) throw new UsageError(`KINDRED_VIEW_REFRESH_SECONDS must be a whole number of seconds from 0 to 86400 (got "${value}").`);
  return seconds;
}

/** The analytics copy and its refresh worker; a copy that cannot be opened leaves analytics off, with a message. */
async function startAnalytics(store: Store, accessPolicy: AccessPolicy, path: string, everySeconds: number): Promise<{ warehouse?: Warehouse; jobs?: InsightJobs }> {
  let warehouse: Warehouse;
  try {
    warehouse = await openWarehouse({ path });
  } catch (error) {
    process.stderr.write(`The views' analytics copy (${path}) could not be opened, so analytics is off: ${error instanceof Error ? error.message : String(error)}\n`);
    return {};
  }
  if (everySeconds === 0) return { warehouse };
  return { warehouse, jobs: startInsightJobs({ store, accessPolicy, warehouse, everyMs: everySeconds * 1000 }) };
}

function accessPolicyOf(file: string | undefined): AccessPolicy {
  if (file === undefined || file === '') return defaultAccessPolicy();
  try {
    return loadAccessPolicy(file);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const UPKEEP_EVERY_MS = 60 * 60 * 1000;

function portOf(value: string | undefined): number {
  const port = Number(value ?? process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535 (got "${value ?? process.env.PORT}").`);
  return port;
}

/** The `kindred token` command that reaches the same store as this server (never showing a password). */
export function tokenCommandFor(flags: { data?: string; 'database-url'?: string }): string {
  const url = flags['database-url'];
  if (url !== undefined) {
    try {
      const u = new URL(url);
      if (u.password !== '') u.password = '…';
      return `npx kindred token --database-url ${u.toString()}`;
    } catch {
      return 'npx kindred token --database-url …';
    }
  }
  if (flags.data !== undefined && flags.data !== './data' && flags.data !== 'data') return `npx kindred token --data ${/\s/.test(flags.data) ? JSON.stringify(flags.data) : flags.data}`;
  return 'npx kindred token';
}

/**
 * The area's own OpenID Connect provider, from the environment only (the client secret must not be
 * on a command line): KINDRED_EXTERNAL_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET, and optionally
 * _NAME (shown on the sign-in page), _CLAIM (default preferred_username), _MATCH (username | fhirUser).
 */
export function externalIdentityProviderOf(env: NodeJS.ProcessEnv): { external?: SignInConfig['external'] } {
  const issuer = env.KINDRED_EXTERNAL_OIDC_ISSUER;
  if (issuer === undefined || issuer === '') return {};
  const clientId = env.KINDRED_EXTERNAL_OIDC_CLIENT_ID;
  const clientSecret = env.KINDRED_EXTERNAL_OIDC_CLIENT_SECRET;
  if (!clientId || !clientSecret) throw new UsageError('KINDRED_EXTERNAL_OIDC_ISSUER needs KINDRED_EXTERNAL_OIDC_CLIENT_ID and KINDRED_EXTERNAL_OIDC_CLIENT_SECRET too.');
  const match = env.KINDRED_EXTERNAL_OIDC_MATCH;
  if (match !== undefined && match !== 'username' && match !== 'fhirUser') throw new UsageError(`KINDRED_EXTERNAL_OIDC_MATCH must be "username" or "fhirUser" (got "${match}").`);
  return {
    external: {
      issuer,
      clientId,
      clientSecret,
      ...(env.KINDRED_EXTERNAL_OIDC_NAME ? { displayName: env.KINDRED_EXTERNAL_OIDC_NAME } : {}),
      ...(env.KINDRED_EXTERNAL_OIDC_CLAIM ? { claim: env.KINDRED_EXTERNAL_OIDC_CLAIM } : {}),
      ...(match !== undefined ? { matchBy: match } : {}),
    },
  };
}

/** Sign-in is on unless turned off; it needs the public address, which --port 0 without --base-url does not give. */
function signInWanted(value: string | undefined, publicBaseUrl: string | undefined): boolean {
  if (value !== undefined && value !== 'on' && value !== 'off') throw new UsageError(`--sign-in must be "on" or "off" (got "${value}").`);
  if (value === 'off') return false;
  if (publicBaseUrl === undefined) {
    if (value === 'on') throw new UsageError('--sign-in on needs the public address: give --base-url (or a --port other than 0).');
    return false;
  }
  return true;
}

export async function runServe(args: string[], signal?: AbortSignal): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...STORE_OPTIONS, port: { type: 'string' }, host: { type: 'string' }, 'base-url': { type: 'string' }, 'log-requests': { type: 'boolean' }, 'access-policy': { type: 'string' }, 'sign-in': { type: 'string' }, 'trust-proxy': { type: 'boolean' }, demo: { type: 'boolean' }, 'demo-people': { type: 'string' }, imd: { type: 'string' } },
  });
  const port = portOf(values.port);
  const host = values.host ?? process.env.HOST ?? 'localhost';
  const accessPolicy = accessPolicyOf(values['access-policy'] ?? process.env.KINDRED_ACCESS_POLICY);
  // Without --base-url, links follow each request's Host; the sign-in service's issuer cannot, so it is localhost:<port>.
  const signInSite = values['base-url'] ?? (port !== 0 ? `http://localhost:${port}` : undefined);
  const signIn = signInWanted(values['sign-in'] ?? process.env.KINDRED_SIGN_IN, signInSite);
  const demoPeople = demoPeopleOf(values['demo-people']);
  const refreshSeconds = refreshSecondsOf(process.env.KINDRED_VIEW_REFRESH_SECONDS);
  const store = await openStoreFromFlags(values);
  const demo = values.demo === true && (await prepareDemo(store, demoPeople, values.imd ?? process.env.KINDRED_IMD_FILE));
  const worker = startBulkExportWorker({ store, accessPolicy });
  const notify = notifyChannelsOf(process.env);
  const analytics = await startAnalytics(store, accessPolicy, analyticsPathOf(values, process.env), refreshSeconds);
  const careJobs = startCareJobs({ store, accessPolicy, ...(notify !== undefined ? { deliverTo: notify } : {}), ...(signInSite !== undefined ? { siteUrl: signInSite } : {}) });
  const app = await buildApp({
    store,
    tokens: createTokenService(store.settings),
    accessPolicy,
    operationRoutes: [...bulkExportRoutes, ...breakGlassRoutes, ...accessLogRoutes(store.audit)],
    version: KINDRED_VERSION,
    tokenCommand: tokenCommandFor(values),
    logRequests: values['log-requests'] === true || process.env.KINDRED_LOG_REQUESTS === '1',
    ...(values['base-url'] !== undefined ? { publicBaseUrl: values['base-url'] } : {}),
    trustProxy: values['trust-proxy'] === true || process.env.KINDRED_TRUST_PROXY === '1',
    demo,
    ...iceServersOf(process.env),
    ...receivedTextOf(process.env),
    ...(analytics.warehouse !== undefined ? { warehouse: analytics.warehouse } : {}),
    ...(signIn && signInSite !== undefined ? { signIn: { siteUrl: signInSite, ...externalIdentityProviderOf(process.env) } } : {}),
  });
  const address = await app.listen({ port, host });
  const shown = address.replace('127.0.0.1', 'localhost').replace('[::1]', 'localhost');
  process.stdout.write(`Kindred ${KINDRED_VERSION} is running at ${shown} (FHIR API at ${shown}/fhir) on ${store.description}.\n`);
  process.stdout.write(`Get a bearer token with: ${tokenCommandFor(values)}\n`);
  if (demo) process.stdout.write(`Demo area: open ${shown} and sign in as one of the demo accounts listed there.\n`);
  if (signIn && signInSite !== undefined) process.stdout.write(`Sign-in and SMART on FHIR: ${signInSite.replace(/\/+$/, '').replace(/\/fhir$/, '')}/auth (apps find it at /fhir/.well-known/smart-configuration).\n`);

  const upkeep = setInterval(() => {
    store.maintain().catch((error: unknown) => process.stderr.write(`Upkeep of the database failed: ${error instanceof Error ? error.message : String(error)}\n`));
  }, UPKEEP_EVERY_MS);
  upkeep.unref();

  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  process.stdout.write('Stopping…\n');
  clearInterval(upkeep);
  await app.close();
  await worker.stop();
  await careJobs.stop();
  await analytics.jobs?.stop();
  await analytics.warehouse?.close();
  await store.close();
  return 0;
}
