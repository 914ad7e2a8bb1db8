/**
 * Runs the real `kindred` command in child processes, as a person or a script would
 * (`node packages/cli/bin/kindred.js …`), for whole-system tests of the CLI. Collects what each
 * child prints, waits for conditions instead of sleeping, and starts `kindred serve` on a port
 * the system picks. It knows nothing of what the commands do: assertions belong to the tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const KINDRED_BIN = fileURLToPath(new URL('../../../packages/cli/bin/kindred.js', import.meta.url));

/** Generous: two cores may be shared with other test files and a database server. */
export const COMMAND_TIMEOUT_MS = 180_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface KindredResult extends Exit {
  stdout: string;
  stderr: string;
}

/**
 * The environment of a child: the test's own, without the variables that would point a command
 * at another record or port than the flags a test gives.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['KINDRED_DATABASE_URL', 'KINDRED_DATA', 'PORT', 'HOST']) delete env[name];
  return env;
}

/** Polls `condition` until it holds; fails with `what` and `detail()` after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  options: { what: string; timeoutMs?: number; intervalMs?: number; detail?: () => string },
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? COMMAND_TIMEOUT_MS);
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what}${options.detail ? `\n${options.detail()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}

/** One running `kindred` child and everything it has printed so far. */
export class KindredProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  exit: Exit | undefined;
  readonly exited: Promise<Exit>;

  constructor(readonly args: readonly string[]) {
    this.child = spawn(process.execPath, [KINDRED_BIN, ...args], { cwd: repoRoot, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    // 'close' (not 'exit') so that all output has been read when the exit is known.
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** What the child printed, for failure messages. */
  describe(): string {
    return `kindred ${this.args.join(' ')}\n--- stdout ---\n${this.stdout.slice(-4000)}\n--- stderr ---\n${this.stderr.slice(-4000)}`;
  }

  /** Waits until `pattern` appears in the chosen output; fails if the child exits first. */
  async waitForOutput(pattern: RegExp, stream: 'stdout' | 'stderr', timeoutMs = COMMAND_TIMEOUT_MS): Promise<RegExpExecArray> {
    let match: RegExpExecArray | null = null;
    await waitUntil(
      () => {
        match = pattern.exec(this[stream]);
        if (match === null && !this.running) throw new Error(`the child exited (${JSON.stringify(this.exit)}) before printing ${pattern}\n${this.describe()}`);
        return match !== null;
      },
      { what: `${pattern} on ${stream}`, timeoutMs, detail: () => this.describe() },
    );
    return match!;
  }

  /** Sends `signal` and waits for the child to end. */
  async stop(signal: NodeJS.Signals, timeoutMs = COMMAND_TIMEOUT_MS): Promise<Exit> {
    if (this.running) this.child.kill(signal);
    return withTimeout(this.exited, timeoutMs, () => `kindred ${this.args[0] ?? ''} to end after ${signal}\n${this.describe()}`);
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function startKindred(args: readonly string[]): KindredProcess {
  return new KindredProcess(args);
}

/** Runs `kindred ARGS…` to the end; a child still running after the timeout is killed and the test fails. */
export async function runKindred(args: readonly string[], timeoutMs = COMMAND_TIMEOUT_MS): Promise<KindredResult> {
  const kindred = startKindred(args);
  try {
    const exit = await withTimeout(kindred.exited, timeoutMs, () => kindred.describe());
    return { ...exit, stdout: kindred.stdout, stderr: kindred.stderr };
  } finally {
    if (kindred.running) kindred.child.kill('SIGKILL');
  }
}

/** A `kindred serve` child that has said where it listens. */
export interface RunningServer {
  process: KindredProcess;
  /** the loopback origin to send requests to, e.g. http://127.0.0.1:41234 */
  origin: string;
  port: number;
  /** the line the server printed to say where it runs */
  banner: string;
}

/** The line `kindred serve` prints once it listens (see packages/cli/src/commands/serve.ts). */
export const SERVE_BANNER = /^Kindred (\S+) is running at (http:\/\/[^\s:]+:(\d+)) \(FHIR API at (\S+)\) on (.+)\.$/m;

/**
 * Starts `kindred serve STORE_FLAGS… --port 0 --host 127.0.0.1`: the system picks a free port and
 * the server prints the one it got, so parallel test files never collide on a port.
 */
export async function startServer(storeFlags: readonly string[]): Promise<RunningServer> {
  const server = startKindred(['serve', ...storeFlags, '--port', '0', '--host', '127.0.0.1']);
  try {
    const match = await server.waitForOutput(SERVE_BANNER, 'stdout');
    const port = Number(match[3]);
    return { process: server, port, origin: `http://127.0.0.1:${port}`, banner: match[0] };
  } catch (error) {
    if (server.running) server.child.kill('SIGKILL');
    throw error;
  }
}
