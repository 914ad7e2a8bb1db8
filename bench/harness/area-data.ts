/**
 * The benchmark's input: the synthetic area as Bulk Data ndjson (one `<Type>.ndjson` per resource
 * type), generated once per (seed, scale) into the work folder and reused by later runs. A manifest
 * beside the folder, written last, marks a complete generation; without it (an interrupted run) the
 * folder is made again. The manifest sits outside the folder because `kindred import DIR` would
 * read a JSON file inside it as a resource.
 *
 * The writing loop is the harness's own (rather than writeAreaNdjson) only so that it can show a
 * progress bar; the files are the same: one resource per line, in generateArea's order.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, readFileSync, statSync, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AREA_VERSION, generateArea } from '../area/index.ts';
import { formatCount, type Reporter } from './console-progress.ts';
import { scaleLabel } from './options.ts';

export interface AreaData {
  seed: number;
  /** the size asked for; the generator lands within one patient's record of it */
  requested: number;
  label: string;
  /** the folder of ndjson files */
  dir: string;
  resources: number;
  byType: Record<string, number>;
  bytes: number;
  /** how long generation took; undefined when an earlier run's files were reused */
  generatedSeconds?: number;
}

interface Manifest {
  /** AREA_VERSION of the generator that made the files: files from another version are made again */
  version: number;
  seed: number;
  requested: number;
  resources: number;
  byType: Record<string, number>;
  files: Record<string, number>;
}

function isManifest(value: unknown): value is Manifest {
  const m = value as Partial<Manifest> | null;
  return typeof m === 'object' && m !== null && typeof m.version === 'number' && typeof m.seed === 'number' && typeof m.requested === 'number' && typeof m.resources === 'number'
    && typeof m.byType === 'object' && typeof m.files === 'object';
}

/** The manifest of a complete earlier generation whose files are all still there, unchanged in size. */
function reusable(manifestFile: string, dir: string, seed: number, requested: number): Manifest | undefined {
  if (!existsSync(manifestFile)) return undefined;
  try {
    const manifest: unknown = JSON.parse(readFileSync(manifestFile, 'utf8'));
    if (!isManifest(manifest) || manifest.version !== AREA_VERSION || manifest.seed !== seed || manifest.requested !== requested) return undefined;
    const intact = Object.entries(manifest.files).every(([name, size]) => existsSync(join(dir, name)) && statSync(join(dir, name)).size === size);
    return intact ? manifest : undefined;
  } catch {
    return undefined;
  }
}

async function close(stream: WriteStream): Promise<void> {
  const closed = once(stream, 'close');
  stream.end();
  await closed;
}

async function generate(dir: string, seed: number, requested: number, reporter: Reporter): Promise<Omit<Manifest, 'version' | 'seed' | 'requested'>> {
  await mkdir(dir, { recursive: true });
  const streams = new Map<string, WriteStream>();
  const byType: Record<string, number> = {};
  const bar = reporter.bar('generate', requested);
  let written = 0;
  try {
    for (const resource of generateArea({ resources: requested, seed })) {
      const type = resource.resourceType;
      let stream = streams.get(type);
      if (!stream) {
        stream = createWriteStream(join(dir, `${type}.ndjson`), { encoding: 'utf8' });
        streams.set(type, stream);
      }
      byType[type] = (byType[type] ?? 0) + 1;
      written++;
      // Waiting for 'drain' keeps memory flat at any scale.
      if (!stream.write(`${JSON.stringify(resource)}\n`)) await once(stream, 'drain');
      if (written % 2000 === 0) bar.update(written, `${formatCount(written)} resources`);
    }
  } finally {
    await Promise.all([...streams.values()].map(close));
  }
  bar.finish(`${formatCount(written)} resources`);
  const files = Object.fromEntries([...streams.keys()].sort().map((type) => [`${type}.ndjson`, statSync(join(dir, `${type}.ndjson`)).size]));
  return { resources: written, byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b))), files };
}

/** The area for (seed, scale) in `workDir`, generated now or reused from an earlier run. */
export async function ensureAreaData(workDir: string, seed: number, requested: number, reporter: Reporter): Promise<AreaData> {
  const label = scaleLabel(requested);
  const name = `area-s${seed}-${label}`;
  const dir = join(workDir, name);
  const manifestFile = join(workDir, `${name}.json`);
  const bytesOf = (files: Record<string, number>): number => Object.values(files).reduce((a, b) => a + b, 0);
  const found = reusable(manifestFile, dir, seed, requested);
  if (found) {
    reporter.note(`reusing ${formatCount(found.resources)} generated resources (seed ${seed}) from the work folder`);
    return { seed, requested, label, dir, resources: found.resources, byType: found.byType, bytes: bytesOf(found.files) };
  }
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await rm(manifestFile, { force: true });
  const started = performance.now();
  const made = await generate(partial, seed, requested, reporter);
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  const manifest: Manifest = { version: AREA_VERSION, seed, requested, ...made };
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { seed, requested, label, dir, resources: made.resources, byType: made.byType, bytes: bytesOf(made.files), generatedSeconds: (performance.now() - started) / 1000 };
}

/** The first `limit` values picked by `pick` from the lines of one ndjson file, without reading the rest. */
export async function sampleLines<T>(file: string, limit: number, pick: (resource: Record<string, unknown>) => T | undefined): Promise<T[]> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  const picked: T[] = [];
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const value = pick(JSON.parse(line) as Record<string, unknown>);
      if (value !== undefined) picked.push(value);
      if (picked.length >= limit) break;
    }
  } finally {
    lines.close();
    input.destroy();
  }
  return picked;
}
