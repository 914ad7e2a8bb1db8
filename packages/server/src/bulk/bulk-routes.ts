/**
 * The Bulk Data Access routes (Bulk Data STU2 export.html) as operation routes for the FHIR
 * router: the three kick-offs (GET, and POST with a Parameters body, "A server SHALL support GET
 * requests and MAY support POST requests"), the polling location and the output files.
 *
 * Wiring only: each route hands over to its handler. The kick-off routes carry a `capability`
 * so the CapabilityStatement can list the operations with their canonical definitions.
 */
import type { OperationCapability, OperationRoute } from '../fhir-rest/fhir-request.ts';
import { ExportLevel, OperationDefinitionUrl } from './bulk-export-job.ts';
import { deleteExport, exportFile, exportStatus } from './export-status.ts';
import { kickOff } from './kick-off.ts';

/**
 * An operation's capability, with the resource type it belongs to: Patient/$export and
 * Group/[id]/$export are listed under `rest.resource.operation` of Patient and Group, all three
 * with the name "export" and told apart by their definitions.
 */
export interface BulkOperationCapability extends OperationCapability {
  /** the resource type the operation is listed under; absent for the system-level operation */
  resourceType?: 'Patient' | 'Group';
}

export interface BulkOperationRoute extends OperationRoute {
  capability?: BulkOperationCapability;
}

const systemKickOff: OperationRoute['handle'] = (request, context) => kickOff(ExportLevel.system, request, context);
const patientKickOff: OperationRoute['handle'] = (request, context) => kickOff(ExportLevel.patient, request, context);
const groupKickOff: OperationRoute['handle'] = (request, context, params) => kickOff(ExportLevel.group, request, context, params.id);

/** "Server Capability Documentation": what a client needs to know that the parameters do not say. */
const DOCUMENTATION =
  'Asynchronous Bulk Data export (Bulk Data Access STU2): GET, or POST with a Parameters body; needs Prefer: respond-async. ' +
  'Parameters: _outputFormat (ndjson only), _since, _type, _elements, _typeFilter, includeAssociatedData=RelevantProvenanceResources, and patient (POST, Patient and Group level); ' +
  'anything else is refused unless Prefer: handling=lenient. Files hold one resource type each, at most 10,000 resources by default, and are kept for 24 hours by default. ' +
  'Patient and Group exports return the Patient compartments of their patients and the Provenance of what they return, not other referenced resources (Practitioner, Organization). ' +
  'With _since, a Group export returns only resources changed after _since, also for patients who joined the group later: ask for new members with the patient parameter.';

const systemCapability: BulkOperationCapability = { name: 'export', definition: OperationDefinitionUrl.system, documentation: DOCUMENTATION };
const patientCapability: BulkOperationCapability = { name: 'export', definition: OperationDefinitionUrl.patient, documentation: DOCUMENTATION, resourceType: 'Patient' };
const groupCapability: BulkOperationCapability = { name: 'export', definition: OperationDefinitionUrl.group, documentation: DOCUMENTATION, resourceType: 'Group' };


/** A frozen copy: no app can change the routes another app is using. */
function frozen(route: BulkOperationRoute): BulkOperationRoute {
  return Object.freeze({ ...route, pattern: Object.freeze([...route.pattern]) as string[] });
}

/**
 * Every Bulk export route. The capability is given once per operation (on its GET route). The
 * array is frozen too; it is typed as a plain array only because the router takes `OperationRoute[]`.
 */
export const bulkExportRoutes: BulkOperationRoute[] = Object.freeze([
  frozen({ method: 'GET', pattern: ['$export'], handle: systemKickOff, capability: systemCapability }),
  frozen({ method: 'POST', pattern: ['$export'], handle: systemKickOff }),
  frozen({ method: 'GET', pattern: ['Patient', '$export'], handle: patientKickOff, capability: patientCapability }),
  frozen({ method: 'POST', pattern: ['Patient', '$export'], handle: patientKickOff }),
  frozen({ method: 'GET', pattern: ['Group', ':id', '$export'], handle: groupKickOff, capability: groupCapability }),
  frozen({ method: 'POST', pattern: ['Group', ':id', '$export'], handle: groupKickOff }),
  frozen({ method: 'GET', pattern: ['$export-status', ':jobId'], handle: exportStatus }),
  frozen({ method: 'DELETE', pattern: ['$export-status', ':jobId'], handle: deleteExport }),
  frozen({ method: 'GET', pattern: ['$export-file', ':jobId', ':fileNo'], handle: exportFile }),
]) as BulkOperationRoute[];
