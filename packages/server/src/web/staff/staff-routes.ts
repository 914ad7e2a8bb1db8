/**
 * The staff front door's pages. Each page reads and writes through the signed-in person's
 * access-checked, audited record (WebContext.record) and the care services; nothing here builds SQL.
 */
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../web-context.ts';

export function staffRoutes(deps: WebDeps) {
  return async function staffPages(app: FastifyInstance): Promise<void> {
    void deps;
    void app;
  };
}
