/**
 * `GET [base]/metadata` (http://hl7.org/fhir/R4/http.html#capabilities): the CapabilityStatement
 * (http://hl7.org/fhir/R4/capabilitystatement.html) that says exactly what this server does.
 * Every claim here is derived from the same sources the router and the search parser use (the
 * resource types of the model, the supported search parameters of the registry), so it cannot
 * promise what is not there. The per-type part is built once per process and frozen; only the
 * small top level (version, base url, operations) is made per request.
 */
import {
  FHIR_VERSION,
  FhirError,
  isSupportedSearchParameter,
  resourceTypes,
  searchParametersOf,
  VIEW_DEFINITION_PROFILE,
  type Resource,
} from '@kindred/fhir';
import type { FhirRequest, FhirResponse, OperationCapability, OperationRoute } from './fhir-request.ts';
import { VIEW_RUN_OPERATION } from './view-run.ts';

/** The type-level interactions the router implements for every resource type (TypeRestfulInteraction). */
export const TYPE_INTERACTIONS = ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type'] as const;
/** The system-level interactions (SystemRestfulInteraction); system search is not implemented. */
export const SYSTEM_INTERACTIONS = ['transaction', 'batch', 'history-system'] as const;

export const VALIDATE_OPERATION: OperationCapability = {
  name: 'validate',
  definition: 'http://hl7.org/fhir/OperationDefinition/Resource-validate',
  documentation: 'POST [base]/[type]/$validate or [base]/[type]/[id]/$validate with a resource (or Parameters with a resource part); answers with an OperationOutcome.',
};

