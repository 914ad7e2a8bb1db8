/**
 * Runs the real `kindred` command as a child process, the way an operator would, and watches its
 * memory: /proc/<pid>/status is polled while it runs (for a live figure), and a tiny module loaded
 * with `node --import` reports getrusage's maxRSS as the process exits, so the peak is exact even
 * if it came between two polls. Nothing here knows what the command does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const KINDRED_BIN = fileURLToPath(new URL('../../packages/cli/bin/kindred.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const PEAK_MARK = 'kindred-bench-peak-rss-kib=';
// Writes to a pipe are synchronous on Linux, so this line is out before the process is gone.
const PEAK_REPORTER = `data:text/javascript,${encodeURIComponent(
  `process.on('exit', () => { try { process.stderr.write('\\n${PEAK_MARK}' + process.resourceUsage().maxRSS + '\\n'); } catch {} });`,
)}`;
const POLL_MS = 250;

export interface MemoryStatus {
  rssBytes: number;
  /** the high-water mark of the resident set so far (VmHWM) */
  peakRssBytes: number;
}

/** A process's memory from /proc (Linux); undefined elsewhere or once it has exited. */
export function readMemory(pid: number): MemoryStatus | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string): number | undefined => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) * 1024 : undefined;
    };
    const rss = kib('VmRSS');
    const peak = kib('VmHWM');
    return rss === undefined || peak === undefined ? undefined : { rssBytes: rss, peakRssBytes: peak };
  } catch {
    return undefined;
  }
}

/**
 * The environment for a child: the store is named by flags only, so a KINDRED_DATABASE_URL or
 * KINDRED_DATA of the person running the benchmark must not redirect it.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.KINDRED_DATABASE_URL;
  delete env.KINDRED_DATA;
  return env;
}

function spawnKindred(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--import', PEAK_REPORTER, KINDRED_BIN, ...args], { cwd: REPO_ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface KindredRun {
  code: number;
  seconds: number;
  stdout: string;
  /** the last lines of stderr, for error messages */
  stderrTail: string[];
  /** the peak resident set of the whole run (bytes); 0 when it could not be measured */
  peakRssBytes: number;
}

export interface RunOptions {
  onStderrLine?: (line: string) => void;
  /** called at each poll with the live memory figure */
  onPoll?: (memory: MemoryStatus) => void;
}

/** Runs `kindred …args` to the end and times it (wall clock, process start to exit). */
export function runKindred(args: readonly string[], options: RunOptions = {}): Promise<KindredRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawnKindred(args);
    const stdout: string[] = [];
    const tail: string[] = [];
    let peakKib = 0;
    let polledPeak = 0;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
    if (child.stderr) {
      createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => {
        if (line.startsWith(PEAK_MARK)) {
          peakKib = Number(line.slice(PEAK_MARK.length)) || 0;
          return;
        }
        if (line.trim() === '') return;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        options.onStderrLine?.(line);
      });
    }
    const poll = setInterval(() => {
      if (child.pid === undefined) return;
      const memory = readMemory(child.pid);
      if (!memory) return;
      polledPeak = Math.max(polledPeak, memory.peakRssBytes);
      options.onPoll?.(memory);
    }, POLL_MS);
    child.on('error', (error) => {
      clearInterval(poll);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve({
        code: code ?? (signal ? 128 : 1),
        seconds: (performance.now() - started) / 1000,
        stdout: stdout.join(''),
        stderrTail: tail,
        peakRssBytes: Math.max(peakKib * 1024, polledPeak),
      });
    });
  });
}

export interface KindredServer {
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  pid: number;
  memory(): MemoryStatus | undefined;
  /** SIGTERM, then SIGKILL if it has not stopped within 20 s */
  stop(): Promise<void>;
}

/** A free loopback port (for a server whose address must be known before it starts: sign-in's issuer is made from it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts `kindred serve …storeArgs` on a free loopback port and waits until it listens. With
 * `signIn`, the port is chosen first and given as the public address, so sign-in and the web app are on.
 */
export async function startKindredServer(storeArgs: readonly string[], timeoutMs = 120_000, options: { signIn?: boolean } = {}): Promise<KindredServer> {
  const port = options.signIn === true ? await freeLoopbackPort() : 0;
  const address = port === 0 ? [] : ['--base-url', `http://127.0.0.1:${port}`];
  return new Promise((resolve, reject) => {
    const child = spawnKindred(['serve', ...storeArgs, '--host', '127.0.0.1', '--port', String(port), ...address]);
    const tail: string[] = [];
    let settled = false;
    const exited = new Promise<void>((done) => child.once('close', () => done()));
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`${message}\n${tail.join('\n')}`));
    };
    const timer = setTimeout(() => fail(`kindred serve did not start within ${timeoutMs / 1000} s`), timeoutMs);
    child.on('error', (error) => fail(error.message));
    child.on('close', (code) => fail(`kindred serve exited (code ${code ?? 'signal'}) before it was ready`));
    if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => tail.push(line));
    if (!child.stdout) return fail('no stdout from kindred serve');
    createInterface({ input: child.stdout }).on('line', (line) => {
      tail.push(line);
      const port = /is running at https?:\/\/[^:]+:(\d+)/.exec(line)?.[1];
      if (port === undefined || settled || child.pid === undefined) return;
      settled = true;
      clearTimeout(timer);
      const pid = child.pid;
      resolve({
        origin: `http://127.0.0.1:${port}`,
        pid,
        memory: () => readMemory(pid),
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}
