/**
 * A Bulk Data client for the Synthea test (FHIR Bulk Data Access STU2,
 * http://hl7.org/fhir/uv/bulkdata/STU2/export.html): the kick-off request with
 * `Prefer: respond-async`, polling the Content-Location as Retry-After asks, and downloading each
 * ndjson file of the manifest with the bearer token (the manifest says `requiresAccessToken`).
 *
 * Kick-off and status go through fhir-kit-client like every other call of the test; the output
 * files are ndjson, which a FHIR REST client does not parse, so they are fetched directly.
 */
import { Client, type FhirResource } from 'fhir-kit-client';
import { isJsonObject, type Json, type JsonObject } from './source-files.ts';

export interface ManifestFile {
  type: string;
  url: string;
  count: number | undefined;
}

export interface ExportResult {
  kickOffStatus: number;
  manifest: { transactionTime: string; requiresAccessToken: boolean; output: ManifestFile[]; error: ManifestFile[] };
  /** every line of every output file, parsed, with the type its file was listed under */
  resources: { fileType: string; resource: JsonObject }[];
}

/** The HTTP response fhir-kit-client keeps (not enumerable) beside the parsed body. */
function responseOf(answer: FhirResource): Response {
  const response = Client.httpFor(answer).response;
  if (response === undefined) throw new Error('fhir-kit-client kept no response');
  return response;
}

function filesOf(value: Json | undefined): ManifestFile[] {
  if (!Array.isArray(value)) throw new Error(`manifest: expected a list of files, got ${JSON.stringify(value)}`);
  return value.map((f) => {
    if (!isJsonObject(f) || typeof f.type !== 'string' || typeof f.url !== 'string') throw new Error(`manifest: a file without type and url: ${JSON.stringify(f)}`);
    return { type: f.type, url: f.url, count: typeof f.count === 'number' ? f.count : undefined };
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a system-level export (`[base]/$export`) to the end and downloads everything it produced. */
export async function exportEverything(client: Client, token: string, timeoutMs = 60_000): Promise<ExportResult> {
  const kickOff = await client.request('$export', { options: { headers: { accept: 'application/fhir+json', prefer: 'respond-async' } } });
  const kickOffResponse = responseOf(kickOff);
  const statusUrl = kickOffResponse.headers.get('content-location');
  if (statusUrl === null) throw new Error(`kick-off answered ${kickOffResponse.status} without a Content-Location`);

  const deadline = Date.now() + timeoutMs;
  let status = await client.request(statusUrl, { options: { headers: { accept: 'application/json' } } });
  while (responseOf(status).status === 202) {
    if (Date.now() > deadline) throw new Error(`export still running after ${timeoutMs} ms (X-Progress: ${responseOf(status).headers.get('x-progress') ?? '-'})`);
    // "Retry-After" is the server's wish for the polling interval; a test keeps it short anyway.
    const retryAfter = Number(responseOf(status).headers.get('retry-after') ?? '1');
    await sleep(Math.min(2000, Math.max(100, retryAfter * 1000)));
    status = await client.request(statusUrl, { options: { headers: { accept: 'application/json' } } });
  }
  if (responseOf(status).status !== 200) throw new Error(`export status answered ${responseOf(status).status}: ${JSON.stringify(status)}`);
  const body = status as unknown as Json;
  if (!isJsonObject(body) || typeof body.transactionTime !== 'string' || typeof body.requiresAccessToken !== 'boolean') {
    throw new Error(`not a Bulk Data manifest: ${JSON.stringify(body).slice(0, 300)}`);
  }
  const manifest = { transactionTime: body.transactionTime, requiresAccessToken: body.requiresAccessToken, output: filesOf(body.output), error: filesOf(body.error) };

  const resources: ExportResult['resources'] = [];
  for (const file of manifest.output) {
    const response = await fetch(file.url, { headers: { accept: 'application/fhir+ndjson', ...(manifest.requiresAccessToken ? { authorization: `Bearer ${token}` } : {}) } });
    if (response.status !== 200) throw new Error(`output file ${file.url} answered ${response.status}`);
    const lines = (await response.text()).split('\n').filter((line) => line !== '');
    if (file.count !== undefined && lines.length !== file.count) throw new Error(`output file ${file.url} holds ${lines.length} lines, the manifest says ${file.count}`);
    for (const line of lines) {
      const resource = JSON.parse(line) as Json;
      if (!isJsonObject(resource)) throw new Error(`output file ${file.url}: a line that is not a resource`);
      resources.push({ fileType: file.type, resource });
    }
  }
  return { kickOffStatus: kickOffResponse.status, manifest, resources };
}
