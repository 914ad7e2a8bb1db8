/**
 * Test support for the router's tests: a FhirContext over a test store with the administrator's
 * access (or narrower scopes), and a `call` that builds a FhirRequest in one line. Used only by
 * *.test.ts files; nothing in the server imports it.
 */
import { localAdministratorAccess, scopedRepository } from '@kindred/access';
import type { Resource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { TestStore } from '@kindred/store/testing';
import type { FhirContext, FhirMethod, FhirRequest, FhirResponse, OperationRoute } from './fhir-request.ts';
import { handleFhirRequest } from './router.ts';

export const TEST_BASE_URL = 'http://kindred.test/fhir';

export interface LoggedError {
  details: Record<string, unknown>;
  message: string;
}

export interface RouterHarness {
  context: FhirContext;
  /** unexpected errors the router logged */
  logged: LoggedError[];
  call(method: FhirMethod, url: string, options?: CallOptions): Promise<FhirResponse>;
}

export interface CallOptions {
  body?: unknown;
  headers?: FhirRequest['headers'];
  routes?: OperationRoute[];
}

/** "Patient/1/_history?_count=2" → path segments and decoded query pairs, as the HTTP layer makes them. */
export function requestOf(method: FhirMethod, url: string, options: CallOptions = {}): FhirRequest {
  const mark = url.indexOf('?');
  const path = (mark >= 0 ? url.slice(0, mark) : url).split('/').filter((s) => s !== '').map(decodeURIComponent);
  const query = mark >= 0 ? [...new URLSearchParams(url.slice(mark + 1))] : [];
  return { method, path, query, headers: options.headers ?? {}, ...(options.body !== undefined ? { body: options.body } : {}) };
}

export function routerHarness(store: TestStore, options: { scope?: string; repository?: (r: Repository) => Repository } = {}): RouterHarness {
  const access = localAdministratorAccess(options.scope);
  const scoped = scopedRepository(store.repository, access);
  const logged: LoggedError[] = [];
  const context: FhirContext = {
    repository: options.repository ? options.repository(scoped) : scoped,
    access,
    baseUrl: TEST_BASE_URL,
    jobs: store.jobs,
    serverVersion: '0.0.0-test',
    logger: { error: (details, message) => logged.push({ details, message }) },
  };
  return {
    context,
    logged,
    call: (method, url, callOptions = {}) => handleFhirRequest(requestOf(method, url, callOptions), context, callOptions.routes ?? []),
  };
}

export function patient(family: string, extra: Partial<Resource> = {}): Resource {
  return { resourceType: 'Patient', name: [{ family, given: ['Ada'] }], gender: 'female', birthDate: '1970-05-04', ...extra };
}

/** The body of a response as a resource, for assertions. */
export function bodyOf(response: FhirResponse): Resource & Record<string, unknown> {
  if (response.body === undefined) throw new Error(`response ${response.status} has no body`);
  return response.body as Resource & Record<string, unknown>;
}

/** The first issue's diagnostics of an OperationOutcome response. */
export function diagnosticsOf(response: FhirResponse): string {
  const issues = (response.body as { issue?: { diagnostics?: string }[] } | undefined)?.issue ?? [];
  return issues.map((issue) => issue.diagnostics ?? '').join(' | ');
}
