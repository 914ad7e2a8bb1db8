/**
 * Test support for the HTTP tests: the real app on a real port (`listen({ port: 0 })`) over a
 * test store, a token service on the same store, and a fetch that adds the token. Used only by
 * *.test.ts files; nothing in the server imports it.
 */
import { createTokenService, type IssueOptions, type TokenService } from '@kindred/access';
import type { TestStore } from '@kindred/store/testing';
import type { FastifyInstance } from 'fastify';
import type { OperationRoute } from '../fhir-rest/fhir-request.ts';
import { buildApp } from './build-app.ts';

export interface TestServer {
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  tokens: TokenService;
  /** a token for the administrator (system/*.cruds) */
  token: string;
  issue(options?: IssueOptions): Promise<string>;
  /** fetch `${origin}/fhir/${path}` with the administrator's token (unless headers say otherwise) */
  fhir(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestServer(store: TestStore, options: { bodyLimitBytes?: number; operationRoutes?: OperationRoute[]; publicBaseUrl?: string } = {}): Promise<TestServer> {
  const tokens = createTokenService(store.settings);
  const app = await buildApp({ store, tokens, version: '9.9.9-test', logger: false, ...options });
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  const token = await tokens.issueAdministratorToken();
  return {
    app,
    origin,
    tokens,
    token,
    issue: (issueOptions) => tokens.issueAdministratorToken(issueOptions),
    fhir(path, init = {}) {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
      if (json !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/fhir+json');
      return fetch(`${origin}/fhir/${path}`, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
    },
    close: () => app.close(),
  };
}

export interface Outcome {
  resourceType: 'OperationOutcome';
  issue: { severity: string; code: string; diagnostics: string; expression?: string[] }[];
}

/** The response's OperationOutcome, checking it is one and is served as FHIR JSON. */
export async function outcomeOf(response: Response): Promise<Outcome> {
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith('application/fhir+json')) throw new Error(`expected FHIR JSON, got ${contentType}: ${await response.text()}`);
  const body = (await response.json()) as Outcome;
  if (body.resourceType !== 'OperationOutcome') throw new Error(`expected an OperationOutcome, got ${JSON.stringify(body).slice(0, 200)}`);
  return body;
}
