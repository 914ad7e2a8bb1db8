/**
 * Kindred as an operator runs it, for the Synthea test: the app and the Bulk Data worker wired as
 * `kindred serve` wires them, on a fresh test store, listening on a free loopback port; the data
 * loaded by the real `kindred import` command in a child process while the server runs (the
 * command is documented as safe beside a running server); a FHIR client holding the built-in
 * administrator's bearer token.
 *
 * It must not reach into the store to load or check data: everything the test checks goes
 * through HTTP.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTokenService } from '@kindred/access';
import { buildApp, bulkExportRoutes, startBulkExportWorker, type BulkExportWorker } from '@kindred/server';
import type { TestBackend, TestStore } from '@kindred/store/testing';
import type { StoreConfig } from '@kindred/store';
import type { FastifyInstance } from 'fastify';
import { Client } from 'fhir-kit-client';
import { repoRoot } from '../support/shared-data.ts';

const run = promisify(execFile);

export interface RunningKindred {
  /** the FHIR base, e.g. http://127.0.0.1:41234/fhir */
  fhirBase: string;
  token: string;
  client: Client;
  /** what `kindred import` printed on stdout (the per-type summary table) */
  importReport: string;
  stop(): Promise<void>;
}

/**
 * The store flags that make the `kindred` command open this very test store. A PostgreSQL test
 * store lives in its own schema, which the command has no flag for; libpq's `options` connection
 * parameter sets the search path instead, as any PostgreSQL client can.
 */
function storeFlags(config: StoreConfig): string[] {
  if (config.kind === 'sqlite') return ['--data', config.dataDir];
  const url = config.schema === undefined ? config.databaseUrl : `${config.databaseUrl}${config.databaseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${config.schema}`)}`;
  return ['--database-url', url];
}

/** Runs `kindred import` on the folder against the store; fails with the command's own words when it reports a bad line. */
async function importWithCli(config: StoreConfig, folder: string): Promise<string> {
  // KINDRED_DATABASE_URL would send an import meant for SQLite to PostgreSQL: the flags alone decide.
  const { KINDRED_DATABASE_URL: _ignored, ...env } = process.env;
  const cli = join(repoRoot, 'packages', 'cli', 'bin', 'kindred.js');
  try {
    const { stdout } = await run(process.execPath, [cli, 'import', '--quiet', ...storeFlags(config), folder], { cwd: repoRoot, env, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: unknown; stderr?: unknown };
    throw new Error(`kindred import exited with ${String(failed.code)}:\n${String(failed.stderr)}\n${String(failed.stdout)}`, { cause: error });
  }
}

export async function startKindred(backend: TestBackend, folder: string): Promise<RunningKindred> {
  const store: TestStore = await backend.open();
  let app: FastifyInstance | undefined;
  let worker: BulkExportWorker | undefined;
  const stop = async (): Promise<void> => {
    await app?.close();
    await worker?.stop();
    await store.destroy();
  };
  try {
    const tokens = createTokenService(store.settings);
    worker = startBulkExportWorker({ store });
    app = await buildApp({ store, tokens, operationRoutes: bulkExportRoutes, version: 'synthea-e2e', logger: false });
    const origin = await app.listen({ port: 0, host: '127.0.0.1' });
    const importReport = await importWithCli(store.config, folder);
    const token = await tokens.issueAdministratorToken();
    const fhirBase = `${origin}/fhir`;
    return { fhirBase, token, client: new Client({ baseUrl: fhirBase, bearerToken: token }), importReport, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The per-type "created" counts from the import's summary table ("Patient  13  0  0"). */
export function createdPerType(report: string): Map<string, number> {
  const created = new Map<string, number>();
  for (const line of report.split('\n')) {
    const m = /^([A-Z][A-Za-z]+)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s*$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) created.set(m[1], Number(m[2].replaceAll(',', '')));
  }
  return created;
}
