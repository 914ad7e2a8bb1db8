/**
 * Test support: runs `kindred …args` in this process, as the command line would, and hands back
 * its exit code and what it wrote to stdout and stderr. Used only by tests (*.test.ts).
 */
import { vi } from 'vitest';
import { main } from '../main.ts';

export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    return { code: await main(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
