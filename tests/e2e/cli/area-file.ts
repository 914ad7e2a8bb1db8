/**
 * A large import file for crash tests: the synthetic area of the benchmarks (bench/area), written
 * as ONE ndjson file in the generator's order, so that "the first N lines" is a well-defined
 * prefix of what an import writes. Deterministic for a given size and seed, so a failure can be
 * reproduced. Also reads such a file back, line by line, without holding it all in memory.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Resource } from '@kindred/fhir';
import { generateArea } from '../../../bench/area/index.ts';

export interface AreaFile {
  path: string;
  /** "Type/id" of every line, in file order */
  keys: string[];
}

export async function writeAreaFile(path: string, options: { resources: number; seed: number }): Promise<AreaFile> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const keys: string[] = [];
  for (const resource of generateArea(options)) {
    keys.push(`${resource.resourceType}/${resource.id ?? ''}`);
    // waiting for 'drain' keeps memory flat however large the file
    if (!out.write(`${JSON.stringify(resource)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  if (new Set(keys).size !== keys.length) throw new Error('the area repeats a resource; a prefix check needs every line to be a different resource');
  return { path, keys };
}

/** The file's resources in order; `limit` stops after that many lines. */
export async function* readAreaFile(path: string, limit = Number.POSITIVE_INFINITY): AsyncGenerator<Resource> {
  const input = createReadStream(path);
  try {
    let n = 0;
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (n++ >= limit) break;
      yield JSON.parse(line) as Resource;
    }
  } finally {
    input.destroy();
  }
}
