/** The staff's pages for plan-do-study-act cycles and the innovation log (to be written). */
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../web-context.ts';

export function improvementRoutes(_deps: WebDeps) {
  return async function improvementPages(_app: FastifyInstance): Promise<void> {};
}
