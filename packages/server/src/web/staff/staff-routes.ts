/**
 * The staff front door's pages. Each page reads and writes through the signed-in person's
 * access-checked, audited record (WebContext.record) and the care services; nothing here builds SQL.
 *
 * This file only registers the pages' plugins: the triage inbox, a request, booking, the day's
 * appointments and offers, people, the load and equity view, and messages.
 */
import { FhirError } from '@kindred/fhir';
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../web-context.ts';
import { FrontDoor } from '../web-layout.ts';
import { appointmentsRoutes } from './appointments-routes.ts';
import { bookingRoutes } from './booking-routes.ts';
import { equityRoutes } from './equity-routes.ts';
import { inboxRoutes } from './inbox-routes.ts';
import { messagesRoutes } from './messages-routes.ts';
import { offerRoutes } from './offer-routes.ts';
import { peopleRoutes } from './people-routes.ts';
import { requestRoutes } from './request-routes.ts';
import { wardRoutes } from '../ward/ward-routes.ts';
import { videoStaffRoutes } from '../video/video-staff-routes.ts';
import { insightRoutes } from '../insight/insight-routes.ts';
import { improvementRoutes } from '../improvement/improvement-routes.ts';

export function staffRoutes(deps: WebDeps) {
  return async function staffPages(app: FastifyInstance): Promise<void> {
    // the staff's pages are for staff: a person, a carer or a volunteer is sent no further (the policy would hide most of it anyway)
    app.addHook('preHandler', async (request) => {
      if (deps.contextOf(request).frontDoor !== FrontDoor.staff) {
        throw new FhirError('ACCESS_DENIED', 'These pages are for staff of a practice or service.');
      }
    });
    await app.register(inboxRoutes(deps));
    await app.register(requestRoutes(deps));
    await app.register(bookingRoutes(deps));
    await app.register(appointmentsRoutes(deps));
    await app.register(offerRoutes(deps));
    await app.register(peopleRoutes(deps));
    await app.register(equityRoutes(deps));
    await app.register(messagesRoutes(deps));
    await app.register(wardRoutes(deps));
    await app.register(videoStaffRoutes(deps));
    await app.register(insightRoutes(deps));
    await app.register(improvementRoutes(deps));
  };
}
