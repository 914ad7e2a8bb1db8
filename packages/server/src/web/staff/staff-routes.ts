/**
 * The staff front door's pages. Each page reads and writes through the signed-in person's
 * access-checked, audited record (WebContext.record) and the care services; nothing here builds SQL.
 *
 * This file only registers the pages' plugins: the triage inbox, a request, booking, the day's
 * appointments and offers, people, the load and equity view, and messages.
 */
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../web-context.ts';
import { appointmentsRoutes } from './appointments-routes.ts';
import { bookingRoutes } from './booking-routes.ts';
import { equityRoutes } from './equity-routes.ts';
import { inboxRoutes } from './inbox-routes.ts';
import { messagesRoutes } from './messages-routes.ts';
import { offerRoutes } from './offer-routes.ts';
import { peopleRoutes } from './people-routes.ts';
import { requestRoutes } from './request-routes.ts';

export function staffRoutes(deps: WebDeps) {
  return async function staffPages(app: FastifyInstance): Promise<void> {
    await app.register(inboxRoutes(deps));
    await app.register(requestRoutes(deps));
    await app.register(bookingRoutes(deps));
    await app.register(appointmentsRoutes(deps));
    await app.register(offerRoutes(deps));
    await app.register(peopleRoutes(deps));
    await app.register(equityRoutes(deps));
    await app.register(messagesRoutes(deps));
  };
}
