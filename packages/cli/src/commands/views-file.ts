/**
 * `kindred views run VIEW.json --input FILE.ndjson… [--format json|csv]`: runs a SQL on FHIR v2
 * ViewDefinition file over ndjson files, without a database, for analysts and for checking against
 * other implementations. The files are read line by line and rows are written as they come, so
 * large files need little memory. An invalid view, an unreadable file or a bad line exits 1 with a
 * message naming it; usage mistakes exit 2.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { compileView, ViewDefinitionError, type CompiledView } from '@kindred/insight';
import { UsageError } from '../store-options.ts';
import { isRowFormat, RowPrinter, type RowFormat } from './view-output.ts';

export const viewsFileUsage = `kindred views run VIEW.json --input FILE.ndjson… [--format json|csv]

  Runs the ViewDefinition in VIEW.json over the resources in each ndjson file (one FHIR resource
  per line; give --input again for more files) and prints the rows: a JSON array by default, one
  row per line, or CSV with a header line (--format csv; collections as JSON).`;

interface Options {
  readonly viewFile: string;
  readonly inputs: readonly string[];
  readonly format: RowFormat;
}

function parseOptions(args: string[]): Options {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { input: { type: 'string', multiple: true }, format: { type: 'string' } },
  });
  const [viewFile, ...extra] = positionals;
  if (viewFile === undefined) throw new UsageError('Give the ViewDefinition file to run, e.g. kindred views run view.json --input patients.ndjson.');
  if (extra.length > 0) throw new UsageError(`Give one ViewDefinition file; the input files each follow --input (found also: ${extra.join(' ')}).`);
  const inputs = values.input ?? [];
  if (inputs.length === 0) throw new UsageError('Give at least one ndjson file to run the view over, with --input FILE.ndjson.');
  const format = values.format ?? 'json';
  if (!isRowFormat(format)) throw new UsageError(`--format must be json or csv, not "${format}".`);
  return { viewFile, inputs, format };
}

function reason(error: unknown): string {
  if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return 'there is no such file';
  if (error instanceof Error && 'code' in error && error.code === 'EISDIR') return 'it is a folder, not a file';
  return error instanceof Error ? error.message : String(error);
}

/** The view in the file, compiled; every problem names the file. */
function readView(file: string): CompiledView {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the ViewDefinition ${file}: ${reason(error)}.`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${basename(file)} is not valid JSON: ${reason(error)}`, { cause: error });
  }
  try {
    return compileView(json);
  } catch (error) {
    if (error instanceof ViewDefinitionError) throw new Error(`${basename(file)} is not a valid ViewDefinition: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Each resource in an ndjson file with its line number; blank lines are skipped. */
async function* readNdjson(file: string): AsyncGenerator<{ resource: unknown; line: number }> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      let resource: unknown;
      try {
        resource = JSON.parse(text);
      } catch (error) {
        throw new Error(`${file} line ${line}: not valid JSON (${reason(error)}).`, { cause: error });
      }
      if (typeof resource !== 'object' || resource === null || typeof (resource as { resourceType?: unknown }).resourceType !== 'string') {
        throw new Error(`${file} line ${line}: not a FHIR resource (a JSON object with a resourceType).`);
      }
      yield { resource, line };
    }
  } catch (error) {
    if (error instanceof Error && 'code' in error) throw new Error(`Cannot read ${file}: ${reason(error)}.`, { cause: error });
    throw error;
  } finally {
    lines.close();
    stream.destroy();
  }
}

export async function runViewFile(args: string[]): Promise<number> {
  const options = parseOptions(args);
  const view = readView(options.viewFile);
  const out = new RowPrinter(options.format, view.columns);
  await out.begin();
  for (const file of options.inputs) {
    for await (const { resource, line } of readNdjson(file)) {
      let produced: Record<string, unknown>[];
      try {
        produced = view.rows(resource);
      } catch (error) {
        await out.flush();
        if (error instanceof ViewDefinitionError) throw new Error(`${file} line ${line}: ${error.message}`, { cause: error });
        throw error;
      }
      for (const row of produced) await out.row(row);
    }
  }
  await out.end();
  return 0;
}
