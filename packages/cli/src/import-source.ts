/**
 * What `kindred import` reads: Bulk Data ndjson files (one resource per line) and JSON files that
 * hold one resource or one Bundle, given one by one or as folders. Yields each resource with
 * where it came from (file and line, or file and Bundle entry) so that a bad one can be named.
 * Streams ndjson: a file of any size is never held in memory at once.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { isResourceType, parseReference, type Resource } from '@kindred/fhir';

export interface SourceItem {
  file: string;
  /** 1-based line of an ndjson file, or 1-based entry of a Bundle */
  position: number;
  positionKind: 'line' | 'entry';
  /** an ndjson line as read (parsed later, by whoever prepares it) */
  text?: string;
  /** the parsed JSON of a Bundle entry or single-resource file */
  value?: unknown;
  /** why the item could not be read at all */
  error?: string;
  /** bytes of the file consumed so far (for progress) */
  bytesRead: number;
}

export interface SourceFile {
  path: string;
  size: number;
}

export interface PlannedFiles {
  files: SourceFile[];
  /** files in folders that were passed over, with the reason */
  skipped: { path: string; reason: string }[];
}

const IMPORTABLE = /\.(ndjson|jsonl|json)$/i;

/** Files in a folder are imported when named after a resource type ("Patient.000.ndjson"), as Bulk Data writes them. */
function namedAfterResourceType(name: string): boolean {
  const type = /^([A-Z][A-Za-z]+)[._-]/.exec(name)?.[1];
  return type !== undefined && isResourceType(type);
}

export function planFiles(paths: readonly string[]): PlannedFiles {
  const files: SourceFile[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const path of paths) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new Error(`${path}: no such file or folder`);
    if (stat.isFile()) {
      files.push({ path, size: stat.size });
      continue;
    }
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      const s = statSync(full);
      if (!s.isFile() || !IMPORTABLE.test(name)) continue;
      if (!namedAfterResourceType(name)) {
        skipped.push({ path: full, reason: 'not named after a resource type (e.g. Patient.ndjson)' });
        continue;
      }
      files.push({ path: full, size: s.size });
    }
  }
  return { files, skipped };
}

function parseLine(text: string): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
}

async function* ndjsonItems(file: string): AsyncGenerator<SourceItem> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let position = 0;
  for await (const line of lines) {
    position++;
    if (line.trim() === '') continue;
    yield { file, position, positionKind: 'line', text: line, bytesRead: stream.bytesRead };
  }
}

/**
 * The resources of a Bundle. Entries identified only by a `urn:uuid:` fullUrl keep that uuid as
 * their id, and references to the urn are rewritten to Type/id, so a transaction Bundle written by
 * another system imports with its links intact.
 */
export function bundleResources(bundle: Resource): { resource?: unknown; error?: string }[] {
  const entries = Array.isArray(bundle.entry) ? (bundle.entry as unknown[]) : [];
  const replacements = new Map<string, string>();
  const prepared = entries.map((entry) => {
    const e = entry as { fullUrl?: unknown; resource?: unknown } | null;
    const resource = e?.resource as Resource | undefined;
    if (!resource || typeof resource !== 'object') return { error: 'the entry has no resource' };
    let id = typeof resource.id === 'string' ? resource.id : undefined;
    if (typeof e?.fullUrl === 'string' && e.fullUrl.startsWith('urn:uuid:')) {
      id ??= e.fullUrl.slice('urn:uuid:'.length);
      replacements.set(e.fullUrl, `${resource.resourceType}/${id}`);
    } else if (id === undefined && typeof e?.fullUrl === 'string') {
      const parsed = parseReference(e.fullUrl);
      if (parsed.type === resource.resourceType && parsed.id !== undefined) id = parsed.id;
    }
    return { resource: id === undefined ? resource : { ...resource, id } };
  });
  if (replacements.size === 0) return prepared;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === 'reference' && typeof v === 'string' ? (replacements.get(v) ?? v) : rewrite(v);
    return out;
  };
  return prepared.map((p) => (p.resource === undefined ? p : { resource: rewrite(p.resource) }));
}

async function* jsonItems(file: string, size: number): AsyncGenerator<SourceItem> {
  const parsed = parseLine(await readFile(file, 'utf8'));
  if (parsed.error !== undefined) {
    yield { file, position: 1, positionKind: 'line', error: parsed.error, bytesRead: size };
    return;
  }
  const value = parsed.value as Resource | null;
  if (value?.resourceType !== 'Bundle') {
    yield { file, position: 1, positionKind: 'line', value, bytesRead: size };
    return;
  }
  let position = 0;
  for (const item of bundleResources(value)) {
    position++;
    yield { file, position, positionKind: 'entry', ...(item.error !== undefined ? { error: item.error } : { value: item.resource }), bytesRead: size };
  }
}

export function readSource(file: SourceFile): AsyncGenerator<SourceItem> {
  return /\.json$/i.test(basename(file.path)) ? jsonItems(file.path, file.size) : ndjsonItems(file.path);
}
