/**
 * @kindred/server: Kindred over HTTP. The Fastify app (FHIR REST API, health check, web pages)
 * built from one config, the HTTP-free FHIR router it is made of, and Bulk Data $export.
 */
export { buildApp } from './http/build-app.ts';
export { DEFAULT_BODY_LIMIT_BYTES, checkIceServers, type AppConfig } from './http/app-config.ts';
export type { SignInConfig } from './oidc/sign-in-settings.ts';
export { createLaunch, type LaunchContext } from './oidc/smart-launch.ts';
export { passwordResetLink } from './oidc/password-reset-routes.ts';
export { SIGN_IN_PREFIX } from './oidc/sign-in-settings.ts';
export { handleFhirRequest, handleMetadataRequest } from './fhir-rest/router.ts';
export { capabilityStatement } from './fhir-rest/capability-statement.ts';
export type {
  FhirContext,
  FhirLogger,
  FhirMethod,
  FhirRequest,
  FhirResponse,
  OperationCapability,
  OperationRoute,
} from './fhir-rest/fhir-request.ts';
export * from './bulk/index.ts';
export * from './break-glass/index.ts';
export { ACCESS_LOG_DEFINITION, accessLogRoutes } from './access-log/access-log-routes.ts';
export { MESSAGING_ACCESS, startCareJobs, type CareJobs, type CareJobsOptions } from './care-jobs/care-jobs.ts';
export { INSIGHT_ACCESS, VIEW_REFRESH_JOB, insightRecord, startInsightJobs, type InsightJobs, type InsightJobsOptions, type ViewRefreshResult } from './insight-jobs/insight-jobs.ts';
export { DEMO_ACCOUNTS_SETTING, readDemoAccounts, type DemoAccount } from './pages/demo-accounts.ts';
export { renderMeasurePage } from './web/insight/insight-data.ts';
