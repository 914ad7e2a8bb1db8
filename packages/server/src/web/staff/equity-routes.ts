/**
 * The load and equity page, GET /app/staff/equity?from=&to=(&org=): the organisation's online
 * requests in the period (the last 90 days by default) by route and outcome, and who is not using
 * the online route, from the care service `requestLoadAndEquity` over the signed-in person's
 * access-checked record and the store's IMD reference table. A period that cannot be read is the
 * page again with status 400 and an error summary. Nothing here builds SQL.
 */
import { requestLoadAndEquity, type LoadAndEquity } from '@kindred/care';
import { isFhirError } from '@kindred/fhir';
import type { FastifyInstance } from 'fastify';
import type { FieldErrors } from '../components.ts';
import type { WebDeps } from '../web-context.ts';
import { equityPeriodOf } from './equity-period.ts';
import { renderEquityPage } from './equity-pages.ts';
import { staffContextOf } from './people-staff.ts';
import { staffWorkplace } from './staff-organisation.ts';

const periodQuery = { type: 'object', properties: { from: { type: 'string', maxLength: 40 }, to: { type: 'string', maxLength: 40 }, org: { type: 'string', maxLength: 100 } } } as const;

/** "2026-09-01" → "1/9/2026", the way the field's hint writes dates */
export const shortDay = (day: string): string => {
  const [y, m, d] = day.split('-');
  return `${Number(d)}/${Number(m)}/${y ?? ''}`;
};

export function equityRoutes(deps: WebDeps) {
  return async function equityPages(app: FastifyInstance): Promise<void> {
    app.get('/app/staff/equity', { schema: { querystring: periodQuery } }, async (request, reply) => {
      const ctx = staffContextOf(deps, request);
      const query = request.query as { from?: string; to?: string; org?: string };
      // the organisation of their roles (?org= when they work for several); a 403 page when they have none
      const workplace = await staffWorkplace(ctx.principal, ctx.record, query.org);
      const organisationId = workplace.current.id;
      const now = Date.now();
      const period = equityPeriodOf(query, now);
      const base = { organisationName: workplace.current.name, organisations: workplace.all.map((o) => ({ id: o.id, name: o.name })), organisationId };
      const page = (status: number, fields: { from: string; to: string }, errors: FieldErrors, view?: LoadAndEquity) => {
        const content = renderEquityPage({ ...base, fields, errors, ...(view !== undefined ? { view } : {}) });
        return deps.send(reply, status, deps.render(request, { title: content.title, main: content.main, ...(errors.length > 0 ? { errors } : {}) }));
      };
      if ('errors' in period) return page(400, period.typed, period.errors);
      let view: LoadAndEquity;
      try {
        view = await requestLoadAndEquity(ctx.record, deps.settings.store.reference, { organisationId, from: period.from, to: period.to, now: new Date(now) });
      } catch (error) {
        if (isFhirError(error) && error.errorName === 'INVALID_REQUEST') return page(400, { from: query.from ?? '', to: query.to ?? '' }, [{ field: 'from', message: error.message }]);
        throw error;
      }
      return page(200, { from: shortDay(period.from), to: shortDay(period.to) }, [], view);
    });
  };
}
