/**
 * What one export covers, worked out from its stored request: the types in the order they are
 * written, whose Patient compartments, how Provenance is chosen, and which elements each type
 * keeps. Also the version of a resource as it stood at the export's transactionTime.
 *
 * Read-only over the record; it must not write files or touch the job.
 */
import { applyElements, instantMillis, isPlainObject, parseReference, resourceTypes, type Resource, type StoredResource } from '@kindred/fhir';
import type { Repository } from '@kindred/store';
import type { ExportJobRequest } from './bulk-export-job.ts';
import { inPatientCompartment } from './kick-off-parameters.ts';

/**
 * How Provenance is exported:
 * - `plain`: as any other type (system level);
 * - `related`: those whose target is an exported resource or one of the patients: for Patient and
 *   Group exports, "the server SHALL include all available Provenance resources whose
 *   Provenance.target is a resource in the Patient compartment" ("Query Parameters", note), and for
 *   includeAssociatedData=RelevantProvenanceResources ("all Provenance resources associated with
 *   each of the non-provenance resources being returned");
 * - `none`: not asked for.
 */
export type ProvenanceMode = 'plain' | 'related' | 'none';

export interface ExportPlan {
  /** the types exported in the main pass, in order (Provenance excluded unless `plain`) */
  types: string[];
  provenance: ProvenanceMode;
}

export function planExport(request: ExportJobRequest): ExportPlan {
  const all = request.level === 'system' ? resourceTypes : resourceTypes.filter(inPatientCompartment);
  const asked = request.types ?? all;
  const wantsProvenance = asked.includes('Provenance');
  if (request.level === 'system' && wantsProvenance) return { types: [...asked], provenance: 'plain' };
  const provenance: ProvenanceMode = wantsProvenance || request.relevantProvenance ? 'related' : 'none';
  return { types: asked.filter((type) => type !== 'Provenance'), provenance };
}

/** `_elements` for one type: names given for it ("Patient.id") or for all ("id"); empty means the whole resource. */
export function elementsFor(request: ExportJobRequest, type: string): string[] {
  const names = new Set<string>();
  for (const element of request.elements ?? []) {
    const dot = element.indexOf('.');
    if (dot < 0) names.add(element);
    else if (element.slice(0, dot) === type) names.add(element.slice(dot + 1));
  }
  return [...names];
}

/**
 * The resource as written to the file: subsetted when `_elements` names elements of its type
 * ("A server SHOULD mark the resources with the tag SUBSETTED"; applyElements does, and keeps
 * mandatory elements).
 */
export function shapeResource(resource: StoredResource, elements: readonly string[]): Resource {
  return elements.length === 0 ? resource : applyElements(resource, elements);
}

/**
 * The version of `current` that stood at `at` (epoch ms), or undefined when it did not exist
 * then or was deleted. "The response SHOULD NOT include any resources modified after this
 * instant, and SHALL include any matching resources modified up to and including this instant"
 * (transactionTime): a resource changed after the kick-off is exported as it was at kick-off.
 */
export async function versionAt(repository: Repository, current: StoredResource, at: number): Promise<StoredResource | undefined> {
  const updated = instantMillis(current.meta.lastUpdated);
  if (updated !== undefined && updated <= at) return current;
  const page = await repository.history({ resourceType: current.resourceType, id: current.id, at, count: 1 });
  return page.entries[0]?.resource;
}

/** "Type/id" for each reference in Provenance.target that points at this server. */
export function provenanceTargets(provenance: Resource, baseUrl: string): string[] {
  const targets = Array.isArray(provenance.target) ? (provenance.target as unknown[]) : [];
  const keys: string[] = [];
  for (const target of targets) {
    if (!isPlainObject(target) || typeof target.reference !== 'string') continue;
    const ref = parseReference(target.reference);
    if (ref.type === undefined || ref.id === undefined) continue;
    if (ref.url !== undefined && !ref.url.startsWith(`${baseUrl}/`)) continue;
    keys.push(`${ref.type}/${ref.id}`);
  }
  return keys;
}

/**
 * The patients whose compartments a Patient or Group export covers. A Patient export without
 * `patient` covers every patient: their ids are listed from the unscoped record because they only
 * select compartments; every resource written still comes through the requester's scoped
 * repository, so a token that may read Observations but not Patients still gets the patients'
 * Observations and nothing more.
 */
export async function patientsCovered(request: ExportJobRequest, record: Repository): Promise<string[] | undefined> {
  if (request.level === 'system') return undefined;
  if (request.patientIds !== undefined) return request.patientIds;
  const ids: string[] = [];
  for await (const patient of record.exportResources({ types: ['Patient'] })) ids.push(patient.id);
  return ids;
}
