/**
 * writeAreaNdjson writes Bulk Data style NDJSON that holds exactly what generateArea yields, and
 * the CLI prints the counts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { countByType } from './area-test-support.ts';
import { generateArea } from './generate-area.ts';
import { writeAreaNdjson } from './write-area-ndjson.ts';

const directories: string[] = [];
async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kindred-area-'));
  directories.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(directories.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('writeAreaNdjson', () => {
  it('writes one file per type with one resource per line, matching the stream', async () => {
    const dir = await scratch();
    const counts = await writeAreaNdjson(dir, { resources: 8_000, seed: 4 });
    const expected = countByType(generateArea({ resources: 8_000, seed: 4 }));
    expect(counts).toEqual(Object.fromEntries(Object.entries(expected.byType).sort(([a], [b]) => a.localeCompare(b))));
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(Object.keys(counts).map((type) => `${type}.ndjson`).sort());
    for (const [type, count] of Object.entries(counts)) {
      const lines = (await readFile(join(dir, `${type}.ndjson`), 'utf8')).split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(count);
      for (const line of lines) expect((JSON.parse(line) as { resourceType: string }).resourceType).toBe(type);
    }
  });

  it('has a CLI that writes the files and prints the counts', async () => {
    const dir = await scratch();
    const cli = join(import.meta.dirname, 'generate-area-cli.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, dir, '--resources', '3000', '--seed', '2']);
    expect(stdout).toMatch(/^Observation\s+\d+/m);
    expect(stdout).toMatch(/^total\s+\d+/m);
    expect((await readdir(dir))).toContain('Patient.ndjson');
  });
});
