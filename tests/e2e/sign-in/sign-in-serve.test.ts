/**
 * Sign-in through the real `kindred serve`, set up with the real commands: `kindred user add
 * --password-stdin [--totp]` and `kindred client add`, then a SMART app (openid-client) signs a
 * patient and a member of staff in, gets and refreshes tokens and reads the record. Every line the
 * server printed (with --log-requests) is then searched for the passwords, codes, tokens, cookies
 * and secrets that went through it: none may appear.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { totpCode } from '@kindred/access';
import { scratchDir } from '../cli/cli-records.ts';
import { SERVE_BANNER, repoRoot, runKindred, startKindred, type KindredProcess } from '../cli/kindred-process.ts';
import { FormBrowser, csrfOf, formActionOf } from './sign-in-server.ts';

const KINDRED_BIN = fileURLToPath(new URL('../../../packages/cli/bin/kindred.js', import.meta.url));
const REDIRECT = 'http://localhost:5000/callback';
const TIMEOUT_MS = 300_000;

function withStdin(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KINDRED_BIN, ...args], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const dir = scratchDir('sign-in-serve');
let server: KindredProcess | undefined;
afterAll(async () => {
  if (server?.running) await server.stop('SIGTERM');
  dir.remove();
});

describe('sign-in through kindred serve', () => {
  it(
    'signs people in for a SMART app and never prints a password, code, token or secret',
    async () => {
      const patientPassword = 'correct horse battery staple';
      const staffPassword = 'nurse on the night shift';
      const added = await withStdin(['user', 'add', '--data', dir.path, '--username', 'pat', '--name', 'Pat Patient', '--fhir-user', 'Patient/p1', '--password-stdin'], `${patientPassword}\n`);
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).not.toContain(patientPassword);
      const staff = await withStdin(['user', 'add', '--data', dir.path, '--username', 'nurse', '--name', 'Nurse Kim', '--fhir-user', 'Practitioner/n1', '--totp', '--password-stdin'], staffPassword);
      expect(staff.code, staff.stderr).toBe(0);
      const totpSecret = new URL(/^otpauth:\/\/\S+$/m.exec(staff.stdout)![0]).searchParams.get('secret')!;
      const registered = await runKindred(['client', 'add', '--data', dir.path, '--client-id', 'app', '--name', 'App', '--redirect-uri', REDIRECT, '--public']);
      expect(registered.code, registered.stderr).toBe(0);

      const port = await freePort();
      const origin = `http://127.0.0.1:${port}`;
      server = startKindred(['serve', '--data', dir.path, '--port', String(port), '--host', '127.0.0.1', '--base-url', origin, '--log-requests']);
      await server.waitForOutput(SERVE_BANNER, 'stdout');
      const announced = await server.waitForOutput(/^Sign-in and SMART on FHIR: (\S+) /m, 'stdout');
      expect(announced[1]).toBe(`${origin}/auth`);

      const app = await client.discovery(new URL(`${origin}/auth`), 'app', undefined, client.None(), { execute: [client.allowInsecureRequests] });
      const secrets: string[] = [patientPassword, staffPassword, totpSecret];
      const signIn = async (username: string, password: string, scope: string, code?: string) => {
        const verifier = client.randomPKCECodeVerifier();
        const url = client.buildAuthorizationUrl(app, {
          redirect_uri: REDIRECT,
          scope,
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state: 'st',
          aud: `${origin}/fhir`,
        });
        const browser = new FormBrowser(origin);
        let step = await browser.follow(await browser.get(url.href));
        let page = await step.response.text();
        secrets.push(csrfOf(page));
        const wrong = await browser.post(formActionOf(page, origin), { csrf: csrfOf(page), username, password: 'not my password' });
        page = await wrong.text();
        step = await browser.follow(await browser.post(formActionOf(page, origin), { csrf: csrfOf(page), username, password }));
        if (code !== undefined) {
          page = await step.response.text();
          secrets.push(code, csrfOf(page));
          step = await browser.follow(await browser.post(formActionOf(page, origin), { csrf: csrfOf(page), code }));
        }
        const callback = new URL(step.external!);
        secrets.push(callback.searchParams.get('code')!, verifier);
        for (const response of browser.seen) for (const cookie of response.headers.getSetCookie()) secrets.push(cookie.split(';')[0]!.split('=').slice(1).join('='));
        return client.authorizationCodeGrant(app, callback, { pkceCodeVerifier: verifier, expectedState: 'st' });
      };

      const patientTokens = await signIn('pat', patientPassword, 'openid fhirUser launch/patient patient/*.rs offline_access');
      expect(patientTokens.patient).toBe('p1');
      const refreshed = await client.refreshTokenGrant(app, patientTokens.refresh_token!);
      const staffTokens = await signIn('nurse', staffPassword, 'openid fhirUser user/*.rs', totpCode(totpSecret, Date.now()));
      secrets.push(patientTokens.access_token, patientTokens.refresh_token!, patientTokens.id_token!, refreshed.access_token, staffTokens.access_token, staffTokens.id_token!);
      const read = await fetch(`${origin}/fhir/Patient?_count=1`, { headers: { authorization: `Bearer ${staffTokens.access_token}` } });
      expect(read.status).toBeLessThan(500);

      await server.stop('SIGTERM');
      const printed = `${server.stdout}\n${server.stderr}`;
      expect(printed).toMatch(/"path":"\/auth\/token"/);
      for (const secret of secrets.filter((s) => s.length >= 6)) {
        const at = printed.indexOf(secret);
        expect(at, `printed: ${printed.slice(Math.max(0, at - 300), at + 100)}`).toBe(-1);
      }
    },
    TIMEOUT_MS,
  );
});
