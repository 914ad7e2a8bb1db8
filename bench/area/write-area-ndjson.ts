/**
 * Writes a synthetic area as Bulk Data style NDJSON (one file per resource type, one resource per
 * line: http://hl7.org/fhir/uv/bulkdata/export.html#file-format), streaming with backpressure so
 * memory stays flat at any size. Files are named `<ResourceType>.ndjson`; existing ones are replaced.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { generateArea, type AreaOptions } from './generate-area.ts';

async function finish(stream: WriteStream): Promise<void> {
  const closed = once(stream, 'close');
  stream.end();
  await closed;
}

/** Writes the area to `outDir` and returns how many resources of each type were written. */
export async function writeAreaNdjson(outDir: string, options: AreaOptions): Promise<Record<string, number>> {
  await mkdir(outDir, { recursive: true });
  const streams = new Map<string, WriteStream>();
  const counts: Record<string, number> = {};
  try {
    for (const resource of generateArea(options)) {
      const type = resource.resourceType;
      let stream = streams.get(type);
      if (!stream) {
        stream = createWriteStream(join(outDir, `${type}.ndjson`), { encoding: 'utf8' });
        streams.set(type, stream);
      }
      counts[type] = (counts[type] ?? 0) + 1;
      // Waiting for 'drain' keeps at most one buffer's worth per file in memory.
      if (!stream.write(`${JSON.stringify(resource)}\n`)) await once(stream, 'drain');
    }
  } finally {
    await Promise.all([...streams.values()].map(finish));
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
