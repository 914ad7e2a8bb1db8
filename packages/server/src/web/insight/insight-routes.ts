/**
 * The staff's measure pages: the dashboard of every measure for an organisation or the whole area
 * (GET /app/staff/insight?org=), one measure's chart, data and breakdowns
 * (GET /app/staff/insight/measures/:id) and its data as CSV (GET /app/staff/insight/measures/:id.csv).
 * Options come by GET, so every view of a chart is a link; options that cannot be read come back as
 * the page with status 400 and what to fix. An unknown measure is a 404 page.
 *
 * Who may see them: any member of staff (the staff routes refuse everyone else). The pages show
 * only aggregates from the analytics copy (deps.warehouse); without it they say analytics are off.
 * Each view reads the viewer's organisation, the organisation shown and the improvement cycles
 * through the signed-in person's audited record, so every page view is in the audit trail.
 * Nothing here builds SQL.
 */
import { MEASURE_LIBRARY, measureById, measureOrganisations, type MeasureDefinition, type Warehouse } from '@kindred/insight';
import { FhirError, isFhirError } from '@kindred/fhir';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from '../../pages/html.ts';
import { insetText } from '../components.ts';
import { staffContextOf } from '../staff/people-staff.ts';
import { staffWorkplace } from '../staff/staff-organisation.ts';
import type { WebContext, WebDeps } from '../web-context.ts';
import { renderDashboardContent, type DashboardState, type MeasureCard } from './insight-dashboard-page.ts';
import { lastRefreshed, measureCard, measureCsv, measurePageContent, organisationChoices, placeNameOf, type Marker } from './insight-data.ts';
import { changeMarkers } from './insight-markers.ts';
import { WHOLE_AREA } from './insight-options.ts';

const ID = { type: 'string', pattern: '^[A-Za-z0-9\\-.]{1,80}$' } as const;
const TEXT = { type: 'string', maxLength: 200 } as const;
const TEXTS = { anyOf: [TEXT, { type: 'array', maxItems: 50, items: TEXT }] } as const;
const dashboardQuery = { type: 'object', properties: { org: TEXT } } as const;
const measureQuery = { type: 'object', properties: { org: TEXT, rebase: TEXT, change: TEXTS, fixAfter: TEXT, noScreen: TEXT, stratum: TEXT } } as const;
const measureParams = { type: 'object', required: ['id'], properties: { id: ID } } as const;

/** The viewer's own organisation ("Organization/…" and name), read through their audited record; the whole area when they have none. */
async function ownOrganisation(ctx: WebContext): Promise<{ reference: string; name: string }> {
  try {
    const { current } = await staffWorkplace(ctx.principal, ctx.record);
    return { reference: `Organization/${current.id}`, name: current.name };
  } catch (error) {
    if (isFhirError(error) && error.status < 500) return { reference: WHOLE_AREA, name: 'The whole area' };
    throw error;
  }
}

/** The organisations with measures, and the viewer's own when it has none yet (so it can be their default). */
async function organisationsOf(warehouse: Warehouse, own: { reference: string; name: string }): Promise<{ reference: string; name: string }[]> {
  const found = await measureOrganisations(warehouse);
  return own.reference === WHOLE_AREA || found.some((o) => o.reference === own.reference) ? found : [own, ...found];
}

/** The organisation shown, when one is: read through the audited record, so that who looked at which organisation's measures is in the trail. */
async function noteOrganisationViewed(ctx: WebContext, org: string, own: string): Promise<void> {
  if (org === WHOLE_AREA || org === own || !/^Organization\/[A-Za-z0-9\-.]{1,64}$/.test(org)) return;
  try {
    await ctx.record.read('Organization', org.slice('Organization/'.length));
  } catch (error) {
    if (!(isFhirError(error) && error.status < 500)) throw error;
  }
}

const unavailablePage = (title: string, text: string) => ({ title, main: html`<h1>${title}</h1>${insetText(text)}<p><a href="/app/staff/insight">Go to the measures</a></p>` });

/** A measure's card when it cannot be worked out. */
const unavailableCard = (measure: MeasureDefinition, org: string): MeasureCard => ({
  id: measure.id,
  title: measure.title,
  hasTarget: measure.target !== undefined,
  variationIcon: null,
  assuranceIcon: null,
  problem: 'This measure cannot be worked out from the analytics copy yet.',
  href: `/app/staff/insight/measures/${encodeURIComponent(measure.id)}?org=${encodeURIComponent(org)}`,
});

const queryOf = (request: FastifyRequest): Readonly<Record<string, unknown>> => (request.query ?? {}) as Record<string, unknown>;