interface ResourceCapability {
  type: string;
  [key: string]: unknown;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** `Other:param` for every reference parameter of any type that can point at each type. */
function revIncludesByTarget(): Map<string, string[]> {
  const byTarget = new Map<string, string[]>();
  for (const source of resourceTypes) {
    for (const def of searchParametersOf(source).values()) {
      if (def.type !== 'reference' || !isSupportedSearchParameter(def)) continue;
      for (const target of def.target ?? []) {
        const list = byTarget.get(target) ?? [];
        list.push(`${source}:${def.code}`);
        byTarget.set(target, list);
      }
    }
  }
  return byTarget;
}

function resourceCapabilities(): readonly ResourceCapability[] {
  const revIncludes = revIncludesByTarget();
  return resourceTypes.map((type) => {
    const params = [...searchParametersOf(type).values()].filter(isSupportedSearchParameter);
    const references = params.filter((def) => def.type === 'reference').map((def) => `${type}:${def.code}`);
    return {
      type,
      // ViewDefinition is SQL on FHIR's logical model, stored as a resource (see @kindred/fhir supplements)
      profile: type === 'ViewDefinition' ? VIEW_DEFINITION_PROFILE : `http://hl7.org/fhir/StructureDefinition/${type}`,
      interaction: TYPE_INTERACTIONS.map((code) => ({ code })),
      versioning: 'versioned-update',
      readHistory: true,
      updateCreate: true,
      conditionalCreate: true,
      conditionalRead: 'full-support',
      conditionalUpdate: true,
      conditionalDelete: 'single',
      ...(references.length > 0 ? { searchInclude: ['*', ...references] } : {}),
      ...((revIncludes.get(type)?.length ?? 0) > 0 ? { searchRevInclude: revIncludes.get(type) } : {}),
      searchParam: params.map((def) => ({ name: def.code, definition: def.url, type: def.type })),
      operation: [VALIDATE_OPERATION, ...(type === VIEW_RUN_OPERATION.resourceType ? [VIEW_RUN_OPERATION] : [])].map(({ name, definition }) => ({ name, definition })),
    };
  });
}

// A cache of immutable data: the per-type capabilities depend only on the generated definitions.
let cachedResources: readonly ResourceCapability[] | undefined;
let cachedAt: string | undefined;

function cached(): { resources: readonly ResourceCapability[]; date: string } {
  if (cachedResources === undefined || cachedAt === undefined) {
    cachedResources = deepFreeze(resourceCapabilities());
    cachedAt = new Date().toISOString();
  }
  return { resources: cachedResources, date: cachedAt };
}

interface OperationEntry {
  name: string;
  definition: string;
  documentation?: string;
}

/**
 * The operations of the given routes, each listed once (several routes may serve one operation,
 * and several operations may share a name, told apart by their definitions), by where they are
 * listed: the system level, or a resource type.
 */
function operationsOf(routes: readonly OperationRoute[]): { system: OperationEntry[]; byType: Map<string, OperationEntry[]> } {
  const seen = new Set<string>();
  const system: OperationEntry[] = [];
  const byType = new Map<string, OperationEntry[]>();
  for (const { capability } of routes) {
    if (capability === undefined) continue;
    const key = `${capability.resourceType ?? ''} ${capability.definition}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry: OperationEntry = { name: capability.name, definition: capability.definition, ...(capability.documentation ? { documentation: capability.documentation } : {}) };
    if (capability.resourceType === undefined) system.push(entry);
    else byType.set(capability.resourceType, [...(byType.get(capability.resourceType) ?? []), entry]);
  }
  return { system, byType };
}

/** The cached per-type entries, with the operation routes' type-level operations added (as new objects). */
function withTypeOperations(resources: readonly ResourceCapability[], byType: ReadonlyMap<string, OperationEntry[]>): readonly ResourceCapability[] {
  if (byType.size === 0) return resources;
  return resources.map((resource) => {
    const extra = byType.get(resource.type);
    if (extra === undefined) return resource;
    const own = Array.isArray(resource.operation) ? (resource.operation as OperationEntry[]) : [];
    return { ...resource, operation: [...own, ...extra] };
  });
}

export interface CapabilityOptions {
  baseUrl: string;
  version: string;
  routes: readonly OperationRoute[];
  /** the sign-in service's endpoints, when SMART on FHIR is on */
  oauth?: { authorize: string; token: string; revoke?: string };
}

/**
 * `rest.security` (http://hl7.org/fhir/R4/capabilitystatement-definitions.html#CapabilityStatement.rest.security):
 * with sign-in on, the SMART-on-FHIR service and its endpoints in the oauth-uris extension
 * (SMART App Launch 2.0, conformance.html#using-cors and the smart-configuration document, which is authoritative).
 */
function securityOf(oauth: CapabilityOptions['oauth']): Record<string, unknown> {
  if (oauth === undefined) {
    return {
      cors: false,
      description:
        'Every request except GET [base]/metadata needs an Authorization: Bearer token (run `npx kindred token` to get one). ' +
        'SMART on FHIR is available when the server runs with sign-in on.',
    };
  }
  return {
    cors: false,
    extension: [
      {
        url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
        extension: [
          { url: 'authorize', valueUri: oauth.authorize },
          { url: 'token', valueUri: oauth.token },
          ...(oauth.revoke !== undefined ? [{ url: 'revoke', valueUri: oauth.revoke }] : []),
        ],
      },
    ],
    service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }], text: 'SMART App Launch 2.0 and Backend Services' }],
    description:
      'Every request except GET [base]/metadata and [base]/.well-known/smart-configuration needs an Authorization: Bearer token: ' +
      'from a SMART app launch or SMART Backend Services (see [base]/.well-known/smart-configuration), or `npx kindred token` for the administrator.',
  };
}

export function capabilityStatement(options: CapabilityOptions): Resource {
  const { resources, date } = cached();
  const operations = operationsOf(options.routes);
  return {
    resourceType: 'CapabilityStatement',
    name: 'Kindred',
    title: 'Kindred shared care record: FHIR R4 server',
    status: 'active',
    experimental: false,
    date,
    publisher: 'Kindred',
    description: 'The FHIR R4 API of Kindred, an open-source platform for health and care on one shared record.',
    kind: 'instance',
    software: { name: 'Kindred', version: options.version },
    implementation: { description: 'Kindred shared care record', url: options.baseUrl },
    fhirVersion: FHIR_VERSION,
    // JSON only: requests for XML or Turtle are answered 406 (http://hl7.org/fhir/R4/http.html#mime-type)
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        documentation: 'Every interaction listed here is implemented for every resource type. Search parameters of type composite and special are not supported.',
        security: securityOf(options.oauth),
        resource: withTypeOperations(resources, operations.byType),
        interaction: SYSTEM_INTERACTIONS.map((code) => ({ code })),
        // FHIR JSON has no empty arrays (http://hl7.org/fhir/R4/json.html)
        ...(operations.system.length > 0 ? { operation: operations.system } : {}),
      },
    ],
  };
}

/** `GET [base]/metadata {?mode=full}`; other modes (normative, terminology) are not offered. */
export function handleCapabilities(request: FhirRequest, options: CapabilityOptions): FhirResponse {
  const mode = request.query.find(([name]) => name === 'mode')?.[1];
  if (mode !== undefined && mode !== 'full') {
    throw new FhirError('UNSUPPORTED', `metadata?mode=${mode} is not supported; only the full CapabilityStatement (mode=full) is.`);
  }
  return { status: 200, body: capabilityStatement(options) };
}
