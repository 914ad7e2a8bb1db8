/** The staff's pages for measures, dashboards and charts (to be written). */
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../web-context.ts';

export function insightRoutes(_deps: WebDeps) {
  return async function insightPages(_app: FastifyInstance): Promise<void> {};
}
