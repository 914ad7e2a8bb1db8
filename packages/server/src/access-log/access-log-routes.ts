/**
 * `GET [base]/Patient/{id}/$access-log`: who has looked at a person's record and why, as a
 * searchset Bundle of AuditEvents about that patient (http://hl7.org/fhir/R4/auditevent.html),
 * newest first, `_count` at a time with a next link. Anyone who may read that Patient through the
 * repository they were given may see its log (readAccessLog reads it first, so the access policy
 * decides, and that read is itself audited). Wiring and shaping only: it never reads the trail
 * before the Patient was read.
 */
import { randomUUID } from 'node:crypto';
import { readAccessLog, DEFAULT_ACCESS_LOG_PAGE, MAX_ACCESS_LOG_PAGE } from '@kindred/access';
import { FhirError, isPlainObject, type Bundle, type Resource } from '@kindred/fhir';
import type { AuditTrail } from '@kindred/store';
import { CURSOR_PARAMETER } from '../fhir-rest/bundles.ts';
import type { FhirRequest, FhirResponse, OperationCapability, OperationRoute } from '../fhir-rest/fhir-request.ts';

export const ACCESS_LOG_DEFINITION = 'urn:kindred:OperationDefinition/Patient-access-log';

const capability: OperationCapability = {
  name: 'access-log',
  definition: ACCESS_LOG_DEFINITION,
  resourceType: 'Patient',
  documentation:
    'GET Patient/[id]/$access-log: who has read, searched, changed or been refused this person\'s record and why (AuditEvents, newest first). ' +
    `Parameters: _count (1 to ${MAX_ACCESS_LOG_PAGE}, default ${DEFAULT_ACCESS_LOG_PAGE}). Allowed to whoever may read the Patient.`,
};

function wholeNumber(name: string, raw: string, min: number): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min) throw new FhirError('INVALID_REQUEST', `${name} must be a whole number of at least ${min} (got "${raw.slice(0, 40)}").`);
  return Number(raw);
}

function parameters(request: FhirRequest): { count: number; before?: number } {
  let count = DEFAULT_ACCESS_LOG_PAGE;
  let before: number | undefined;
  for (const [name, value] of request.query) {
    if (name === '_count') count = Math.min(MAX_ACCESS_LOG_PAGE, wholeNumber('_count', value, 1));
    else if (name === CURSOR_PARAMETER) before = wholeNumber(CURSOR_PARAMETER, value, 1);
    else if (name !== '_format') throw new FhirError('INVALID_REQUEST', `$access-log takes only _count (and the ${CURSOR_PARAMETER} of its next link), not "${name.slice(0, 40)}".`);
  }
  return before === undefined ? { count } : { count, before };
}

/** What the person sees of each event: not the token id or network address of the staff member (AuditEvent.agent.policy, .network). */
function shownToPerson(event: Resource): Resource {
  const agents = Array.isArray(event.agent) ? event.agent : [];
  return {
    ...event,
    agent: agents.map((agent: unknown) => {
      if (!isPlainObject(agent)) return agent;
      const { policy: _policy, network: _network, ...shown } = agent;
      return shown;
    }),
  };
}

/** The $access-log route, reading `trail` (the store's audit trail). */
export function accessLogRoutes(trail: Pick<AuditTrail, 'forPatient'>): OperationRoute[] {
  const handle: OperationRoute['handle'] = async (request, context, params): Promise<FhirResponse> => {
    const patientId = params.id ?? '';
    const asked = parameters(request);
    const page = await readAccessLog(context.repository, trail, patientId, asked);
    // `$` left as written (it is allowed in a path segment), so the link reads like the operation's name
    const url = (before: number | undefined): string =>
      `${context.baseUrl}/Patient/${encodeURIComponent(patientId)}/$access-log?_count=${asked.count}${before !== undefined ? `&${CURSOR_PARAMETER}=${before}` : ''}`;
    const link = [{ relation: 'self', url: url(asked.before) }, ...(page.nextBefore !== undefined ? [{ relation: 'next', url: url(page.nextBefore) }] : [])];
    const bundle: Bundle = {
      resourceType: 'Bundle',
      id: randomUUID(),
      meta: { lastUpdated: new Date().toISOString() },
      type: 'searchset',
      link,
      ...(page.events.length > 0
        ? {
            entry: page.events.map((event) => ({
              // the trail's events are not resources of the record (no AuditEvent/{id} to read), so each is named by its place in the trail
              fullUrl: `urn:kindred:audit-trail:${String(event.id)}`,
              resource: shownToPerson(event),
              search: { mode: 'match' as const },
            })),
          }
        : {}),
    };
    return { status: 200, body: bundle };
  };
  return Object.freeze([Object.freeze({ method: 'GET', pattern: Object.freeze(['Patient', ':id', '$access-log']) as string[], handle, capability })]) as OperationRoute[];
}
