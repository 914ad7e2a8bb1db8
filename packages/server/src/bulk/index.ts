/**
 * FHIR Bulk Data Access $export (http://hl7.org/fhir/uv/bulkdata/STU2/export.html): the routes
 * the FHIR router dispatches, and the worker that runs export jobs from the database.
 */
export { bulkExportRoutes, type BulkOperationCapability, type BulkOperationRoute } from './bulk-routes.ts';
export { startBulkExportWorker, type BulkExportWorker, type BulkExportWorkerOptions } from './export-worker.ts';
export { BULK_EXPORT_JOB, OperationDefinitionUrl } from './bulk-export-job.ts';