export function insightRoutes(deps: WebDeps) {
  return async function insightPages(app: FastifyInstance): Promise<void> {
    const show = (request: FastifyRequest, reply: FastifyReply, status: number, page: { title: string; main: ReturnType<typeof html>; errors?: readonly { field: string; message: string }[] }): FastifyReply =>
      deps.send(reply, status, deps.render(request, { title: page.title, main: page.main, ...(page.errors !== undefined && page.errors.length > 0 ? { errors: page.errors } : {}) }));

    app.get('/app/staff/insight', { schema: { querystring: dashboardQuery } }, async (request, reply) => {
      const ctx = staffContextOf(deps, request);
      const own = await ownOrganisation(ctx);
      const warehouse = deps.warehouse;
      const refreshedAt = warehouse === undefined ? undefined : await lastRefreshed(warehouse);
      if (warehouse === undefined || refreshedAt === undefined) {
        const state: DashboardState = { kind: warehouse === undefined ? 'off' : 'not-refreshed' };
        return show(request, reply, 200, renderDashboardContent({ placeName: own.name, organisations: [], org: own.reference, errors: [], state }));
      }
      const organisations = await organisationsOf(warehouse, own);
      const org = (queryOf(request).org as string | undefined) || own.reference;
      const choices = organisationChoices(organisations);
      if (!choices.some((c) => c.value === org)) {
        const errors = [{ field: 'org', message: 'Choose an organisation from the list, or the whole area' }];
        const content = renderDashboardContent({ placeName: own.name, organisations: choices, org, errors, state: { kind: 'ready', refreshedAt, cards: [] } });
        return show(request, reply, 400, { ...content, errors });
      }
      await noteOrganisationViewed(ctx, org, own.reference);
      const organisation = org === WHOLE_AREA ? undefined : org;
      const cards: MeasureCard[] = [];
      // one measure at a time: each is a few queries on the one analytics connection
      for (const measure of MEASURE_LIBRARY) {
        try {
          cards.push(await measureCard(warehouse, measure, organisation, org));
        } catch (error) {
          // one measure that cannot be worked out (its view not in the copy yet) does not hide the others
          request.log.warn({ err: { name: (error as Error).name, message: (error as Error).message }, measure: measure.id }, 'insight: a measure could not be worked out');
          cards.push(unavailableCard(measure, org));
        }
      }
      return show(request, reply, 200, renderDashboardContent({ placeName: placeNameOf(org, organisations), organisations: choices, org, errors: [], state: { kind: 'ready', refreshedAt, cards } }));
    });

    app.get('/app/staff/insight/measures/:id', { schema: { params: measureParams, querystring: measureQuery } }, async (request, reply) => {
      const ctx = staffContextOf(deps, request);
      const { id } = request.params as { id: string };
      const csv = id.endsWith('.csv');
      const measureId = csv ? id.slice(0, -'.csv'.length) : id;
      const measure = measureById(measureId);
      if (measure === undefined) throw new FhirError('NOT_FOUND', `There is no measure called "${measureId}". Go to the measures page and choose one from there.`);
      const own = await ownOrganisation(ctx);
      const warehouse = deps.warehouse;
      if (warehouse === undefined) {
        return show(request, reply, 503, unavailablePage('Analytics are turned off', 'Analytics are turned off on this Kindred server, so there are no measures to show. The people who run Kindred in your area can turn them on.'));
      }
      const refreshedAt = await lastRefreshed(warehouse);
      if (refreshedAt === undefined) {
        return show(request, reply, 503, unavailablePage('The measures are not ready yet', 'The analytics copy of the record has not been refreshed yet, so there are no measures to show. It is refreshed in the background; try again later.'));
      }
      const organisations = await organisationsOf(warehouse, own);
      const markers: Marker[] = await changeMarkers(ctx.record, measureId);
      const context = { warehouse, measure, organisations, defaultOrg: own.reference, markers, refreshedAt };
      const query = queryOf(request);
      await noteOrganisationViewed(ctx, typeof query.org === 'string' ? query.org : own.reference, own.reference);
      // the analytics copy may lack a view the measure reads (refreshed before the view was added): a page that says so, not a 500
      const unworkable = (error: unknown): FastifyReply => {
        if (isFhirError(error)) throw error;
        request.log.warn({ err: { name: (error as Error).name, message: (error as Error).message }, measure: measureId }, 'insight: a measure could not be worked out');
        return show(request, reply, 503, unavailablePage('This measure cannot be shown yet', 'This measure cannot be worked out from the analytics copy of the record yet. The copy is refreshed in the background; try again later.'));
      };
      if (csv) {
        const result = await measureCsv(context, query).catch((error: unknown) => error as Error);
        if (result instanceof Error) return unworkable(result);
        if (!result.ok) throw new FhirError('INVALID_REQUEST', `The CSV could not be made: ${result.errors.map((e) => e.message).join('. ')}.`);
        return reply
          .header('Cache-Control', 'no-store')
          .header('Content-Type', 'text/csv; charset=utf-8')
          .header('Content-Disposition', `attachment; filename="${result.filename}"`)
          .send(result.csv);
      }
      const page = await measurePageContent(context, query).catch((error: unknown) => error as Error);
      if (page instanceof Error) return unworkable(page);
      return show(request, reply, page.status, page);
    });
  };
}
