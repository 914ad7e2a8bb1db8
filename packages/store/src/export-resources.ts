/**
 * Streams current resources for Bulk Data export and `kindred export`, type by type in row order,
 * a page at a time (never the whole record in memory). Patient-level export keeps to the Patient
 * compartment (http://hl7.org/fhir/R4/compartmentdefinition-patient.html) of the given patients.
 */
import { patientCompartmentParams, resourceTypes, type StoredResource } from '@kindred/fhir';
import type { ExportOptions } from './repository.ts';
import type { SqlDriver } from './sql/driver.ts';
import type { SearchParamIds } from './search-param-ids.ts';
import { and, list, or, raw, sql, type Fragment } from './sql/fragment.ts';

const PAGE = 1000;
const PATIENT_CHUNK = 500;

function compartmentCondition(type: string, patientIds: readonly string[], pids: SearchParamIds): Fragment | undefined {
  const params = patientCompartmentParams(type).map((code) => pids.get(type, code)).filter((p): p is number => p !== undefined);
  const parts: Fragment[] = [];
  if (type === 'Patient') parts.push(sql`r.id IN (${list(patientIds)})`);
  if (params.length > 0) {
    parts.push(sql`r.rid IN (SELECT i.rid FROM idx_reference i WHERE i.target_type = 'Patient' AND i.target_id IN (${list(patientIds)}) AND i.pid IN (${list(params)}))`);
  }
  return parts.length > 0 ? or(parts) : undefined;
}

async function* pagesOf(driver: SqlDriver, type: string, extra: Fragment, since: number | undefined): AsyncGenerator<{ rid: number; resource: StoredResource }> {
  let after = 0;
  for (;;) {
    const conditions = [sql`r.type = ${type}`, raw('r.deleted = 0'), sql`r.rid > ${after}`, extra];
    if (since !== undefined) conditions.push(sql`r.last_updated > ${since}`);
    const q = sql`SELECT r.rid, v.content FROM resource r JOIN resource_version v ON v.rid = r.rid AND v.version = r.version WHERE ${and(conditions)} ORDER BY r.rid LIMIT ${PAGE}`;
    const rows = await driver.query<{ rid: number; content: string }>(q.text, q.params);
    for (const row of rows) yield { rid: Number(row.rid), resource: JSON.parse(row.content) as StoredResource };
    if (rows.length < PAGE) return;
    after = Number(rows[rows.length - 1]!.rid);
  }
}

export async function* exportResources(driver: SqlDriver, pids: SearchParamIds, options: ExportOptions): AsyncGenerator<StoredResource> {
  const patientIds = options.patientIds;
  if (patientIds !== undefined && patientIds.length === 0) return;
  const types = options.types ?? (patientIds ? resourceTypes.filter((t) => t === 'Patient' || patientCompartmentParams(t).length > 0) : resourceTypes);
  for (const type of types) {
    if (!patientIds) {
      for await (const row of pagesOf(driver, type, raw('1 = 1'), options.since)) yield row.resource;
      continue;
    }
    // A resource may sit in several patients' compartments: yield it once.
    const seen = new Set<number>();
    for (let i = 0; i < patientIds.length; i += PATIENT_CHUNK) {
      const condition = compartmentCondition(type, patientIds.slice(i, i + PATIENT_CHUNK), pids);
      if (!condition) break;
      for await (const row of pagesOf(driver, type, condition, options.since)) {
        if (seen.has(row.rid)) continue;
        seen.add(row.rid);
        yield row.resource;
      }
    }
  }
}
