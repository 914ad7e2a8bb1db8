/**
 * A few lines of HTTP for talking to a `kindred serve` child the way any FHIR client does:
 * JSON in, status and JSON out, a bearer token when given. No retries: a test must see every
 * failure the server gives.
 */

export interface FhirReply {
  status: number;
  contentType: string;
  text: string;
  /** the body as JSON, when it is JSON */
  json: Record<string, unknown> | undefined;
}

export async function fhirRequest(origin: string, path: string, options: { token?: string; method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<FhirReply> {
  const headers: Record<string, string> = { accept: 'application/fhir+json' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/fhir+json';
  const response = await fetch(`${origin}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  let json: Record<string, unknown> | undefined;
  if (/json/.test(contentType) && text !== '') json = JSON.parse(text) as Record<string, unknown>;
  return { status: response.status, contentType, text, json };
}

/** The number of matches of a search (`_summary=count`); fails on anything but 200. */
export async function searchTotal(origin: string, token: string, typeAndQuery: string): Promise<number> {
  const separator = typeAndQuery.includes('?') ? '&' : '?';
  const reply = await fhirRequest(origin, `/fhir/${typeAndQuery}${separator}_summary=count`, { token });
  if (reply.status !== 200 || typeof reply.json?.total !== 'number') throw new Error(`search ${typeAndQuery} answered ${reply.status}: ${reply.text.slice(0, 500)}`);
  return reply.json.total;
}

/** The ids a search returns on its first page (`_count` up to 1000). */
export async function searchIds(origin: string, token: string, typeAndQuery: string): Promise<string[]> {
  const reply = await fhirRequest(origin, `/fhir/${typeAndQuery}`, { token });
  if (reply.status !== 200) throw new Error(`search ${typeAndQuery} answered ${reply.status}: ${reply.text.slice(0, 500)}`);
  const entries = (reply.json?.entry ?? []) as { resource?: { id?: string }; search?: { mode?: string } }[];
  return entries.filter((e) => e.search?.mode !== 'include').map((e) => e.resource?.id ?? '');
}
