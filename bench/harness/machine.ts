/**
 * What a figure was measured on and with: the machine (so figures are quoted with it), and the code
 * (commit, uncommitted changes, and whether the code changed while the benchmark ran, which makes
 * the figures taken before the change stale). Reads only; git missing is "unknown", not an error.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './kindred-process.ts';

export interface MachineInfo {
  hostname: string;
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  os: string;
  node: string;
  sqlite: string;
  postgres?: string;
  /** 1, 5 and 15 minute load averages when the run began: a busy machine gives slower figures */
  loadAverage: number[];
}

export interface CodeState {
  commit: string;
  /** uncommitted changes to the code under packages/ or bench/ (tests and docs aside), tracked or not */
  dirty: boolean;
  /** a digest of HEAD and those changes: equal at start and end means the code did not move */
  fingerprint: string;
}

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) return `${pretty} (${os.type()} ${os.release()})`;
  } catch {
    // not Linux, or no os-release: the kernel's name will do
  }
  return `${os.type()} ${os.release()}`;
}

export function machineInfo(versions: { sqlite: string; postgres?: string }): MachineInfo {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    os: osName(),
    node: process.version,
    sqlite: versions.sqlite,
    ...(versions.postgres !== undefined ? { postgres: versions.postgres } : {}),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function git(args: readonly string[]): string | undefined {
  try {
    return execFileSync('git', [...args], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return undefined;
  }
}

export function codeState(): CodeState {
  const commit = git(['rev-parse', '--short', 'HEAD'])?.trim() ?? 'unknown';
  // The code that runs: the packages and the harness, not tests, docs or results.
  const paths = ['packages', 'bench', ':!bench/results', ':!*.test.ts', ':!*.md'];
  const diff = git(['diff', 'HEAD', '--', ...paths]) ?? '';
  const untracked = git(['ls-files', '--others', '--exclude-standard', '--', ...paths]) ?? '';
  const hash = createHash('sha256').update(commit).update(diff);
  for (const file of untracked.split('\n').filter((f) => f !== '')) {
    try {
      hash.update(file).update(readFileSync(join(REPO_ROOT, file)));
    } catch {
      hash.update(file);
    }
  }
  const fingerprint = hash.digest('hex').slice(0, 16);
  return { commit, dirty: diff !== '' || untracked !== '', fingerprint };
}
