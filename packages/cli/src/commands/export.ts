/**
 * `kindred export OUTDIR [--type T,…] [--since INSTANT]`: writes the current record as Bulk Data
 * ndjson, one file per resource type (Patient.ndjson …), streaming from the store.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { auditedRepository, createAuditWriter, localAdministratorAccess, scopedRepository } from '@kindred/access';
import { instantMillis, isResourceType } from '@kindred/fhir';
import { createProgress, formatCount } from '../progress.ts';
import { STORE_OPTIONS, UsageError, openStoreFromFlags } from '../store-options.ts';

export const exportUsage = `kindred export OUTDIR [--type T,…] [--since INSTANT] [--data DIR | --database-url URL]

  Writes the current resources as ndjson, one file per type (OUTDIR/Patient.ndjson …), as Bulk Data
  export does. --since keeps resources changed after that FHIR instant (e.g. 2024-01-01T00:00:00Z).`;

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

function close(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

export async function runExport(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...STORE_OPTIONS, type: { type: 'string' }, since: { type: 'string' } } });
  const outDir = positionals[0];
  if (outDir === undefined || positionals.length > 1) throw new UsageError('Name one folder to write the ndjson files into.');
  const types = values.type?.split(',').map((t) => t.trim()).filter((t) => t !== '');
  for (const t of types ?? []) if (!isResourceType(t)) throw new UsageError(`--type: "${t}" is not a FHIR R4 resource type.`);
  let since: number | undefined;
  if (values.since !== undefined) {
    since = /T.*(Z|[+-]\d\d:\d\d)$/.test(values.since) ? instantMillis(values.since) : undefined;
    if (since === undefined) throw new UsageError(`--since must be a FHIR instant with a time zone, e.g. 2024-01-01T00:00:00Z (got "${values.since}").`);
  }
  const store = await openStoreFromFlags(values);
  try {
    mkdirSync(outDir, { recursive: true });
    const access = localAdministratorAccess();
    // an export of the record is on the audit trail, whoever runs it (docs/decisions/0009-audit-trail.md)
    const repository = auditedRepository(scopedRepository(store.repository, access), access, createAuditWriter(store.audit));
    const counts = await repository.countByType();
    const expected = Object.entries(counts)
      .filter(([t]) => !types || types.includes(t))
      .reduce((n, [, c]) => n + c, 0);
    const progress = createProgress('Exporting', expected);
    const written: Record<string, number> = {};
    let stream: WriteStream | undefined;
    let current = '';
    let done = 0;
    for await (const resource of repository.exportResources({ ...(types ? { types } : {}), ...(since !== undefined ? { since } : {}) })) {
      if (resource.resourceType !== current) {
        if (stream) await close(stream);
        current = resource.resourceType;
        stream = createWriteStream(join(outDir, `${current}.ndjson`));
      }
      await write(stream!, `${JSON.stringify(resource)}\n`);
      written[current] = (written[current] ?? 0) + 1;
      done++;
      if (done % 1000 === 0) progress.update(done, `${formatCount(done)} resources`);
    }
    if (stream) await close(stream);
    progress.finish(`${formatCount(done)} resources`);
    for (const [type, n] of Object.entries(written)) process.stdout.write(`${join(outDir, `${type}.ndjson`)}\t${n}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
