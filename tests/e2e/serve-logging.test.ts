/**
 * `kindred serve` logs errors always and every request only when asked (`--log-requests`): an
 * access log costs throughput, so it is the operator's choice. Checked on the lines the real
 * server prints. Never a token in any line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { scratchDir } from './cli/cli-records.ts';
import { startServer, waitUntil, type RunningServer } from './cli/kindred-process.ts';

const running: RunningServer[] = [];
const dirs: { remove(): void }[] = [];

afterEach(async () => {
  for (const server of running.splice(0)) await server.process.stop('SIGTERM');
  for (const dir of dirs.splice(0)) dir.remove();
});

async function serve(extra: readonly string[]): Promise<RunningServer> {
  const dir = scratchDir('serve-logging');
  dirs.push(dir);
  const server = await startServer(['--data', dir.path, ...extra]);
  running.push(server);
  return server;
}

const requestLines = (stdout: string): { msg?: string; req?: { path?: string } }[] =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; req?: { path?: string } })
    .filter((line) => line.msg === 'incoming request' || line.msg === 'request completed');

describe('kindred serve logging', () => {
  it('logs no line per request by default', async () => {
    const server = await serve([]);
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.origin}/fhir/Patient`, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requestLines(server.process.stdout)).toEqual([]);
    expect(server.process.stderr).not.toMatch(/Deprecation/);
  });

  it('logs each request and its answer with --log-requests, without the token', async () => {
    const server = await serve(['--log-requests']);
    expect((await fetch(`${server.origin}/fhir/Patient?name=secret-search`, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
    await waitUntil(() => requestLines(server.process.stdout).length >= 2, { what: 'two request log lines', timeoutMs: 10_000, detail: () => server.process.describe() });
    const lines = requestLines(server.process.stdout);
    expect(lines.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
    expect(server.process.stdout).not.toContain('not-a-token');
    expect(server.process.stdout).not.toContain('secret-search');
  });
});
