/**
 * Test support for the Bulk Data tests: requests through the real FHIR router, a small record
 * whose Patient compartments and timestamps the tests know independently of the store, and the
 * client's side of the async pattern (poll until done, fetch and parse every file).
 *
 * For tests only: nothing in the server imports it.
 */
import { localAdministratorAccess, scopedRepository, type AccessContext } from '@kindred/access';
import type { Resource, StoredResource } from '@kindred/fhir';
import type { Repository, Store } from '@kindred/store';
import type { FhirContext, FhirMethod, FhirRequest, FhirResponse } from '../fhir-rest/fhir-request.ts';
import { handleFhirRequest } from '../fhir-rest/router.ts';
import { bulkExportRoutes } from './bulk-routes.ts';

export const BASE = 'http://kindred.test/fhir';

export function accessAs(subject: string, scope = 'system/*.cruds'): AccessContext {
  return Object.freeze({ ...localAdministratorAccess(scope), subject });
}

export function contextFor(store: Store, access: AccessContext = accessAs('administrator')): FhirContext {
  return { repository: scopedRepository(store.repository, access), access, baseUrl: BASE, jobs: store.jobs };
}

export interface RequestInit {
  method?: FhirMethod;
  query?: [string, string][];
  headers?: FhirRequest['headers'];
  body?: unknown;
}

/** A request as the HTTP layer would build it; kick-offs get `Prefer: respond-async` unless told otherwise. */
export function request(path: string, init: RequestInit = {}): FhirRequest {
  return {
    method: init.method ?? 'GET',
    path: path.split('/').filter((segment) => segment !== ''),
    query: init.query ?? [],
    headers: init.headers ?? { prefer: 'respond-async', accept: 'application/fhir+json' },
    ...(init.body !== undefined ? { body: init.body } : {}),
  };
}

export function send(context: FhirContext, fhirRequest: FhirRequest): Promise<FhirResponse> {
  return handleFhirRequest(fhirRequest, context, bulkExportRoutes);
}

/** The path under the base of an absolute url the server gave (Content-Location, file urls). */
export function pathOf(url: string): string {
  if (!url.startsWith(`${BASE}/`)) throw new Error(`${url} is not under ${BASE}`);
  return url.slice(BASE.length + 1);
}

export interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: { type: string; url: string; count: number }[];
}

/** Polls the status location until it stops answering 202; returns the last response. */
export async function pollUntilDone(context: FhirContext, statusUrl: string, timeoutMs = 20_000): Promise<FhirResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await send(context, request(pathOf(statusUrl), { headers: { accept: 'application/json' } }));
    if (response.status !== 202) return response;
    if (Date.now() > deadline) throw new Error(`export at ${statusUrl} still running after ${timeoutMs} ms (X-Progress: ${response.headers?.['X-Progress'] ?? '-'})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Fetches every file of a manifest's `output` and parses its lines, checking each file holds `count` resources of its `type`. */
export async function fetchOutput(context: FhirContext, manifest: Manifest): Promise<Resource[]> {
  const resources: Resource[] = [];
  for (const file of manifest.output) {
    const response = await send(context, request(pathOf(file.url), { headers: { accept: 'application/fhir+ndjson' } }));
    if (response.status !== 200 || !response.text) throw new Error(`file ${file.url}: status ${response.status}`);
    const lines = response.text.content.split('\n').filter((line) => line !== '');
    if (lines.length !== file.count) throw new Error(`file ${file.url} has ${lines.length} lines, the manifest says ${file.count}`);
    for (const line of lines) {
      const resource = JSON.parse(line) as Resource;
      if (resource.resourceType !== file.type) throw new Error(`file ${file.url} of ${file.type} holds a ${resource.resourceType}`);
      resources.push(resource);
    }
  }
  return resources;
}

export function keyOf(resource: Resource): string {
  return `${resource.resourceType}/${resource.id ?? ''}`;
}

/** Resources keyed Type/id, to compare exports with what the store holds regardless of order. */
export function byKey(resources: readonly Resource[]): Map<string, Resource> {
  return new Map(resources.map((resource) => [keyOf(resource), resource]));
}

/** What the tests know of each resource they wrote, without asking the store. */
export interface Seeded {
  key: string;
  /** the patients in whose compartment it is */
  patients: string[];
}

/** Reads each key back, one `read` at a time: the expected content, found independently of the export. */
export async function readBack(repository: Repository, keys: readonly string[]): Promise<Map<string, StoredResource>> {
  const found = new Map<string, StoredResource>();
  for (const key of keys) {
    const [type = '', id = ''] = key.split('/');
    found.set(key, await repository.read(type, id));
  }
  return found;
}

function ref(key: string): { reference: string } {
  return { reference: key };
}

const code = { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] };

/**
 * A small area: three patients, a practitioner and a location, observations, conditions and an
 * encounter, a group of two current members (and one former), and Provenance of some of it.
 * Returns what is in whose compartment, by construction.
 */
export async function seedRecord(repository: Repository): Promise<Seeded[]> {
  const seeded: Seeded[] = [];
  const put = async (resource: Resource, patients: string[]): Promise<void> => {
    const { resource: stored } = await repository.update(resource);
    seeded.push({ key: keyOf(stored), patients });
  };
  await put({ resourceType: 'Practitioner', id: 'pr1', name: [{ family: 'Okafor' }] }, []);
  await put({ resourceType: 'Location', id: 'loc1', name: 'Ward 3' }, []);
  for (const id of ['p1', 'p2', 'p3']) await put({ resourceType: 'Patient', id, name: [{ family: `Family-${id}` }], birthDate: '1970-01-01' }, [id]);
  const observation = (id: string, subject: string, patients: string[]): Promise<void> =>
    put({ resourceType: 'Observation', id, status: 'final', code, subject: ref(subject), performer: [ref('Practitioner/pr1')], valueQuantity: { value: 70, unit: '/min' } }, patients);
  await observation('o1', 'Patient/p1', ['p1']);
  await observation('o2', 'Patient/p2', ['p2']);
  await observation('o3', 'Patient/p3', ['p3']);
  // about a place, not a person: in no Patient compartment
  await observation('o4', 'Location/loc1', []);
  await put({ resourceType: 'Condition', id: 'c1', subject: ref('Patient/p1'), code: { text: 'Asthma' } }, ['p1']);
  await put({ resourceType: 'Condition', id: 'c2', subject: ref('Patient/p2'), code: { text: 'Diabetes' } }, ['p2']);
  await put({ resourceType: 'Encounter', id: 'e1', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: ref('Patient/p1') }, ['p1']);
  await put(
    {
      resourceType: 'Group',
      id: 'g1',
      type: 'person',
      actual: true,
      member: [{ entity: ref('Patient/p1') }, { entity: ref(`${BASE}/Patient/p2`) }, { entity: ref('Patient/p3'), inactive: true }],
    },
    // Group.member is a Patient compartment parameter, so the group is in the compartment of every member, former ones too.
    ['p1', 'p2', 'p3'],
  );
  const provenance = (id: string, target: string, patients: string[]): Promise<void> =>
    put({ resourceType: 'Provenance', id, target: [ref(target)], recorded: '2024-01-01T00:00:00Z', agent: [{ who: ref('Practitioner/pr1') }] }, patients);
  await provenance('prov1', 'Observation/o1', []);
  await provenance('prov2', 'Observation/o3', []);
  await provenance('prov3', 'Practitioner/pr1', []);
  return seeded;
}
